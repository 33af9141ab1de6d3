"""Accessibility in a real browser: axe-core (WCAG 2.x A/AA rules) on every public page, and the mobile layout."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from directory.config import REPO_ROOT
from directory.extensions import db
from directory.search.sync import wait_until_indexed
from tests.browser.conftest import screenshot
from tests.factories import ANDERLECHT, make_service

pytestmark = pytest.mark.browser

AXE = REPO_ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def fiche_id(app: Flask) -> int:
    with app.app_context():
        make_service("Pharmacie Josaphat", ("pharmacy",), opening_hours="Mo-Fr 09:00-18:00", cost="paid")
        make_service("Pharmacie de la Gare", ("pharmacy",), at=ANDERLECHT, postcode="1070", wheelchair="yes")
        only_nl = make_service(
            "", ("food_aid",), name_nl="Sociale kruidenier Colignon", languages=["nl", "ar"], cost="free"
        )
        db.session.commit()
        wait_until_indexed()
        return only_nl.id


def axe_violations(page) -> list[str]:
    """Run axe-core (served from our own static files) on the current page; one line per violated rule."""
    assert AXE.exists(), "axe-core is installed by `make install` (static/vendor)"
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]


@pytest.mark.parametrize("lang", ["fr", "nl"])
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search?q=pharmacie",
        "/search?cost=free&sector=nothing_here",
        "/services/{id}",
        "/about-data",
        "/api",
        "/nope",
    ],
)
def test_pages_pass_axe(page, live_server: str, fiche_id: int, lang: str, path: str) -> None:
    page.goto(f"{live_server}/{lang}{path.format(id=fiche_id)}")
    assert axe_violations(page) == []
    assert page.locator("h1").count() == 1
    assert page.foreign_requests == []


def test_mobile_results_come_before_the_folded_filters(browser, live_server: str, fiche_id: int) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-BE", has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/nl/search?q=pharmacie")
        assert page.locator("#results-count").inner_text().strip() == "2 diensten gevonden"
        facet = page.locator("#facet-commune")
        assert not facet.is_visible()  # filters folded on a phone
        count_box, first_hit = page.locator("#results-count").bounding_box(), page.locator(".hit").first.bounding_box()
        assert count_box["y"] + count_box["height"] < 844 and first_hit["y"] < 844  # results start on the first screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no horizontal scrolling
        screenshot(page, "search-mobile-nl")
        page.get_by_text("Filters", exact=True).click()
        assert facet.is_visible()
        facet.get_by_label(re.compile("Anderlecht")).check()
        page.wait_for_url(re.compile(r"commune=21001"))
        assert page.locator("#results-count").inner_text().strip() == "1 dienst gevonden"
        screenshot(page, "search-mobile-nl-filtered")
    finally:
        context.close()
