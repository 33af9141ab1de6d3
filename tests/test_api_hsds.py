"""The HSDS read API's list filters (the specification's openapi.json parameters) and its UUID lookups."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from directory.extensions import db
from directory.models import Location, Sector, Service
from directory.operations.hsds import link_uuid, location_uuid, organization_uuid, service_uuid, uid
from tests.factories import ANDERLECHT, make_service
from tests.hsds_schema import errors as hsds_errors

SERVICES = "/api/v1/hsds/services"


@pytest.fixture
def ids(app: Flask) -> dict[str, Any]:
    with app.app_context():
        pharmacy = make_service("Pharmacie Botanique", ("pharmacy",), description_fr="Préparations magistrales")
        medical = make_service("Maison médicale Helmet", ("medical_house",), name_nl="Wijkgezondheidscentrum Helmet")
        make_service("Pharmacie fermée", ("pharmacy",), status="inactive")
        db.session.commit()
        return {
            "pharmacy": service_uuid(pharmacy),
            "medical": service_uuid(medical),
            "medical_org": organization_uuid(medical.organization),
            "medical_id": medical.id,
        }


def _names(client: FlaskClient, query: str) -> list[str]:
    answer = client.get(f"{SERVICES}?{query}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    contents = answer.json["contents"]
    assert answer.json["total_items"] == len(contents)
    return sorted(s["name"] for s in contents)


def test_search_matches_every_word_in_either_language(client: FlaskClient, ids: dict) -> None:
    assert _names(client, "search=pharmacie") == ["Pharmacie Botanique"]
    assert _names(client, "search=wijkgezondheidscentrum helmet") == ["Maison médicale Helmet"]
    assert _names(client, "search=magistrales") == ["Pharmacie Botanique"]
    assert _names(client, "search=helmet pharmacie") == []
    assert _names(client, "search=100%25") == []  # LIKE wildcards are taken literally


def test_taxonomy_terms_and_taxonomies_filter(client: FlaskClient, ids: dict) -> None:
    term = uid("taxonomy_term", "qfq-sectors", "medical_house")
    assert _names(client, f"taxonomy_term_id={term}") == ["Maison médicale Helmet"]
    assert _names(client, "taxonomy_term_id=pharmacy") == ["Pharmacie Botanique"]
    assert _names(client, f"taxonomy_term_id={uid('taxonomy_term', 'qfq-sectors', 'nothing')}") == []
    both = ["Maison médicale Helmet", "Pharmacie Botanique"]
    assert _names(client, f"taxonomy_id={uid('taxonomy', 'qfq-sectors')}") == both
    assert _names(client, "taxonomy_id=qfq-publics") == []  # no fiche declares a public
    served = client.get(f"{SERVICES}?taxonomy_term_id={term}").json["contents"][0]
    assert term in {a["taxonomy_term_id"] for a in served["attributes"]}  # the id the answer itself carries


def test_organization_and_modified_after_filter(app: Flask, client: FlaskClient, ids: dict) -> None:
    assert _names(client, f"organization_id={ids['medical_org']}") == ["Maison médicale Helmet"]
    assert _names(client, "organization_id=00000000-0000-4000-8000-000000000000") == []
    later = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    assert _names(client, "modified_after=2020-01-01") == ["Maison médicale Helmet", "Pharmacie Botanique"]
    assert _names(client, f"modified_after={later.replace('+00:00', 'Z')}") == []
    bad = client.get(f"{SERVICES}?modified_after=yesterday", headers={"Accept-Language": "fr"})
    assert bad.status_code == 400 and bad.json["error"]["field"] == "modified_after"
    assert bad.json["error"]["message"] == "Valeur invalide pour le paramètre modified_after."


def test_minimal_and_flat_forms(client: FlaskClient, ids: dict) -> None:
    minimal = client.get(f"{SERVICES}?minimal=true&per_page=1000").json
    assert sorted(s["id"] for s in minimal["contents"]) == sorted([ids["pharmacy"], ids["medical"]])
    assert all(set(s) == {"id", "modified_date"} for s in minimal["contents"])
    assert client.get(f"{SERVICES}?per_page=1000").status_code == 400  # 1000 per page only for minimal lists
    flat = client.get(f"{SERVICES}?full=false&search=helmet").json["contents"][0]
    assert hsds_errors("service", flat) == [] and "organization" not in flat and "phones" not in flat
    full = client.get(f"{SERVICES}?search=helmet").json["contents"][0]
    assert full["phones"] and full["organization"]["id"] == ids["medical_org"]
    assert client.get(f"{SERVICES}?full=maybe").status_code == 400


def test_ndjson_streams_every_match(client: FlaskClient, ids: dict) -> None:
    answer = client.get(f"{SERVICES}?format=ndjson&taxonomy_id=qfq-sectors")
    assert answer.mimetype == "application/x-ndjson"
    lines = [json.loads(line) for line in answer.get_data(as_text=True).splitlines()]
    assert sorted(s["id"] for s in lines) == sorted([ids["pharmacy"], ids["medical"]])
    assert [hsds_errors("service", s) for s in lines] == [[], []]
    assert client.get(f"{SERVICES}?format=xml").status_code == 400


def test_organizations_filter_and_nest(client: FlaskClient, ids: dict) -> None:
    found = client.get("/api/v1/hsds/organizations?search=helmet").json
    assert found["total_items"] == 1 and found["contents"][0]["id"] == ids["medical_org"]
    assert len(found["contents"][0]["services"]) == 1
    bare = client.get("/api/v1/hsds/organizations?search=helmet&full=false").json["contents"][0]
    assert "services" not in bare and hsds_errors("organization", bare) == []
    flat = client.get(f"/api/v1/hsds/organizations/{ids['medical_org']}?full_service=false").json
    assert "phones" not in flat["services"][0] and flat["services"][0]["id"] == ids["medical"]


def test_uuids_resolve_after_changes(app: Flask, client: FlaskClient, ids: dict) -> None:
    """The UUID map is topped up: a new fiche, and a fiche whose source changed (so its UUID), resolve at once;
    the old UUID answers 404."""
    assert client.get(f"{SERVICES}/{ids['medical']}").json["name"] == "Maison médicale Helmet"
    assert client.get(f"{SERVICES}/{ids['medical'].upper()}").status_code == 200
    with app.app_context():
        added = make_service("Service social Nouveau", ("pharmacy",))
        db.session.commit()
        new_uuid = service_uuid(added)
        medical = db.session.get(Service, ids["medical_id"])
        medical.source, medical.source_id = "social-brussels", "sb-42"
        db.session.commit()
        moved = service_uuid(medical)
    assert client.get(f"{SERVICES}/{new_uuid}").json["name"] == "Service social Nouveau"
    assert client.get(f"{SERVICES}/{moved}").json["name"] == "Maison médicale Helmet"
    assert client.get(f"{SERVICES}/{ids['medical']}").status_code == 404


HSDS = "/api/v1/hsds"
#: every paged list of the API, each checked with absurd `page` / `per_page` values
PAGED = [
    "/api/v1/organizations",
    "/api/v1/locations",
    *(f"{HSDS}/{name}" for name in ("services", "organizations", "service_at_locations", "taxonomies")),
    f"{HSDS}/taxonomy_terms",
]


@pytest.mark.parametrize("url", PAGED)
@pytest.mark.parametrize(
    "query", ["page=0", "page=-3", "page=abc", "page=1e3", f"page={10**30}", "per_page=0", f"per_page={2**63}"]
)
def test_absurd_pages_are_a_translated_400(client: FlaskClient, ids: dict, url: str, query: str) -> None:
    answer = client.get(f"{url}?{query}", headers={"Accept-Language": "nl"})
    assert answer.status_code == 400 and answer.is_json
    name = query.split("=")[0]
    assert answer.json["error"]["field"] == name
    assert answer.json["error"]["message"].startswith(f"{name} moet")  # the search form's Dutch messages


def test_taxonomies_and_terms(client: FlaskClient, ids: dict) -> None:
    taxonomies = client.get(f"{HSDS}/taxonomies").json
    assert [t["name"] for t in taxonomies["contents"]] == ["qfq-sectors", "qfq-publics"]
    assert [hsds_errors("taxonomy", t) for t in taxonomies["contents"]] == [[], []]
    sectors = uid("taxonomy", "qfq-sectors")
    assert client.get(f"{HSDS}/taxonomies/{sectors}").json["name"] == "qfq-sectors"
    assert client.get(f"{HSDS}/taxonomies?search=publics").json["total_items"] == 1
    terms = client.get(f"{HSDS}/taxonomy_terms?taxonomy_id=qfq-sectors&per_page=100").json
    with client.application.app_context():
        assert terms["total_items"] == db.session.query(Sector).count() > 0
    assert all(t["taxonomy_id"] == sectors and hsds_errors("taxonomy_term", t) == [] for t in terms["contents"])
    pharmacy = uid("taxonomy_term", "qfq-sectors", "pharmacy")
    term = client.get(f"{HSDS}/taxonomy_terms/{pharmacy}").json
    assert term["code"] == "pharmacy" and hsds_errors("taxonomy_term", term) == []
    served = client.get(f"{SERVICES}/{ids['pharmacy']}").json["attributes"][0]["taxonomy_term"]
    assert served == term  # the term the services carry is the one the list serves
    assert client.get(f"{HSDS}/taxonomy_terms?search=pharmacy").json["contents"][0]["id"] == pharmacy
    assert client.get(f"{HSDS}/taxonomy_terms?parent_id={pharmacy}").json["total_items"] == 0
    assert client.get(f"{HSDS}/taxonomy_terms?taxonomy_id=nothing").json["total_items"] == 0
    assert client.get(f"{HSDS}/taxonomy_terms?top_only=perhaps").status_code == 400
    lines = client.get(f"{HSDS}/taxonomies?format=ndjson").get_data(as_text=True).splitlines()
    assert [json.loads(line)["id"] for line in lines] == [t["id"] for t in taxonomies["contents"]]


@pytest.fixture
def anderlecht(app: Flask, ids: dict) -> str:
    """A third published fiche, in Anderlecht (postcode 1070), some 6 km from the centre of 1030."""
    with app.app_context():
        service = make_service("Service social Anderlecht", ("pharmacy",), at=ANDERLECHT, postcode="1070")
        db.session.commit()
        return service_uuid(service)


def test_service_at_locations(client: FlaskClient, ids: dict, anderlecht: str) -> None:
    links = client.get(f"{HSDS}/service_at_locations").json
    assert links["total_items"] == 3
    assert [hsds_errors("service_at_location", link) for link in links["contents"]] == [[], [], []]
    first = links["contents"][0]
    assert first["location"]["id"] == first["location_id"] and first["service"]["id"] == first["service_id"]
    one = client.get(f"{HSDS}/service_at_locations/{first['id']}").json
    assert one == first and hsds_errors("service_at_location", one) == []
    nested = client.get(f"{SERVICES}/{first['service_id']}").json["service_at_locations"][0]["id"]
    assert nested == first["id"]  # the id a service carries finds its link
    flat = client.get(f"{HSDS}/service_at_locations?full=false&organization_id={ids['medical_org']}").json
    assert flat["total_items"] == 1 and "addresses" not in flat["contents"][0]["location"]
    assert "phones" not in flat["contents"][0]["service"] and flat["contents"][0]["service_id"] == ids["medical"]
    lines = client.get(f"{HSDS}/service_at_locations?format=ndjson").get_data(as_text=True).splitlines()
    assert [json.loads(line)["id"] for line in lines] == [link["id"] for link in links["contents"]]
    assert client.get(f"{HSDS}/service_at_locations/00000000-0000-4000-8000-000000000000").status_code == 404


def test_a_new_place_gets_its_service_at_location(app: Flask, client: FlaskClient, ids: dict) -> None:
    """The link map is rebuilt when places are added to a fiche (the fiche's own date need not change)."""
    client.get(f"{HSDS}/service_at_locations/00000000-0000-4000-8000-000000000000")  # builds the map
    with app.app_context():
        medical = db.session.get(Service, ids["medical_id"])
        medical.locations.append(Location(street_fr="Rue Neuve", house_number="1", postcode="1000"))
        db.session.commit()
        link = link_uuid(ids["medical"], location_uuid(medical.locations[-1].id))
    assert client.get(f"{HSDS}/service_at_locations/{link}").json["location"]["addresses"][0]["postal_code"] == "1000"


def test_postcode_and_proximity(client: FlaskClient, ids: dict, anderlecht: str) -> None:
    """Schaerbeek's fiches stand some 0.9 km from the centre of 1030 (tests/factories.py and the postcode table),
    Anderlecht's some 6 km."""
    links = f"{HSDS}/service_at_locations"
    assert _names(client, "postcode=1070") == ["Service social Anderlecht"]
    assert _names(client, "postcode=1030") == ["Maison médicale Helmet", "Pharmacie Botanique"]
    assert _names(client, "postcode=1030&proximity=1000") == ["Maison médicale Helmet", "Pharmacie Botanique"]
    assert _names(client, "postcode=1030&proximity=800") == []
    assert len(_names(client, "postcode=1030&proximity=10000")) == 3
    assert client.get(f"{links}?postcode=1070&proximity=500").json["contents"][0]["service_id"] == anderlecht
    assert client.get(f"{links}?postcode=1030&proximity=10000").json["total_items"] == 3
    assert _names(client, "postcode=9999&proximity=1000") == []  # not a postcode of the region
    for query, field in [
        ("proximity=500", "proximity"),
        ("postcode=1030&proximity=far", "proximity"),
        ("postcode=1030&proximity=-5", "proximity"),
        ("postcode=1030&proximity=99999999999999999999", "proximity"),
        ("postcode=B-1030", "postcode"),
    ]:
        for url in (SERVICES, links):
            bad = client.get(f"{url}?{query}", headers={"Accept-Language": "fr"})
            assert bad.status_code == 400 and bad.json["error"]["field"] == field, query
            dutch = client.get(f"{url}?{query}", headers={"Accept-Language": "nl"}).json["error"]["message"]
            assert field in bad.json["error"]["message"] and bad.json["error"]["message"] != dutch  # translated
