"""Bilingual vocabularies (sectors / service types, publics, coordination functions), kept as data in
directory/data/*.csv."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from directory.extensions import db
from directory.models import CoordinationFunction, Public, Sector
from directory.operations.validation import term_lookup

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# General equivalences beyond the sector names (Meilisearch does not split Dutch compounds). Words whose meaning
# depends on the language ("arts": art in French, doctor in Dutch) belong in the scoped thesaurus, not here.
EXTRA_SYNONYMS = [
    ["cpas", "ocmw"],
    ["maison médicale", "wijkgezondheidscentrum", "gezondheidscentrum"],
    ["santé", "gezondheid"],
    ["aide", "hulp"],
]


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_vocabularies() -> str:
    """Upsert sectors, publics and functions from the CSV files (idempotent); return a one-line summary."""
    changed = 0
    tables = ((Sector, "sectors.csv"), (Public, "publics.csv"), (CoordinationFunction, "functions.csv"))
    for model, name in tables:
        for row in _rows(name):
            values = {k: v.strip() for k, v in row.items() if k in model.__table__.columns}
            obj = db.session.get(model, values["code"])
            if obj is None:
                db.session.add(model(**values))
                changed += 1
            elif any(getattr(obj, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(obj, k, v)
                changed += 1
    db.session.flush()
    from directory.labels import clear_cache
    from directory.operations.population import load_population

    load_population()  # the population per commune, for the bassin dashboard's rates

    clear_cache()
    sectors = len(db.session.scalars(select(Sector.code)).all())
    publics = len(db.session.scalars(select(Public.code)).all())
    functions = len(db.session.scalars(select(CoordinationFunction.code)).all())
    return f"vocabularies: {sectors} sectors, {publics} publics, {functions} functions ({changed} rows changed)"


def terms_lookup(kind: str) -> dict[str, str]:
    """For a "terms" field (`directory.fields`): every accepted spelling, lower-cased → its code. A function is
    found by its code and all its names in both languages; a condition by its code."""
    if kind == "function":
        return term_lookup({f.code: tuple(f.names) for f in db.session.scalars(select(CoordinationFunction))})
    from directory.labels import term_codes

    return term_lookup({code: () for code in term_codes(kind)})


def synonym_groups() -> list[list[str]]:
    """Groups of equivalent search terms: each sector's FR name, NL name and synonyms, plus EXTRA_SYNONYMS."""
    groups = [list(g) for g in EXTRA_SYNONYMS]
    for sector in db.session.scalars(select(Sector)):
        groups.append([sector.name_fr, sector.name_nl])
    return groups
