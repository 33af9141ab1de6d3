"""Clearly synthetic fiches for the relevance benchmark only, for the sectors the `make run` data lacks.

Never loaded by `make run` or the application: bench/relevance.py adds them to its own temporary database. Every
name starts with "[Synthétique]" / "[Synthetisch]", the source is "bench-synthetic", and they carry no street, no
phone, no e-mail and no website: only a sector, an approximate position (the representative point of a real
Monitoring des Quartiers neighbourhood), and spoken languages and publics drawn at random, so that place, language
and public queries have something to find. The same, without a sector, for each coordination function
(directory/data/functions.csv): no real data declares functions yet.
"""

from __future__ import annotations

import random
import zlib

from sqlalchemy import func, select

from directory.extensions import db
from directory.geo.tagging import tag_location
from directory.models import CoordinationFunction, Location, Organization, Public, Quartier, Sector, Service

SOURCE = "bench-synthetic"
MIN_REAL = 8  # sectors with fewer fiches than this in the real data get synthetic ones
PER_SECTOR = 12
PER_FUNCTION = 6
LANGUAGES = ["fr", "nl", "en", "ar", "tr", "es", "pt", "ro", "pl"]


def sparse_sectors() -> list[Sector]:
    """Sectors with fewer than MIN_REAL fiches in the database."""
    from directory.models.services import service_sector

    counts = dict(
        db.session.execute(
            select(service_sector.c.sector_code, func.count()).group_by(service_sector.c.sector_code)
        ).all()
    )
    return [s for s in db.session.scalars(select(Sector).order_by(Sector.code)) if counts.get(s.code, 0) < MIN_REAL]


def add_synthetic(seed: int = 9) -> int:
    """Add PER_SECTOR synthetic fiches to each sparse sector, spread over the inhabited quartiers; returns how many."""
    rnd = random.Random(seed)
    quartiers = [q for q in db.session.scalars(select(Quartier).order_by(Quartier.code)) if int(q.code) < 800]
    publics = db.session.scalars(select(Public).order_by(Public.code)).all()
    added = 0
    for sector in sparse_sectors():
        for i in range(PER_SECTOR):
            quartier = quartiers[(zlib.crc32(sector.code.encode()) % 97 + i * 11) % len(quartiers)]
            commune_fr = quartier.commune.name_fr if quartier.commune else ""
            commune_nl = quartier.commune.name_nl if quartier.commune else ""
            name_fr = f"[Synthétique] {sector.name_fr} {commune_fr} {i + 1}"
            name_nl = f"[Synthetisch] {sector.name_nl} {commune_nl} {i + 1}"
            location = Location(lat=quartier.lat, lon=quartier.lon)
            tag_location(location)
            service = Service(
                organization=Organization(
                    name_fr=name_fr, name_nl=name_nl, source=SOURCE, source_id=f"{sector.code}-{i}"
                ),
                name_fr=name_fr,
                name_nl=name_nl,
                description_fr=f"Fiche fictive pour mesurer la recherche ({sector.name_fr}).",
                description_nl=f"Fictieve fiche om het zoeken te meten ({sector.name_nl}).",
                source=SOURCE,
                source_id=f"{sector.code}-{i}",
                languages=sorted(set(rnd.sample(LANGUAGES, rnd.randint(1, 3)))),
                opening_hours=rnd.choice([None, "Mo-Fr 09:00-17:00", "Mo,We,Fr 13:00-18:00"]),
                locations=[location],
                field_provenance={},
            )
            service.sectors = [sector]
            service.publics = rnd.sample(list(publics), rnd.randint(0, 2))
            db.session.add(service)
            added += 1
    db.session.flush()
    return added


def add_synthetic_functions(seed: int = 15) -> int:
    """Add PER_FUNCTION synthetic fiches declaring each coordination function (and no sector); returns how many."""
    rnd = random.Random(seed)
    quartiers = [q for q in db.session.scalars(select(Quartier).order_by(Quartier.code)) if int(q.code) < 800]
    publics = db.session.scalars(select(Public).order_by(Public.code)).all()
    added = 0
    for function in db.session.scalars(select(CoordinationFunction).order_by(CoordinationFunction.code)):
        for i in range(PER_FUNCTION):
            quartier = quartiers[(zlib.crc32(function.code.encode()) % 89 + i * 23) % len(quartiers)]
            commune_fr = quartier.commune.name_fr if quartier.commune else ""
            commune_nl = quartier.commune.name_nl if quartier.commune else ""
            name_fr = f"[Synthétique] {function.name_fr} {commune_fr} {i + 1}"
            name_nl = f"[Synthetisch] {function.name_nl} {commune_nl} {i + 1}"
            location = Location(lat=quartier.lat, lon=quartier.lon)
            tag_location(location)
            source_id = f"function-{function.code}-{i}"
            service = Service(
                organization=Organization(name_fr=name_fr, name_nl=name_nl, source=SOURCE, source_id=source_id),
                name_fr=name_fr,
                name_nl=name_nl,
                description_fr="Fiche fictive pour mesurer la recherche des fonctions de coordination.",
                description_nl="Fictieve fiche om het zoeken naar coördinatiefuncties te meten.",
                source=SOURCE,
                source_id=source_id,
                languages=sorted(set(rnd.sample(LANGUAGES, rnd.randint(1, 3)))),
                functions=[function.code],
                locations=[location],
                field_provenance={},
            )
            service.publics = rnd.sample(list(publics), rnd.randint(0, 2))
            db.session.add(service)
            added += 1
    db.session.flush()
    return added
