"""The coordinators' pages in a real browser: axe-core clean, one h1, usable with the keyboard."""

from __future__ import annotations

import pytest
from flask import Flask

from directory.extensions import db
from directory.models import Candidate, CandidateStatus
from tests.account_helpers import make_team
from tests.browser.test_accessibility_browser import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def coordinator(app: Flask, browser, live_server: str):
    """A page signed in as a moderator, and the ids of two candidates of bassin Nord-Est."""
    with app.app_context():
        team = make_team()
        ids = []
        for number, name in enumerate(("CPAS de Test", "Aide alimentaire de Test")):
            candidate = Candidate(
                source="t",
                source_id=f"c{number}",
                name_fr=name,
                status=CandidateStatus.PENDING,
                bassin_code="nord-est",
                lat=50.8676 + number / 1000,
                lon=4.3737,
                record={"sectors": ["cpas"]},
            )
            db.session.add(candidate)
            db.session.flush()
            ids.append(candidate.id)
        db.session.commit()
        cookie = app.session_interface.get_signing_serializer(app).dumps({"user_id": team.moderator})
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-BE")
    context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie, "url": live_server}])
    page = context.new_page()
    yield page, ids
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/fr/coordination/candidates/",
        "/nl/coordination/candidates/map?bassin=nord-est",
        "/fr/coordination/candidates/{id}",
        "/nl/coordination/coverage/",
    ],
)
def test_coordination_pages_pass_axe(coordinator, live_server: str, path: str) -> None:
    page, ids = coordinator
    page.goto(f"{live_server}{path.format(id=ids[0])}")
    assert "sign-in" not in page.url
    assert axe_violations(page) == []
    assert page.locator("h1").count() == 1


def test_a_candidate_is_dismissed_with_the_keyboard_and_the_next_one_opens(coordinator, live_server: str) -> None:
    page, ids = coordinator
    page.goto(f"{live_server}/fr/coordination/candidates/{ids[0]}")
    page.locator("#d-note").focus()
    page.keyboard.type("fermé")
    page.keyboard.press("Tab")  # to the Dismiss button
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/coordination/candidates/{ids[1]}")
    assert "Aide alimentaire de Test" in page.locator("h1").inner_text()
