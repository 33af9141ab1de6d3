"""E-mail: every message is a `MailMessage` row written in the caller's transaction.

With MAIL_SERVER configured, the messages of a transaction are delivered by SMTP (smtplib) after it commits, so a
rolled-back request sends nothing; failures stay queued for `flask mail send`. Without MAIL_SERVER (development,
tests) the table is the outbox, readable at /<lang>/dev/outbox when DEBUG or TESTING.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import make_msgid

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import select
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


def smtp_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def _after_commit(session: Session) -> None:
    ids = session.info.pop(PENDING, None)
    if ids and smtp_configured():
        with Session(db.engine) as fresh:
            deliver(fresh, ids)
            fresh.commit()


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
                message.sent_at, message.error = utcnow(), ""
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
