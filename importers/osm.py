"""OpenStreetMap points (GeoJSON, or Overpass API JSON) of health and social amenities.

What each tag means for a fiche is data, not code: `directory/data/osm_tags.csv` maps tags to sectors (first
matching row wins; a row with an empty sector stops the search, so alternative medicine earns no sector), to
publics (`social_facility:for`) and to fields (first present key wins). OSM ids are kept when present; files that
lost them (the shared seed file) get a stable id from category and rounded coordinates. The same place mapped
twice in one file (a node and its building: same name, or same phone and a similar name, within 50 m) becomes
one record.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from importers.base import Importer, RowError, ServiceRecord
from importers.places import metres, normalize

LICENCE = "© OpenStreetMap contributors, ODbL 1.0"
TABLE = Path(__file__).resolve().parent.parent / "directory" / "data" / "osm_tags.csv"
MEDICAL_HOUSE = re.compile(r"maison m[ée]dicale|wijkgezondheidscentrum|medisch huis|gezondheidscentrum", re.I)
SAME_PLACE_METRES = 50
SIMILAR_NAME = 60  # % (rapidfuzz token-set ratio) for twins found by their phone
CELL = 0.001  # degrees, ~70-110 m: twins are looked up in the 3×3 cells around a point
LIST_FIELDS = {"phones"}


@dataclass(frozen=True)
class Rule:
    key: str
    value: str
    target: str  # sector | public | field
    code: str
    max_values: int | None


@cache
def rules() -> tuple[Rule, ...]:
    """The tag table, in file order."""
    with TABLE.open(encoding="utf-8") as fh:
        return tuple(
            Rule(r["key"], r["value"], r["target"], r["code"], int(r["max_values"]) if r["max_values"] else None)
            for r in csv.DictReader(fh)
        )


def _values(tags: dict, key: str) -> list[str]:
    return [v.strip() for v in str(tags.get(key) or "").split(";") if v.strip()]


def sectors_for(tags: dict) -> list[str]:
    """Sector codes a set of OSM tags earns (empty when none)."""
    name = " ".join(str(tags.get(k, "")) for k in ("name", "name:fr", "name:nl"))
    if MEDICAL_HOUSE.search(name):
        return ["medical_house"]
    for rule in rules():
        if rule.target != "sector":
            continue
        values = _values(tags, rule.key)
        if rule.value in values and (rule.max_values is None or len(values) <= rule.max_values):
            return [rule.code] if rule.code else []
    return []


def publics_for(tags: dict) -> list[str]:
    """Public codes from `social_facility:for` and the other public rows of the table."""
    found = {r.code for r in rules() if r.target == "public" and r.value in _values(tags, r.key)}
    return sorted(found)


def fields_for(tags: dict) -> dict[str, str]:
    """Record field → raw value, the first present key of the table winning for each field."""
    found: dict[str, str] = {}
    for rule in rules():
        if rule.target == "field" and rule.code not in found and tags.get(rule.key):
            found[rule.code] = str(tags[rule.key]).strip()
    return found


def record_from_tags(tags: dict, lat: float, lon: float, line: int, osm_id: str | None) -> ServiceRecord | RowError:
    """A ServiceRecord from OSM tags, or a RowError when it has no name."""
    values = fields_for(tags)
    if not (values.get("name_fr") or values.get("name_nl")):
        return RowError(line, "name", "The point has no name.")
    sectors = sectors_for(tags)
    source_id = osm_id or f"{tags.get('category') or (sectors[0] if sectors else 'poi')}/{lat:.5f},{lon:.5f}"
    phones = [p.strip() for p in values.pop("phones", "").replace(",", ";").split(";") if p.strip()][:3]
    for key in ("email", "website"):
        if key in values:
            values[key] = values[key].split(";")[0].strip()
    if values.get("wheelchair") not in (None, "yes", "limited", "no"):
        values.pop("wheelchair")
    known: dict[str, Any] = {k: v for k, v in values.items() if k in ServiceRecord.__dataclass_fields__}
    return ServiceRecord(
        source_id=source_id,
        line=line,
        sectors=sectors,
        publics=publics_for(tags),
        phones=phones,
        lat=lat,
        lon=lon,
        licence=LICENCE,
        **known,
    )


def _unique(record: ServiceRecord | RowError, seen: dict[str, int]) -> ServiceRecord | RowError:
    """Two points with the same derived id (same category, same spot) get "#2", "#3"… in file order."""
    if isinstance(record, ServiceRecord):
        seen[record.source_id] = seen.get(record.source_id, 0) + 1
        if seen[record.source_id] > 1:
            record.source_id = f"{record.source_id}#{seen[record.source_id]}"
    return record


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)[-8:]


def _same_place(a: ServiceRecord, b: ServiceRecord) -> bool:
    if metres(a.lat, a.lon, b.lat, b.lon) > SAME_PLACE_METRES:  # type: ignore[arg-type]
        return False
    names_a = {normalize(n) for n in (a.name_fr, a.name_nl) if n}
    names_b = {normalize(n) for n in (b.name_fr, b.name_nl) if n}
    if names_a & names_b:
        return True
    same_phone = bool({_digits(p) for p in a.phones} & {_digits(p) for p in b.phones})
    similar = max((fuzz.token_set_ratio(x, y) for x in names_a for y in names_b), default=0) >= SIMILAR_NAME
    return same_phone and similar  # one phone for two services in one building (a youth house in a centre)


def _fill(kept: ServiceRecord, twin: ServiceRecord) -> None:
    """Complete the first mapping of a place with what only its twin says."""
    for name, value in vars(twin).items():
        if name in ("source_id", "line", "lat", "lon"):
            continue
        if name in LIST_FIELDS or name in ("sectors", "publics"):
            merged = list(dict.fromkeys([*getattr(kept, name), *value]))
            setattr(kept, name, merged if name != "sectors" or not getattr(kept, name) else getattr(kept, name))
        elif value and not getattr(kept, name):
            setattr(kept, name, value)


def merge_same_places(items: list[ServiceRecord | RowError]) -> Iterator[ServiceRecord | RowError]:
    """Records in file order, each place once: a later twin fills the first mapping's empty fields."""
    grid: dict[tuple[int, int], list[ServiceRecord]] = defaultdict(list)
    for item in items:
        if isinstance(item, RowError) or item.lat is None or item.lon is None:
            yield item
            continue
        cell = (int(item.lat // CELL), int(item.lon // CELL))
        neighbours = (r for dy in (-1, 0, 1) for dx in (-1, 0, 1) for r in grid[(cell[0] + dy, cell[1] + dx)])
        twin = next((r for r in neighbours if _same_place(r, item)), None)
        if twin is not None:
            _fill(twin, item)
            continue
        grid[cell].append(item)
        yield item


class OsmImporter(Importer):
    """GeoJSON FeatureCollection of points, or Overpass JSON (`elements` with lat/lon or center)."""

    name = "osm"
    description = "OpenStreetMap GeoJSON or Overpass JSON"
    licence = LICENCE
    suffixes = (".geojson", ".json")

    def __init__(self, extract_date: str = ""):
        """`extract_date`: the date of the extract, for points that carry no `check_date` of their own."""
        self.extract_date = extract_date

    def parse(self, path: Path) -> Iterator[ServiceRecord | RowError]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            yield RowError(0, "file", "The file is not valid JSON: %(error)s", {"error": str(exc)})
            return
        for item in merge_same_places(list(self._records(data))):
            if isinstance(item, ServiceRecord) and not item.source_date:
                item.source_date = self.extract_date
            yield item

    @staticmethod
    def _records(data: dict) -> Iterator[ServiceRecord | RowError]:
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
