"""The widget in a real browser, on a page of another origin (a static page served on another loopback port):
it shows the pre-filtered list, searches from the keyboard, sends no cookie; the widget page passes axe-core."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect

from directory.extensions import db
from directory.search.sync import wait_until_indexed
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility_browser import axe_violations
from tests.factories import ANDERLECHT, make_service

pytestmark = pytest.mark.browser


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def fiches(app: Flask) -> None:
    with app.app_context():
        make_service("Pharmacie Botanique", ("pharmacy",))
        make_service("Pharmacie du Midi", ("pharmacy",), at=ANDERLECHT)
        make_service("Maison médicale Helmet", ("medical_house",))
        db.session.commit()
        wait_until_indexed()


@pytest.fixture
def other_site(tmp_path: Path, live_server: str) -> Iterator[str]:
    """A bassin's page on another origin embedding the widget (pharmacies, in Dutch), with a strict CSP that
    allows only the directory's host besides itself."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").write_text(
        f"""<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Zorgzone</title>
<link rel="icon" href="data:,">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; img-src data:; script-src 'self' {live_server};
 style-src 'self' {live_server}; connect-src {live_server}"></head>
<body><main><h1>Onze zorgzone</h1>
<div data-qfq-widget data-lang="nl" data-sector="pharmacy"></div>
<script src="{live_server}/static/js/widget.js" defer></script></main></body></html>""",
        encoding="utf-8",
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_the_widget_searches_from_another_site_without_cookies(
    browser, live_server: str, other_site: str, fiches: None
) -> None:
    context = browser.new_context(viewport={"width": 900, "height": 800}, locale="nl-BE")
    context.add_cookies([{"name": "session", "value": "secret", "url": live_server}])
    page = context.new_page()
    api_calls: list[dict] = []
    page.on(
        "request",
        lambda r: api_calls.append(r.headers) if r.url.startswith(f"{live_server}/api/") else None,
    )
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(other_site)
        items = page.locator(".qfq-results li")
        items.first.wait_for()
        names = sorted(items.locator(".qfq-name").all_text_contents())
        assert names == ["Pharmacie Botanique", "Pharmacie du Midi"]  # the sector filter: no medical centre
        assert page.get_by_role("status").inner_text() == "2 diensten gevonden."
        box = page.get_by_label("Zoek een dienst, een behoefte of een plaats")
        box.focus()
        page.keyboard.type("midi")
        page.keyboard.press("Enter")
        expect(items).to_have_count(1)  # a locator, not a script: the host page's CSP forbids eval
        assert (
            page.get_by_role("list", name="Gevonden diensten")
            .locator("li")
            .inner_text()
            .startswith("Pharmacie du Midi")
        )
        link = items.first.locator(".qfq-name")
        assert link.get_attribute("href").startswith(f"{live_server}/nl/services/")
        assert page.get_by_role("status").inner_text() == "1 dienst gevonden."
        screenshot(page, "widget-other-site-nl")
        assert api_calls and all("cookie" not in headers for headers in api_calls)
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_widget_page_passes_axe(page, live_server: str, fiches: None, lang: str) -> None:
    page.goto(f"{live_server}/{lang}/widget?sector=pharmacy&widget_lang={lang}")
    page.locator(".widget-example .qfq-results li").first.wait_for()
    assert axe_violations(page) == []
    assert page.foreign_requests == []
    screenshot(page, f"widget-page-{lang}")
