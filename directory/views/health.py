"""Probes for a process manager or a load balancer: `/healthz` (the process answers) and `/readyz` (it can serve).

`/readyz` answers 503 only when the database cannot be read: without Meilisearch the site still answers from
SQL (reduced search), so the body says `"search": {"ok": false}` and the status is "degraded" for monitoring,
while the balancer keeps sending traffic. `outbox` tells how many fiche changes wait for the index, and how old
the oldest is (the retry thread pushes them when Meilisearch is back).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from directory.extensions import csrf, db
from directory.models import SearchOutbox

bp = Blueprint("health", __name__)
csrf.exempt(bp)


@bp.get("/healthz")
def healthz() -> Response:
    """Alive: no database, no network."""
    return jsonify(status="ok")


def outbox_lag() -> dict:
    """Pending outbox rows and the age in seconds of the oldest one."""
    from directory.search.sync import REINDEX_MARK

    rows = select(func.count(), func.min(SearchOutbox.created_at)).where(SearchOutbox.service_id != REINDEX_MARK)
    pending, oldest = db.session.execute(rows).one()
    if oldest is not None and oldest.tzinfo is None:  # SQLite returns naive datetimes
        oldest = oldest.replace(tzinfo=UTC)
    age = round((datetime.now(UTC) - oldest).total_seconds()) if oldest else 0
    return {"pending": pending, "oldest_seconds": age}


def _database() -> tuple[dict, dict | None]:
    """(state, outbox lag): reading the outbox table proves the database answers (locks included)."""
    started = time.perf_counter()
    try:
        lag = outbox_lag()
        return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}, lag
    except Exception as exc:  # any driver error means "not ready"; the body says which
        db.session.rollback()
        return {"ok": False, "error": type(exc).__name__}, None


def _search() -> dict:
    from directory.search import ping_index
    from directory.search.client import MeiliError

    started = time.perf_counter()
    try:
        ping_index()
        return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
    except MeiliError as exc:
        return {"ok": False, "error": exc.code or "error"}


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Ready: the database answers (else 503); search and the outbox lag are reported."""
    database, lag = _database()
    body: dict = {"database": database, "search": _search()}
    if lag is not None:
        body["outbox"] = lag
    lagging = body.get("outbox", {}).get("oldest_seconds", 0) > current_app.config["OUTBOX_LAG_WARN_SECONDS"]
    if not database["ok"]:
        body["status"] = "unavailable"
    elif not body["search"]["ok"] or lagging:
        body["status"] = "degraded"
    else:
        body["status"] = "ready"
    return jsonify(body), 200 if database["ok"] else 503
