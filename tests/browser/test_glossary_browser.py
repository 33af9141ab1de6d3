"""The glossary "Who does what in coordination?" in a real browser: axe-core clean in FR and NL, one h1, and the
guided question flow answered with the keyboard alone."""

from __future__ import annotations

import pytest
from flask import Flask

from directory.extensions import db
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility_browser import axe_violations
from tests.factories import ANDERLECHT, make_service

pytestmark = pytest.mark.browser


@pytest.fixture
def declared(app: Flask) -> None:
    with app.app_context():
        make_service(
            "Concertation test Schaerbeek",
            ("social_work_centre",),
            functions=["concertation_organiser"],
            function_conditions=["adult", "lives_in_region", "asked_by_professional"],
        )
        make_service("Liaison test Anderlecht", ("hospital",), at=ANDERLECHT, functions=["hospital_referent"])
        db.session.commit()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_glossary_passes_axe(page, live_server: str, declared: None, lang: str) -> None:
    page.goto(f"{live_server}/{lang}/coordination/?situation=no_network")
    assert axe_violations(page) == []
    assert page.locator("h1").count() == 1
    assert page.foreign_requests == []
    screenshot(page, f"glossary-{lang}")


def test_the_guided_flow_works_with_the_keyboard(page, live_server: str, declared: None) -> None:
    page.goto(f"{live_server}/fr/coordination/")
    page.locator("#situation-blocked").focus()
    for _ in range(2):  # blocked → no_network → hospital, with the arrow key as in any radio group
        page.keyboard.press("ArrowDown")
    assert page.locator("#situation-hospital").is_checked()
    page.keyboard.press("Enter")  # submits the form
    answer = page.locator(".guide-answer")
    answer.wait_for()
    assert "Demandez : Référent hospitalier (liaison hôpital-domicile)" in answer.inner_text()
    assert "Liaison test Anderlecht" in answer.inner_text()
    page.select_option("#area", label="Schaerbeek")
    page.locator(".area-form button").press("Enter")
    page.locator(".guide-answer").wait_for()
    assert "Liaison test Anderlecht" not in page.locator(".guide-answer").inner_text()
    assert "Concertation test Schaerbeek" in page.locator("#concertation_organiser").inner_text()
    screenshot(page, "glossary-guided-fr")
