"""Changes proposed by editors, published revisions, problem reports from the public, freshness reminders.

Change sets and snapshots use the keys of `directory.operations.editing` (service columns by name, location
columns as "location.<name>", and "phones", "sectors", "publics") with JSON values.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, DateTime, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import Model
from directory.models.accounts import User
from directory.models.base import utcnow
from directory.models.services import Service


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, values_callable=lambda c: [m.value for m in c], length=20)


class ChangeStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"  # replaced by a newer proposal of the same author


class ChangeRequest(Model):
    """Proposed values for a fiche, waiting for a moderator (a draft until reviewed)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[ChangeStatus] = mapped_column(_enum(ChangeStatus), default=ChangeStatus.PENDING, index=True)
    changes: Mapped[dict] = mapped_column(JSON, default=dict)  # key → proposed value
    base: Mapped[dict] = mapped_column(JSON, default=dict)  # key → published value when proposed
    note: Mapped[str] = mapped_column(Text, default="")  # the author's message to the moderator
    comment: Mapped[str] = mapped_column(Text, default="")  # the moderator's answer (required to reject)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    service: Mapped[Service] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])


class Revision(Model):
    """A published state of a fiche: who, when, why, and the full snapshot (diffs compare snapshots)."""

    __table_args__ = (UniqueConstraint("service_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # 0 = the fiche as it was before its first edit here (imported)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    author_label: Mapped[str] = mapped_column(String(254), default="")
    kind: Mapped[str] = mapped_column(String(20))  # baseline | edit | review | availability | restore
    snapshot: Mapped[dict] = mapped_column(JSON)
    change_request_id: Mapped[int | None] = mapped_column(ForeignKey("change_request.id", ondelete="SET NULL"))
    restored_from: Mapped[int | None]  # revision number

    author: Mapped[User | None] = relationship()


class ReportStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class ProblemReport(Model):
    """A problem on a fiche ("information incorrecte / foutieve informatie"), reported by anyone without an account."""

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    category: Mapped[str] = mapped_column(String(20))  # see directory.operations.moderation.REPORT_CATEGORIES
    message: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(254), default="")  # optional, to thank or ask back
    lang: Mapped[str] = mapped_column(String(2), default="fr")
    status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus), default=ReportStatus.OPEN, index=True)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    service: Mapped[Service] = relationship()
    handled_by: Mapped[User | None] = relationship()


class FreshnessReminder(Model):
    """A reminder e-mail sent to an editor about a fiche not checked for a while (to avoid repeating it)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
