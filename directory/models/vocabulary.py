"""Bilingual controlled vocabularies: sectors / service types and publics (target groups)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from directory.extensions import Model


class Sector(Model):
    """A sector or service type, e.g. "maison médicale / wijkgezondheidscentrum"."""

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(120))
    name_nl: Mapped[str] = mapped_column(String(120))
    synonyms: Mapped[str] = mapped_column(Text, default="")  # "|"-separated extra terms, both languages
    pictogram: Mapped[str] = mapped_column(String(40), default="")  # easy-read need this sector answers


class Public(Model):
    """A target group, e.g. "jeunes / jongeren"."""

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(120))
    name_nl: Mapped[str] = mapped_column(String(120))
