"""Completeness: how much of what a professional needs to refer someone a fiche says.

Eleven criteria, each met or not: address, phone, hours, languages spoken, cost, access conditions, what to bring,
for whom, wheelchair access, description in French, description in Dutch. The score is the share met (0–100). The
service sees what is missing while editing; coordinators see the scores per bassin; search may use the score as a
tie-breaker (`score()` on a fiche loaded with `whole_service()`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from directory.extensions import db
from directory.models import Bassin, Service, ServiceStatus
from directory.models.services import whole_service


def _location_has(service: Service, test: Callable) -> bool:
    return any(test(location) for location in service.locations)


CRITERIA: dict[str, tuple[object, Callable[[Service], bool]]] = {
    "address": (_l("Street address"), lambda s: _location_has(s, lambda loc: bool(loc.street_fr or loc.street_nl))),
    "phone": (_l("Phone"), lambda s: bool(s.phones)),
    "hours": (_l("Opening hours"), lambda s: bool(s.opening_hours)),
    "languages": (_l("Languages spoken"), lambda s: bool(s.languages)),
    "cost": (_l("Cost"), lambda s: s.cost != "unknown"),
    "access": (_l("Conditions of access"), lambda s: s.access != "unknown"),
    "documents": (_l("What to bring"), lambda s: bool(s.documents_fr or s.documents_nl)),
    "publics": (_l("For whom"), lambda s: bool(s.publics)),
    "wheelchair": (_l("Wheelchair access"), lambda s: _location_has(s, lambda loc: loc.wheelchair != "unknown")),
    "description_fr": (_l("Description (French)"), lambda s: bool(s.description_fr.strip())),
    "description_nl": (_l("Description (Dutch)"), lambda s: bool(s.description_nl.strip())),
}


@dataclass(frozen=True)
class Completeness:
    score: int  # 0–100
    missing: tuple[str, ...]  # criteria keys, in CRITERIA order

    @property
    def missing_labels(self) -> list[str]:
        return [str(CRITERIA[key][0]) for key in self.missing]


def of(service: Service) -> Completeness:
    """The completeness of one fiche."""
    missing = tuple(key for key, (_label, met) in CRITERIA.items() if not met(service))
    return Completeness(round(100 * (len(CRITERIA) - len(missing)) / len(CRITERIA)), missing)


def score(service: Service) -> int:
    return of(service).score


@dataclass
class BassinScores:
    """The listed fiches of a bassin (None = no known bassin): their average score and how many are below half."""

    bassin: Bassin | None
    count: int = 0
    total: int = 0
    below_half: int = 0
    missing: dict[str, int] | None = None

    @property
    def average(self) -> int:
        return round(self.total / self.count) if self.count else 0


def listed_services() -> list[Service]:
    query = select(Service).where(Service.status != ServiceStatus.INACTIVE).options(*whole_service())
    return list(db.session.scalars(query.order_by(Service.id)))


def per_bassin() -> list[BassinScores]:
    """Scores per bassin (a fiche counts in each bassin where it has a location), bassins by name, unknown last."""
    rows: dict[str | None, BassinScores] = {}
    for service in listed_services():
        result = of(service)
        bassins = {loc.bassin_code: loc.bassin for loc in service.locations} or {None: None}
        for code, bassin in bassins.items():
            row = rows.setdefault(code, BassinScores(bassin, missing=defaultdict(int)))
            row.count, row.total = row.count + 1, row.total + result.score
            row.below_half += result.score < 50
            for key in result.missing:
                row.missing[key] += 1  # type: ignore[index]
    return sorted(rows.values(), key=lambda r: (r.bassin is None, r.bassin.name_fr if r.bassin else ""))


def least_complete(bassin_code: str | None, limit: int = 200) -> list[tuple[Service, Completeness]]:
    """The fiches of a bassin ("" = no known bassin, None = all), least complete first."""
    services = listed_services()
    if bassin_code is not None:
        services = [
            s
            for s in services
            if (bassin_code in {loc.bassin_code for loc in s.locations})
            or (bassin_code == "" and not any(loc.bassin_code for loc in s.locations))
        ]
    scored = sorted(((s, of(s)) for s in services), key=lambda pair: (pair[1].score, pair[0].id))
    return scored[:limit]
