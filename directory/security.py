"""Who is signed in, what they may do, and how often anonymous clients may ask.

Every editing, moderation and admin view declares its rule with a decorator from here; per-fiche rules go through
`editable_service_or_404`, which answers 404 (not 403) so an editor cannot learn what exists in another
organisation. Rate limits are counted in the database (`RateLimitHit`), so they hold across processes.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import queue
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Flask,
    abort,
    after_this_request,
    current_app,
    g,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.routing import IntegerConverter
from werkzeug.wrappers import Response

from directory.extensions import db
from directory.models import Service
from directory.models.accounts import RateLimitHit, User
from directory.models.base import utcnow
from directory.operations.accounts import can_edit, revoke_sessions

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)
DATABASE_ID_MAX = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL (SQLite's would hold 64)


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` in routes: a number too large for a database id does not match the route (404, not a 500)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", DATABASE_ID_MAX)
        super().__init__(map, *args, **kwargs)


def database_id(value: str) -> int:
    """An id read from a query string or form (`request.form.get(name, type=database_id)`): ValueError, so the
    default, for anything but a number a database id can be, whose lookup would fail on PostgreSQL (out of range)
    and on SQLite beyond 64 bits."""
    number = int(value) if value.isascii() and value.isdigit() else -1
    if not 0 <= number <= DATABASE_ID_MAX:
        raise ValueError(f"not a database id: {value!r}")
    return number


class SessionInterface(SecureCookieSessionInterface):
    """Signed cookie sessions whose cookie is `Secure` when the request came over HTTPS (SESSION_COOKIE_SECURE None)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        configured = app.config["SESSION_COOKIE_SECURE"]
        if configured is None:
            return has_request_context() and request.is_secure
        return bool(configured)


def init_app(app: Flask) -> None:
    """Install the id converter (before any route is added) and the session interface."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.session_interface = SessionInterface()


def current_user() -> User | None:
    """The signed-in, active user of this request (cached on `g`). A session from before the user's last sign-out
    or role change (another `session_version`) counts as signed out."""
    if "current_user" not in g:
        user = None
        user_id = session.get("user_id")
        if user_id is not None:
            user = db.session.get(User, user_id)
            if user is not None and (not user.active or session.get("session_version", 0) != user.session_version):
                user = None
        g.current_user = user
    return g.current_user  # type: ignore[no-any-return]


def login_user(user: User) -> None:
    """Start a fresh session for `user` (a new session cookie: no fixation)."""
    session.clear()
    session["user_id"] = user.id
    session["session_version"] = user.session_version
    session.permanent = True
    g.current_user = user


def logout_user() -> None:
    """End this session, and every other session of the same user (copied cookies included): the caller commits."""
    user = current_user()
    if user is not None:
        revoke_sessions(user)
    session.clear()
    g.current_user = None


def login_required(view: F) -> F:
    """Anonymous visitors are sent to the sign-in page, then back."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def moderator_required(view: F) -> F:
    """Moderators and admins only (403 for a signed-in editor)."""

    @functools.wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user().is_moderator:  # type: ignore[union-attr]
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def admin_required(view: F) -> F:
    """Admins only."""

    @functools.wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user().is_admin:  # type: ignore[union-attr]
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def editable_service_or_404(service_id: int) -> Service:
    """The fiche if the current user may edit it; 404 otherwise, whether it exists or not."""
    service = db.session.get(Service, service_id)
    if service is None or not can_edit(current_user(), service):
        abort(404)
    return service


def safe_next(target: str | None, default: str) -> str:
    """A local path to go back to after signing in; anything pointing elsewhere becomes `default`.

    Browsers read a backslash as a slash and drop tabs and newlines, so "/\\evil.example" is refused too."""
    if not target or "\\" in target or any(ord(char) < 32 for char in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def _key(scope: str, subject: str) -> str:
    raw = f"{current_app.config['SECRET_KEY']}|{scope}|{subject}"
    return hashlib.sha256(raw.encode()).hexdigest()


def over_limit(scope: str, limit: tuple[int, int] | list[int], subject: str | None = None) -> bool:
    """Count this request for (scope, subject — by default the client address) unless `limit` = (count, seconds)
    is already reached, and say whether it was. Only a hash of the subject is stored; the hit joins the request's
    transaction (the view commits)."""
    count, seconds = int(limit[0]), int(limit[1])
    key = _key(scope, subject if subject is not None else (request.remote_addr or ""))
    since = utcnow() - timedelta(seconds=seconds)
    db.session.execute(delete(RateLimitHit).where(RateLimitHit.key == key, RateLimitHit.at < since))
    used = db.session.scalar(select(func.count()).select_from(RateLimitHit).where(RateLimitHit.key == key)) or 0
    if used >= count:
        return True
    db.session.add(RateLimitHit(key=key))
    return False


def rate_limit(scope: str, limit: tuple[int, int] | list[int], subject: str | None = None) -> None:
    """`over_limit`, answering 429 when the limit is reached. Use it only for limits whose subject is the client
    itself (its address, its own account): a limit on someone else's account would let anyone lock them out."""
    if over_limit(scope, limit, subject):
        db.session.commit()  # keep the clean-up; nothing else happened in this request
        abort(429)


_hits: queue.SimpleQueue = queue.SimpleQueue()
_writer: threading.Thread | None = None
_writer_lock = threading.Lock()


READS_REFRESH_SECONDS = 5.0  # how old a process's copy of a client's hit count may be


def rate_limit_reads(scope: str, limit: tuple[int, int] | list[int]) -> None:
    """`rate_limit` for the open API's reads, which are many and cheap. The process counts each client's hits
    from the database at most every READS_REFRESH_SECONDS, and in between adds its own; it answers 429 at the
    limit. The hit itself is written after the response, by a worker thread, so a search never waits for the
    database. The limit still holds across processes, give or take the hits of the last seconds."""
    count, seconds = int(limit[0]), int(limit[1])
    key = _key(scope, request.remote_addr or "")
    since = utcnow() - timedelta(seconds=seconds)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    now = time.monotonic()
    # client key → (read at, hits in the database then, own hits since): per application, one per process
    # outside tests (a module-level table would carry one test application's hits into the next)
    counts: dict[str, tuple[float, int, int]] = app.extensions.setdefault("rate_limit_reads", {})
    with _writer_lock:
        read_at, counted, own = counts.get(key, (-math.inf, 0, 0))
    if app.testing or now - read_at > READS_REFRESH_SECONDS:
        counted = (
            db.session.scalar(
                select(func.count()).select_from(RateLimitHit).where(RateLimitHit.key == key, RateLimitHit.at >= since)
            )
            or 0
        )
        read_at, own = now, 0
        if len(counts) > 10_000:  # forget clients not seen lately
            counts.clear()
    if counted + own >= count:
        abort(429)
    with _writer_lock:
        counts[key] = (read_at, counted, own + 1)
    if app.testing:  # tests send the next request right after this one: write before answering
        _write_hit(app, [(key, since)])
        return

    @after_this_request
    def queue_hit(response: Response) -> Response:
        # Handed to the writer once the answer is sent: woken earlier, its thread would take the interpreter
        # from the request still being answered (milliseconds under load).
        response.call_on_close(lambda: _queue_hit(app, key, since))
        return response


def _queue_hit(app: Flask, key: str, since: Any) -> None:
    """Hand one hit to the writer thread, started when none runs."""
    _hits.put((app, key, since))
    global _writer
    with _writer_lock:
        if _writer is None or not _writer.is_alive():
            _writer = threading.Thread(target=_write_hits, name="rate-limit-hits", daemon=True)
            _writer.start()


def _write_hits() -> None:
    """The writer thread: every hit waiting is written in one transaction (one commit, not one per request)."""
    while True:
        batch = [_hits.get()]
        while not _hits.empty() and len(batch) < 1000:
            batch.append(_hits.get_nowait())
        for app in {app for app, _key, _since in batch}:  # one application per process, except in tests
            _write_hit(app, [(key, since) for owner, key, since in batch if owner is app])


def _write_hit(app: Flask, hits: list[tuple[str, Any]]) -> None:
    """Record one hit of each (key, since) and forget the hits of that key older than `since`, in one
    transaction of its own."""
    with app.app_context():
        try:
            for key, since in hits:
                db.session.execute(delete(RateLimitHit).where(RateLimitHit.key == key, RateLimitHit.at < since))
                db.session.add(RateLimitHit(key=key))
            db.session.commit()
        except SQLAlchemyError as exc:
            db.session.rollback()
            log.warning("rate-limit hits not recorded: %s", exc)


def count_public_request(scope: str, email: str | None = None) -> None:
    """Rate limits of the public forms: per client address and, when given, per e-mail address."""
    limit = current_app.config["RATE_LIMIT_CLAIM"]
    rate_limit(scope, limit)
    if email:
        rate_limit(scope + "_email", limit, email.strip().lower())
