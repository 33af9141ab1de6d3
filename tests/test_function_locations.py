"""Functions per location: a service declares a function at one of its locations with its own conditions; the
fiche says where, the search finds it at that location only, the glossary lists it in that area, HSDS carries it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from directory.extensions import db
from directory.geo.tagging import tag_location
from directory.importing.run import run_import
from directory.models import Location, Service
from directory.models.accounts import Role, User
from directory.models.moderation import ChangeRequest, ChangeStatus
from directory.operations.coordination import declare_at_location, offering, offers, withdraw_at_location
from directory.operations.hsds import service_to_hsds, uid
from directory.operations.moderation import FUNCTION_OFFER, pending_request, propose_function_offer
from directory.operations.revisions import history
from directory.search import textindex
from directory.search.client import MeiliClient
from directory.search.fallback import breaker
from directory.search.server import free_port
from directory.search.sync import wait_until_indexed
from importers.template import TemplateImporter
from tests.account_helpers import Team, mails_to, make_user, page_text, sign_in
from tests.factories import ANDERLECHT, make_service

SCHAERBEEK_NIS, ANDERLECHT_NIS = "21015", "21001"


@pytest.fixture
def two_sites(app: Flask) -> dict[str, int]:
    """A service at Schaerbeek and Anderlecht, a case manager everywhere, a concertation organiser in Anderlecht."""
    with app.app_context():
        service = make_service("Coordination à deux adresses", ("home_care",), functions=["case_manager"])
        service.function_conditions = ["adult"]
        anderlecht = Location(street_fr="Rue Sud", street_nl="Zuidstraat", house_number="2", postcode="1070")
        anderlecht.lat, anderlecht.lon = ANDERLECHT
        tag_location(anderlecht)
        service.locations.append(anderlecht)
        db.session.flush()
        declare_at_location(service, anderlecht, "concertation_organiser", ["asked_by_carer", "lives_in_region"])
        db.session.commit()
        wait_until_indexed()
        return {"service": service.id, "schaerbeek": service.locations[0].id, "anderlecht": anderlecht.id}


def test_the_fiche_says_where_each_function_is_offered_and_on_which_conditions(client: FlaskClient, two_sites):
    page = page_text(client.get(f"/fr/services/{two_sites['service']}"))
    assert "Case manager" in page
    assert "à toutes les adresses" in page
    assert "Organisateur de concertation" in page and "à cette adresse seulement : Rue Sud 2, 1070 Anderlecht" in page
    assert "Un aidant proche peut faire la demande" in page and "Majeur (18 ans ou plus)" in page


def test_search_finds_the_function_at_its_location_only(client: FlaskClient, two_sites) -> None:
    found = client.get("/api/v1/services", query_string={"function": "concertation_organiser"}).get_json()
    assert [(h["service_id"], h["location_id"]) for h in found["hits"]] == [
        (two_sites["service"], two_sites["anderlecht"])
    ]
    everywhere = client.get("/api/v1/services", query_string={"function": "case_manager"}).get_json()
    assert everywhere["total"] == 2  # both locations


def test_the_glossary_lists_it_in_its_area_and_hsds_carries_it(app: Flask, two_sites) -> None:
    with app.app_context():
        assert [s.id for s in offering("concertation_organiser", commune=ANDERLECHT_NIS)] == [two_sites["service"]]
        assert offering("concertation_organiser", commune=SCHAERBEEK_NIS) == []
        assert [s.id for s in offering("case_manager", commune=SCHAERBEEK_NIS)] == [two_sites["service"]]
        service = db.session.get(Service, two_sites["service"])
        assert [(o.function, o.location is not None, o.conditions) for o in offers(service)] == [
            ("case_manager", False, ("adult",)),
            ("concertation_organiser", True, ("lives_in_region", "asked_by_carer")),
        ]
        extension = service_to_hsds(service)["x_qfq"]
        assert extension["function_offers"] == [
            {
                "function": "concertation_organiser",
                "location_id": uid("location", two_sites["anderlecht"]),
                "conditions": ["lives_in_region", "asked_by_carer"],
            }
        ]
        assert withdraw_at_location(service, two_sites["anderlecht"], "concertation_organiser")
        db.session.commit()
        assert offering("concertation_organiser", commune=ANDERLECHT_NIS) == []


def test_a_declaration_needs_the_services_own_location_and_known_codes(app: Flask, two_sites) -> None:
    with app.app_context():
        service = db.session.get(Service, two_sites["service"])
        other = make_service("Autre service", ("home_care",))
        with pytest.raises(ValueError, match="not a location"):
            declare_at_location(service, other.locations[0], "case_manager", [])
        with pytest.raises(ValueError, match="unknown function"):
            declare_at_location(service, service.locations[0], "guesswork", [])
        with pytest.raises(ValueError, match="unknown conditions"):
            declare_at_location(service, service.locations[0], "case_manager", ["rich"])


def test_a_moderator_declares_a_function_at_one_address_at_once(app: Flask, client: FlaskClient, team: Team) -> None:
    with app.app_context():
        location_id = db.session.get(Service, team.own).locations[0].id
    data = {"location": location_id, "function": "hospital_referent", "conditions": ["adult"]}
    assert client.get(f"/fr/edit/services/{team.other}/functions/").status_code == 302  # signed out: sign in first
    sign_in(client, team.editor)
    assert client.get(f"/fr/edit/services/{team.other}/functions/").status_code == 404
    assert "Fonctions de coordination offertes à une seule adresse" in page_text(
        client.get(f"/fr/edit/services/{team.own}")
    )

    sign_in(client, team.moderator)
    assert client.post(f"/nl/edit/services/{team.own}/functions/", data=data).status_code == 302
    listing = page_text(client.get(f"/nl/edit/services/{team.own}/functions/"))
    assert "Ziekenhuisreferent" in listing and "Meerderjarig" in listing
    with app.app_context():
        wait_until_indexed()
        assert db.session.scalars(select(ChangeRequest)).all() == []  # published, not queued
        assert [r.kind for r in history(db.session.get(Service, team.own))] == ["edit", "baseline"]
    fiche = page_text(client.get(f"/fr/services/{team.own}"))
    assert "Référent hospitalier" in fiche and "à cette adresse seulement" in fiche
    elsewhere = {**data, "location": 999999}
    assert client.post(f"/fr/edit/services/{team.own}/functions/", data=elsewhere).status_code == 400
    unknown = {**data, "function": "guesswork"}
    assert client.post(f"/fr/edit/services/{team.own}/functions/", data=unknown).status_code == 400
    withdraw = {"location": location_id, "function": "hospital_referent", "withdraw": "1"}
    assert client.post(f"/fr/edit/services/{team.own}/functions/", data=withdraw).status_code == 302
    assert "Référent hospitalier" not in page_text(client.get(f"/fr/services/{team.own}"))


def _editor_proposes(app: Flask, client: FlaskClient, team: Team, data: dict) -> int:
    """The untrusted editor posts `data` on the per-address page; returns the queued request's id."""
    sign_in(client, team.editor)
    response = client.post(f"/fr/edit/services/{team.own}/functions/", data=data, follow_redirects=True)
    assert "Envoyé à un modérateur" in page_text(response)
    with app.app_context():
        request = db.session.scalars(select(ChangeRequest).where(ChangeRequest.status == "pending")).one()
        assert request.changes[FUNCTION_OFFER]["function"] == data["function"]
        return request.id


def test_an_untrusted_editors_declaration_waits_for_a_moderator_who_approves_it(
    app: Flask, client: FlaskClient, team: Team
) -> None:
    with app.app_context():
        location_id = db.session.get(Service, team.own).locations[0].id
    sign_in(client, team.editor)
    assert "Un modérateur vérifie" in page_text(client.get(f"/fr/edit/services/{team.own}/functions/"))
    data = {"location": location_id, "function": "hospital_referent", "conditions": ["adult", "asked_by_carer"]}
    request_id = _editor_proposes(app, client, team, data)
    mine = page_text(client.get(f"/nl/edit/changes/{request_id}"))
    assert "De functie aangeven: Ziekenhuisreferent" in mine and "Meerderjarig" in mine
    waiting = page_text(client.get(f"/fr/edit/services/{team.own}/functions/"))
    assert "En attente d’un modérateur" in waiting and "Référent hospitalier" in waiting
    assert "Référent hospitalier" not in page_text(client.get(f"/fr/services/{team.own}"))  # not published yet
    # the edit form's own draft is not this proposal: an edit of the form does not supersede it
    with app.app_context():
        service = db.session.get(Service, team.own)
        editor = db.session.get(User, team.editor)
        assert pending_request(service, editor) is None

    sign_in(client, team.moderator)
    assert "Maison médicale du Nord" in page_text(client.get("/fr/moderation/"))
    review = page_text(client.get(f"/fr/moderation/changes/{request_id}"))
    assert "Déclarer la fonction : Référent hospitalier" in review and "Majeur (18 ans ou plus)" in review
    assert client.get(f"/fr/moderation/changes/{request_id}/edit").status_code == 409
    assert client.post(f"/fr/moderation/changes/{request_id}/approve").status_code == 302
    with app.app_context():
        wait_until_indexed()
        service = db.session.get(Service, team.own)
        assert [(o.function, o.location_id, o.conditions) for o in service.function_offers] == [
            ("hospital_referent", location_id, ["adult", "asked_by_carer"])
        ]
        revision = history(service)[0]
        assert (revision.kind, revision.change_request_id) == ("review", request_id)
        assert db.session.get(ChangeRequest, request_id).status == ChangeStatus.APPROVED
        assert mails_to("editor@example.org")[-1].subject == "Vos modifications ont été publiées"
    found = client.get("/api/v1/services", query_string={"function": "hospital_referent"}).get_json()
    assert [h["service_id"] for h in found["hits"]] == [team.own]

    # withdrawing goes through the queue too; the moderator refuses it with a reason
    withdraw = {"location": location_id, "function": "hospital_referent", "withdraw": "1"}
    request_id = _editor_proposes(app, client, team, withdraw)
    sign_in(client, team.moderator)
    assert "Retirer la fonction" in page_text(client.get(f"/fr/moderation/changes/{request_id}"))
    refused = {"comment": "Le service nous a confirmé cette fonction."}
    assert client.post(f"/fr/moderation/changes/{request_id}/reject", data=refused).status_code == 302
    with app.app_context():
        assert [o.function for o in db.session.get(Service, team.own).function_offers] == ["hospital_referent"]
        assert db.session.get(ChangeRequest, request_id).status == ChangeStatus.REJECTED
        assert "confirmé cette fonction" in mails_to("editor@example.org")[-1].body


def test_a_proposal_needs_known_codes_and_an_existing_declaration_to_withdraw(
    app: Flask, client: FlaskClient, team: Team
) -> None:
    with app.app_context():
        location_id = db.session.get(Service, team.own).locations[0].id
    sign_in(client, team.editor)
    url = f"/fr/edit/services/{team.own}/functions/"
    assert client.post(url, data={"location": location_id, "function": "guesswork"}).status_code == 400
    bad_condition = {"location": location_id, "function": "case_manager", "conditions": ["rich"]}
    assert client.post(url, data=bad_condition).status_code == 400
    nothing = {"location": location_id, "function": "case_manager", "withdraw": "1"}
    assert client.post(url, data=nothing).status_code == 400
    with app.app_context():
        assert db.session.scalars(select(ChangeRequest)).all() == []


TEMPLATE = "source_id;name_fr;sectors;postcode;house_number;street_fr;functions;location_functions\n"


def test_the_template_declares_functions_at_the_rows_location_and_reports_unknown_codes(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    path = tmp_path / "functions.csv"
    path.write_text(
        TEMPLATE
        + "loc-1;Coordination Nord;home_care;1030;1;Rue Royale;case_manager;"
        + '"concertation_organiser[adult;asked_by_person]|Référent hospitalier"\n'
        + 'loc-2;Coordination Sud;home_care;1070;2;Rue Sud;;"case_manger[adult]|proximity_referent[rich]|helpdesk"\n',
        encoding="utf-8",
    )
    with app.app_context():
        report = run_import(TemplateImporter(), path, source="fed")
        assert (report.created, report.rejected) == (2, 0)
        issues = [(i.line, i.level, i.field) for i in report.issues]
        assert issues == [(3, "warning", "location_functions"), (3, "warning", "location_functions")]
        assert "case_manger" in report.issues[0].message("fr") and "case_manager" in report.issues[0].message("fr")
        assert "rich" in report.issues[1].message("nl")
        north, south = (
            db.session.scalars(select(Service).where(Service.source_id == sid)).one() for sid in ("loc-1", "loc-2")
        )
        assert [(o.function, o.location_id, o.conditions) for o in north.function_offers] == [
            ("concertation_organiser", north.locations[0].id, ["adult", "asked_by_person"]),
            ("hospital_referent", north.locations[0].id, []),
        ]
        assert [o.function for o in south.function_offers] == ["helpdesk"]  # the unknown ones are left out
        wait_until_indexed()

        # a rerun updates conditions and adds, never withdraws; a person's declaration is kept, the source reported
        path.write_text(
            TEMPLATE
            + 'loc-1;Coordination Nord;home_care;1030;1;Rue Royale;case_manager;"concertation_organiser[adult]"\n'
            + "loc-2;Coordination Sud;home_care;1070;2;Rue Sud;;helpdesk[asked_by_carer]|case_manager\n",
            encoding="utf-8",
        )
        moderator = make_user("mod-import@example.org", Role.MODERATOR)
        south_location = db.session.get(Service, south.id).locations[0]
        propose_function_offer(db.session.get(Service, south.id), moderator, south_location, "helpdesk", [])
        db.session.commit()
        again = run_import(TemplateImporter(), path, source="fed")
        assert [(i.line, i.level, i.field) for i in again.issues] == [(3, "conflict", "location_functions")]
        db.session.expire_all()
        north, south = db.session.get(Service, north.id), db.session.get(Service, south.id)
        assert [(o.function, o.conditions) for o in north.function_offers] == [
            ("concertation_organiser", ["adult"]),
            ("hospital_referent", []),
        ]
        assert sorted((o.function, tuple(o.conditions)) for o in south.function_offers) == [
            ("case_manager", ()),
            ("helpdesk", ()),
        ]
        wait_until_indexed()
        expected = [(north.id, north.locations[0].id)]
    found = client.get("/api/v1/services", query_string={"function": "concertation_organiser"}).get_json()
    assert [(h["service_id"], h["location_id"]) for h in found["hits"]] == expected  # the index follows the import


@pytest.fixture
def meili_down(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The app's Meilisearch client points where nothing listens; `.undo()` brings it back (as in test_degraded)."""
    dead = MeiliClient(f"http://127.0.0.1:{free_port()}", timeout=1.0)
    monkeypatch.setitem(app.extensions, "meili", dead)
    yield monkeypatch
    dead.close()


def _answer(client: FlaskClient, **params: str) -> tuple:
    answer = client.get("/api/v1/services", query_string=params).get_json()
    facets = {name: {v["value"]: v["count"] for v in values} for name, values in answer["facets"].items()}
    return answer["degraded"], answer["total"], sorted(hit["id"] for hit in answer["hits"]), facets


FALLBACK_QUERIES = [
    {"function": "concertation_organiser"},
    {"function": "case_manager"},
    {"function": "concertation_organiser,case_manager"},
    {"q": "organisateur de concertation"},  # understood as the function
    {"q": "overlegorganisator Anderlecht"},
    {"q": "coordination", "function": "concertation_organiser"},
]


@pytest.mark.parametrize("query", FALLBACK_QUERIES, ids=[str(q) for q in FALLBACK_QUERIES])
def test_the_sql_fallback_finds_a_function_at_its_location_like_meilisearch(
    app: Flask, client: FlaskClient, two_sites: dict[str, int], meili_down: pytest.MonkeyPatch, query: dict
) -> None:
    degraded = _answer(client, **query)
    meili_down.undo()
    with app.app_context():
        breaker().reset()
    full = _answer(client, **query)
    assert degraded[0] is True and full[0] is False
    assert degraded[1:] == full[1:]
    if query.get("function") == "concertation_organiser" or "concertation" in query.get("q", ""):
        assert degraded[2] == [f"{two_sites['service']}-{two_sites['anderlecht']}"]  # Anderlecht only


def test_the_text_index_holds_the_names_of_functions_declared_at_one_location(app: Flask, two_sites) -> None:
    with app.app_context():
        body = textindex.bodies(db.session.connection(), [two_sites["service"]])[two_sites["service"]]
        assert "organisateur de concertation" in body and "overlegorganisator" in body  # at Anderlecht only
        assert "case manager" in body  # at every location
