"""Candidates: services a source names but nobody has checked yet (KBO/BCE, leads read on public pages...).

A candidate is never public. A coordinator publishes it as a fiche, merges it into an existing fiche, or
dismisses it; the decision is kept on the row, keyed by (source, source_id), so a re-import never brings a
dismissed candidate back to the queue.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import Model
from directory.models.base import utcnow
from directory.models.geography import Bassin, Commune
from directory.models.services import Service, _enum


class CandidateStatus(enum.StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    MERGED = "merged"
    DISMISSED = "dismissed"


class Candidate(Model):
    """One service as a source describes it, waiting for a coordinator of its bassin."""

    __table_args__ = (UniqueConstraint("source", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[str] = mapped_column(String(120))
    status: Mapped[CandidateStatus] = mapped_column(_enum(CandidateStatus), default=CandidateStatus.PENDING, index=True)
    name_fr: Mapped[str] = mapped_column(String(320), default="")
    name_nl: Mapped[str] = mapped_column(String(320), default="")
    organization_fr: Mapped[str] = mapped_column(String(320), default="")
    organization_nl: Mapped[str] = mapped_column(String(320), default="")
    bce_number: Mapped[str | None] = mapped_column(String(12), index=True)  # 10 digits, no dots
    record: Mapped[dict] = mapped_column(JSON, default=dict)  # the source's record (importers.base.ServiceRecord)
    details: Mapped[dict] = mapped_column(JSON, default=dict)  # source-specific extras (KBO activities, raw rows)
    postcode: Mapped[str] = mapped_column(String(4), default="")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    commune_nis: Mapped[str | None] = mapped_column(ForeignKey("commune.nis"), index=True)
    bassin_code: Mapped[str | None] = mapped_column(ForeignKey("bassin.code"), index=True)
    area_note: Mapped[str] = mapped_column(Text, default="")  # English msgid, translated when shown
    source_url: Mapped[str] = mapped_column(Text, default="")
    source_date_text: Mapped[str] = mapped_column(String(200), default="")  # as the source gives it
    source_date: Mapped[date | None]  # parsed from source_date_text when it holds a date
    licence: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    duplicate_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="SET NULL"))
    duplicate_score: Mapped[int | None]
    duplicate_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    gone_from_source: Mapped[bool] = mapped_column(default=False)  # deleted upstream (KBO update)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # last import listing it

    commune: Mapped[Commune | None] = relationship()
    bassin: Mapped[Bassin | None] = relationship()
    duplicate: Mapped[Service | None] = relationship(foreign_keys=[duplicate_id])
    service: Mapped[Service | None] = relationship(foreign_keys=[service_id])

    @property
    def name(self) -> str:
        """Any name, for lists (the page localises with `localized`)."""
        return self.name_fr or self.name_nl or self.organization_fr or self.organization_nl
