"""A professional searches, narrows with a facet, switches language — in a real browser."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from directory.extensions import db
from directory.search.sync import wait_until_indexed
from tests.browser.conftest import screenshot
from tests.factories import ANDERLECHT, make_service

pytestmark = pytest.mark.browser


@pytest.fixture
def directory_data(app: Flask) -> None:
    with app.app_context():
        make_service("Pharmacie Josaphat", ("pharmacy",), opening_hours="Mo-Su 00:00-24:00", cost="paid")
        make_service("Pharmacie de la Gare", ("pharmacy",), at=ANDERLECHT, postcode="1070", cost="paid")
        make_service("Épicerie sociale Colignon", ("food_aid",), cost="free", languages=["fr", "ar"])
        db.session.commit()
        wait_until_indexed()


def test_search_facet_and_language_switch(page, live_server: str, directory_data: None) -> None:
    page.goto(f"{live_server}/fr/")
    page.get_by_label("Que cherchez-vous ?").fill("pharmacie")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/fr/search\?q=pharmacie"))
    assert page.locator("#results-count").inner_text().strip() == "2 services trouvés"
    screenshot(page, "search-fr")

    # Tick the Anderlecht commune facet: the page reloads with the filter (auto-submit script).
    page.locator("#facet-commune").get_by_label(re.compile("Anderlecht")).check()
    page.wait_for_url(re.compile(r"commune=21001"))
    assert page.locator("#results-count").inner_text().strip() == "1 service trouvé"
    assert page.locator(".hit-title").all_inner_texts() == ["Pharmacie de la Gare"]

    page.get_by_role("link", name="Nederlands").click()
    page.wait_for_url(re.compile(r"/nl/search\?q=pharmacie&commune=21001"))
    assert page.locator("#results-count").inner_text().strip() == "1 dienst gevonden"
    assert page.locator("html").get_attribute("lang") == "nl"
    screenshot(page, "search-nl-filtered")
    assert page.foreign_requests == []


def test_keyboard_only_search(page, live_server: str, directory_data: None) -> None:
    page.goto(f"{live_server}/nl/")
    page.keyboard.press("Tab")  # skip link first
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.locator("#q").focus()
    page.keyboard.type("voedselhulp")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/nl/search"))
    # Only a French name exists: shown with a visible "FR" marker on the Dutch page.
    assert page.locator(".hit-title").all_inner_texts() == ["Épicerie sociale Colignon FR"]
    page.locator(".hit-title a").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/nl/services/\d+"))
    assert "Voedselhulp" in page.locator(".fiche-sectors").inner_text()
    screenshot(page, "fiche-nl")
