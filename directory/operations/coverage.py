"""Coverage of the cadastre: per sector and bassin, how many fiches and candidates exist, and the share of fiches
with an address, a phone, hours, languages, cost, access conditions and a check by a person.

Read with a few column queries (no ORM objects), so it stays quick with 100,000 fiches. A fiche counts once in each
of its sectors and each bassin where it has a location ("none": no sector, or no known bassin).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import CompoundSelect, String, case, cast, func, select, union

from directory.extensions import db
from directory.models import Candidate, CandidateStatus, Location, Phone, Service, ServiceStatus
from directory.models.services import service_at_location, service_sector

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


def _fact_columns() -> list:
    """One SQL boolean per fact of a listed fiche, in FACTS order (no JSON or date decoded per row)."""
    located = select(service_at_location.c.service_id).join(Location)
    with_street = located.where((Location.street_fr != "") | (Location.street_nl != ""))
    return [
        Service.id.in_(with_street),
        Service.id.in_(select(Phone.service_id)),
        (func.coalesce(Service.opening_hours, "") != "")
        | (Service.hours_note_fr != "")
        | (Service.hours_note_nl != ""),
        func.coalesce(cast(Service.languages, String), "[]").not_in(("[]", "null")),
        Service.cost != "unknown",
        Service.access != "unknown",
        Service.verified_at.is_not(None),
    ]


def several_places_or_sectors() -> CompoundSelect:
    """Ids of the fiches with several locations or several sectors (few): the ones counted with DISTINCT."""
    sal, sectors = service_at_location.c, service_sector.c
    return union(
        select(sal.service_id).group_by(sal.service_id).having(func.count() > 1),
        select(sectors.service_id).group_by(sectors.service_id).having(func.count() > 1),
    )


def coverage() -> dict[tuple[str, str], Cell]:
    """(sector code, bassin code) → Cell; "none" stands for no sector or no known bassin.

    Counted by the database: each (fiche, sector, bassin) once, then summed per cell, so it stays quick at
    100,000 fiches (the bassin dashboard reads it)."""
    sector = func.coalesce(service_sector.c.sector_code, NONE).label("sector")
    bassin = func.coalesce(Location.bassin_code, NONE).label("bassin")
    facts = [case((column, 1), else_=0).label(fact) for fact, column in zip(FACTS, _fact_columns(), strict=True)]
    rows = (
        select(Service.id.label("sid"), sector, bassin, *facts)
        .select_from(Service)
        .outerjoin(service_sector, service_sector.c.service_id == Service.id)
        .outerjoin(service_at_location, service_at_location.c.service_id == Service.id)
        .outerjoin(Location, Location.id == service_at_location.c.location_id)
        .where(Service.status != ServiceStatus.INACTIVE)
    )
    several = several_places_or_sectors()
    # A fiche with one location and at most one sector gives one row: grouped as it comes. The others are
    # deduplicated per (fiche, sector, bassin) first. The two sets of fiches are disjoint, so their cells add up.
    pairs = rows.where(Service.id.in_(several)).distinct().subquery()
    queries = (
        rows.where(Service.id.not_in(several))
        .with_only_columns(sector, bassin, func.count(), *(func.sum(fact) for fact in facts))
        .group_by(sector, bassin),
        select(pairs.c.sector, pairs.c.bassin, func.count(), *(func.sum(pairs.c[fact]) for fact in FACTS)).group_by(
            pairs.c.sector, pairs.c.bassin
        ),
    )
    table: dict[tuple[str, str], Cell] = defaultdict(Cell)
    for query in queries:
        for code, area, fiches, *have in db.session.execute(query).tuples():
            cell = table[(code, area)]
            cell.fiches += int(fiches)
            for fact, n in zip(FACTS, have, strict=True):
                cell.have[fact] += int(n or 0)
    pending = select(Candidate.record, Candidate.bassin_code).where(Candidate.status == CandidateStatus.PENDING)
    for record, bassin in db.session.execute(pending):
        for sector in set((record or {}).get("sectors") or []) or {NONE}:
            table[(sector, bassin or NONE)].candidates += 1
    return dict(table)


def totals(table: dict[tuple[str, str], Cell], by: int) -> dict[str, Cell]:
    """Sum the cells per sector (`by`=0) or per bassin (`by`=1). A fiche in two sectors counts in both."""
    summed: dict[str, Cell] = defaultdict(Cell)
    for key, cell in table.items():
        total = summed[key[by]]
        total.fiches += cell.fiches
        total.candidates += cell.candidates
        for fact in FACTS:
            total.have[fact] += cell.have[fact]
    return dict(summed)


def candidate_count() -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(Candidate).where(Candidate.status == CandidateStatus.PENDING)
        )
        or 0
    )
