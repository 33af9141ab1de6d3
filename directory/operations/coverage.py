"""Coverage of the cadastre: per sector and bassin, how many fiches and candidates exist, and the share of fiches
with an address, a phone, hours, languages, cost, access conditions and a check by a person.

The listed fiches are read in one grouped pass (`listed_parts`, which the bassin dashboard reads too): no ORM
objects, so it stays quick with 100,000 fiches. A fiche counts once in each of its sectors and each bassin where it
has a location ("none": no sector, or no known bassin).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import CompoundSelect, String, case, cast, exists, func, literal_column, select, union

from directory.extensions import db
from directory.models import Candidate, CandidateStatus, Location, Phone, Service, ServiceStatus
from directory.models.services import service_at_location, service_sector
from directory.operations.freshness import stale_condition

NONE = "none"
FACTS = ("address", "phone", "hours", "languages", "cost", "access", "verified")


@dataclass
class Cell:
    """One sector × bassin."""

    fiches: int = 0
    candidates: int = 0
    have: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FACTS, 0))

    def share(self, fact: str) -> float | None:
        """Share of the fiches with `fact` (0–1), None without fiches."""
        return self.have[fact] / self.fiches if self.fiches else None

    def add(self, fiches: int, have: Iterable[int]) -> None:
        self.fiches += fiches
        for fact, n in zip(FACTS, have, strict=True):
            self.have[fact] += n


@dataclass(frozen=True)
class Part:
    """Listed fiches sharing one cell: a sector (None: none), the commune, quartier and bassin of one of their
    locations (None: unknown; `located` False: no location at all), how many rows, how many of them have each
    fact (FACTS order) and how many are stale."""

    sector: str | None
    commune: str | None
    quartier: str | None
    bassin: str | None
    located: bool
    rows: int
    have: tuple[int, ...]
    stale: int


@dataclass
class Parts:
    """The listed fiches: `simple` groups the fiches with at most one location and one sector (each fiche is in
    exactly one part, so any table sums the parts); `several` gives each other fiche's parts (a fiche's parts cover
    all its locations and sectors), to be counted once per cell."""

    simple: list[Part] = field(default_factory=list)
    several: dict[int, list[Part]] = field(default_factory=lambda: defaultdict(list))


def fiche_facts(parts: list[Part]) -> tuple[tuple[int, ...], bool]:
    """One fiche's facts (1 = has it; an address if any location has a street) and whether it is stale."""
    return tuple(int(any(part.have[i] for part in parts)) for i in range(len(FACTS))), any(p.stale for p in parts)


def _fact_columns() -> list:
    """One SQL boolean per fact, in FACTS order, for a row of a fiche joined to one of its locations (outer join;
    no JSON or date decoded per row). The address is this location's; a fiche has one if any row has it."""
    return [
        (Location.street_fr != "") | (Location.street_nl != ""),
        exists().where(Phone.service_id == Service.id),
        (func.coalesce(Service.opening_hours, "") != "")
        | (Service.hours_note_fr != "")
        | (Service.hours_note_nl != ""),
        func.coalesce(cast(Service.languages, String), "[]").not_in(("[]", "null")),
        Service.cost != "unknown",
        Service.access != "unknown",
        Service.verified_at.is_not(None),
    ]


def several_places_or_sectors() -> CompoundSelect:
    """Ids of the fiches with several locations or several sectors (few): the ones counted once per cell."""
    sal, sectors = service_at_location.c, service_sector.c
    return union(
        select(sal.service_id).group_by(sal.service_id).having(func.count() > 1),
        select(sectors.service_id).group_by(sectors.service_id).having(func.count() > 1),
    )


def listed_parts(bassin: str = "", now: datetime | None = None) -> Parts:
    """The listed fiches (of those with a location in `bassin` when given), in one grouped statement.

    Each row of a fiche joined to its sectors and locations (outer joins) is grouped by its finest cell (sector,
    commune, quartier, bassin, located) with the facts and staleness summed; the fiches with several locations or
    sectors also by their id, so the callers count each of them once per cell. Standard SQL only (SQLite and
    PostgreSQL): the database sorts the ~100,000 rows once, a few thousand parts come to Python."""
    sal, sectors = service_at_location.c, service_sector.c
    flag = lambda condition: func.sum(case((condition, 1), else_=0))  # noqa: E731
    keys = [
        sectors.sector_code,
        Location.commune_nis,
        Location.quartier_code,
        Location.bassin_code,
        case((Location.id.is_(None), 0), else_=1),
        case((Service.id.in_(several_places_or_sectors()), Service.id)),
    ]
    query = (
        select(*keys, func.count(), *(flag(column) for column in _fact_columns()), flag(stale_condition(now)))
        .select_from(Service)
        .outerjoin(service_sector, sectors.service_id == Service.id)
        .outerjoin(service_at_location, sal.service_id == Service.id)
        .outerjoin(Location, Location.id == sal.location_id)
        .where(Service.status != ServiceStatus.INACTIVE)
        # by position: written out again, the keys' "several" subquery would be computed a second time (SQLite)
        .group_by(*(literal_column(str(position)) for position in range(1, len(keys) + 1)))
    )
    if bassin:
        located = select(sal.service_id).join(Location, Location.id == sal.location_id)
        query = query.where(Service.id.in_(located.where(Location.bassin_code == bassin)))
    parts = Parts()
    for sector, commune, quartier, area, located, several, rows, *have, stale in db.session.execute(query).tuples():
        part = Part(sector, commune, quartier, area, bool(located), int(rows), tuple(int(n) for n in have), int(stale))
        if several is None:
            parts.simple.append(part)
        else:
            parts.several[int(several)].append(part)
    return parts


def table(parts: Parts) -> dict[tuple[str, str], Cell]:
    """(sector code, bassin code) → Cell of the fiches (no candidates); "none" for no sector or no known bassin."""
    cells: dict[tuple[str, str], Cell] = defaultdict(Cell)
    for part in parts.simple:
        cells[(part.sector or NONE, part.bassin or NONE)].add(part.rows, part.have)
    for fiche in parts.several.values():
        have, _stale = fiche_facts(fiche)
        for key in {(part.sector or NONE, part.bassin or NONE) for part in fiche}:
            cells[key].add(1, have)
    return cells


def _sectors(text: str | None) -> list[str]:
    """A candidate's sectors from the JSON text of its record's "sectors"."""
    try:
        value = json.loads(text) if text else []
    except ValueError:  # a bare string (SQLite's JSON_EXTRACT unquotes it)
        value = [text]
    return value if isinstance(value, list) else [value]


def add_candidates(cells: dict[tuple[str, str], Cell]) -> None:
    """Count the pending candidates in their (sector, bassin) cells: grouped by the database on their record's
    sectors (JSON text, read without decoding each record) and bassin."""
    sectors = Candidate.record["sectors"].as_string()
    query = (
        select(sectors, Candidate.bassin_code, func.count())
        .where(Candidate.status == CandidateStatus.PENDING)
        .group_by(sectors, Candidate.bassin_code)
    )
    for text, bassin, n in db.session.execute(query).tuples():
        for sector in set(_sectors(text)) or {NONE}:
            cells[(sector, bassin or NONE)].candidates += int(n)


def coverage() -> dict[tuple[str, str], Cell]:
    """(sector code, bassin code) → Cell; "none" stands for no sector or no known bassin."""
    cells = table(listed_parts())
    add_candidates(cells)
    return dict(cells)


def merge(cells: Iterable[Cell]) -> Cell:
    """The sum of `cells`."""
    total = Cell()
    for cell in cells:
        total.candidates += cell.candidates
        total.add(cell.fiches, cell.have.values())
    return total


def totals(table: dict[tuple[str, str], Cell], by: int) -> dict[str, Cell]:
    """Sum the cells per sector (`by`=0) or per bassin (`by`=1). A fiche in two sectors counts in both."""
    groups: dict[str, list[Cell]] = defaultdict(list)
    for key, cell in table.items():
        groups[key[by]].append(cell)
    return {code: merge(cells) for code, cells in groups.items()}


def candidate_count() -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(Candidate).where(Candidate.status == CandidateStatus.PENDING)
        )
        or 0
    )
