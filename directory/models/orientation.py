"""Orientation layers for maps without a street basemap: public-transport lines and stops, water and parks
(OpenStreetMap, © OpenStreetMap contributors, ODbL; loaded by `flask geo load` from the reference files)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from directory.extensions import Model


class MapFeature(Model):
    """A line or polygon drawn under the markers: `layer` is transit, bus, water or park."""

    __tablename__ = "map_feature"

    id: Mapped[int] = mapped_column(primary_key=True)
    layer: Mapped[str] = mapped_column(String(12), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="")  # metro/tram/train/bus, canal/river/pond, park/wood
    ref: Mapped[str] = mapped_column(String(20), default="")  # line number
    colour: Mapped[str] = mapped_column(String(9), default="")
    name_fr: Mapped[str] = mapped_column(String(200), default="")
    name_nl: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[float] = mapped_column(default=0.0)  # m² for polygons, m for lines (0 when unknown)
    tunnel: Mapped[bool] = mapped_column(default=False)
    geometry: Mapped[str] = mapped_column(Text)  # GeoJSON geometry


class TransitStop(Model):
    """A named metro, tram or train stop (merged platforms), with the STIB/MIVB lines that serve it."""

    __tablename__ = "transit_stop"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(120))
    name_nl: Mapped[str] = mapped_column(String(120))
    lat: Mapped[float]
    lon: Mapped[float]
    modes: Mapped[str] = mapped_column(String(40), default="")  # "metro;tram"
    metro_lines: Mapped[str] = mapped_column(String(120), default="")  # "2;6"
    tram_lines: Mapped[str] = mapped_column(String(120), default="")
