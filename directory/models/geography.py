"""Brussels geography: Region → 5 bassins → 19 communes → quartiers. Loaded as data by `flask geo load`."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import Model


class Bassin(Model):
    """A bassin d'aide et de soins / zorgzone (Nord, Nord-Est, Centre-Ouest, Sud, Sud-Est)."""

    code: Mapped[str] = mapped_column(String(20), primary_key=True)  # "nord", "nord-est", ...
    name_fr: Mapped[str] = mapped_column(String(80))
    name_nl: Mapped[str] = mapped_column(String(80))
    confidence: Mapped[str] = mapped_column(Text, default="confirmed")
    source: Mapped[str] = mapped_column(Text, default="")
    geometry: Mapped[str | None] = mapped_column(Text)  # GeoJSON geometry


class Commune(Model):
    """One of the 19 communes; `bassin_code` is empty when the commune is split (Brussels-City)."""

    nis: Mapped[str] = mapped_column(String(8), primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(80))
    name_nl: Mapped[str] = mapped_column(String(80))
    bassin_code: Mapped[str | None] = mapped_column(ForeignKey("bassin.code"))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    geometry: Mapped[str | None] = mapped_column(Text)

    bassin: Mapped[Bassin | None] = relationship()


class Quartier(Model):
    """A Monitoring des Quartiers neighbourhood (IBSA, 145), with its main commune and bassin."""

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(120))
    name_nl: Mapped[str] = mapped_column(String(120))
    commune_nis: Mapped[str | None] = mapped_column(ForeignKey("commune.nis"))
    bassin_code: Mapped[str | None] = mapped_column(ForeignKey("bassin.code"))
    bassin_confidence: Mapped[str] = mapped_column(String(40), default="")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    geometry: Mapped[str | None] = mapped_column(Text)

    commune: Mapped[Commune | None] = relationship()
    bassin: Mapped[Bassin | None] = relationship()


class PostalCode(Model):
    """A Brussels postal code and the commune(s) using it; `shared` when several communes use it."""

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    commune_nis: Mapped[str] = mapped_column(ForeignKey("commune.nis"))
    shared: Mapped[bool] = mapped_column(default=False)
    bassin_code: Mapped[str | None] = mapped_column(ForeignKey("bassin.code"))  # only when certain
    lat: Mapped[float | None]
    lon: Mapped[float | None]

    commune: Mapped[Commune] = relationship()
