"""Accounts: users, memberships, password-less sign-in links, invitations, permissions, the audit log.

A link carries a secret from `secrets.token_urlsafe`; the database keeps only its SHA-256, so a leaked database
cannot be used to sign in. A link works once and expires (SIGN_IN_LINK_MINUTES, INVITE_LINK_DAYS).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_request_context, request
from sqlalchemy import select

from directory.extensions import db
from directory.i18n import N_
from directory.models import Organization, Service
from directory.models.accounts import AuditLog, LoginToken, Membership, Role, TrustedOrganization, User
from directory.models.base import utcnow
from directory.operations import mail


def as_utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every stored datetime is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def normalize_email(raw: str) -> str:
    """The canonical, lower-case form of an address; ValueError when it is not one."""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None


def user_by_email(email: str) -> User | None:
    try:
        email = normalize_email(email)
    except ValueError:
        return None
    return db.session.scalar(select(User).where(User.email == email))


def get_or_create_user(email: str, role: Role = Role.EDITOR, lang: str = "fr", name: str = "") -> User:
    """The user with this address, created (as `role`) if needed; an existing user's role is kept."""
    email = normalize_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, role=role, lang=lang, name=name)
        db.session.add(user)
        db.session.flush()
    return user


def organization_ids(user: User) -> set[int]:
    return {m.organization_id for m in user.memberships}


def can_edit(user: User | None, service: Service) -> bool:
    """Moderators and admins edit every fiche; an editor only those of their organisations."""
    if user is None or not user.active:
        return False
    return user.is_moderator or service.organization_id in organization_ids(user)


def is_trusted(organization_id: int) -> bool:
    return db.session.get(TrustedOrganization, organization_id) is not None


def set_trusted(organization: Organization, trusted: bool, by: User) -> None:
    """Let an organisation's editors publish directly (or not any more)."""
    current = db.session.get(TrustedOrganization, organization.id)
    if trusted and current is None:
        db.session.add(TrustedOrganization(organization_id=organization.id, granted_by_id=by.id))
    elif not trusted and current is not None:
        db.session.delete(current)
    audit("trust" if trusted else "untrust", by, organization)
    db.session.flush()


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, purpose: str = "sign_in") -> str:
    """A new single-use link secret for `user`; only its hash is stored."""
    config = current_app.config
    lifetime = (
        timedelta(days=config["INVITE_LINK_DAYS"])
        if purpose == "invite"
        else timedelta(minutes=config["SIGN_IN_LINK_MINUTES"])
    )
    raw = secrets.token_urlsafe(32)
    db.session.add(
        LoginToken(user_id=user.id, token_hash=hash_token(raw), purpose=purpose, expires_at=utcnow() + lifetime)
    )
    db.session.flush()
    return raw


def valid_token(raw: str) -> LoginToken | None:
    """The unused, unexpired token of an active user matching `raw`, else None."""
    token = db.session.scalar(select(LoginToken).where(LoginToken.token_hash == hash_token(raw or "")))
    if token is None or token.used_at is not None or as_utc(token.expires_at) <= utcnow() or not token.user.active:
        return None
    return token


def consume_token(raw: str) -> User | None:
    """Use a link once: the user it signs in, or None (unknown, used, expired). Both outcomes are audited."""
    token = valid_token(raw)
    if token is None:
        audit("sign_in_failed", None, details={"reason": "invalid or used link"})
        return None
    token.used_at = utcnow()
    user = token.user
    user.last_sign_in_at = token.used_at
    audit("sign_in", user, details={"purpose": token.purpose})
    db.session.flush()
    return user


def request_sign_in_later(email: str, lang: str, next_path: str = "") -> None:
    """`request_sign_in` after the response, on the mail worker (SIGN_IN_IN_BACKGROUND), so that the answer takes
    the same time whether or not the address has an account; in the request itself otherwise."""
    if not current_app.config["SIGN_IN_IN_BACKGROUND"]:
        request_sign_in(email, lang, next_path)
        return
    ip = (request.remote_addr or "") if has_request_context() else ""

    def job() -> None:
        request_sign_in(email, lang, next_path, ip)
        db.session.commit()

    mail.worker.run_later(current_app._get_current_object(), job)  # type: ignore[attr-defined]


def request_sign_in(email: str, lang: str, next_path: str = "", ip: str | None = None) -> bool:
    """Send a sign-in link if an active account has this address; the caller never tells which happened.

    `next_path` (a local path, checked by the caller) is where the link leads after signing in; `ip` is the
    client's address for the audit log when this runs outside the request."""
    user = user_by_email(email)
    if user is None or not user.active:
        audit("sign_in_requested", None, details={"known": False}, ip=ip)
        return False
    user.lang = lang
    link = mail.public_url("auth.confirm", lang_code=lang, token=issue_token(user), next=next_path or None)
    mail.send_template(
        user.email,
        lang,
        "auth/mail_sign_in.txt",
        SIGN_IN_SUBJECT,
        link=link,
        minutes=current_app.config["SIGN_IN_LINK_MINUTES"],
    )
    audit("sign_in_requested", user, details={"known": True}, ip=ip)
    return True


SIGN_IN_SUBJECT = N_("Your sign-in link")
INVITE_SUBJECT = N_("You are invited to keep your fiches up to date")


def invite(email: str, organization: Organization, by: User, lang: str, role: Role = Role.EDITOR) -> User:
    """Give `email` editing rights on `organization` and send an invitation link (a user is created if needed).

    Only admins may grant the moderator or admin role; editors may invite colleagues to their own organisations."""
    if role != Role.EDITOR and not by.is_admin:
        raise PermissionError("only an admin grants moderator or admin rights")
    if not by.is_moderator and organization.id not in organization_ids(by):
        raise PermissionError("editors invite only to their own organisations")
    user = get_or_create_user(email, role=role, lang=lang)
    if role != Role.EDITOR and user.role != role:
        user.role = role
    if organization.id not in organization_ids(user):
        db.session.add(Membership(user_id=user.id, organization_id=organization.id, invited_by_id=by.id))
        db.session.flush()
        db.session.refresh(user, ["memberships"])
    lang = user.lang  # a new user speaks the inviter's page language; a known one keeps theirs
    link = mail.public_url("auth.confirm", lang_code=lang, token=issue_token(user, "invite"))
    mail.send_template(
        user.email,
        lang,
        "auth/mail_invite.txt",
        INVITE_SUBJECT,
        link=link,
        inviter=by.display_name,
        organization=organization,
        days=current_app.config["INVITE_LINK_DAYS"],
    )
    audit("invite", by, organization, details={"email": user.email, "role": str(role)})
    return user


def revoke_sessions(user: User) -> None:
    """Make every existing session cookie of `user` worthless (sign-out, role change, deactivation)."""
    user.session_version = (user.session_version or 0) + 1


def set_role(user: User, role: Role, by: User) -> None:
    """Change a user's global role (admins only); their open sessions end."""
    if not by.is_admin:
        raise PermissionError("only an admin changes roles")
    if user.role != role:
        audit("role", by, user, details={"from": str(user.role), "to": str(role)})
        user.role = role
        revoke_sessions(user)
        db.session.flush()


def set_active(user: User, active: bool, by: User) -> None:
    """Activate or deactivate an account (admins only); a deactivated user's sessions end."""
    if not by.is_admin:
        raise PermissionError("only an admin activates accounts")
    if user.active != active:
        user.active = active
        revoke_sessions(user)
        audit("activate" if active else "deactivate", by, user)
        db.session.flush()


def create_admin(email: str) -> User:
    """The first admin (CLI): create the account or promote it."""
    user = get_or_create_user(email, role=Role.ADMIN)
    user.role, user.active = Role.ADMIN, True
    audit("role", None, user, details={"to": "admin", "by": "cli"})
    db.session.flush()
    return user


def audit(
    action: str, user: User | None, target: object = None, details: dict | None = None, ip: str | None = None
) -> AuditLog:
    """Append to the audit log (in the caller's transaction), with the client address (`ip`, or the request's)."""
    entry = AuditLog(
        action=action,
        user_id=user.id if user else None,
        actor=user.email if user else "",
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=getattr(target, "id", None),
        details=details or {},
        ip=ip if ip is not None else (request.remote_addr or "") if has_request_context() else "",
    )
    db.session.add(entry)
    return entry
