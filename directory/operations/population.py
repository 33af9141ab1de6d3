"""The population of each area, staged as data with its source (directory/data/population.md), for rates per
10,000 inhabitants."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import select

from directory.extensions import db
from directory.models import AreaPopulation

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
FILES = {"commune": "population_communes.csv"}
SOURCE = "Statbel, population par commune / bevolking per gemeente (CC BY 4.0), see directory/data/population.md"


def load_population() -> str:
    """Upsert the staged populations (idempotent); return a one-line summary."""
    count = 0
    for level, name in FILES.items():
        with (DATA_DIR / name).open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                code = row.get("nis") or row["code"]
                values = {
                    "population": int(row["population"]),
                    "reference_date": date.fromisoformat(row["reference_date"]),
                    "source": SOURCE,
                }
                current = db.session.get(AreaPopulation, (level, code))
                if current is None:
                    db.session.add(AreaPopulation(level=level, code=code, **values))
                else:
                    for key, value in values.items():
                        setattr(current, key, value)
                count += 1
    db.session.flush()
    return f"population: {count} areas"


def populations(level: str) -> tuple[dict[str, int], date | None]:
    """Area code → inhabitants for `level`, and the (latest) reference date; empty when no source is staged."""
    rows = db.session.execute(
        select(AreaPopulation.code, AreaPopulation.population, AreaPopulation.reference_date).where(
            AreaPopulation.level == level
        )
    ).all()
    return {code: n for code, n, _ in rows}, max((d for *_, d in rows), default=None)


def per_10k(count: int, population: int | None) -> float | None:
    """`count` per 10,000 inhabitants, one decimal; None when the population is unknown (or zero)."""
    if not population:
        return None
    return round(count * 10_000 / population, 1)
