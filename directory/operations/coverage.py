"""Coverage of the cadastre: per sector and bassin, how many fiches and candidates exist, and the share of fiches
with an address, a phone, hours, languages, cost, access conditions and a check by a person.

Read with a few column queries (no ORM objects), so it stays quick with 100,000 fiches. A fiche counts once in each
of its sectors and each bassin where it has a location ("none": no sector, or no known bassin).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

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


def _facts() -> dict[int, dict[str, bool]]:
    """Service id → which facts the fiche has (listed fiches only)."""
    rows = db.session.execute(
        select(
            Service.id,
            Service.opening_hours,
            Service.hours_note_fr,
            Service.hours_note_nl,
            Service.languages,
            Service.cost,
            Service.access,
            Service.verified_at,
        ).where(Service.status != ServiceStatus.INACTIVE)
    )
    facts = {
        sid: {
            "address": False,
            "phone": False,
            "hours": bool(hours or note_fr or note_nl),
            "languages": bool(languages),
            "cost": cost != "unknown",
            "access": access != "unknown",
            "verified": verified is not None,
        }
        for sid, hours, note_fr, note_nl, languages, cost, access, verified in rows
    }
    for (sid,) in db.session.execute(select(Phone.service_id).distinct()):
        if sid in facts:
            facts[sid]["phone"] = True
    return facts


def coverage() -> dict[tuple[str, str], Cell]:
    """(sector code, bassin code) → Cell; "none" stands for no sector or no known bassin."""
    facts = _facts()
    sectors: dict[int, set[str]] = defaultdict(set)
    for sid, code in db.session.execute(select(service_sector.c.service_id, service_sector.c.sector_code)):
        sectors[sid].add(code)
    bassins: dict[int, set[str]] = defaultdict(set)
    located = select(service_at_location.c.service_id, Location.bassin_code, Location.street_fr, Location.street_nl)
    for sid, bassin, street_fr, street_nl in db.session.execute(located.join(Location)):
        bassins[sid].add(bassin or NONE)
        if sid in facts and (street_fr or street_nl):
            facts[sid]["address"] = True
    table: dict[tuple[str, str], Cell] = defaultdict(Cell)
    for sid, have in facts.items():
        for sector in sectors[sid] or {NONE}:
            for bassin in bassins[sid] or {NONE}:
                cell = table[(sector, bassin)]
                cell.fiches += 1
                for fact, yes in have.items():
                    cell.have[fact] += yes
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
