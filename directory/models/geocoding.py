"""Geocoder answers cached in the database (hits and misses), so an address is asked once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from directory.extensions import Model
from directory.models.base import utcnow


class GeocodeCache(Model):
    """One normalised query and what the provider answered (lat/lon NULL for "not found")."""

    query: Mapped[str] = mapped_column(Text, primary_key=True)
    provider: Mapped[str] = mapped_column(String(40))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    precision: Mapped[str | None] = mapped_column(String(20))  # address | street | postcode
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Address(Model):
    """One official address of the BeST register (FPS BOSA, CC BY 4.0): the first, local geocoder."""

    id: Mapped[int] = mapped_column(primary_key=True)  # BeST address_id
    street_fr: Mapped[str] = mapped_column(String(200), default="")
    street_nl: Mapped[str] = mapped_column(String(200), default="")
    street_key_fr: Mapped[str] = mapped_column(String(200), index=True)  # normalised, see services.gazetteer
    street_key_nl: Mapped[str] = mapped_column(String(200), index=True)
    house_number: Mapped[str] = mapped_column(String(20))
    postcode: Mapped[str] = mapped_column(String(4), index=True)
    commune_nis: Mapped[str] = mapped_column(String(8))
    lat: Mapped[float]
    lon: Mapped[float]
