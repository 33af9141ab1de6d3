"""BeST addresses (FPS BOSA "openaddress-bebru.csv", CC BY 4.0): the official Belgian address register.

Yields one dict per current Brussels address (each box of a building is its own address; any one will do).
Loaded into the local gazetteer by `flask gazetteer load FILE` (directory/operations/gazetteer.py).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

LICENCE = "BeST Address, FPS BOSA, CC BY 4.0"
COLUMNS = (
    "EPSG:31370_x",
    "EPSG:31370_y",
    "EPSG:4326_lat",
    "EPSG:4326_lon",
    "address_id",
    "box_number",
    "house_number",
    "municipality_id",
    "municipality_name_de",
    "municipality_name_fr",
    "municipality_name_nl",
    "postcode",
    "postname_fr",
    "postname_nl",
    "street_id",
    "streetname_de",
    "streetname_fr",
    "streetname_nl",
    "region_code",
    "status",
)


class BestFormatError(ValueError):
    """The file does not have the BeST column layout."""


def read_addresses(path: Path) -> Iterator[dict]:
    """Current Brussels addresses with WGS84 coordinates, streamed."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [
            c
            for c in (
                "EPSG:4326_lat",
                "EPSG:4326_lon",
                "address_id",
                "house_number",
                "postcode",
                "streetname_fr",
                "streetname_nl",
                "municipality_id",
                "status",
            )
            if c not in (reader.fieldnames or [])
        ]
        if missing:
            raise BestFormatError(f"{path.name}: not a BeST address file (missing {', '.join(missing)})")
        for row in reader:
            if row["status"] != "current" or row.get("region_code", "BE-BRU") != "BE-BRU":
                continue
            try:
                lat, lon = float(row["EPSG:4326_lat"]), float(row["EPSG:4326_lon"])
            except ValueError:
                continue
            yield {
                "id": int(row["address_id"]),
                "street_fr": row["streetname_fr"],
                "street_nl": row["streetname_nl"],
                "house_number": row["house_number"],
                "postcode": row["postcode"],
                "commune_nis": row["municipality_id"],
                "lat": lat,
                "lon": lon,
            }
