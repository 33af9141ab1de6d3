"""Record searches with no true match (aggregated, privacy-safe: see directory/models/unmet.py) and list the most
frequent ones for moderators and, later, the bassins' dashboard."""

from __future__ import annotations

import json
import logging
import queue
import threading
from datetime import date, datetime

from flask import after_this_request, current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from directory.extensions import db
from directory.models import UnmetSearch
from directory.operations.hours import BRUSSELS
from directory.search.lexicon import tokens

log = logging.getLogger(__name__)
_pending: queue.SimpleQueue = queue.SimpleQueue()
_worker: threading.Thread | None = None
_worker_lock = threading.Lock()


def _key(result) -> tuple[str, str, str]:
    params = result.params
    filters = {k: sorted(v) for k, v in params.filters.items()}
    for kind in ("sector", "function", "commune", "section", "quartier", "bassin", "public", "language"):
        if values := params.understood.values(kind):
            filters[f"understood_{kind}"] = values
    query = " ".join(tokens(params.q))[:200]
    return params.lang, query, json.dumps(filters, sort_keys=True, separators=(",", ":"))


def record_after_response(result) -> None:
    """Count this search if it found nothing (first page, something typed); the write happens after the response
    is sent, in its own transaction, and a failure is logged, never shown."""
    if result.total or result.params.page != 1 or not result.params.q.strip():
        return
    lang, query, filters = _key(result)
    alternatives = sum(len(a.hits) for a in result.alternatives)
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    @after_this_request
    def schedule(response: Response) -> Response:
        if app.testing:  # tests read the row right after the response
            response.call_on_close(lambda: _write(app, lang, query, filters, alternatives))
        else:  # a worker thread writes, woken once the answer is sent: nothing waits for the database
            response.call_on_close(lambda: _enqueue((app, lang, query, filters, alternatives)))
        return response


def _enqueue(item: tuple) -> None:
    global _worker
    _pending.put(item)
    with _worker_lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_drain, name="unmet-searches", daemon=True)
            _worker.start()


def _drain() -> None:
    while True:
        _write(*_pending.get())


def _write(app, lang: str, query: str, filters: str, alternatives: int) -> None:
    with app.app_context():
        day = datetime.now(BRUSSELS).date()
        try:
            record(day, lang, query, filters, alternatives)
            db.session.commit()
        except SQLAlchemyError as exc:
            db.session.rollback()
            log.warning("unmet search not recorded: %s", exc)


def record(day: date, lang: str, query: str, filters: str, alternatives: int) -> None:
    """Add one to the day's row of this search (created if needed); the caller commits."""
    where = (
        (UnmetSearch.day == day)
        & (UnmetSearch.lang == lang)
        & (UnmetSearch.query == query)
        & (UnmetSearch.filters == filters)
    )
    result = db.session.execute(
        update(UnmetSearch).where(where).values(count=UnmetSearch.count + 1, alternatives=alternatives)
    )
    changed = getattr(result, "rowcount", 0)
    if not changed:
        db.session.add(
            UnmetSearch(day=day, lang=lang, query=query, filters=filters, alternatives=alternatives, count=1)
        )


def most_frequent(since: date, limit: int = 100) -> list[dict]:
    """The most frequent unmet searches since `since`: query, language, filters, searches, and whether
    alternatives were offered."""
    total = func.sum(UnmetSearch.count).label("searches")
    rows = db.session.execute(
        select(UnmetSearch.query, UnmetSearch.lang, UnmetSearch.filters, total, func.max(UnmetSearch.alternatives))
        .where(UnmetSearch.day >= since)
        .group_by(UnmetSearch.query, UnmetSearch.lang, UnmetSearch.filters)
        .order_by(total.desc(), UnmetSearch.query)
        .limit(limit)
    ).all()
    return [
        {"query": q, "lang": lang, "filters": json.loads(f), "searches": n, "alternatives": alt}
        for q, lang, f, n, alt in rows
    ]
