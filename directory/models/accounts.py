"""People who keep fiches current, and the security records around them.

Roles: an **editor** edits the fiches of the organisations they are a member of (`Membership`); a **helpdesk**
answerer also uses the helpdesk view (sends referral sheets by e-mail, notes needs); a **moderator**
reviews every fiche and the queue; an **admin** also manages accounts. Moderator and admin are global roles on
`User.role`; the per-organisation right is the membership itself. Sign-in is password-less: `LoginToken` keeps
only the SHA-256 of a single-use, expiring secret sent by e-mail.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, DateTime, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import Model
from directory.models.base import utcnow
from directory.models.services import Organization


class Role(enum.StrEnum):
    EDITOR = "editor"
    HELPDESK = "helpdesk"  # answers a single regional number: the helpdesk view (sends sheets, notes needs)
    MODERATOR = "moderator"
    ADMIN = "admin"


class User(Model):
    """An account, identified by its e-mail address (no password)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, values_callable=lambda cls: [m.value for m in cls], length=20),
        default=Role.EDITOR,
    )
    lang: Mapped[str] = mapped_column(String(2), default="fr")  # language of the e-mails we send
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Raised at sign-out, role change and deactivation: sessions carrying an older number are no longer valid.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="Membership.user_id"
    )

    @property
    def is_moderator(self) -> bool:
        """Moderators and admins review every fiche."""
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_use_helpdesk(self) -> bool:
        """Helpdesk answerers, moderators and admins may send referral sheets and note needs."""
        return self.role in (Role.HELPDESK, Role.MODERATOR, Role.ADMIN)

    @property
    def display_name(self) -> str:
        return self.name or self.email

    @property
    def public_name(self) -> str:
        """What the public fiche shows as "checked by": the name, else only the address's domain."""
        return self.name or "@" + self.email.rpartition("@")[2]


class Membership(Model):
    """A user may edit the fiches of this organisation."""

    __table_args__ = (UniqueConstraint("user_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    organization: Mapped[Organization] = relationship()


class TrustedOrganization(Model):
    """An organisation whose editors publish directly, without the moderation queue."""

    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organization: Mapped[Organization] = relationship()


class LoginToken(Model):
    """A single-use sign-in or invitation link; only the SHA-256 of the secret is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(10), default="sign_in")  # sign_in | invite
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class AuditLog(Model):
    """Who did what and when: sign-ins, publications, reviews, invitations, role changes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    actor: Mapped[str] = mapped_column(String(254), default="")  # e-mail at the time, kept if the user goes
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str] = mapped_column(String(45), default="")


class RateLimitHit(Model):
    """One counted request for a rate limit; `key` is a hash of the scope and the client address."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class MailMessage(Model):
    """Every e-mail we send. Without MAIL_SERVER it stays here (the development and test outbox). Once sent, the
    body is emptied (it may hold a sign-in, invitation or verification link); recipient, subject and dates stay."""

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
