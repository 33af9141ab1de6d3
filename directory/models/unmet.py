"""Searches that found nothing, aggregated per day: what people look for and the directory lacks.

Privacy: no IP address, no session, no time of day, no user — only the normalised query, what it was understood
to mean, how many alternatives were offered, the day and a count.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from directory.extensions import Model


class UnmetSearch(Model):
    """One (day, language, query, filters) with no true match, and how often it was searched that day."""

    __table_args__ = (UniqueConstraint("day", "lang", "query", "filters", name="uq_unmet_search"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    lang: Mapped[str] = mapped_column(String(2))
    query: Mapped[str] = mapped_column(String(200))  # folded words, in the order typed
    filters: Mapped[str] = mapped_column(Text, default="{}")  # JSON: understood and chosen filters, sorted
    alternatives: Mapped[int] = mapped_column(default=0)  # alternatives offered the last time
    count: Mapped[int] = mapped_column(default=1)
