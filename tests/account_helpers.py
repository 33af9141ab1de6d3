"""Helpers for the account, editing and moderation tests: users, signed-in clients, the mail outbox."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select

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
    with client.session_transaction() as session:
        session["user_id"] = user_id
    return client


def mails_to(email: str) -> list[MailMessage]:
    return list(db.session.scalars(select(MailMessage).where(MailMessage.to == email).order_by(MailMessage.id)))


def links(message: MailMessage) -> list[str]:
    """The URLs in a message, as paths the test client can open."""
    return [re.sub(r"^https?://[^/]+", "", url) for url in LINK.findall(message.body)]


def reload(service: Service) -> Service:
    db.session.expire_all()
    return db.session.get(Service, service.id)  # type: ignore[return-value]
