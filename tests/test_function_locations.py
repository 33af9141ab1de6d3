"""Functions per location: a service declares a function at one of its locations with its own conditions; the
fiche says where, the search finds it at that location only, the glossary lists it in that area, HSDS carries it."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from directory.extensions import db
from directory.geo.tagging import tag_location
from directory.models import Location, Service
from directory.operations.coordination import declare_at_location, offering, offers, withdraw_at_location
from directory.operations.hsds import service_to_hsds, uid
from directory.search.sync import wait_until_indexed
from tests.account_helpers import Team, page_text, sign_in
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


def test_a_moderator_declares_a_function_at_one_address_an_untrusted_editor_may_not(
    app: Flask, client: FlaskClient, team: Team
) -> None:
    with app.app_context():
        location_id = db.session.get(Service, team.own).locations[0].id
    sign_in(client, team.editor)
    page = page_text(client.get(f"/fr/edit/services/{team.own}/functions/"))
    assert "demandez à un modérateur" in page
    data = {"location": location_id, "function": "hospital_referent", "conditions": ["adult"]}
    assert client.post(f"/fr/edit/services/{team.own}/functions/", data=data).status_code == 403
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
    fiche = page_text(client.get(f"/fr/services/{team.own}"))
    assert "Référent hospitalier" in fiche and "à cette adresse seulement" in fiche
    elsewhere = {**data, "location": 999999}
    assert client.post(f"/fr/edit/services/{team.own}/functions/", data=elsewhere).status_code == 400
    withdraw = {"location": location_id, "function": "hospital_referent", "withdraw": "1"}
    assert client.post(f"/fr/edit/services/{team.own}/functions/", data=withdraw).status_code == 302
    assert "Référent hospitalier" not in page_text(client.get(f"/fr/services/{team.own}"))
