"""What the public sends in by itself: claims on a fiche ("this is my organisation") and proposed new services.

Both are open to anyone and reviewed by a moderator unless the claim is proved by e-mail. A claim's link secret is
stored only as its SHA-256 (`token_hash`), like sign-in links.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, DateTime, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import Model
from directory.models.accounts import User
from directory.models.base import utcnow
from directory.models.services import Organization, Service


class RequestStatus(enum.StrEnum):
    AWAITING_EMAIL = "awaiting_email"  # a link was mailed: opening it proves the address and grants at once
    PENDING = "pending"  # waiting for a moderator
    GRANTED = "granted"  # claims: the person edits the organisation's fiches; proposals: published
    REFUSED = "refused"


def _status() -> Enum:
    return Enum(RequestStatus, native_enum=False, values_callable=lambda c: [m.value for m in c], length=20)


class Claim(Model):
    """Someone says "this is my organisation" about a fiche and asks to keep the organisation's fiches current."""

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200), default="")  # function in the organisation
    email: Mapped[str] = mapped_column(String(254))
    lang: Mapped[str] = mapped_column(String(2), default="fr")
    status: Mapped[RequestStatus] = mapped_column(_status(), default=RequestStatus.PENDING, index=True)
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)  # bce, phone note, message, what matched
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(Text, default="")  # the moderator's word to the claimant

    service: Mapped[Service] = relationship()
    organization: Mapped[Organization] = relationship()
    decided_by: Mapped[User | None] = relationship()


class ServiceProposal(Model):
    """A new service, or a new site of an existing one, proposed by anyone; published after a moderator's review.

    `values` has the shape of `directory.operations.editing.current_values` (the edit form's values)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    organization_name: Mapped[str] = mapped_column(String(200), default="")
    bce_number: Mapped[str] = mapped_column(String(12), default="")
    site_of_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="SET NULL"))  # new site of
    proposer_name: Mapped[str] = mapped_column(String(200), default="")
    proposer_email: Mapped[str] = mapped_column(String(254), default="")
    proposer_role: Mapped[str] = mapped_column(String(200), default="")
    lang: Mapped[str] = mapped_column(String(2), default="fr")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RequestStatus] = mapped_column(_status(), default=RequestStatus.PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(Text, default="")
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="SET NULL"))  # once published

    site_of: Mapped[Service | None] = relationship(foreign_keys=[site_of_id])
    service: Mapped[Service | None] = relationship(foreign_keys=[service_id])
    decided_by: Mapped[User | None] = relationship()
