"""Health probes, request ids and structured logs, and `flask doctor`."""

from __future__ import annotations

import io
import json
import logging
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from directory.extensions import db
from directory.models import SearchOutbox
from directory.observability import JsonFormatter, RequestIdFilter
from directory.search.client import MeiliClient
from directory.search.server import free_port


def test_healthz_answers_without_database(make_app: Callable[..., Flask], tmp_path) -> None:
    broken = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/x.sqlite3")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    ready = broken.test_client().get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["status"] == "unavailable" and ready.get_json()["database"]["ok"] is False


def test_readyz_reports_database_search_and_outbox(client: FlaskClient) -> None:
    body = client.get("/readyz").get_json()
    assert body["status"] == "ready"
    assert body["database"]["ok"] and body["search"]["ok"]
    assert body["outbox"] == {"pending": 0, "oldest_seconds": 0}


def test_readyz_stays_200_but_degraded_without_meilisearch(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead = MeiliClient(f"http://127.0.0.1:{free_port()}", timeout=0.5)
    monkeypatch.setitem(app.extensions, "meili", dead)
    response = client.get("/readyz")
    dead.close()
    assert response.status_code == 200  # the site still answers (reduced search): keep sending traffic
    assert response.get_json()["status"] == "degraded"
    assert response.get_json()["search"] == {"ok": False, "error": "unreachable"}


def test_readyz_says_when_the_outbox_lags(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        db.session.add(SearchOutbox(service_id=42, created_at=datetime.now(UTC) - timedelta(hours=1)))
        db.session.commit()
    body = client.get("/readyz").get_json()
    assert body["status"] == "degraded"
    assert body["outbox"]["pending"] == 1 and body["outbox"]["oldest_seconds"] >= 3600


def test_every_response_carries_a_request_id(client: FlaskClient) -> None:
    generated = client.get("/healthz").headers["X-Request-ID"]
    assert len(generated) == 16
    assert client.get("/healthz").headers["X-Request-ID"] != generated
    assert client.get("/healthz", headers={"X-Request-ID": "proxy-abc-123"}).headers["X-Request-ID"] == "proxy-abc-123"
    forged = client.get("/healthz", headers={"X-Request-ID": "x forged; log=line"}).headers["X-Request-ID"]
    assert forged != "x forged; log=line" and len(forged) == 16


def test_slow_requests_are_logged_as_json_with_their_request_id(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("directory.requests")
    logger.addHandler(handler)
    app.config["SLOW_REQUEST_MS"] = 0
    try:
        client.get("/fr/search?q=x", headers={"X-Request-ID": "req-0000001"})
    finally:
        logger.removeHandler(handler)
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    slow = [e for e in entries if e["message"] == "slow request"]
    assert slow and slow[0]["request_id"] == "req-0000001"
    assert slow[0]["path"] == "/fr/search" and slow[0]["status"] == 200 and slow[0]["ms"] >= 0


def test_doctor_fails_on_a_known_secret_and_says_what_to_fix(make_app: Callable[..., Flask]) -> None:
    weak = make_app(SECRET_KEY="dev-only-change-me")
    result = weak.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "FAIL  secret key" in result.output and "DIRECTORY_SECRET_KEY" in result.output


def test_doctor_passes_a_sound_configuration(make_app: Callable[..., Flask]) -> None:
    sound = make_app(SECRET_KEY="k" * 48, PUBLIC_URL="https://qfq.example.org", PROXY_COUNT=1, MAIL_SERVER="smtp")
    result = sound.test_cli_runner().invoke(args=["doctor"])
    assert "FAIL" not in result.output, result.output
    assert result.exit_code == 0
    assert "OK    search: Meilisearch 1.21" in result.output


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="SQLite journal modes")
def test_doctor_warns_when_sqlite_is_not_in_wal_mode(app: Flask, make_app: Callable[..., Flask], tmp_path) -> None:
    assert "journal mode" not in app.test_cli_runner().invoke(args=["doctor"]).output  # WAL: nothing to say
    copy = tmp_path / "rollback.sqlite3"
    with app.app_context():
        source = sqlite3.connect(db.engine.url.database)
    target = sqlite3.connect(copy)
    source.backup(target)
    target.execute("PRAGMA journal_mode=DELETE")
    target.close()
    source.close()
    copy.chmod(0o400)  # read-only: the app cannot switch it to WAL
    stuck = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///file:{copy}?mode=ro&uri=true")
    result = stuck.test_cli_runner().invoke(args=["doctor"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "WARN  database: SQLite journal mode is 'delete', not 'wal'" in result.output, result.output


def test_doctor_reports_search_down_and_lagging_outbox(
    make_app: Callable[..., Flask], app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = make_app(SECRET_KEY="k" * 48)
    dead = MeiliClient(f"http://127.0.0.1:{free_port()}", timeout=0.5)
    monkeypatch.setitem(other.extensions, "meili", dead)
    output = other.test_cli_runner().invoke(args=["doctor"]).output
    dead.close()
    assert "WARN  search: Meilisearch" in output and "answers from SQL" in output


def test_migrations_ignore_the_search_fallback_table(make_app: Callable[..., Flask], tmp_path) -> None:
    """`flask db migrate` must not propose to drop the SQL full-text table, which is not a model."""
    from directory import schema
    from directory.search import textindex

    fresh = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    with fresh.app_context():
        schema.upgrade_database()
        with db.engine.begin() as connection:
            textindex.ensure(connection)
            assert textindex.exists(connection)
    result = fresh.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
