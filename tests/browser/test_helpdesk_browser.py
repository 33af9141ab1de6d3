"""The helpdesk view played as a call in a real browser, with the keyboard only: from answering (a new search) to the
referral sheet queued in the outbox, in the caller's language. Keystrokes and seconds are written to
tests/screenshots/helpdesk-timing.md (git-ignored) for the report; axe-core on the screen in FR and NL."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from flask import Flask

from directory.extensions import db
from directory.models.accounts import Role
from directory.search.sync import wait_until_indexed
from tests.account_helpers import mails_to, make_user
from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.browser.test_accessibility_browser import axe_violations
from tests.factories import ANDERLECHT, make_service

pytestmark = pytest.mark.browser
CALLER = "appelant@example.org"
COMMUNE = "1030"
NEED = "aide familiale"
MAX_OTHER_KEYS = 10  # keys that are not the commune, the need or the address typed: / Tab Enter 1 2 e Tab → Ctrl+Enter


@pytest.fixture
def desk(app: Flask, browser, live_server: str) -> Iterator[object]:
    """A browser signed in as a helpdesk answerer, and three services matching the need."""
    with app.app_context():
        user = make_user("helpdesk@example.org", role=Role.HELPDESK)
        make_service("Aide familiale Josaphat", ("pharmacy",), opening_hours="Mo-Fr 09:00-17:00", cost="free")
        make_service("Aide familiale Colignon", ("pharmacy",), opening_hours="24/7", availability="waiting_list")
        make_service("Aide familiale de la Gare", ("pharmacy",), at=ANDERLECHT, postcode="1070")
        db.session.commit()
        wait_until_indexed()
        cookie = app.session_interface.get_signing_serializer(app).dumps({"user_id": user.id, "session_version": 0})
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-BE")
    context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie, "url": live_server}])
    page = context.new_page()
    yield page
    context.close()


class Keyboard:
    """The page's keyboard, counting keystrokes (a chord such as Control+Enter counts as one)."""

    def __init__(self, page) -> None:
        self.page, self.typed, self.other = page, 0, 0

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.typed += len(text)

    def press(self, key: str, navigates: bool = False) -> None:
        self.other += 1
        if navigates:
            with self.page.expect_navigation():
                self.page.keyboard.press(key)
        else:
            self.page.keyboard.press(key)


def test_a_call_from_answering_to_a_sent_sheet_with_the_keyboard(app: Flask, desk, live_server: str) -> None:
    page = desk
    page.goto(f"{live_server}/fr/helpdesk/")
    page.evaluate("document.activeElement.blur()")  # idle between two calls: the worst case, focus nowhere
    keys = Keyboard(page)
    start = time.monotonic()
    keys.press("/")
    keys.type(COMMUNE)
    keys.press("Tab")
    keys.type(NEED)
    keys.press("Enter", navigates=True)
    searched = time.monotonic()
    assert page.locator(".hd-hit").count() == 3
    keys.press("1", navigates=True)
    keys.press("2", navigates=True)
    assert page.locator(".hd-sheet-list li").count() == 2
    added = time.monotonic()
    screenshot(page, "helpdesk-fr")
    assert axe_violations(page) == []
    paused = time.monotonic() - added  # the clock stops while the test looks at the page
    keys.press("e")
    keys.type(CALLER)
    keys.press("Tab")  # to the language, French checked (the interface's)
    keys.press("ArrowRight")  # Nederlands
    keys.press("Control+Enter", navigates=True)
    with app.app_context():
        while not mails_to(CALLER) and time.monotonic() - start < 30:
            time.sleep(0.02)
        [message] = mails_to(CALLER)
    sent = time.monotonic() - paused
    assert message.subject == "Diensten voor jou" and message.body.startswith("Hallo,")
    assert "1. Aide familiale" in message.body and "2. Aide familiale" in message.body
    assert "en néerlandais" in page.locator(".hd-status").inner_text()
    assert page.evaluate("document.activeElement.id") == "hd-place"  # ready for the next call
    screenshot(page, "helpdesk-fr-sent")

    text_keys = len(COMMUNE) + len(NEED) + len(CALLER)
    assert keys.typed == text_keys
    assert keys.other <= MAX_OTHER_KEYS, keys.other
    _write_timing(keys, searched - start, added - start, sent - start)


def test_the_dutch_screen_passes_axe_and_shows_its_keys(desk, live_server: str) -> None:
    page = desk
    page.goto(f"{live_server}/nl/helpdesk/?place=Schaarbeek&q=aide+familiale")
    assert page.evaluate("document.activeElement.id") == "hd-results"  # the digits work at once
    with page.expect_navigation():
        page.keyboard.press("3")
    assert page.locator(".hd-sheet-list li").count() == 1
    assert "Sneltoetsen" in page.locator(".hd-keys").inner_text()
    page.locator("#hd-note").focus()
    page.keyboard.type("thuishulp, bel 0470 12 34 56")
    with page.expect_navigation():
        page.locator("button[value=note]").click()
    assert "Haal het telefoonnummer uit de notitie" in page.locator(".hd-error-summary").inner_text()
    assert page.evaluate("document.activeElement.id") == "hd-note"
    screenshot(page, "helpdesk-nl")
    assert axe_violations(page) == []


def _write_timing(keys: Keyboard, searched: float, added: float, sent: float) -> None:
    load = os.getloadavg()
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / "helpdesk-timing.md").write_text(
        "# Helpdesk: one call, keyboard only (tests/browser/test_helpdesk_browser.py)\n\n"
        f"Scenario: `/` → commune `{COMMUNE}` → Tab → need `{NEED}` → Enter → `1` → `2` → `e` → "
        f"`{CALLER}` → Tab → → (Nederlands) → Ctrl+Enter; the sheet queued in the outbox.\n\n"
        "| step | seconds since answering |\n|---|---|\n"
        f"| results shown | {searched:.2f} |\n| two services on the sheet | {added:.2f} |\n"
        f"| sheet queued in the outbox | {sent:.2f} |\n\n"
        f"Keystrokes: {keys.typed + keys.other} ({keys.typed} typed characters, {keys.other} other keys; "
        f"bound asserted: at most {MAX_OTHER_KEYS} other keys).\n"
        "Typing is instantaneous here (Playwright): the seconds are the application's and the browser's share of "
        "a call, not a person's typing.\n"
        f"Load average when measured: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 shared cores).\n",
        encoding="utf-8",
    )
