"""Scale-out: two app processes (real HTTP servers) on one database and one Meilisearch. Rate limits, sign-in links,
the search outbox and moderation work across them, as behind a reverse proxy that spreads requests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from flask import Flask

from directory.config import REPO_ROOT
from directory.extensions import db
from directory.models import ChangeRequest, SearchOutbox, Service
from directory.search.server import MeiliProcess, free_port
from tests.account_helpers import Team, edit_form_data, links, mails_to
from tests.conftest import MEILI_KEY

SECRET = "two-processes-share-this-secret-key-0123456789"


class Site:
    """One app process serving on a loopback port."""

    def __init__(self, app: Flask, meili: MeiliProcess, **config: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DIRECTORY_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "DIRECTORY_MEILI_URL": meili.url,
            "DIRECTORY_MEILI_MASTER_KEY": MEILI_KEY,
            "DIRECTORY_MEILI_INDEX_PREFIX": app.config["MEILI_INDEX_PREFIX"],
            "DIRECTORY_SECRET_KEY": SECRET,
            "DIRECTORY_WTF_CSRF_ENABLED": "false",
            "DIRECTORY_SESSION_COOKIE_SECURE": "false",
            "DIRECTORY_GEOCODER": "none",
            "DIRECTORY_TILE_URL": "",
            "DIRECTORY_SEARCH_RETRY_SECONDS": "0.3",
            "DIRECTORY_SEARCH_FALLBACK_PAUSE": "0.3",
            "DIRECTORY_LOG_LEVEL": "WARNING",
            **{f"DIRECTORY_{k}": v for k, v in config.items()},
        }
        flask = Path(sys.executable).parent / "flask"
        command = [str(flask), "--app", "directory", "run", "--host", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command, env=env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.http = httpx.Client(base_url=self.base, timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.http.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.base} did not start")

    def stop(self) -> None:
        self.http.close()
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def sites(
    app: Flask, team: Team, own_meili: MeiliProcess, make_app: Callable[..., Flask]
) -> Iterator[tuple[Site, Site, Flask]]:
    """Processes A and B, and an app object of the same database and index for the test's own checks."""
    checker = make_app(MEILI_URL=own_meili.url)
    with checker.app_context():
        from directory.search.sync import ensure_index, wait_until_indexed

        ensure_index()
        wait_until_indexed()
    a = Site(app, own_meili, RATE_LIMIT_REPORT="[3, 3600]")
    b = Site(app, own_meili, RATE_LIMIT_REPORT="[3, 3600]")
    yield a, b, checker
    a.stop()
    b.stop()


def test_a_rate_limit_counts_requests_made_to_either_process(sites: tuple[Site, Site, Flask], team: Team) -> None:
    a, b, _checker = sites
    report = {"category": "other", "message": "Le numéro ne répond plus."}
    statuses = [site.http.post(f"/fr/services/{team.own}/report", data=report).status_code for site in (a, b, a, b)]
    assert statuses == [200, 200, 200, 429]


def sign_in_across(first: Site, second: Site, checker: Flask, email: str) -> httpx.Client:
    """Ask for the link on `first`, use it on `second`; returns `second`'s client, now signed in."""
    assert first.http.post("/fr/account/sign-in", data={"email": email}).status_code == 200
    with checker.app_context():
        link = links(mails_to(email)[-1])[0]
    assert second.http.get(link).status_code == 200
    assert second.http.post(link).status_code in (302, 303)
    assert first.http.post(link).status_code == 410  # single use, whichever process is asked
    return second.http


def test_a_sign_in_link_from_one_process_works_on_the_other_and_once(
    sites: tuple[Site, Site, Flask], team: Team
) -> None:
    a, b, checker = sites
    signed_in = sign_in_across(a, b, checker, "moderator@example.org")
    assert signed_in.get("/fr/moderation/").status_code == 200
    with httpx.Client(base_url=a.base, cookies={"session": signed_in.cookies["session"]}) as same_session:
        assert same_session.get("/fr/moderation/").status_code == 200  # the session works on A too


def test_an_edit_made_while_search_is_down_reaches_the_index_from_either_process(
    sites: tuple[Site, Site, Flask], team: Team, own_meili: MeiliProcess
) -> None:
    a, b, checker = sites
    moderator = sign_in_across(a, b, checker, "moderator@example.org")
    with checker.app_context():
        data = edit_form_data(db.session.get(Service, team.own), name_fr="Maison médicale Wiertz")
    own_meili.stop()
    assert moderator.post(f"/fr/edit/services/{team.own}", data=data).status_code in (302, 303)
    found = a.http.get("/api/v1/services", params={"q": "wiertz"}).json()
    assert found["degraded"] is True and found["total"] == 1  # from SQL, on the other process
    own_meili.start()
    deadline = time.monotonic() + 20
    answer: dict = {}
    while time.monotonic() < deadline:
        answer = a.http.get("/api/v1/services", params={"q": "wiertz"}).json()
        if not answer["degraded"] and answer["total"] == 1:
            break
        time.sleep(0.2)
    assert not answer["degraded"] and answer["total"] == 1  # pushed by a retry thread, no CLI
    with checker.app_context():
        from sqlalchemy import func, select

        from directory.search import get_client, index_name
        from directory.search.sync import wait_until_indexed

        wait_until_indexed()
        assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
        assert get_client().stats(index_name())["numberOfDocuments"] == 2  # the team's two fiches, no duplicate


def test_a_change_proposed_on_one_process_is_approved_on_the_other(sites: tuple[Site, Site, Flask], team: Team) -> None:
    a, b, checker = sites
    editor = sign_in_across(b, a, checker, "editor@example.org")
    with checker.app_context():
        data = edit_form_data(db.session.get(Service, team.own), name_fr="Maison médicale du Nord (Haren)")
    assert editor.post(f"/fr/edit/services/{team.own}", data=data).status_code in (302, 303)
    with checker.app_context():
        from sqlalchemy import select

        proposal = db.session.scalars(select(ChangeRequest).where(ChangeRequest.service_id == team.own)).one()
        assert proposal.status == "pending"
    moderator = sign_in_across(a, b, checker, "moderator@example.org")
    assert moderator.post(f"/fr/moderation/changes/{proposal.id}/approve").status_code in (302, 303)
    assert "Maison médicale du Nord (Haren)" in a.http.get(f"/fr/services/{team.own}").text
