"""OpenStreetMap points (GeoJSON, or Overpass API JSON) of health and social amenities.

Tags used: name, name:fr, name:nl, amenity, healthcare, social_facility, opening_hours, wheelchair, phone,
contact:*, website, email, addr:*, operator. OSM ids are kept when present; files that lost them (the
shared seed file) get a stable id from category and rounded coordinates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from importers.base import Importer, RowError, ServiceRecord

LICENCE = "© OpenStreetMap contributors, ODbL 1.0"
MEDICAL_HOUSE = re.compile(r"maison m[ée]dicale|wijkgezondheidscentrum|medisch huis|gezondheidscentrum", re.I)
# (tag, value) → sector code, most specific first
SECTOR_RULES: list[tuple[str, str, str]] = [
    ("healthcare", "rehabilitation", "rehabilitation"),
    ("healthcare", "pharmacy", "pharmacy"),
    ("amenity", "pharmacy", "pharmacy"),
    ("healthcare", "dentist", "dentist"),
    ("amenity", "dentist", "dentist"),
    ("amenity", "hospital", "hospital"),
    ("healthcare", "hospital", "hospital"),
    ("amenity", "doctors", "general_practitioner"),
    ("healthcare", "doctor", "general_practitioner"),
    ("healthcare", "psychotherapist", "mental_health"),
    ("amenity", "social_facility", "social_work_centre"),
    ("amenity", "community_centre", "community_centre"),
    ("amenity", "townhall", "municipal_administration"),
    ("amenity", "clinic", "clinic"),
    ("healthcare", "clinic", "clinic"),
    ("healthcare", "centre", "clinic"),
]
SOCIAL_FACILITY = {
    "food_bank": "food_aid",
    "soup_kitchen": "food_aid",
    "shelter": "night_shelter",
    "outreach": "homeless_support",
    "group_home": "elderly_care",
    "nursing_home": "elderly_care",
}


def sectors_for(tags: dict) -> list[str]:
    """Sector codes for a set of OSM tags (empty when none applies)."""
    name = " ".join(str(tags.get(k, "")) for k in ("name", "name:fr", "name:nl"))
    if MEDICAL_HOUSE.search(name):
        return ["medical_house"]
    if (kind := SOCIAL_FACILITY.get(str(tags.get("social_facility", "")))) is not None:
        return [kind]
    for key, value, code in SECTOR_RULES:
        if value in str(tags.get(key, "")).split(";"):
            return [code]
    return []


def _first(tags: dict, *keys: str) -> str:
    for key in keys:
        value = tags.get(key)
        if value:
            return str(value).split(";")[0].strip()
    return ""


def record_from_tags(tags: dict, lat: float, lon: float, line: int, osm_id: str | None) -> ServiceRecord | RowError:
    """A ServiceRecord from OSM tags, or a RowError when it has no name."""
    name = str(tags.get("name") or "")
    name_fr = str(tags.get("name:fr") or "")
    name_nl = str(tags.get("name:nl") or "")
    if not (name or name_fr or name_nl):
        return RowError(line, "name", "The point has no name.")
    if not name_fr and not name_nl:
        name_fr = name_nl = name  # OSM's `name` is the name on the door, in whatever language(s) it uses
    sectors = sectors_for(tags)
    source_id = osm_id or f"{tags.get('category') or (sectors[0] if sectors else 'poi')}/{lat:.5f},{lon:.5f}"
    return ServiceRecord(
        source_id=source_id,
        line=line,
        name_fr=name_fr or name,
        name_nl=name_nl or name,
        organization_fr=str(tags.get("operator") or ""),
        organization_nl=str(tags.get("operator") or ""),
        description_fr=str(tags.get("description:fr") or tags.get("description") or ""),
        description_nl=str(tags.get("description:nl") or ""),
        sectors=sectors,
        phones=[p.strip() for p in _first(tags, "contact:phone", "phone").split(",") if p.strip()][:3],
        email=_first(tags, "contact:email", "email"),
        website=_first(tags, "contact:website", "website"),
        opening_hours=str(tags.get("opening_hours") or ""),
        wheelchair={"yes": "yes", "limited": "limited", "no": "no"}.get(str(tags.get("wheelchair", "")), ""),
        street_fr=str(tags.get("addr:street:fr") or tags.get("addr:street") or ""),
        street_nl=str(tags.get("addr:street:nl") or tags.get("addr:street") or ""),
        house_number=str(tags.get("addr:housenumber") or ""),
        postcode=str(tags.get("addr:postcode") or ""),
        lat=lat,
        lon=lon,
        licence=LICENCE,
    )


def _unique(record: ServiceRecord | RowError, seen: dict[str, int]) -> ServiceRecord | RowError:
    """Two points with the same derived id (same category, same spot) get "#2", "#3"… in file order."""
    if isinstance(record, ServiceRecord):
        seen[record.source_id] = seen.get(record.source_id, 0) + 1
        if seen[record.source_id] > 1:
            record.source_id = f"{record.source_id}#{seen[record.source_id]}"
    return record


class OsmImporter(Importer):
    """GeoJSON FeatureCollection of points, or Overpass JSON (`elements` with lat/lon or center)."""

    name = "osm"
    description = "OpenStreetMap GeoJSON or Overpass JSON"
    licence = LICENCE
    suffixes = (".geojson", ".json")

    def parse(self, path: Path) -> Iterator[ServiceRecord | RowError]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            yield RowError(0, "file", "The file is not valid JSON: %(error)s", {"error": str(exc)})
            return
        seen: dict[str, int] = {}
        if "features" in data:
            for number, feature in enumerate(data["features"], start=1):
                geometry = feature.get("geometry") or {}
                if geometry.get("type") != "Point":
                    yield RowError(number, "geometry", "Only points are supported.")
                    continue
                lon, lat = geometry["coordinates"][:2]
                props = feature.get("properties") or {}
                osm_id = str(feature.get("id") or props.get("@id") or "") or None
                yield _unique(record_from_tags(props, float(lat), float(lon), number, osm_id), seen)
        elif "elements" in data:
            for number, element in enumerate(data["elements"], start=1):
                point = element if "lat" in element else element.get("center") or {}
                if "lat" not in point:
                    yield RowError(number, "geometry", "The element has no position.")
                    continue
                osm_id = f"{element.get('type', 'node')}/{element['id']}" if "id" in element else None
                yield record_from_tags(
                    element.get("tags") or {}, float(point["lat"]), float(point["lon"]), number, osm_id
                )
        else:
            yield RowError(0, "file", "Neither a GeoJSON FeatureCollection nor Overpass JSON.")
