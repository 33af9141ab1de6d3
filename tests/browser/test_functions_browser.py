"""Functions per address and "organise my care" in a real browser: axe-core clean in FR and NL, screenshots."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from directory.extensions import db
from directory.maps.needs import clear_cache
from directory.models import Service
from directory.operations.coordination import declare_at_location
from directory.search.sync import wait_until_indexed
from tests.account_helpers import make_team
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility_browser import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def moderator(app: Flask, browser, live_server: str) -> Iterator[tuple[object, int]]:
    """A browser signed in as a moderator, and a fiche with a concertation organiser declared at its address."""
    with app.app_context():
        team = make_team()
        service = db.session.get(Service, team.own)
        declare_at_location(service, service.locations[0], "concertation_organiser", ["adult", "asked_by_carer"])
        db.session.commit()
        wait_until_indexed()
        cookie = app.session_interface.get_signing_serializer(app).dumps({"user_id": team.moderator})
    clear_cache()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-BE")
    context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie, "url": live_server}])
    page = context.new_page()
    yield page, team.own
    context.close()


@pytest.mark.parametrize(
    ("path", "shows"),
    [
        ("/fr/edit/services/{id}/functions/", "Organisateur de concertation"),
        ("/nl/edit/services/{id}/functions/", "Overlegorganisator"),
        ("/fr/services/{id}", "à cette adresse seulement"),
        ("/fr/facile/", "Quelqu'un pour m'aider à organiser mes soins"),
        ("/nl/eenvoudig/organise/list?commune=21015", "Iemand die me helpt mijn zorg te regelen"),
    ],
)
def test_pages_pass_axe(moderator, live_server: str, path: str, shows: str) -> None:
    page, service_id = moderator
    page.goto(f"{live_server}{path.format(id=service_id)}")
    assert shows in page.locator("main").inner_text()
    name = path.strip("/").replace("/", "-").split("?")[0].format(id="x")
    screenshot(page, f"functions-{name}")
    assert axe_violations(page) == []
