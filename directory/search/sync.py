"""Keep the index true to the database (the pattern of Indico livesync and Invenio).

1. `after_flush` records the ids of services touched by the flush (directly, or through a location, phone or
   organization) in `search_outbox`, in the same transaction, and remembers them on the session.
2. `after_commit` rebuilds those services' documents in a fresh session and pushes them; the outbox rows are
   deleted once Meilisearch has accepted the work. If it is down, the rows stay for `flask search sync`.
3. `reindex` builds a new index from scratch and swaps it in atomically (no downtime).

Imports commit every few hundred rows; pushing after each commit sends Meilisearch many small tasks, and a
delete-by-filter between additions stops it from batching them. Inside `batched()` the pushes wait until
PUSH_AT services are pending (and the end of the block), and services created in the transaction skip the delete:
they have no documents yet. The outbox rows are committed with the data all the same, so nothing is lost if the
process stops before the push (`flask search sync` sends them).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask, current_app
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import delete, event, insert, select
from sqlalchemy.orm import Session

from directory.extensions import db
from directory.models import Location, Organization, Phone, SearchOutbox, Service
from directory.models.services import service_at_location, whole_service
from directory.search import get_client, index_name
from directory.search.client import MeiliError
from directory.search.documents import build_documents
from directory.search.settings import index_settings

log = logging.getLogger(__name__)
PENDING = "search_pending_service_ids"
NEW = "search_new_service_ids"  # created in this transaction: no document to delete
DEFERRED = "search_deferred"  # inside `batched()`: {"ids": set, "new": set} pushed at PUSH_AT or at the end
PUSH_AT = 5000
BATCH = 2000
_registered = False


def init_app(app: Flask) -> None:
    """Register the session listeners once per process (they act on every Flask-SQLAlchemy session)."""
    global _registered
    if not _registered:
        event.listen(FlaskSession, "after_flush", _after_flush)
        event.listen(FlaskSession, "after_commit", _after_commit)
        event.listen(FlaskSession, "after_soft_rollback", _after_rollback)
        _registered = True


def _touched_service_ids(session: Session) -> set[int]:
    """Services whose documents change with this flush. Related ids are read with plain SQL on the flush's
    connection: lazy-loading relationships inside a flush would corrupt the identity map."""
    ids: set[int] = set()
    locations: set[int] = set()
    organizations: set[int] = set()
    dirty = [obj for obj in session.dirty if session.is_modified(obj)]
    new = {obj.id for obj in session.new if isinstance(obj, Service) and obj.id is not None}
    if new:
        session.info.setdefault(NEW, set()).update(new)
    for obj in (*session.new, *dirty, *session.deleted):
        if isinstance(obj, Service) and obj.id is not None:
            ids.add(obj.id)
        elif isinstance(obj, Phone) and obj.service_id is not None:
            ids.add(obj.service_id)
        elif isinstance(obj, Location) and obj.id is not None:
            locations.add(obj.id)
        elif isinstance(obj, Organization) and obj.id is not None:
            organizations.add(obj.id)
    connection = session.connection()
    if locations:
        column = service_at_location.c.location_id
        ids.update(connection.scalars(select(service_at_location.c.service_id).where(column.in_(locations))))
    if organizations:
        ids.update(connection.scalars(select(Service.id).where(Service.organization_id.in_(organizations))))
    return ids


def _after_flush(session: Session, _flush_context: object) -> None:
    enqueue(session, _touched_service_ids(session))


def enqueue(session: Session, service_ids: Iterable[int], new: bool = False) -> None:
    """Record services to re-index: outbox rows in the current transaction, pushed after commit.

    The flush listener calls it; so does code that writes with Core statements, which bypass the flush (with
    `new=True` for rows it has just inserted)."""
    if new:
        session.info.setdefault(NEW, set()).update(service_ids)
    ids = set(service_ids) - session.info.get(PENDING, set())
    if ids:
        session.connection().execute(insert(SearchOutbox.__table__), [{"service_id": i, "attempts": 0} for i in ids])
        session.info.setdefault(PENDING, set()).update(ids)


def _after_commit(session: Session) -> None:
    ids = session.info.pop(PENDING, None)
    new = session.info.pop(NEW, set())
    if not ids or not current_app.config["SEARCH_SYNC_ON_COMMIT"]:
        return
    deferred = session.info.get(DEFERRED)
    if deferred is None:
        _push_now(ids, new & ids)
        return
    deferred["ids"] |= ids
    deferred["new"] |= new & ids
    if len(deferred["ids"]) >= PUSH_AT:
        _flush_deferred(session)


def _push_now(ids: set[int], new: set[int]) -> None:
    with Session(db.engine) as fresh:
        try:
            push_services(fresh, ids, new)
            fresh.commit()
        except MeiliError as exc:
            fresh.rollback()
            log.warning("search sync deferred for %d services: %s", len(ids), exc)


def _flush_deferred(session: Session) -> None:
    deferred = session.info.get(DEFERRED)
    if deferred and deferred["ids"]:
        _push_now(deferred["ids"], deferred["new"])
        deferred["ids"], deferred["new"] = set(), set()


@contextmanager
def batched(session: Session | None = None) -> Iterator[None]:
    """Within the block, commits push their services PUSH_AT at a time, and the rest when the block ends."""
    session = session or db.session()
    outer = DEFERRED in session.info
    if not outer:
        session.info[DEFERRED] = {"ids": set(), "new": set()}
    try:
        yield
    finally:
        if not outer:
            _flush_deferred(session)
            session.info.pop(DEFERRED, None)


def _after_rollback(session: Session, _previous: object) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(NEW, None)


def _load_services(session: Session, ids: Iterable[int] | None) -> Iterator[Service]:
    query = select(Service).options(*whole_service())
    if ids is not None:
        query = query.where(Service.id.in_(list(ids)))
    yield from session.scalars(query.order_by(Service.id).execution_options(yield_per=500))


def push_services(session: Session, ids: set[int], new: set[int] | frozenset[int] = frozenset()) -> list[dict]:
    """Rebuild and send the documents of `ids`, remove their outbox rows (caller commits). Returns the tasks.

    The old documents of a service are deleted first (a service loses a location, or is deleted), except for the
    `new` services, which have none."""
    client, uid = get_client(), index_name()
    documents: list[dict] = []
    for service in _load_services(session, ids):
        documents.extend(build_documents(service))
    tasks = []
    old = ids - new
    if old:
        listed = ", ".join(str(i) for i in sorted(old))
        tasks.append(client.delete_documents_by_filter(uid, f"service_id IN [{listed}]"))
    if documents:
        tasks.append(client.add_documents(uid, documents))
    session.execute(delete(SearchOutbox).where(SearchOutbox.service_id.in_(ids)))
    return tasks


def sync_outbox(batch: int = 500) -> int:
    """Push every pending outbox entry (after Meilisearch was down, or with SEARCH_SYNC_ON_COMMIT off)."""
    done = 0
    while True:
        ids = set(db.session.scalars(select(SearchOutbox.service_id).distinct().limit(batch)))
        if not ids:
            return done
        push_services(db.session, ids)
        db.session.commit()
        done += len(ids)


def ensure_index() -> None:
    """Create the live index with its settings if missing (filled by a full reindex), else refresh its settings."""
    client, uid = get_client(), index_name()
    if client.index_exists(uid):
        client.wait_for_task(client.update_settings(uid, index_settings()))
    else:
        reindex()


def reindex() -> int:
    """Build a fresh index from the database and swap it in atomically; returns the number of documents."""
    client, live = get_client(), index_name()
    started = time.time()
    staging = f"{live}_build_{int(started * 1000)}"
    client.wait_for_task(client.create_index(staging))
    client.wait_for_task(client.update_settings(staging, index_settings()))
    count, batch, tasks = 0, [], []
    for service in _load_services(db.session, None):
        batch.extend(build_documents(service))
        if len(batch) >= BATCH:
            tasks.append(client.add_documents(staging, batch))
            count, batch = count + len(batch), []
    if batch:
        tasks.append(client.add_documents(staging, batch))
        count += len(batch)
    for task in tasks:
        client.wait_for_task(task, timeout=600)
    if not client.index_exists(live):
        client.wait_for_task(client.create_index(live))
    client.wait_for_task(client.swap_indexes(live, staging))
    client.wait_for_task(client.delete_index(staging))
    # Catch up with services committed while the staging index was filled (their push went to the old index).
    since = datetime.fromtimestamp(started - 1, UTC)
    recent = set(db.session.scalars(select(Service.id).where(Service.updated_at >= since)))
    if recent:
        for task in push_services(db.session, recent):
            client.wait_for_task(task)
    db.session.execute(delete(SearchOutbox).where(SearchOutbox.created_at <= since))
    db.session.commit()
    return count


def wait_until_indexed(timeout: float = 30.0) -> None:
    """Block until Meilisearch has processed every task on the live index (tests, benchmarks, CLI)."""
    client, uid = get_client(), index_name()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = client.request(
            "GET", "/tasks", params={"indexUids": uid, "statuses": "enqueued,processing", "limit": 1}
        )
        if not pending["results"]:
            return
        time.sleep(0.02)
    raise MeiliError(f"index {uid} still busy after {timeout}s", "timeout")
