"""Headless Debian chromium (driven by Playwright) against the app served on a loopback port."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from directory.config import REPO_ROOT
from directory.search.server import free_port
from directory.serving import QuietKeepAliveHandler

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-domain-reliability",
]
SCREENSHOTS = REPO_ROOT / "tests" / "screenshots"


def serve(app: Flask) -> Iterator[str]:
    """Serve `app` on http://127.0.0.1:<free port> in a thread until the generator is closed."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True, request_handler=QuietKeepAliveHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app on http://127.0.0.1:<free port>, in a thread, for the duration of one test."""
    yield from serve(app)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server: str) -> Iterator[object]:
    """A fresh page that records every request to a host other than the live server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-BE")
    page = context.new_page()
    page.foreign_requests = []
    page.on(
        "request", lambda r: None if r.url.startswith((live_server, "data:")) else page.foreign_requests.append(r.url)
    )
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a PNG under tests/screenshots/ (git-ignored) for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
