"""Search: committed changes reach the real Meilisearch index; the API validates, filters, ranks and counts."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import SearchOutbox
from directory.search import get_client, index_name
from directory.search.client import MeiliClient
from directory.search.sync import reindex, wait_until_indexed
from tests.factories import ANDERLECHT, SCHAERBEEK, make_service


def api(client: FlaskClient, **params) -> dict:
    response = client.get("/api/v1/services", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def names(result: dict) -> list[str]:
    return [hit["name_fr"] for hit in result["hits"]]


def test_committed_change_reaches_index_and_follows_updates(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        service = make_service("Maison médicale Vinçotte", ["medical_house"], org_fr="ASBL Santé pour tous")
        db.session.commit()
        wait_until_indexed()
        assert names(api(client, q="vincotte")) == ["Maison médicale Vinçotte"]

        service.name_fr = "Maison médicale Helmet"
        db.session.commit()
        wait_until_indexed()
        assert names(api(client, q="Helmet")) == ["Maison médicale Helmet"]
        assert api(client, q="vincotte")["total"] == 0
        assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0

        service.status = "inactive"
        db.session.commit()
        wait_until_indexed()
        assert api(client, q="Helmet")["total"] == 0


def test_location_change_reindexes_its_service(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        service = make_service("Centre de planning familial Josaphat", ["family_planning"])
        db.session.commit()
        wait_until_indexed()
        assert api(client, commune="21015")["total"] == 1  # Schaerbeek

        location = service.locations[0]
        location.lat, location.lon, location.postcode = *ANDERLECHT, "1070"
        from directory.geo.tagging import tag_location

        tag_location(location)
        db.session.commit()
        wait_until_indexed()
        assert api(client, commune="21015")["total"] == 0
        assert api(client, commune="21001")["total"] == 1  # Anderlecht


@pytest.fixture
def meili_down(app: Flask, monkeypatch: pytest.MonkeyPatch):
    """Point the app at a port where nothing listens (the discard port), then restore the real client."""
    dead = MeiliClient("http://127.0.0.1:9", timeout=1.0)
    monkeypatch.setitem(app.extensions, "meili", dead)
    yield monkeypatch
    dead.close()


def test_unreachable_meilisearch_keeps_changes_in_outbox(app: Flask, runner, meili_down) -> None:
    with app.app_context():
        make_service("Service social de quartier", ["community_centre"])
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 1

    meili_down.undo()  # Meilisearch is back
    with app.app_context():
        result = runner.invoke(args=["search", "sync"])
        assert result.exit_code == 0, result.output
        assert "1 services synced" in result.output
        wait_until_indexed()
        assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
        assert get_client().stats(index_name())["numberOfDocuments"] == 1


def test_reindex_swaps_in_a_complete_index(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        app.config["SEARCH_SYNC_ON_COMMIT"] = False
        for i in range(30):
            make_service(f"Pharmacie {i}", ["pharmacy"])
        db.session.commit()
        assert api(client)["total"] == 0  # nothing pushed yet
        assert reindex() == 30
        assert api(client, q="pharmacie")["total"] == 30
        assert not get_client().index_exists(f"{index_name()}_build")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("medecin generaliste Schaerbeek", "Cabinet de médecine générale Josaphat"),
        ("wijkgezondheidscentrum", "Maison médicale Le Noyer"),
        ("OCMW Anderlecht", "CPAS d'Anderlecht — service social"),
        ("aide alimentaire", "Épicerie sociale Colignon"),
        ("planing familial", "Planning familial Rosa"),  # one typo
    ],
)
def test_relevance_of_typical_queries(app: Flask, client: FlaskClient, query: str, expected: str) -> None:
    with app.app_context():
        make_service("Cabinet de médecine générale Josaphat", ["general_practitioner"])
        make_service("Maison médicale Le Noyer", ["medical_house"])
        make_service("CPAS d'Anderlecht — service social", ["cpas"], at=ANDERLECHT)
        make_service("Épicerie sociale Colignon", ["food_aid"])
        make_service("Planning familial Rosa", ["family_planning"])
        make_service("Pharmacie Anderlecht", ["pharmacy"], at=ANDERLECHT)
        db.session.commit()
        wait_until_indexed()
        assert names(api(client, q=query))[0] == expected


def test_facets_are_disjunctive_and_counted(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_service("Pharmacie A", ["pharmacy"], cost="paid", languages=["fr", "ar"])
        make_service("Pharmacie B", ["pharmacy"], cost="paid", languages=["nl"])
        make_service("Épicerie sociale", ["food_aid"], cost="free", languages=["fr"])
        db.session.commit()
        wait_until_indexed()

        result = api(client, sector="pharmacy", lang="fr")
        assert result["total"] == 2
        sector_counts = {f["value"]: f["count"] for f in result["facets"]["sector"]}
        assert sector_counts == {"pharmacy": 2, "food_aid": 1}  # other choice still counted
        assert {f["value"]: f["count"] for f in result["facets"]["language"]} == {"fr": 1, "ar": 1, "nl": 1}
        labels = {f["value"]: f["label"] for f in result["facets"]["language"]}
        assert labels["ar"] == "arabe"
        selected = [f["value"] for f in result["facets"]["sector"] if f["selected"]]
        assert selected == ["pharmacy"]

        assert api(client, sector=["pharmacy", "food_aid"], cost="free")["total"] == 1
        nl = api(client, sector="pharmacy", lang="nl")
        assert {f["value"]: f["label"] for f in nl["facets"]["language"]}["ar"] == "Arabisch"


def test_near_filters_by_radius_and_sorts_by_distance(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_service("Loin", ["pharmacy"], at=ANDERLECHT)
        make_service("Près", ["pharmacy"], at=(50.8680, 4.3740))
        make_service("Tout près", ["pharmacy"], at=(50.8677, 4.3738))
        db.session.commit()
        wait_until_indexed()
        near = f"{SCHAERBEEK[0]},{SCHAERBEEK[1]}"
        assert names(api(client, near=near)) == ["Tout près", "Près", "Loin"]
        assert names(api(client, near=near, radius=500)) == ["Tout près", "Près"]


def test_pagination(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        for i in range(25):
            make_service(f"Dentiste {i:02d}", ["dentist"])
        db.session.commit()
        wait_until_indexed()
        first, last = api(client, q="dentiste", page=1), api(client, q="dentiste", page=2)
        assert (first["total"], first["pages"], len(first["hits"]), len(last["hits"])) == (25, 2, 20, 5)
        assert not set(names(first)) & set(names(last))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"near": "abc"}, "near"),
        ({"near": "999,4.35"}, "near"),
        ({"radius": "500"}, "radius"),
        ({"near": "50.8,4.3", "radius": "-1"}, "radius"),
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"per_page": "1000"}, "per_page"),
        ({"cost": "yes"}, "cost"),
        ({"sector": 'a" OR status = "inactive'}, "sector"),
        ({"lang": "de"}, "lang"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_invalid_parameters_get_a_clear_400(client: FlaskClient, params: dict, field: str) -> None:
    response = client.get("/api/v1/services", query_string=params)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["field"] == field
    assert error["message"]


def test_error_messages_follow_the_language(client: FlaskClient) -> None:
    fr = client.get("/api/v1/services?lang=fr&page=0").get_json()["error"]["message"]
    nl = client.get("/api/v1/services?lang=nl&page=0").get_json()["error"]["message"]
    assert fr != nl
    assert "entre" in fr and "tussen" in nl


def test_search_down_answers_from_the_database(client: FlaskClient, meili_down) -> None:
    assert api(client, q="test")["degraded"] is True  # tests/test_degraded.py checks the results
