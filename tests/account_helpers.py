"""Helpers for the account, editing and moderation tests: users, signed-in clients, the mail outbox."""

from __future__ import annotations

import html
import re
import socketserver
from datetime import date
from typing import Any, NamedTuple

from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from directory.extensions import db
from directory.models import Organization, Service
from directory.models.accounts import MailMessage, Membership, Role, User

LINK = re.compile(r"https?://\S+")


def make_user(email: str, role: Role = Role.EDITOR, organizations: tuple[Organization, ...] = ()) -> User:
    """A user (flushed) with editing rights on `organizations`."""
    user = User(email=email, role=role)
    db.session.add(user)
    db.session.flush()
    for organization in organizations:
        db.session.add(Membership(user_id=user.id, organization_id=organization.id))
    db.session.flush()
    db.session.refresh(user)
    return user


def sign_in(client: FlaskClient, user_id: int) -> FlaskClient:
    """Open a session for the user without the e-mail round trip (the round trip is tested in test_auth)."""
    with client.application.app_context():
        version = db.session.get(User, user_id).session_version  # type: ignore[union-attr]
        db.session.remove()
    with client.session_transaction() as session:
        session["user_id"] = user_id
        session["session_version"] = version
    return client


def mails_to(email: str) -> list[MailMessage]:
    return list(db.session.scalars(select(MailMessage).where(MailMessage.to == email).order_by(MailMessage.id)))


def links(message: MailMessage) -> list[str]:
    """The URLs in a message, as paths the test client can open."""
    return [re.sub(r"^https?://[^/]+", "", url) for url in LINK.findall(message.body)]


def reload(service: Service) -> Service:
    db.session.expire_all()
    return db.session.get(Service, service.id)  # type: ignore[return-value]


class Team(NamedTuple):
    """Ids of two fiches of two organisations, an editor of the first, a moderator and an admin."""

    own: int
    other: int
    editor: int
    moderator: int
    admin: int


def make_team() -> Team:
    """Two fiches of two organisations and one user per role (flushed; the test commits)."""
    from tests.factories import make_service

    own = make_service("Maison médicale du Nord", org_fr="ASBL Nord")
    other = make_service("Centre de santé du Sud", org_fr="ASBL Sud")
    return Team(
        own=own.id,
        other=other.id,
        editor=make_user("editor@example.org", organizations=(own.organization,)).id,
        moderator=make_user("moderator@example.org", Role.MODERATOR).id,
        admin=make_user("admin@example.org", Role.ADMIN).id,
    )


def edit_form_data(service: Service, **overrides: Any) -> dict[str, Any]:
    """The edit form's fields as a browser posts them for the fiche as published, then `overrides`."""
    from directory.forms import form_data
    from directory.operations.editing import current_values

    fields: dict[str, Any] = {}
    for key, value in form_data(current_values(service)).items():
        if key == "exceptions":
            for i, entry in enumerate(value):
                fields.update({f"exceptions-{i}-{k}": _field(v) for k, v in entry.items()})
        else:
            fields[key] = value if isinstance(value, list) else _field(value)
    fields.update(overrides)
    return fields


def _field(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(page: bytes) -> str:
    """The CSRF token of the first form in a page."""
    found = CSRF.search(page.decode())
    assert found, "no CSRF token in the page"
    return found.group(1)


def page_text(response: TestResponse) -> str:
    """A response's HTML with entities decoded (Jinja escapes apostrophes), for asserting on visible text."""
    return html.unescape(response.data.decode())


class SMTPRecorder(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: records each message's data."""

    received: list[bytes] = []

    def handle(self) -> None:
        self.wfile.write(b"220 test\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go\r\n")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk
                self.received.append(data)
                self.wfile.write(b"250 ok\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")
