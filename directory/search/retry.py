"""Background retry: each app process pushes the outbox once Meilisearch answers again, and rebuilds a missing index.

Started by the first request of a process (so it runs in each gunicorn worker and in the development server,
never at import or in `create_app`), every SEARCH_RETRY_SECONDS; 0 turns it off. Several processes may run it
at once: pushes are serialised by `sync.push_services`, and a document id is the same whichever process sends
it, so nothing is indexed twice.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import SearchOutbox

log = logging.getLogger(__name__)
_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """Start the retry thread with the process's first request (when SEARCH_RETRY_SECONDS > 0)."""
    if app.config["SEARCH_RETRY_SECONDS"] > 0:

        @app.before_request
        def start_retry() -> None:  # returns nothing: a value would become the response
            start(app)


def start(app: Flask) -> threading.Event:
    """Start the thread once per application and process; returns the event that stops it."""
    with _lock:
        stop = app.extensions.get("search_retry")
        if stop is None:
            stop = app.extensions["search_retry"] = threading.Event()
            thread = threading.Thread(target=_loop, args=(app, stop), name="search-retry", daemon=True)
            thread.start()
    return stop  # type: ignore[no-any-return]


def _loop(app: Flask, stop: threading.Event) -> None:
    while not stop.wait(app.config["SEARCH_RETRY_SECONDS"]):
        try:
            with app.app_context():
                retry_once()
        except Exception as exc:  # the loop must outlive any failure; it is logged
            log.warning("search retry failed: %s", exc)
        finally:
            with app.app_context():
                db.session.remove()


def pending() -> int:
    """Outbox rows waiting for Meilisearch (the reindex mark aside)."""
    from directory.search.sync import REINDEX_MARK

    count = select(func.count()).select_from(SearchOutbox).where(SearchOutbox.service_id != REINDEX_MARK)
    return db.session.scalar(count) or 0


def retry_once() -> int:
    """If Meilisearch is up: rebuild the index if it is missing, push the outbox, and let searches use
    Meilisearch again. Returns the number of services pushed."""
    from directory.search import get_client, index_name
    from directory.search.fallback import breaker
    from directory.search.sync import reindex, sync_outbox

    client = get_client()
    if not client.health():
        return 0
    if not client.index_exists(index_name()):
        log.warning("search index %s missing: rebuilding it from the database", index_name())
        reindex()
        done = 0
    else:
        done = sync_outbox() if pending() else 0
    breaker().reset()
    if done:
        log.info("search retry pushed %d services", done)
    return done
