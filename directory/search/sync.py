"""Keep the index true to the database (the pattern of Indico livesync and Invenio).

1. `after_flush` records the ids of services touched by the flush (directly, or through a location, phone or
   organization) in `search_outbox`, in the same transaction, and remembers them on the session.
2. `after_commit` rebuilds those services' documents in a fresh session and pushes them; the outbox rows are
   deleted once Meilisearch has accepted the work. If it is down, the rows stay for `flask search sync`.
3. `reindex` builds a new index from scratch and swaps it in atomically (no downtime). While it runs, a mark row
   in the outbox (service id REINDEX_MARK) tells pushes to keep their rows; after the swap the reindex pushes them
   again, so an edit made meanwhile is never lost in the index that was swapped out.

Pushes take a lock first (SQLite: the write lock, by deleting their outbox rows before reading; PostgreSQL: an
advisory lock), so two processes never send an older version of a fiche after a newer one. The same listener
keeps the SQL full-text table of the fallback search current (`textindex.refresh`), in the edit's transaction.

Imports commit every few hundred rows; pushing after each commit sends Meilisearch many small tasks, and a
delete-by-filter between additions stops it from batching them. Inside `batched()` the pushes wait until
PUSH_AT services are pending (and the end of the block), and services created in the transaction skip the delete:
they have no documents yet. The outbox rows are committed with the data all the same, so nothing is lost if the
process stops before the push (`flask search sync` sends them).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask, current_app
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import delete, event, func, insert, select, text, update
from sqlalchemy.orm import Session

from directory.extensions import db
from directory.models import Location, Organization, Phone, SearchOutbox, Service
from directory.models.services import service_at_location, whole_service
from directory.search import get_client, index_name, textindex
from directory.search.client import MeiliError
from directory.search.documents import build_documents, documents_of
from directory.search.settings import index_settings

log = logging.getLogger(__name__)
PENDING = "search_pending_service_ids"
NEW = "search_new_service_ids"  # created in this transaction: no document to delete
DEFERRED = "search_deferred"  # inside `batched()`: {"ids", "new", "documents"} pushed at PUSH_AT or at the end
PREBUILT = "search_prebuilt_documents"  # service id → (outbox mark, documents) of a service inserted with Core
PUSH_AT = 5000
BATCH = 2000
REINDEX_MARK = 0  # the service id of the outbox row that says "a reindex is running"
MARK_EXPIRES = 3600  # seconds after which a mark left by a crashed reindex is ignored
PUSH_LOCK = 727_274  # PostgreSQL advisory lock key of pushes
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


def enqueue(
    session: Session, service_ids: Iterable[int], new: bool = False, documents: Mapping[int, list[dict]] | None = None
) -> None:
    """Record services to re-index: outbox rows in the current transaction, pushed after commit.

    The flush listener calls it; so does code that writes with Core statements, which bypass the flush (with
    `new=True` for rows it has just inserted, and their `documents` when it has built them from the values it
    inserted: they are not read back). A later change to a service in this session drops such documents; one
    committed by another session is seen by `push_services`, which then reads the service again."""
    service_ids = set(service_ids)
    if new:
        session.info.setdefault(NEW, set()).update(service_ids)
    prebuilt = session.info.setdefault(PREBUILT, {})
    if documents is None:
        deferred = session.info.get(DEFERRED)
        for sid in service_ids:
            prebuilt.pop(sid, None)
            if deferred:
                deferred["documents"].pop(sid, None)
    textindex.refresh(session.connection(), service_ids, documents)
    ids = service_ids - session.info.get(PENDING, set())
    if ids:
        session.connection().execute(insert(SearchOutbox), [{"service_id": i, "attempts": 0} for i in ids])
        session.info.setdefault(PENDING, set()).update(ids)
    if documents is not None:  # the newest outbox row now: any row of these services above it is a later change
        mark = session.connection().scalar(select(func.max(SearchOutbox.id))) or 0
        prebuilt.update({sid: (mark, documents[sid]) for sid in service_ids if sid in documents})


def _after_commit(session: Session) -> None:
    ids = session.info.pop(PENDING, None)
    new = session.info.pop(NEW, set())
    prebuilt = session.info.pop(PREBUILT, {})
    if not ids or not current_app.config["SEARCH_SYNC_ON_COMMIT"]:
        return
    deferred = session.info.get(DEFERRED)
    if deferred is None:
        _push_now(ids, new & ids, prebuilt)
        return
    deferred["ids"] |= ids
    deferred["new"] |= new & ids
    deferred["documents"].update(prebuilt)
    if len(deferred["ids"]) >= PUSH_AT:
        _flush_deferred(session)


def _push_now(ids: set[int], new: set[int], prebuilt: Mapping[int, tuple[int, list[dict]]]) -> None:
    from directory.search.fallback import breaker

    if breaker().is_open():  # Meilisearch failed moments ago: the retry thread pushes these rows later
        return
    with Session(db.engine) as fresh:
        try:
            push_services(fresh, ids, new, prebuilt)
            fresh.commit()
        except MeiliError as exc:
            fresh.rollback()
            log.warning("search sync deferred for %d services: %s", len(ids), exc)


def _flush_deferred(session: Session) -> None:
    deferred = session.info.get(DEFERRED)
    if deferred and deferred["ids"]:
        _push_now(deferred["ids"], deferred["new"], deferred["documents"])
        deferred["ids"], deferred["new"], deferred["documents"] = set(), set(), {}


@contextmanager
def batched(session: Session | None = None) -> Iterator[None]:
    """Within the block, commits push their services PUSH_AT at a time, and the rest when the block ends."""
    session = session or db.session()
    outer = DEFERRED in session.info
    if not outer:
        session.info[DEFERRED] = {"ids": set(), "new": set(), "documents": {}}
    try:
        yield
    finally:
        if not outer:
            _flush_deferred(session)
            session.info.pop(DEFERRED, None)


def _after_rollback(session: Session, _previous: object) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(NEW, None)
    session.info.pop(PREBUILT, None)


def _load_services(session: Session, ids: Iterable[int] | None) -> Iterator[Service]:
    query = select(Service).options(*whole_service())
    if ids is not None:
        query = query.where(Service.id.in_(list(ids)))
    yield from session.scalars(query.order_by(Service.id).execution_options(yield_per=500))


def _lock(session: Session, ids: set[int]) -> dict[int, int]:
    """Serialise pushes across processes until the caller's commit (see the module docstring): count the attempt
    on the outbox rows, a write that takes SQLite's write lock; PostgreSQL also takes an advisory lock. Returns
    the newest outbox row id of each service of `ids` that still has one."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PUSH_LOCK})
    attempts = update(SearchOutbox).where(SearchOutbox.service_id.in_(ids)).values(attempts=SearchOutbox.attempts + 1)
    newest: dict[int, int] = {}
    for sid, row_id in session.execute(attempts.returning(SearchOutbox.service_id, SearchOutbox.id)):
        newest[sid] = max(newest.get(sid, 0), row_id)
    return newest


def reindex_running(session: Session) -> bool:
    """True while a reindex (started less than MARK_EXPIRES seconds ago) is filling its new index."""
    since = datetime.fromtimestamp(time.time() - MARK_EXPIRES, UTC)
    marks = select(func.count()).where(SearchOutbox.service_id == REINDEX_MARK, SearchOutbox.created_at >= since)
    return bool(session.scalar(marks))


def push_services(
    session: Session,
    ids: set[int],
    new: set[int] | frozenset[int] = frozenset(),
    prebuilt: Mapping[int, tuple[int, list[dict]]] | None = None,
) -> list[dict]:
    """Rebuild and send the documents of `ids`, remove their outbox rows (caller commits). Returns the tasks.

    The old documents of a service are deleted first (a service loses a location, or is deleted), except for the
    `new` services, which have none. During a reindex the rows stay: the reindex pushes them again into the new
    index after its swap. The `prebuilt` documents of a service (its values as inserted, with the newest outbox
    row id when they were queued) are sent as they are only while its own outbox row is there and no newer one:
    a newer row is a change committed since (pushed or not), no row means another push has sent the service;
    either way its documents are read again from the database."""
    client, uid = get_client(), index_name()
    newest = _lock(session, ids)
    if not reindex_running(session):
        session.execute(delete(SearchOutbox).where(SearchOutbox.service_id.in_(ids)))
    built = {sid: value for sid, value in (prebuilt or {}).items() if sid in ids}
    ready = {sid for sid, (mark, _documents) in built.items() if 0 < newest.get(sid, 0) <= mark}
    documents = [doc for sid in sorted(ready) for doc in built[sid][1]]
    documents += documents_of(session, ids - ready)
    tasks = []
    old = ids - new
    if old:
        listed = ", ".join(str(i) for i in sorted(old))
        tasks.append(client.delete_documents_by_filter(uid, f"service_id IN [{listed}]"))
    if documents:
        tasks.append(client.add_documents(uid, documents))
    return tasks


def sync_outbox(batch: int = 500) -> int:
    """Push every pending outbox entry (after Meilisearch was down, or with SEARCH_SYNC_ON_COMMIT off); nothing
    while a reindex runs (it pushes them itself after its swap). Returns the number of services pushed."""
    since = datetime.fromtimestamp(time.time() - MARK_EXPIRES, UTC)
    stale_marks = delete(SearchOutbox).where(SearchOutbox.service_id == REINDEX_MARK, SearchOutbox.created_at < since)
    db.session.execute(stale_marks)
    if reindex_running(db.session()):
        db.session.commit()
        return 0
    done = 0
    while True:
        pending = select(SearchOutbox.service_id).where(SearchOutbox.service_id != REINDEX_MARK)
        ids = set(db.session.scalars(pending.distinct().limit(batch)))
        if not ids:
            db.session.commit()
            return done
        push_services(db.session(), ids)
        db.session.commit()
        done += len(ids)


def outbox_lag() -> dict:
    """Pending outbox rows and the age in seconds of the oldest one (`/readyz`, `flask doctor`)."""
    rows = select(func.count(), func.min(SearchOutbox.created_at)).where(SearchOutbox.service_id != REINDEX_MARK)
    pending, oldest = db.session.execute(rows).one()
    if oldest is not None and oldest.tzinfo is None:  # SQLite returns naive datetimes
        oldest = oldest.replace(tzinfo=UTC)
    age = round((datetime.now(UTC) - oldest).total_seconds()) if oldest else 0
    return {"pending": pending, "oldest_seconds": age}


def ensure_index() -> None:
    """Create the SQL full-text table and the live index if missing (the index filled by a full reindex), else
    refresh the index settings."""
    textindex.ensure(db.session.connection())
    db.session.commit()
    client, uid = get_client(), index_name()
    if client.index_exists(uid):
        client.wait_for_task(client.update_settings(uid, index_settings()))
    else:
        reindex()


def _drop_staging(live: str) -> None:
    """Remove the half-built indexes a crashed reindex left behind."""
    client = get_client()
    for index in client.request("GET", "/indexes", params={"limit": 1000})["results"]:
        if index["uid"].startswith(f"{live}_build_"):
            client.wait_for_task(client.delete_index(index["uid"]))


def reindex() -> int:
    """Build a fresh index from the database and swap it in atomically; returns the number of documents.

    Edits committed while it runs keep their outbox rows (the mark) and are pushed again after the swap; if
    Meilisearch fails midway the live index is untouched and the rows stay for the retry thread."""
    live = index_name()
    _drop_staging(live)
    textindex.ensure(db.session.connection())
    mark = SearchOutbox(service_id=REINDEX_MARK, attempts=0)
    db.session.add(mark)
    db.session.commit()
    mark_id = mark.id
    try:
        count = _fill_and_swap(live, f"{live}_build_{int(time.time() * 1000)}")
        # Rows queued before the mark are in the new index (it was read after the mark was committed).
        db.session.execute(
            delete(SearchOutbox).where(SearchOutbox.id < mark_id, SearchOutbox.service_id != REINDEX_MARK)
        )
        db.session.commit()
    finally:
        db.session.rollback()
        db.session.execute(delete(SearchOutbox).where(SearchOutbox.id == mark_id))
        db.session.commit()
    sync_outbox()  # the edits made while the new index was filled
    return count


def _fill_and_swap(live: str, staging: str) -> int:
    client = get_client()
    client.wait_for_task(client.create_index(staging))
    client.wait_for_task(client.update_settings(staging, index_settings()))
    count, batch, tasks = 0, [], []
    for service in _load_services(db.session(), None):
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
