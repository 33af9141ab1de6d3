"""Unmet searches of the bassin dashboard: the searches recorded by directory/search/unmet.py (aggregated per day,
no personal data) that were about a bassin — chosen or understood bassin, one of its communes or quartiers."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

from sqlalchemy import select

from directory.extensions import db
from directory.models import Commune, Quartier, UnmetSearch
from directory.operations.dashboard import months


def _areas() -> dict[str, dict[str, str | None]]:
    return {
        "commune": dict(db.session.execute(select(Commune.nis, Commune.bassin_code)).tuples().all()),
        "quartier": dict(db.session.execute(select(Quartier.code, Quartier.bassin_code)).tuples().all()),
    }


def _bassins_of(filters: dict[str, list[str]], areas: dict[str, dict[str, str | None]]) -> set[str]:
    """The bassins a recorded search was about: chosen or understood bassin, commune, quartier or section."""
    found: set[str] = set()
    for name, codes in filters.items():
        kind = name.removeprefix("understood_")
        for code in codes:
            if kind == "bassin":
                found.add(code)
            elif kind in ("commune", "quartier", "section"):
                bassin = areas["commune" if kind == "commune" else "quartier"].get(code)
                if bassin:
                    found.add(bassin)
    return found


def unmet_searches(bassin: str, since: date, limit: int = 50) -> list[dict]:
    """The most frequent searches with no true match since `since` that were about `bassin` (a bassin, or one of
    its communes or quartiers; "" = every search): query, language, filters, searches, alternatives offered."""
    areas = _areas()
    rows = db.session.execute(
        select(UnmetSearch.query, UnmetSearch.lang, UnmetSearch.filters, UnmetSearch.count, UnmetSearch.alternatives)
        .where(UnmetSearch.day >= since)
        .order_by(UnmetSearch.day)
    )
    merged: dict[tuple[str, str, str], dict] = {}
    for query, lang, raw, count, alternatives in rows:
        filters = json.loads(raw or "{}")
        if bassin and bassin not in _bassins_of(filters, areas):
            continue
        row = merged.setdefault(
            (query, lang, raw), {"query": query, "lang": lang, "filters": filters, "searches": 0, "alternatives": 0}
        )
        row["searches"] += count
        row["alternatives"] = alternatives  # the last day's
    ordered = sorted(merged.values(), key=lambda r: (-r["searches"], r["query"]))
    return ordered[:limit]


def unmet_per_month(bassin: str, today: date) -> dict[str, int]:
    """Unmet searches (about `bassin`, or all) per month, the last 12 months: "2026-11" → searches."""
    window = months(today)
    start = date(*window[0], 1)
    areas = _areas()
    totals: dict[str, int] = defaultdict(int)
    rows = db.session.execute(
        select(UnmetSearch.day, UnmetSearch.filters, UnmetSearch.count).where(UnmetSearch.day >= start)
    )
    for day, raw, count in rows:
        if bassin and bassin not in _bassins_of(json.loads(raw or "{}"), areas):
            continue
        totals[f"{day.year:04d}-{day.month:02d}"] += count
    return {f"{y:04d}-{m:02d}": totals.get(f"{y:04d}-{m:02d}", 0) for y, m in window}
