"""E-mail: every message is a `MailMessage` row written in the caller's transaction.

With MAIL_SERVER configured, the messages of a transaction are handed after it commits to a background thread that
delivers them by SMTP (smtplib): a rolled-back request sends nothing, and a request takes the same time whether it
queued a message or not, however slow the SMTP server (its timing does not tell who has an account). Failures stay
queued for `flask mail send`. A sent message's body is emptied, since it may hold a single-use link. Links in
messages are built from PUBLIC_URL, never from the request's Host header. Without MAIL_SERVER (development, tests)
the table is the outbox, readable at /<lang>/dev/outbox when DEBUG or TESTING; there a body is emptied once the
page has shown it, and any body older than DEV_OUTBOX_KEEP_MINUTES is emptied when the next message is queued.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import queue
import smtplib
import threading
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from directory.extensions import db
from directory.models.accounts import MailMessage
from directory.models.base import utcnow

log = logging.getLogger(__name__)
PENDING = "mail_pending_ids"
_registered = False


def init_app(app: Flask) -> None:
    """Register the after-commit delivery once per process."""
    global _registered
    if not _registered:
        from sqlalchemy import event

        event.listen(FlaskSession, "after_commit", _after_commit)
        event.listen(FlaskSession, "after_soft_rollback", lambda session, _prev: session.info.pop(PENDING, None))
        _registered = True


def send(to: str, subject: str, body: str) -> MailMessage:
    """Queue one plain-text message (flushed; delivered after commit when SMTP is configured)."""
    if not smtp_configured():
        purge_dev_outbox(db.session())
    message = MailMessage(to=to, subject=subject, body=body)
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault(PENDING, set()).add(message.id)
    return message


def send_template(to: str, lang: str, template: str, subject: str, **context: object) -> MailMessage:
    """Render `templates/<template>` and the gettext `subject` in `lang` (the recipient's language), then send."""
    with force_locale(lang):
        from flask_babel import gettext

        return send(to, gettext(subject), render_template(template, lang=lang, **context))


def purge_dev_outbox(session: Session) -> int:
    """Without SMTP, empty the bodies (sign-in, invitation, verification links) of messages older than
    DEV_OUTBOX_KEEP_MINUTES; returns how many. The caller commits."""
    cutoff = utcnow() - timedelta(minutes=current_app.config["DEV_OUTBOX_KEEP_MINUTES"])
    old = update(MailMessage).where(MailMessage.created_at < cutoff, MailMessage.body != "").values(body="")
    return session.execute(old, execution_options={"synchronize_session": False}).rowcount  # type: ignore[attr-defined]


def shown_in_dev_outbox(messages: Iterable[MailMessage]) -> None:
    """The development outbox showed these messages: empty their bodies, as delivery does. The caller commits."""
    for message in messages:
        if message.body:
            message.body = ""
            message.sent_at = message.sent_at or utcnow()


def _deliver_committed(ids: set[int]) -> None:
    with Session(db.engine) as session:
        deliver(session, ids)
        session.commit()


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute link for an e-mail, on the configured PUBLIC_URL whatever the request's Host said."""
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    current_app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)


def smtp_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def _after_commit(session: Session) -> None:
    ids = session.info.pop(PENDING, None)
    if ids and smtp_configured():
        worker.submit(current_app._get_current_object(), ids)  # type: ignore[attr-defined]


class DeliveryWorker:
    """One background thread per process that runs jobs after the response, in order: delivering committed
    messages, and the work of a sign-in request (so its answer takes the same time for every address)."""

    def __init__(self) -> None:
        self.queue: queue.Queue[tuple[Flask, Callable[[], object]]] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.pid = os.getpid()
        self.lock = threading.Lock()

    def submit(self, app: Flask, ids: set[int]) -> None:
        """Deliver the messages `ids` (committed) by SMTP."""
        self.run_later(app, functools.partial(_deliver_committed, set(ids)))

    def run_later(self, app: Flask, job: Callable[[], object]) -> None:
        """Run `job` in an application context of `app` on the worker thread."""
        with self.lock:
            if self.pid != os.getpid():  # a forked worker process: the parent's thread and queue are not ours
                self.queue, self.thread, self.pid = queue.Queue(), None, os.getpid()
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="mail-delivery", daemon=True)
                self.thread.start()
        self.queue.put((app, job))

    def _run(self) -> None:
        while True:
            app, job = self.queue.get()
            try:
                with app.app_context():
                    job()
            except Exception:  # messages stay queued for `flask mail send`
                log.exception("background mail job failed")
            finally:
                self.queue.task_done()

    def wait(self, timeout: float = 30.0) -> bool:
        """Wait until every queued message was tried; False if still busy after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self.queue.all_tasks_done:
            while self.queue.unfinished_tasks:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self.queue.all_tasks_done.wait(remaining):
                    return not self.queue.unfinished_tasks
        return True


worker = DeliveryWorker()
atexit.register(worker.wait, 10.0)  # a process that stops gracefully first delivers what its requests queued


def deliver(session: Session, ids: Iterable[int] | None = None) -> int:
    """Send unsent messages (all of them, or `ids`) by SMTP; returns how many went out. The caller commits."""
    query = select(MailMessage).where(MailMessage.sent_at.is_(None)).order_by(MailMessage.id)
    if ids is not None:
        query = query.where(MailMessage.id.in_(list(ids)))
    messages = list(session.scalars(query))
    if not messages:
        return 0
    sent = 0
    try:
        with _connect() as smtp:
            for message in messages:
                message.attempts += 1
                try:
                    smtp.send_message(_email(message))
                except smtplib.SMTPException as exc:
                    message.error = str(exc)[:500]
                    continue
                message.sent_at, message.error, message.body = utcnow(), "", ""  # the body may hold a link
                sent += 1
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("mail delivery deferred for %d messages: %s", len(messages) - sent, exc)
        for message in messages:
            if message.sent_at is None:
                message.error = str(exc)[:500]
    return sent


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    smtp = smtplib.SMTP_SSL(host, port, timeout=10) if config["MAIL_USE_SSL"] else smtplib.SMTP(host, port, timeout=10)
    if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
        smtp.starttls()
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return smtp


def _email(message: MailMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_SENDER"]
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain="qui-fait-quoi.local")
    email.set_content(message.body)
    return email
