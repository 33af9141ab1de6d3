"""What the bassin dashboard reads besides the fiches: the population of each area (directory/data/population.md)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from directory.extensions import Model


class AreaPopulation(Model):
    """The population of one area ("commune" by NIS code; "quartier" when a source is staged) at a reference date."""

    level: Mapped[str] = mapped_column(String(10), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    population: Mapped[int]
    reference_date: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text, default="")
