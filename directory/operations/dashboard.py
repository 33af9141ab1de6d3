"""The bassin dashboard's figures: the offer per sector × commune and × quartier (and per 10,000 inhabitants), the
gaps, completeness and freshness (from coverage.py and freshness.py), candidates waiting, and the trend per month.

Everything is read with column queries (no ORM objects), so the whole region at 100,000 fiches stays well under a
second; the result is language-neutral (codes), cached per bassin, and recomputed when its key changes:

- a counter of this process, raised by a session listener whenever a flush adds, changes or deletes a fiche, a
  location, a phone, an organisation or a candidate (an edit in this process shows at once);
- a fingerprint of the tables read (row counts, highest ids, latest `updated_at` / decision), so bulk imports
  (Core inserts, no ORM events) and edits made by another worker process show too;
- an age limit (DASHBOARD_CACHE_SECONDS, 10 minutes): a change that moves none of the above (another process
  swapping one sector of a fiche for another, adding a phone) shows within that time.

Outside tests a changed key is recomputed in a background thread while the previous figures are served (their
time is printed on the page), so only a process's first request waits for the computation.

Unmet searches are not cached: they are read from this month's rows only (dashboard_unmet.py).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from flask import Flask, current_app
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import String, cast, event, func, literal, null, select, union_all

from directory.extensions import db
from directory.models import (
    Candidate,
    CandidateStatus,
    Commune,
    Location,
    Organization,
    Phone,
    Quartier,
    Sector,
    Service,
    ServiceStatus,
)
from directory.models.services import service_at_location, service_sector
from directory.operations import coverage as coverage_ops
from directory.operations import freshness
from directory.operations.population import populations

REGION = ""  # the cache key and `bassin` of the whole region
TRACKED = (Service, Location, Phone, Organization, Candidate)
MONTHS = 12

_lock = threading.Lock()
_cache: dict[str, tuple[tuple, float, Dashboard]] = {}
_changes = 0
_refreshing: set[str] = set()
_registered = False


@dataclass
class Dashboard:
    """Figures of one bassin (`bassin` = code) or of the region (`bassin` = "")."""

    bassin: str
    sectors: list[str]  # every sector of the vocabulary, in its order
    communes: list[str]  # NIS codes of the communes in scope
    quartiers: list[str]  # codes of the quartiers in scope
    quartier_commune: dict[str, str | None]
    fiches: int = 0  # listed fiches with a location in scope
    by_commune: dict[tuple[str, str], int] = field(default_factory=dict)  # (sector, NIS) → fiches
    by_quartier: dict[tuple[str, str], int] = field(default_factory=dict)  # (sector, quartier) → fiches
    by_bassin: dict[tuple[str, str], int] = field(default_factory=dict)  # (sector, bassin) → fiches (region)
    per_sector: dict[str, int] = field(default_factory=dict)  # sector → fiches in scope
    per_commune: dict[str, int] = field(default_factory=dict)  # NIS → fiches (any sector)
    per_quartier: dict[str, int] = field(default_factory=dict)
    population: dict[str, int] = field(default_factory=dict)  # NIS → inhabitants (communes in scope)
    population_date: date | None = None
    coverage: dict[str, coverage_ops.Cell] = field(default_factory=dict)  # sector → completeness cell
    coverage_total: coverage_ops.Cell = field(default_factory=coverage_ops.Cell)
    stale: dict[str, int] = field(default_factory=dict)  # bassin code ("" = none) → stale fiches
    stale_total: int = 0  # distinct stale fiches in scope (a fiche in two bassins once)
    candidates_by_commune: dict[str, int] = field(default_factory=dict)  # NIS ("" = unknown) → pending
    candidates_by_sector: dict[str, int] = field(default_factory=dict)
    candidates: int = 0
    trend: list[dict] = field(default_factory=list)  # {"month": "2026-11", "created": n, "verified": n}
    computed_at: float = 0.0
    seconds: float = 0.0  # time the computation took

    def absent_in_quartier(self, quartier: str) -> list[str]:
        """Sectors of the vocabulary with no fiche in `quartier`."""
        return [s for s in self.sectors if not self.by_quartier.get((s, quartier))]

    def absent_in_commune(self, nis: str) -> list[str]:
        return [s for s in self.sectors if not self.by_commune.get((s, nis))]

    def sectors_in_bassin(self, bassin: str) -> int:
        """How many sectors have at least one fiche in `bassin` (the region's dashboard)."""
        return sum(1 for (_sector, code), n in self.by_bassin.items() if code == bassin and n)

    def quartiers_without(self, sector: str) -> list[str]:
        return [q for q in self.quartiers if not self.by_quartier.get((sector, q))]

    def population_in_scope(self) -> tuple[int | None, list[str]]:
        """Inhabitants of the communes wholly in scope, and the communes left out (unknown, or split between
        bassins: Bruxelles-Ville). None when no commune's population is known."""
        split = self.split_communes if self.bassin else set()  # the region holds every commune whole
        known = [nis for nis in self.communes if nis in self.population and nis not in split]
        left_out = [nis for nis in self.communes if nis not in known]
        return (sum(self.population[n] for n in known) if known else None), left_out

    split_communes: set[str] = field(default_factory=set)


def init_app(app: Flask) -> None:
    """Register the listener that raises this process's change counter (once per process)."""
    global _registered
    app.config.setdefault("DASHBOARD_CACHE_SECONDS", 600)
    if not _registered:
        event.listen(FlaskSession, "after_flush", _after_flush)
        _registered = True


def _after_flush(session, _context) -> None:
    global _changes
    if any(isinstance(obj, TRACKED) for obj in (*session.new, *session.dirty, *session.deleted)):
        _changes += 1


def clear_cache() -> None:
    _cache.clear()


def fingerprint() -> tuple:
    """Counts, highest ids and latest changes of the tables the dashboard reads (one query)."""
    pending = Candidate.status == CandidateStatus.PENDING
    parts = (
        select(func.count()).select_from(Service),
        select(func.max(Service.id)),
        select(func.max(Service.updated_at)),
        select(func.count()).select_from(Location),
        select(func.max(Location.id)),
        select(func.count()).select_from(Candidate).where(pending),
        select(func.max(Candidate.id)),
        select(func.max(Candidate.decided_at)),
    )
    row = db.session.execute(select(*(part.scalar_subquery() for part in parts))).one()
    return tuple(str(value) for value in row)


def dashboard(bassin: str = REGION) -> Dashboard:
    """The figures of `bassin` ("" = the region), from the cache when its key has not changed.

    When the key changed and DASHBOARD_REFRESH_IN_BACKGROUND is on (outside tests), the previous figures are
    returned at once (the page prints when they were computed) while a thread computes the new ones; only the
    first request of a process computes while the visitor waits."""
    key = (_changes, fingerprint())
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    max_age = float(app.config.get("DASHBOARD_CACHE_SECONDS", 600))
    with _lock:
        cached = _cache.get(bassin)
    if cached and cached[0] == key and time.time() - cached[1] < max_age:
        return cached[2]
    if cached and app.config.get("DASHBOARD_REFRESH_IN_BACKGROUND", not app.testing):
        _refresh_later(app, bassin, key)
        return cached[2]
    return _store(bassin, key)


def _store(bassin: str, key: tuple) -> Dashboard:
    result = compute(bassin)
    with _lock:
        _cache[bassin] = (key, result.computed_at, result)
    return result


def _refresh_later(app: Flask, bassin: str, key: tuple) -> None:
    """Recompute `bassin` in a thread (one at a time per bassin)."""
    with _lock:
        if bassin in _refreshing:
            return
        _refreshing.add(bassin)

    def run() -> None:
        try:
            with app.app_context():
                _store(bassin, key)
        finally:
            with _lock:
                _refreshing.discard(bassin)

    threading.Thread(target=run, name=f"dashboard-{bassin or 'region'}", daemon=True).start()


def _scope(bassin: str) -> tuple[list[str], list[str], dict[str, str | None], set[str]]:
    """Communes and quartiers of `bassin` (all for the region), and the communes split between bassins."""
    communes = db.session.execute(select(Commune.nis, Commune.bassin_code).order_by(Commune.nis)).all()
    quartiers = db.session.execute(
        select(Quartier.code, Quartier.commune_nis, Quartier.bassin_code).order_by(Quartier.code)
    ).all()
    split = {nis for nis, code in communes if code is None}
    if bassin:
        in_bassin = {commune for _q, commune, code in quartiers if code == bassin}
        commune_codes = [nis for nis, code in communes if code == bassin or nis in in_bassin]
        quartier_rows = [q for q in quartiers if q[2] == bassin]
    else:
        commune_codes, quartier_rows = [nis for nis, _code in communes], list(quartiers)
    quartier_rows.sort(key=lambda q: (int(q[0]) if q[0].isdigit() else 10**6, q[0]))
    return commune_codes, [q[0] for q in quartier_rows], {q[0]: q[1] for q in quartier_rows}, split


def compute(bassin: str = REGION) -> Dashboard:
    """Compute the figures of `bassin` ("" = the region) from the database."""
    started = time.perf_counter()
    communes, quartiers, quartier_commune, split = _scope(bassin)
    sectors = [code for (code,) in db.session.execute(select(Sector.code).order_by(Sector.code))]  # pages sort by name
    result = Dashboard(bassin, sectors, communes, quartiers, quartier_commune, split_communes=split)
    _offer(result)
    result.population, result.population_date = populations("commune")
    result.population = {nis: n for nis, n in result.population.items() if nis in set(communes)}
    table = coverage_ops.coverage()
    if bassin:
        table = {key: cell for key, cell in table.items() if key[1] == bassin}
    result.coverage = coverage_ops.totals(table, 0)
    result.candidates_by_sector = {sector: cell.candidates for sector, cell in result.coverage.items()}
    result.coverage_total = _sum_cells(result.coverage.values(), result.fiches)
    result.stale = {(b.code if b else ""): n for b, n in freshness.stale_counts()}
    if bassin:
        result.stale = {bassin: result.stale.get(bassin, 0)}
    result.stale_total = freshness.stale_total(bassin or None)
    result.candidates_by_commune = _candidates_by_commune(bassin)
    result.candidates = sum(result.candidates_by_commune.values())
    result.trend = _trend(bassin)
    result.computed_at = time.time()
    result.seconds = time.perf_counter() - started
    return result


LEVELS: dict[str, tuple[str, ...]] = {  # the offer's tables and the columns they count by
    "fiches": (),
    "per_commune": ("commune",),
    "per_quartier": ("quartier",),
    "per_sector": ("sector",),
    "by_commune": ("sector", "commune"),
    "by_quartier": ("sector", "quartier"),
    "by_bassin": ("sector", "bassin"),
}


def _offer(result: Dashboard) -> None:
    """Listed fiches in scope, per commune, quartier and sector, and per sector × commune, × quartier and × bassin,
    each fiche counted once per cell. The database counts; only a few thousand cells come to Python.

    Most fiches have one location and at most one sector: they are counted in one GROUP BY of the finest cell
    (sector, commune, quartier, bassin), which every table sums exactly. The fiches with several locations or
    sectors are counted apart, with COUNT(DISTINCT) per table (one statement: a CTE of their tuples, each table a
    GROUP BY of it, joined by UNION ALL), so a fiche in two communes counts once in the bassin and the region."""
    sal = service_at_location.c
    multi = coverage_ops.several_places_or_sectors()
    columns = {
        "sector": service_sector.c.sector_code,
        "commune": Location.commune_nis,
        "quartier": Location.quartier_code,
        "bassin": func.coalesce(Location.bassin_code, ""),
    }
    base = (
        select(Service.id)
        .join(service_at_location, sal.service_id == Service.id)
        .join(Location, Location.id == sal.location_id)
        .outerjoin(service_sector, service_sector.c.service_id == Service.id)
        .where(Service.status != ServiceStatus.INACTIVE)
    )
    if result.bassin:
        base = base.where(Location.bassin_code == result.bassin)
    tables: dict[str, Counter] = {name: Counter() for name in LEVELS}

    def add(name: str, keys: tuple, n: int) -> None:
        if any(key is None for key in keys):  # no sector, or a location outside the areas
            return
        tables[name][keys if len(keys) > 1 else (keys[0] if keys else None)] += n

    simple = base.where(Service.id.not_in(multi)).with_only_columns(*columns.values(), func.count())
    for sector, commune, quartier, bassin, n in db.session.execute(simple.group_by(*columns.values())).tuples():
        cell = {"sector": sector, "commune": commune, "quartier": quartier, "bassin": bassin}
        for name, keys in LEVELS.items():
            add(name, tuple(cell[key] for key in keys), n)
    tuples = (
        base.where(Service.id.in_(multi))
        .with_only_columns(Service.id.label("sid"), *(column.label(key) for key, column in columns.items()))
        .distinct()
        .cte("tuples")
    )
    parts = []
    for name, keys in LEVELS.items():
        grouped = [tuples.c[key] for key in keys]
        padded = [*grouped, *(null() for _ in range(2 - len(keys)))]
        part = select(
            literal(name).label("level"),
            *(cast(column, String).label(f"k{i}") for i, column in enumerate(padded)),
            func.count(func.distinct(tuples.c.sid)).label("n"),
        )
        parts.append(part.group_by(*grouped) if grouped else part)
    for name, first, second, n in db.session.execute(union_all(*parts)).tuples():
        add(name, (first, second)[: len(LEVELS[name])], n)
    result.fiches = tables["fiches"].get(None, 0)
    result.per_commune = dict(tables["per_commune"])
    result.per_quartier = dict(tables["per_quartier"])
    result.per_sector = dict(tables["per_sector"])
    result.by_commune = dict(tables["by_commune"])
    result.by_quartier = dict(tables["by_quartier"])
    result.by_bassin = dict(tables["by_bassin"])


def _sum_cells(cells: Iterable[coverage_ops.Cell], fiches: int) -> coverage_ops.Cell:
    """Completeness of the whole scope: the sector cells summed (a fiche in two sectors counts twice)."""
    total = coverage_ops.Cell()
    for cell in cells:
        total.fiches += cell.fiches
        total.candidates += cell.candidates
        for fact in coverage_ops.FACTS:
            total.have[fact] += cell.have[fact]
    return total


def _candidates_by_commune(bassin: str) -> dict[str, int]:
    query = (
        select(Candidate.commune_nis, func.count())
        .where(Candidate.status == CandidateStatus.PENDING)
        .group_by(Candidate.commune_nis)
    )
    if bassin:
        query = query.where(Candidate.bassin_code == bassin)
    return {nis or "": n for nis, n in db.session.execute(query)}


def months(today: date, count: int = MONTHS) -> list[tuple[int, int]]:
    """The `count` months up to `today`'s, oldest first, as (year, month)."""
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def _trend(bassin: str) -> list[dict]:
    """Fiches created and fiches checked by a person per month, the last 12 months (of fiches in scope)."""
    from datetime import datetime

    from directory.operations.hours import BRUSSELS

    window = months(datetime.now(BRUSSELS).date())
    start = date(*window[0], 1)
    in_scope = Service.status != ServiceStatus.INACTIVE
    if bassin:
        located = select(service_at_location.c.service_id).join(Location).where(Location.bassin_code == bassin)
        in_scope = in_scope & Service.id.in_(located)
    counts: dict[str, dict[str, int]] = {"created": {}, "verified": {}}
    parts = []
    for name, column in (("created", Service.created_at), ("verified", Service.verified_at)):
        month = func.substr(cast(column, String), 1, 7)  # "2026-11": no date function per row
        parts.append(select(literal(name), month, func.count()).where(in_scope, column >= start).group_by(month))
    for name, month, n in db.session.execute(union_all(*parts)).tuples():
        counts[name][month] = n
    return [
        {
            "month": f"{y:04d}-{m:02d}",
            "created": counts["created"].get(f"{y:04d}-{m:02d}", 0),
            "verified": counts["verified"].get(f"{y:04d}-{m:02d}", 0),
        }
        for y, m in window
    ]
