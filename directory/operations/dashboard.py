"""The bassin dashboard's figures: the offer per sector × commune and × quartier (and per 10,000 inhabitants), the
gaps, completeness and freshness, candidates waiting, and the trend per month.

The offer, completeness and stale fiches come from one grouped pass over the listed fiches joined to their sectors
and locations (`coverage.listed_parts`: the database sorts the rows once, a few thousand parts come to Python,
where each table is summed); the candidates are grouped by their record's sectors without decoding each record,
the trend is one more statement. No ORM objects: the whole region at 100,000 fiches is computed in about 0.8 s of
CPU (bench/dashboard.py). The result is language-neutral (codes), cached per bassin, and recomputed when its key
changes:

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
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter

from flask import Flask, current_app
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import String, cast, event, func, literal, select, union_all

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
from directory.models.services import service_at_location
from directory.operations import coverage as coverage_ops
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
    parts = coverage_ops.listed_parts(bassin)  # the one pass over the fiches: offer, completeness, freshness
    _offer(result, parts)
    _stale(result, parts)
    result.population, result.population_date = populations("commune")
    result.population = {nis: n for nis, n in result.population.items() if nis in set(communes)}
    table = coverage_ops.table(parts)
    coverage_ops.add_candidates(table)
    if bassin:
        table = {key: cell for key, cell in table.items() if key[1] == bassin}
    result.coverage = coverage_ops.totals(table, 0)
    result.candidates_by_sector = {sector: cell.candidates for sector, cell in result.coverage.items()}
    result.coverage_total = coverage_ops.merge(result.coverage.values())  # a fiche in two sectors counts twice
    result.candidates_by_commune = _candidates_by_commune(bassin)
    result.candidates = sum(result.candidates_by_commune.values())
    result.trend = _trend(bassin)
    result.computed_at = time.time()
    result.seconds = time.perf_counter() - started
    return result


LEVELS: dict[str, tuple[str, ...]] = {  # the offer's tables and the columns of a cell they count by
    "fiches": (),
    "per_commune": ("commune",),
    "per_quartier": ("quartier",),
    "per_sector": ("sector",),
    "by_commune": ("sector", "commune"),
    "by_quartier": ("sector", "quartier"),
    "by_bassin": ("sector", "bassin"),
}
CELL = ("sector", "commune", "quartier", "bassin")  # a part's cell, as a tuple
_KEYS = [(name, itemgetter(*(CELL.index(column) for column in columns))) for name, columns in LEVELS.items() if columns]


def _offer(result: Dashboard, parts: coverage_ops.Parts) -> None:
    """Listed fiches with a location in scope, per commune, quartier and sector, and per sector × commune, ×
    quartier and × bassin, each fiche counted once per cell (a fiche in two communes once in the bassin and the
    region). A part of fiches with one location and at most one sector adds its count to each table; a fiche with
    several adds 1 to each distinct key of its parts. Keys with an unknown column (no sector, a location outside
    the areas) are left out; a location with no bassin is in bassin ""."""
    tables: dict[str, Counter] = {name: Counter() for name in LEVELS}

    def add(cells: set[tuple[str | None, ...]], n: int) -> None:
        tables["fiches"][None] += n
        for name, key_of in _KEYS:
            table = tables[name]
            for key in {key_of(cell) for cell in cells}:
                if key is not None and not (type(key) is tuple and None in key):
                    table[key] += n

    def cells(fiche: list[coverage_ops.Part]) -> set[tuple[str | None, ...]]:
        """The cells of `fiche`'s parts in scope (located, in the bassin)."""
        return {
            (part.sector, part.commune, part.quartier, part.bassin or "")
            for part in fiche
            if part.located and (not result.bassin or part.bassin == result.bassin)
        }

    for part in parts.simple:
        if one := cells([part]):
            add(one, part.rows)
    for fiche in parts.several.values():
        if several := cells(fiche):
            add(several, 1)
    result.fiches = tables["fiches"].get(None, 0)
    result.per_commune = dict(tables["per_commune"])
    result.per_quartier = dict(tables["per_quartier"])
    result.per_sector = dict(tables["per_sector"])
    result.by_commune = dict(tables["by_commune"])
    result.by_quartier = dict(tables["by_quartier"])
    result.by_bassin = dict(tables["by_bassin"])


def _stale(result: Dashboard, parts: coverage_ops.Parts) -> None:
    """Stale fiches per bassin ("" = a location with no known bassin, or none; a fiche counts in every bassin where
    it has a location, as freshness.stale_counts) and the distinct stale fiches in scope (a fiche in two bassins
    once)."""
    stale: Counter = Counter()
    total = 0
    for part in parts.simple:
        if part.stale:
            stale[part.bassin or ""] += part.stale
            total += part.stale if not result.bassin or part.bassin == result.bassin else 0
    for fiche in parts.several.values():
        if coverage_ops.fiche_facts(fiche)[1]:
            bassins = {part.bassin or "" for part in fiche}
            stale.update(bassins)
            total += int(not result.bassin or result.bassin in bassins)
    result.stale = {result.bassin: stale.get(result.bassin, 0)} if result.bassin else dict(stale)
    result.stale_total = total


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
