"""The local gazetteer: BeST addresses in the database, asked before any remote geocoder."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import delete, func, insert, or_, select

from directory.extensions import db
from directory.models import Address
from directory.operations.geocoding import Geocoded
from directory.text import normalize

BATCH = 5000


def load_best(path: Path) -> int:
    """Load (or refresh, idempotently) a BeST CSV into the gazetteer; returns the number of addresses."""
    from importers.best import read_addresses

    count = 0
    batch: list[dict] = []
    for row in read_addresses(path):
        batch.append(
            {**row, "street_key_fr": normalize(row["street_fr"]), "street_key_nl": normalize(row["street_nl"])}
        )
        if len(batch) >= BATCH:
            count += _store(batch)
            batch = []
    count += _store(batch)
    return count


def _store(rows: list[dict]) -> int:
    if rows:
        db.session.execute(delete(Address).where(Address.id.in_([r["id"] for r in rows])))
        db.session.execute(insert(Address), rows)
        db.session.commit()
    return len(rows)


def _street(key: str, postcode: str) -> Iterable:
    return (Address.postcode == postcode, or_(Address.street_key_fr == key, Address.street_key_nl == key))


def lookup(street: str, number: str, postcode: str) -> Geocoded | None:
    """The exact address ("address"), else the middle of the street's known addresses ("street"), else None."""
    key, postcode, number = normalize(street), postcode.strip(), number.strip().upper()
    if not key or not postcode:
        return None
    exact = db.session.execute(
        select(Address.lat, Address.lon).where(*_street(key, postcode), func.upper(Address.house_number) == number)
    ).first()
    if exact:
        return Geocoded(exact.lat, exact.lon, "address")
    middle = db.session.execute(
        select(func.avg(Address.lat), func.avg(Address.lon), func.count()).where(*_street(key, postcode))
    ).one()
    return Geocoded(middle[0], middle[1], "street") if middle[2] else None
