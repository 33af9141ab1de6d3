"""The bassin dashboard in a real browser, FR and NL: axe-core clean, one h1, no request to another host, screenshots
(screen and print, A3 landscape) to look at, and the print layout on one landscape sheet."""

from __future__ import annotations

import pytest
from flask import Flask

from directory.extensions import db
from directory.models import Candidate, UnmetSearch
from directory.operations import dashboard as figures
from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.browser.test_accessibility_browser import axe_violations
from tests.factories import ANDERLECHT, GRAND_PLACE, SCHAERBEEK, make_service

pytestmark = pytest.mark.browser


@pytest.fixture
def filled(app: Flask) -> None:
    """A few fiches in three communes, a candidate and an unmet search."""
    from datetime import datetime

    from directory.operations.hours import BRUSSELS

    figures.clear_cache()
    with app.app_context():
        make_service("Pharmacie du Nord", ("pharmacy",), at=SCHAERBEEK)
        make_service("Maison médicale Test", ("medical_house", "general_practitioner"), at=SCHAERBEEK)
        make_service("Banque alimentaire Test", ("food_aid",), at=ANDERLECHT, postcode="1070")
        make_service("CPAS Test", ("cpas",), at=GRAND_PLACE, postcode="1000")
        db.session.add(Candidate(source="t", source_id="1", name_fr="Candidat", bassin_code="nord-est", record={}))
        today = datetime.now(BRUSSELS).date()
        db.session.add(UnmetSearch(day=today, lang="fr", query="logopede", filters='{"bassin":["nord-est"]}', count=4))
        db.session.commit()


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/fr/bassins/", "dashboard-region-fr"),
        ("/nl/zorgzones/", "dashboard-region-nl"),
        ("/fr/bassins/nord-est", "dashboard-nord-est-fr"),
        ("/nl/zorgzones/nord-est?sector=pharmacy", "dashboard-nord-est-pharmacy-nl"),
    ],
)
def test_dashboard_pages_pass_axe(page, live_server: str, filled: None, path: str, name: str) -> None:
    assert page.goto(f"{live_server}{path}").ok
    assert page.locator("h1").count() == 1
    assert page.locator("svg.gaps-map").count() == 1
    assert axe_violations(page) == []
    assert page.foreign_requests == []
    assert screenshot(page, name).stat().st_size > 0


@pytest.mark.parametrize(("lang", "area"), [("fr", "nord-est"), ("nl", "nord-est"), ("fr", ""), ("nl", "")])
def test_dashboard_prints_on_one_a3_landscape_sheet(page, live_server: str, filled: None, lang: str, area: str) -> None:
    word = "bassins" if lang == "fr" else "zorgzones"
    assert page.goto(f"{live_server}/{lang}/{word}/{area}").ok
    page.emulate_media(media="print")
    assert page.locator(".dash-areas").is_hidden()  # the navigation is not printed
    name = f"dashboard-print-{area or 'region'}-{lang}"
    screenshot(page, name)
    SCREENSHOTS.mkdir(exist_ok=True)
    pdf = page.pdf(path=str(SCREENSHOTS / f"{name}.pdf"), prefer_css_page_size=True)
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages == 1, f"{pages} pages"


WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-scroll'))
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)"""


@pytest.mark.parametrize("path", ["/fr/bassins/", "/nl/zorgzones/"])
def test_the_region_page_fits_a_1280_px_window(page, live_server: str, filled: None, path: str) -> None:
    """No horizontal page scroll at 1280 px: the wide tables scroll inside their own frame."""
    assert page.goto(f"{live_server}{path}").ok
    assert page.viewport_size == {"width": 1280, "height": 900}
    assert page.evaluate(WIDEST) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
