"""Maps, the easy-read flow and the referral sheet in a real browser (no tiles: the test machine has no network)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from directory.extensions import db
from directory.search.sync import wait_until_indexed
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility_browser import axe_violations
from tests.factories import ANDERLECHT, SCHAERBEEK, make_service

pytestmark = pytest.mark.browser


@pytest.fixture
def directory_data(app: Flask) -> dict[str, int]:
    with app.app_context():
        ids = {}
        for n in range(6):
            at = (SCHAERBEEK[0] + n * 0.0007, SCHAERBEEK[1] + n * 0.0005)
            ids[f"pharmacy{n}"] = make_service(f"Pharmacie {n}", ("pharmacy",), at=at).id
        ids["food"] = make_service(
            "Épicerie sociale Colignon", ("food_aid",), cost="free", access="unconditional", languages=["fr", "ar"]
        ).id
        ids["far"] = make_service("Restaurant social Clemenceau", ("food_aid",), at=ANDERLECHT, postcode="1070").id
        db.session.commit()
        wait_until_indexed()
        return ids


def markers(page) -> int:
    page.wait_for_selector("html[data-markers]", state="attached")
    return int(page.evaluate("document.documentElement.getAttribute('data-markers')"))


def test_map_shows_markers_and_a_filter_changes_them(page, live_server: str, directory_data: dict) -> None:
    page.goto(f"{live_server}/fr/map")
    assert markers(page) == 8
    assert page.locator(".leaflet-interactive").count() > 0  # the boundaries give the map its shape without tiles
    screenshot(page, "map-all-fr")
    page.locator("#facet-sector").get_by_label(re.compile("Aide alimentaire")).check()
    page.wait_for_url(re.compile(r"sector=food_aid"))
    assert markers(page) == 2
    assert "2 services sur la carte" in page.locator("#map-status").inner_text()
    page.locator(".svc-marker").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert re.search(r"Épicerie sociale Colignon|Restaurant social Clemenceau", popup.inner_text())
    screenshot(page, "map-food-aid-popup-fr")
    assert page.foreign_requests == []


def test_easy_read_flow_with_the_keyboard_only(page, live_server: str, directory_data: dict) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/nl/eenvoudig/")
    screenshot(page, "easy-start-nl")
    for _ in range(30):  # Tab to the "Food" button, then Enter
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Eten":
            break
    else:
        pytest.fail("the Food button cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/nl/eenvoudig/eat$"))
    for _ in range(40):  # Tab to the commune, then Enter: one link per commune
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Schaarbeek":
            break
    else:
        pytest.fail("the commune cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"commune=21015"))
    assert markers(page) == 1
    card = page.locator("ol.easy-list > .easy-card")  # the places (helplines follow in their own list)
    assert card.count() == 1
    assert "Gratis" in card.inner_text() and "Zonder afspraak" in card.inner_text()
    screenshot(page, "easy-results-nl")
    assert axe_violations(page) == []
    assert page.foreign_requests == []


def test_referral_sheet_selection(page, live_server: str, directory_data: dict) -> None:
    page.goto(f"{live_server}/fr/search?q=pharmacie")
    toggles = page.locator("[data-sheet-add]")
    bar = page.locator("#sheet-bar")
    assert not bar.is_visible()  # nothing chosen yet
    for i in range(3):
        toggles.nth(i).click()
    assert "3 services choisis (au plus 5)" in bar.inner_text()
    assert toggles.nth(0).get_attribute("aria-pressed") == "true"
    toggles.nth(0).click()  # remove it again
    assert "2 services choisis (au plus 5)" in bar.inner_text()
    toggles.nth(1).click()
    assert "1 service choisi (au plus 5)" in bar.inner_text()  # the singular
    toggles.nth(1).click()
    screenshot(page, "search-sheet-selection-fr")
    bar.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/fr/sheet\?ids="))
    assert page.locator(".sheet-entry").count() == 2
    screenshot(page, "referral-sheet-fr")
    assert axe_violations(page) == []
    page.get_by_role("link", name="English").click()  # the sheet's fixed words in English, content in French
    page.wait_for_url(re.compile(r"sheet_lang=en"))
    assert "What to bring" in page.locator(".sheet-body").inner_text()
    assert page.locator(".sheet-share svg").is_visible()  # the short link's QR code, on the screen only
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # usable on a phone
    screenshot(page, "referral-sheet-en-phone")
    assert axe_violations(page) == []
    page.goto(page.locator(".sheet-short").get_attribute("href"))  # the short link leads back to the same sheet
    assert page.locator(".sheet-entry").count() == 2 and "sheet_lang=en" in page.url


@pytest.mark.parametrize("lang", ["fr", "nl"])
@pytest.mark.parametrize("path", ["/map?q=pharmacie", "/{easy}/", "/{easy}/eat", "/print/map?commune=21015"])
def test_map_and_easy_pages_pass_axe(page, live_server: str, directory_data: dict, lang: str, path: str) -> None:
    page.goto(f"{live_server}/{lang}{path.format(easy='facile' if lang == 'fr' else 'eenvoudig')}")
    assert axe_violations(page) == []
    assert page.locator("h1").count() == 1
    assert page.foreign_requests == []


def test_easy_read_near_me_uses_the_browser_position(browser, live_server: str, directory_data: dict) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="fr-BE",
        geolocation={"latitude": SCHAERBEEK[0], "longitude": SCHAERBEEK[1]},
        permissions=["geolocation"],
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server}/fr/facile/eat")
        page.get_by_role("button", name="Près de moi").click()
        page.wait_for_url(re.compile(r"/fr/facile/eat/list\?.*near=50\.867"))
        assert page.locator("h1").inner_text() == "Près de vous"
        assert page.locator(".easy-card h2 a").all_inner_texts() == [
            "Épicerie sociale Colignon"
        ]  # the Anderlecht one is 5 km away, outside the circle
        assert markers(page) == 1
        screenshot(page, "easy-near-me-fr")
    finally:
        context.close()


def test_bus_lines_only_close_in(page, live_server: str, directory_data: dict) -> None:
    """Bus lines are fetched only once the map shows streets (zoom 15), drawn under the trams, numbered from 16."""
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(f"{live_server}/fr/map")  # Schaerbeek and Anderlecht: the map opens far out
    markers(page)
    far = page.evaluate("() => window[JSON.parse(document.getElementById('map-config').textContent).map].getZoom()")
    assert far < 15 and not [url for url in asked if "/map/bus.json" in url]  # far out: not even fetched
    zoom = """z => { const c = JSON.parse(document.getElementById('map-config').textContent);
                     window[c.map].setView([50.8676, 4.3737], z, {animate: false}); }"""
    page.evaluate(zoom, 16)
    page.wait_for_selector(".leaflet-container[data-bus=loaded]", state="attached")
    assert page.locator(".leaflet-orientation-bus-pane path").count() > 5
    assert page.locator(".bus-label").first.is_visible()
    below = page.evaluate(
        "() => +getComputedStyle(document.querySelector('.leaflet-orientation-bus-pane')).zIndex"
        " < +getComputedStyle(document.querySelector('.leaflet-orientation-lines-pane')).zIndex"
    )
    assert below  # under the metro and tram lines
    screenshot(page, "map-bus-zoom16-fr")
    page.evaluate(zoom, 13)
    assert not page.locator(".leaflet-orientation-bus-pane").is_visible()
    assert page.foreign_requests == []
