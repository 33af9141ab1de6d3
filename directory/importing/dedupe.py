"""The same service from two sources becomes one fiche.

A new record is compared with the fiches of *other* sources within ~150 m: name similarity (rapidfuzz
token-set ratio on accent-free names), plus the same phone number, the same website, a very short distance.
At MERGE_AT or more the record is merged into the existing fiche (`upsert.fill_from` only fills empty fields,
each marked with its source; `ServiceSource` remembers the link for re-imports). Between REVIEW_AT and MERGE_AT
the pair is queued for a moderator (`MergeCandidate`) and the record gets its own fiche.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import select

from directory.extensions import db
from directory.models import Location, Phone, Service
from directory.models.services import service_at_location
from directory.text import host, normalize
from importers.places import metres

MERGE_AT = 90
REVIEW_AT = 70
MAX_METRES = 150
CELL = 0.002  # degrees; neighbours are looked up in the 3×3 cells around a point


@dataclass(frozen=True)
class Match:
    service_id: int
    score: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class _Known:
    service_id: int
    names: tuple[str, ...]
    lat: float
    lon: float
    phones: frozenset[str]
    host: str


class DuplicateFinder:
    """Fiches of other sources, on a grid, loaded once per import run (only when a record needs it)."""

    def __init__(self, source: str):
        self.source = source
        self._grid: dict[tuple[int, int], list[_Known]] | None = None

    def _load(self) -> dict[tuple[int, int], list[_Known]]:
        phones: dict[int, set[str]] = defaultdict(set)
        for service_id, number in db.session.execute(
            select(Phone.service_id, Phone.number).join(Service).where(Service.source != self.source)
        ):
            phones[service_id].add(number)
        rows = db.session.execute(
            select(Service.id, Service.name_fr, Service.name_nl, Service.website, Location.lat, Location.lon)
            .join(service_at_location, service_at_location.c.service_id == Service.id)
            .join(Location, Location.id == service_at_location.c.location_id)
            .where(Service.source != self.source, Location.lat.is_not(None), Service.status != "inactive")
        )
        grid: dict[tuple[int, int], list[_Known]] = defaultdict(list)
        for sid, fr, nl, website, lat, lon in rows:
            names = tuple({normalize(n) for n in (fr, nl) if n})
            known = _Known(sid, names, lat, lon, frozenset(phones[sid]), host(website) if website else "")
            grid[(int(lat // CELL), int(lon // CELL))].append(known)
        return grid

    def best(
        self, names: list[str], lat: float | None, lon: float | None, phones: list[str], website: str
    ) -> Match | None:
        """The most likely fiche of another source for this record, if any reaches REVIEW_AT."""
        if lat is None or lon is None:
            return None
        if self._grid is None:
            self._grid = self._load()
        cell = (int(lat // CELL), int(lon // CELL))
        around = [k for dy in (-1, 0, 1) for dx in (-1, 0, 1) for k in self._grid.get((cell[0] + dy, cell[1] + dx), ())]
        if not around:  # most records of a large import: nothing to compare with, nothing to normalise
            return None
        wanted = [normalize(n) for n in names if n]
        own_host = host(website) if website else ""
        best: Match | None = None
        for known in around:
            match = self._score(known, wanted, lat, lon, set(phones), own_host)
            if match and (best is None or match.score > best.score):
                best = match
        return best

    @staticmethod
    def _score(
        known: _Known, names: list[str], lat: float, lon: float, phones: set[str], own_host: str
    ) -> Match | None:
        distance = metres(lat, lon, known.lat, known.lon)
        if distance > MAX_METRES:
            return None
        similarity = max((fuzz.token_set_ratio(a, b) for a in names for b in known.names), default=0)
        score, reasons = similarity, [f"name {similarity:.0f}%", f"{distance:.0f} m"]
        if phones & known.phones:
            score, reasons = score + 15, [*reasons, "same phone"]
        if own_host and own_host == known.host:
            score, reasons = score + 10, [*reasons, "same website"]
        if distance < 30:
            score += 5
        score = min(int(score), 100)
        return Match(known.service_id, score, tuple(reasons)) if score >= REVIEW_AT else None
