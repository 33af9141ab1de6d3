"""Faults: a huge or malformed query, the database locked or read-only, a worker killed in the middle of an edit."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from directory.config import REPO_ROOT
from directory.extensions import db
from directory.models import Revision, SearchOutbox, Service
from directory.search.client import MeiliClient
from directory.search.server import free_port
from tests.account_helpers import Team, edit_form_data, sign_in

SQLITE_ONLY = pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="SQLite file locks and modes")


@pytest.fixture(params=["up", "down"])
def search_state(request: pytest.FixtureRequest, app: Flask, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test twice: with Meilisearch, and answered by the SQL fallback."""
    if request.param == "down":
        dead = MeiliClient(f"http://127.0.0.1:{free_port()}", timeout=0.5)
        monkeypatch.setitem(app.extensions, "meili", dead)
        request.addfinalizer(dead.close)
    return request.param


@pytest.mark.parametrize("path", ["/fr/search", "/api/v1/services", "/nl/map", "/fr/map/points.json"])
def test_a_100_kb_query_is_refused_politely(client: FlaskClient, search_state: str, path: str) -> None:
    response = client.get(path, query_string={"q": "a" * 100_000})
    assert response.status_code == 414
    assert len(response.data) < 1000  # not echoed back (language links would have tripled it)
    said = client.get(path, query_string={"q": "a" * 5000}).get_data(as_text=True)
    assert "trop longue" in said or "te lang" in said  # the page's language
    assert client.get(path, query_string={"q": "a" * 300}).status_code == 400  # the search's own limit


@pytest.mark.parametrize("raw", ["%FF%FE", "%C3%28", "caf%E9", "%00", "%F0%9F%92%A9%ED%A0%80"])
def test_invalid_utf8_in_a_query_is_answered(client: FlaskClient, team: Team, search_state: str, raw: str) -> None:
    for path in (f"/fr/search?q={raw}", f"/api/v1/services?q={raw}", f"/fr/map/points.json?q={raw}"):
        response = client.get(path)
        assert response.status_code in (200, 400), (path, response.status_code)
    assert client.get(f"/api/v1/services?q=maison{raw}").status_code in (200, 400)


def _sqlite_path(app: Flask) -> Path:
    with app.app_context():
        return Path(db.engine.url.database or "")


@SQLITE_ONLY
def test_a_read_only_database_still_serves_and_refuses_edits_cleanly(
    app: Flask, team: Team, make_app: Callable[..., Flask]
) -> None:
    path = _sqlite_path(app)
    with app.app_context():
        data = edit_form_data(db.session.get(Service, team.own), name_fr="Jamais enregistré")
    read_only = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///file:{path}?mode=ro&uri=true")
    client = read_only.test_client()
    assert client.get("/fr/search?q=maison").status_code == 200
    assert client.get(f"/fr/services/{team.own}").status_code == 200
    assert client.get("/readyz").status_code == 200
    response = sign_in(client, team.moderator).post(f"/fr/edit/services/{team.own}", data=data)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "Rien n'a été enregistré" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Service, team.own).name_fr == "Maison médicale du Nord"


@SQLITE_ONLY
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app: Flask) -> None:
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 30_000  # SQLITE_BUSY_TIMEOUT, in ms


@SQLITE_ONLY
def test_a_locked_database_keeps_serving_pages_and_gives_edits_a_translated_503(
    app: Flask, team: Team, make_app: Callable[..., Flask]
) -> None:
    locked = make_app(SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0.2}})
    with app.app_context():
        data = edit_form_data(db.session.get(Service, team.own), name_fr="Jamais enregistré")
    editor = sign_in(locked.test_client(), team.moderator)
    holder = sqlite3.connect(_sqlite_path(app))
    holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a long write
    try:
        page = locked.test_client().get(f"/nl/services/{team.own}")
        ready = locked.test_client().get("/readyz")
        edit = editor.post(f"/fr/edit/services/{team.own}", data=data)
    finally:
        holder.rollback()
        holder.close()
    assert page.status_code == 200 and ready.status_code == 200  # WAL: readers do not wait for the writer
    assert edit.status_code == 503 and edit.headers["Retry-After"] == "30"
    assert "Rien n'a été enregistré" in edit.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Service, team.own).name_fr == "Maison médicale du Nord"
    assert editor.post(f"/fr/edit/services/{team.own}", data=data).status_code == 302  # and back by itself


@SQLITE_ONLY
def test_an_edit_waits_for_another_write_instead_of_failing(app: Flask, team: Team) -> None:
    with app.app_context():
        data = edit_form_data(db.session.get(Service, team.own), name_fr="Enregistré après l'attente")
    editor = sign_in(app.test_client(), team.moderator)
    holder = sqlite3.connect(_sqlite_path(app), check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.0, holder.rollback)
    release.start()
    try:
        response = editor.post(f"/fr/edit/services/{team.own}", data=data)
    finally:
        release.join()
        holder.close()
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Service, team.own).name_fr == "Enregistré après l'attente"


KILLER = """
import json, os, signal, sys
from flask_sqlalchemy.session import Session
from sqlalchemy import event
sys.path.insert(0, {root!r})
from directory import create_app
from directory.models import Revision
from tests.account_helpers import sign_in

config, service_id, moderator, data, moment = json.loads(sys.argv[1])
app = create_app(config)

def die(session, *args):
    if moment == "after_commit" or any(isinstance(o, Revision) for o in session.new):
        os.kill(os.getpid(), signal.SIGKILL)

event.listen(Session, moment, die)  # after the outbox listener: the edit, its revision and outbox row are written
sign_in(app.test_client(), moderator).post(f"/fr/edit/services/{{service_id}}", data=data)
print("not killed")
"""


def _config(app: Flask) -> dict:
    keys = ("SQLALCHEMY_DATABASE_URI", "MEILI_URL", "MEILI_MASTER_KEY", "MEILI_INDEX_PREFIX", "SECRET_KEY", "GEOCODER")
    return {**{k: app.config[k] for k in keys}, "TESTING": True, "WTF_CSRF_ENABLED": False, "TILE_URL": ""}


@pytest.mark.parametrize(("moment", "saved"), [("after_flush", False), ("after_commit", True)])
def test_a_worker_killed_during_an_edit_saves_all_or_nothing(app: Flask, team: Team, moment: str, saved: bool) -> None:
    with app.app_context():
        data = edit_form_data(db.session.get(Service, team.own), name_fr="Maison médicale du Nord-Ouest")
        revisions = db.session.scalar(select(func.count()).select_from(Revision))
    argument = json.dumps([_config(app), team.own, team.moderator, data, moment])
    child = subprocess.run(
        [sys.executable, "-c", KILLER.format(root=str(REPO_ROOT)), argument], capture_output=True, text=True
    )
    assert child.returncode == -9, child.stderr[-2000:]  # SIGKILL, in the middle of the request
    with app.app_context():
        name = db.session.get(Service, team.own).name_fr
        new_revisions = db.session.scalar(select(func.count()).select_from(Revision)) - revisions
        if db.engine.url.get_backend_name() == "sqlite":
            assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        if saved:
            assert name == "Maison médicale du Nord-Ouest" and new_revisions >= 1  # (a baseline, then the edit)
        else:
            assert (name, new_revisions) == ("Maison médicale du Nord", 0)
            assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
