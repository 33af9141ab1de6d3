"""What a search answers: only true matches, an honest message and labelled alternatives when there are none,
understood places as filters, distance order, sort, opening filters, duplicates, and the unmet-search record."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from directory.extensions import db
from directory.models import UnmetSearch
from directory.search.sync import wait_until_indexed
from tests.account_helpers import Team, page_text, sign_in
from tests.factories import ANDERLECHT, SCHAERBEEK, make_service

MOLENBEEK = (50.8550, 4.3240)
JETTE = (50.8790, 4.3250)
PLACE_BARA = (50.8365, 4.3370)


def api(client: FlaskClient, **params) -> dict:
    response = client.get("/api/v1/services", query_string=params)
    assert response.status_code == 200, response.get_json()
    response.close()  # as a WSGI server does once the answer is sent: the unmet-search record is written then
    return response.get_json()


def names(hits: list[dict]) -> list[str]:
    return [hit["name_fr"] for hit in hits]


def cpas_elsewhere(app: Flask) -> None:
    with app.app_context():
        make_service("CPAS de Molenbeek", ["cpas"], at=MOLENBEEK)
        make_service("CPAS de Jette", ["cpas"], at=JETTE)
        make_service("Pharma City Chasse", ["pharmacy"], at=ANDERLECHT)
        make_service("Maison de quartier Chaussée de Mons", ["community_centre"], at=ANDERLECHT)
        make_service("Clinique Sans Souci", ["hospital"], at=ANDERLECHT)
        make_service("Centre Kiné Chazal", ["rehabilitation"])
        db.session.commit()
        wait_until_indexed()


def test_nothing_matching_gives_no_junk_but_labelled_alternatives(app: Flask, client: FlaskClient) -> None:
    cpas_elsewhere(app)
    result = api(client, q="OCMW Anderlecht", lang="nl")
    assert result["total"] == 0 and result["hits"] == []
    assert result["understood"]["sector"] == ["cpas"] and result["understood"]["commune"] == ["21001"]
    assert "OCMW" in result["missing"] and "Anderlecht" in result["missing"]
    groups = {group["reason"]: names(group["hits"]) for group in result["alternatives"]}
    assert groups["neighbouring_commune"] == ["CPAS de Molenbeek"]  # Molenbeek borders Anderlecht
    assert groups["region"] == ["CPAS de Jette"]
    shown = [name for hits in groups.values() for name in hits]
    assert not {"Pharma City Chasse", "Maison de quartier Chaussée de Mons"} & set(shown)
    assert all(group["label"] for group in result["alternatives"])


def test_a_place_and_a_distance_ask_for_the_alternatives_in_the_same_request(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    cpas_elsewhere(app)
    meili = app.extensions["meili"]
    paths: list[str] = []
    send = meili.request
    monkeypatch.setattr(
        meili, "request", lambda method, path, *a, **k: paths.append(path) or send(method, path, *a, **k)
    )
    near = f"{MOLENBEEK[0]},{MOLENBEEK[1]}"
    result = api(client, q="OCMW Anderlecht", lang="nl", near=near, radius="2000")
    assert result["total"] == 0 and paths == ["/multi-search"]  # the search and its alternatives: one request
    groups = {group["reason"]: names(group["hits"]) for group in result["alternatives"]}
    assert groups["neighbouring_commune"] == ["CPAS de Molenbeek"]
    paths.clear()
    assert api(client, q="OCMW Molenbeek", lang="nl", near=near, radius="2000")["total"] == 1
    assert paths == ["/multi-search"]  # found something: the alternatives asked along are not shown
    paths.clear()
    assert api(client, q="OCMW Anderlecht", lang="nl")["alternatives"]  # no second place: asked afterwards
    assert paths == ["/multi-search", "/multi-search"]


def test_words_that_used_to_pull_junk_find_nothing_unrelated(app: Flask, client: FlaskClient) -> None:
    cpas_elsewhere(app)
    for q, lang in (("maison de repos", "fr"), ("sans papiers", "fr"), ("Kind en Gezin", "nl"), ("CPAS", "fr")):
        result = api(client, q=q, lang=lang)
        shown = names(result["hits"]) + [n for g in result["alternatives"] for n in names(g["hits"])]
        assert not {"Maison de quartier Chaussée de Mons", "Clinique Sans Souci", "Centre Kiné Chazal"} & set(shown), q
        assert "Pharma City Chasse" not in shown
    assert sorted(names(api(client, q="CPAS")["hits"])) == ["CPAS de Jette", "CPAS de Molenbeek"]


def test_a_word_that_matches_nothing_is_said_plainly(app: Flask, client: FlaskClient) -> None:
    cpas_elsewhere(app)
    result = api(client, q="xylophone", lang="fr")
    assert (result["total"], result["alternatives"]) == (0, [])
    assert "xylophone" in result["missing"]


def test_sector_words_reach_the_kind_and_a_place_filters(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_service("Maison médicale Le Noyer", ["medical_house"], at=SCHAERBEEK)
        make_service("Maison médicale Lemmens", ["medical_house"], at=ANDERLECHT)
        make_service("R'en Arts", ["community_centre"], at=SCHAERBEEK)
        db.session.commit()
        wait_until_indexed()
    assert names(api(client, q="huisarts", lang="nl")["hits"]) == [
        "Maison médicale Le Noyer",
        "Maison médicale Lemmens",
    ]
    assert names(api(client, q="dokter Schaarbeek", lang="nl")["hits"]) == ["Maison médicale Le Noyer"]
    assert names(api(client, q="arts", lang="nl")["hits"]) == ["Maison médicale Le Noyer", "Maison médicale Lemmens"]
    assert names(api(client, q="arts", lang="fr")["hits"]) == ["R'en Arts"]  # French "arts" is not a doctor
    # a dismissed place: its word is searched as a word (in the address or the commune name)
    assert names(api(client, q="dokter Schaarbeek", lang="nl", **{"not": "schaarbeek"})["hits"]) == [
        "Maison médicale Le Noyer"
    ]
    assert api(client, q="dokter Schaarbeek", lang="nl", **{"not": "dokter"})["understood"]["sector"] == []


def test_with_a_place_true_matches_come_by_distance(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        for name, metres_north in (
            ("Pharmacie A", 500),
            ("Pharmacie B", 200),
            ("Pharmacie C", 900),
            ("Pharmacie D", 50),
        ):
            make_service(name, ["pharmacy"], at=(PLACE_BARA[0] + metres_north / 111_000, PLACE_BARA[1]))
        db.session.commit()
        wait_until_indexed()
    near = f"{PLACE_BARA[0]},{PLACE_BARA[1]}"
    result = api(client, q="pharmacie", near=near, radius=1000)
    assert names(result["hits"]) == ["Pharmacie D", "Pharmacie B", "Pharmacie A", "Pharmacie C"]
    distances = [hit["_geoDistance"] for hit in result["hits"]]
    assert distances == sorted(distances) and 40 < distances[0] < 60
    assert result["sort"] == "distance"
    by_name = api(client, q="pharmacie", near=near, radius=1000, sort="name")
    assert names(by_name["hits"]) == ["Pharmacie A", "Pharmacie B", "Pharmacie C", "Pharmacie D"]
    assert all("_geoDistance" in hit for hit in by_name["hits"])  # the distance is still shown
    # an understood commune is a centre too: distance is offered and shown
    in_anderlecht = api(client, q="pharmacie Anderlecht", sort="distance")
    assert in_anderlecht["sort"] == "distance" and all("_geoDistance" in h for h in in_anderlecht["hits"])


def test_copies_of_one_place_do_not_fill_the_top(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        for _ in range(3):
            make_service("Pharmacie Centrale", ["pharmacy"], at=PLACE_BARA)
        for i in range(4):
            make_service(f"Pharmacie {i}", ["pharmacy"], at=(PLACE_BARA[0] + 0.001 * (i + 1), PLACE_BARA[1]))
        db.session.commit()
        wait_until_indexed()
    hits = api(client, q="pharmacie", near=f"{PLACE_BARA[0]},{PLACE_BARA[1]}")["hits"]
    assert names(hits[:5]).count("Pharmacie Centrale") == 1
    assert [h.get("duplicate", False) for h in hits] == [False] * 5 + [True, True]


def test_open_at_uses_hours_holidays_and_closures(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_service("Ouvert en semaine", ["food_aid"], opening_hours="Mo-Fr 09:00-17:00; PH off")
        make_service("Ouvert le samedi", ["food_aid"], opening_hours="Sa 10:00-12:00")
        make_service("Horaires inconnus", ["food_aid"])
        make_service(
            "Fermé pour travaux",
            ["food_aid"],
            opening_hours="Mo-Fr 09:00-17:00",
            closed_from=date(2026, 12, 1),
            closed_until=date(2026, 12, 31),
        )
        db.session.commit()
        wait_until_indexed()
    monday = api(client, q="aide alimentaire", open_at="2026-12-07T10:00")
    assert names(monday["hits"]) == ["Ouvert en semaine"]
    assert names(monday["unknown_hours"]["hits"]) == ["Horaires inconnus"]
    assert names(api(client, q="aide alimentaire", open_at="2026-12-12T11:00")["hits"]) == ["Ouvert le samedi"]
    christmas = api(client, q="aide alimentaire", open_at="2026-12-25T10:00")  # a public holiday, a Friday
    assert christmas["hits"] == [] and names(christmas["unknown_hours"]["hits"]) == ["Horaires inconnus"]
    assert client.get("/api/v1/services?open_at=tomorrow").status_code == 400


def test_results_page_shows_understanding_message_and_alternatives(app: Flask, client: FlaskClient) -> None:
    cpas_elsewhere(app)
    fr = client.get("/fr/search?q=CPAS+Anderlecht").get_data(as_text=True)
    assert "Votre recherche a été comprise comme" in fr
    assert "not=anderlecht" in fr  # the chip that removes the place
    assert "Pas encore de CPAS à Anderlecht dans le répertoire." in fr
    assert "dans une commune voisine de Anderlecht" in fr and "CPAS de Molenbeek" in fr
    assert "Pharma City" not in fr
    nl = client.get("/nl/search?q=OCMW+Anderlecht").get_data(as_text=True)
    assert "Nog geen OCMW in Anderlecht in de gids." in nl and "in een buurgemeente van Anderlecht" in nl
    chip_removed = client.get("/fr/search?q=CPAS+Anderlecht&not=anderlecht").get_data(as_text=True)
    assert "Pas encore de CPAS" not in chip_removed


def test_unmet_searches_are_counted_without_personal_data(app: Flask, client: FlaskClient, team: Team) -> None:
    cpas_elsewhere(app)
    for _ in range(2):
        api(client, q="OCMW  Anderlecht", lang="nl")
    client.get("/fr/search?q=CPAS+Anderlecht").close()
    api(client, q="CPAS")  # found: not recorded
    with app.app_context():
        rows = db.session.scalars(select(UnmetSearch).order_by(UnmetSearch.lang)).all()
        assert [(r.lang, r.query, r.count) for r in rows] == [
            ("fr", "cpas anderlecht", 1),
            ("nl", "ocmw anderlecht", 2),
        ]
        assert '"understood_commune":["21001"]' in rows[0].filters
        assert set(UnmetSearch.__table__.columns.keys()) == {
            "id",
            "day",
            "lang",
            "query",
            "filters",
            "alternatives",
            "count",
        }
    page = sign_in(client, team.moderator).get("/nl/moderation/unmet-searches").get_data(as_text=True)
    assert "ocmw anderlecht" in page and "Anderlecht" in page


def test_map_list_and_easy_read_offer_the_same_alternatives(app: Flask, client: FlaskClient) -> None:
    cpas_elsewhere(app)
    page = client.get("/fr/map?q=CPAS+Anderlecht").get_data(as_text=True)
    assert "Pas encore de CPAS à Anderlecht dans le répertoire." in page and "CPAS de Molenbeek" in page
    chosen = api(client, sector="cpas", commune="21001", lang="nl")  # chosen filters, no words
    assert chosen["total"] == 0
    assert names(chosen["alternatives"][0]["hits"]) == ["CPAS de Molenbeek"]
    easy = client.get("/fr/facile/money/list?commune=21001").get_data(as_text=True)  # CPAS is under "money"
    assert "Voici des lieux dans les communes d&#39;à côté." in easy  # easy-read widens to the neighbours and says so
    assert "CPAS de Molenbeek" in easy and "Pharma City" not in easy


def test_a_function_name_finds_the_services_offering_it_with_a_chip(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_service("Réseau Santé Ixelles", ["social_work_centre"], functions=["concertation_organiser"])
        make_service("Équipe Soutien", ["mental_health"], functions=["case_manager"], at=ANDERLECHT)
        make_service("Tele-Onthaal Brussel", ["listening_line"])
        make_service("Numéro Social Bruxelles", ["social_work_centre"], functions=["helpdesk"])
        make_service("Concertation Café", ["community_centre"])  # shares a word, offers no function
        db.session.commit()
        wait_until_indexed()
    found = api(client, q="organisateur de concertation", lang="fr")
    assert names(found["hits"]) == ["Réseau Santé Ixelles"]
    assert found["understood"]["function"] == ["concertation_organiser"] and found["understood"]["words"] == ""
    assert names(api(client, q="overlegorganisator", lang="nl")["hits"]) == ["Réseau Santé Ixelles"]
    assert names(api(client, q="casemanager Anderlecht", lang="nl")["hits"]) == ["Équipe Soutien"]
    # "hulplijn" is a listening line and a helpdesk: either
    assert sorted(names(api(client, q="hulplijn", lang="nl")["hits"])) == [
        "Numéro Social Bruxelles",
        "Tele-Onthaal Brussel",
    ]
    page = page_text(client.get("/fr/search", query_string={"q": "tiers concertateur"}))
    assert "Organisateur de concertation (tiers concertateur)" in page and "Réseau Santé Ixelles" in page
