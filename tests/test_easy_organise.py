"""Easy-read "someone to help me organise my care": offered when a service declares a coordination function that
answers it, and answered by those services (never by a sector), widening like the other needs."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from directory.extensions import db
from directory.maps.needs import NEEDS, clear_cache, filters_for
from directory.models import Service
from directory.search.sync import wait_until_indexed
from tests.account_helpers import page_text
from tests.factories import ANDERLECHT, make_service

SCHAERBEEK_NIS, ANDERLECHT_NIS = "21015", "21001"


def test_the_need_is_offered_only_once_a_service_declares_a_function(app: Flask, client: FlaskClient) -> None:
    clear_cache()
    assert "organiser mes soins" not in page_text(client.get("/fr/facile/"))
    with app.app_context():
        make_service("Service social sans fonction", ("social_work_centre",))
        make_service("Concertation Sud", ("social_work_centre",), at=ANDERLECHT, functions=["concertation_organiser"])
        db.session.commit()
        wait_until_indexed()
    clear_cache()
    assert "Quelqu'un pour m'aider à organiser mes soins" in page_text(client.get("/fr/facile/"))
    assert "Iemand die me helpt mijn zorg te regelen" in page_text(client.get("/nl/eenvoudig/"))

    near = page_text(client.get(f"/fr/facile/organise/list?commune={ANDERLECHT_NIS}"))
    assert "Concertation Sud" in near and "Service social sans fonction" not in near
    far = page_text(client.get(f"/nl/eenvoudig/organise/list?commune={SCHAERBEEK_NIS}"))
    assert "Concertation Sud" in far and "easy-wider" in far  # found further away: the list widens
    assert "Service social sans fonction" not in far


def test_sector_needs_keep_their_sectors(app: Flask) -> None:
    with app.app_context():
        assert filters_for("organise") == {
            "function": ["concertation_organiser", "proximity_referent", "case_manager", "hospital_referent"]
        }
        assert set(filters_for("talk")) == {"sector"} and "organise" not in NEEDS


def test_each_application_keeps_its_own_offered_needs(app: Flask, make_app: Callable[..., Flask]) -> None:
    """The first screen's cache belongs to one application: another one in the same process (a test's next
    application, a second site) reads its own database instead of the first one's answer."""
    clear_cache()
    with app.app_context():
        service = make_service("Concertation Sud", ("social_work_centre",), at=ANDERLECHT, functions=["case_manager"])
        db.session.commit()
        service_id = service.id
    assert "organiser mes soins" in page_text(app.test_client().get("/fr/facile/"))
    with app.app_context():
        db.session.get(Service, service_id).status = "inactive"
        db.session.commit()
    other = make_app()
    assert "organiser mes soins" not in page_text(other.test_client().get("/fr/facile/"))
    assert "organiser mes soins" in page_text(app.test_client().get("/fr/facile/"))  # its own minute-long cache
