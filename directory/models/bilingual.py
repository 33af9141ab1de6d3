"""FR and NL in step: when each language of a translatable field of a fiche was last written, and from which version
of the other language (its `written_at` then)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from directory.extensions import Model
from directory.models.base import utcnow


class TextStamp(Model):
    """One language of one bilingual field of a fiche (`field` is the stem: "description", "street"...)."""

    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), primary_key=True)
    field: Mapped[str] = mapped_column(String(40), primary_key=True)
    lang: Mapped[str] = mapped_column(String(2), primary_key=True)
    written_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    other_written_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the version translated from
