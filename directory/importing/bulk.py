"""Insert many new services at once with Core INSERT … RETURNING (an import's hot path).

The ORM unit of work costs about a millisecond per new service with its organization, location, phones and
links; these statements insert a whole batch in a few round trips. Rows inserted this way bypass the
flush listener, so they are queued for the search index here (`sync.enqueue`), in the same transaction, with
their index documents built from the values inserted rather than read back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import ColumnDefault, Table, func, insert, select

from directory.extensions import db
from directory.geo.tagging import areas_many
from directory.models import Location, Organization, Phone, Service, ServiceFunction
from directory.models.base import utcnow
from directory.models.services import service_at_location, service_public, service_sector
from directory.search.documents import (
    LOCATION_COLUMNS,
    ORGANIZATION_COLUMNS,
    SERVICE_COLUMNS,
    documents_of_rows,
    organizations_of,
)
from directory.search.sync import enqueue


@dataclass
class NewService:
    """A service to create: its columns, its organization (an existing id, or a key and names to create)."""

    service: dict
    location: dict
    org_key: str
    org_names: tuple[str, str]
    bce_number: str = ""
    sectors: list[str] = field(default_factory=list)
    publics: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    location_functions: list[tuple[str, list[str]]] = field(default_factory=list)  # at its location only


def _returning_ids(model: type[Organization] | type[Service] | type[Location], rows: list[dict]) -> list[int]:
    """Insert `rows` into the model's table (Core, not the ORM's bulk insert: a third of the cost) and return
    their new ids in the order of `rows`. Column defaults apply as with the ORM.

    PostgreSQL returns the ids in order from batched statements. SQLite cannot tell which returned row belongs to
    which parameter set, so SQLAlchemy would send one INSERT per row to keep the order (a fifth of an import's
    CPU): there the rows go in one executemany and their ids are the last `len(rows)` ones, since SQLite has one
    writer at a time (this transaction, until it commits) and gives each new row the next rowid. Checked: the
    ids are consecutive and, where rows have a `source_id`, the last id holds the last row."""
    table = cast(Table, model.__table__)
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return [row[0] for row in connection.execute(statement, rows)]
    connection.execute(insert(table), rows)
    last = connection.scalar(select(func.max(table.c.id))) or 0
    first = last - len(rows) + 1
    consecutive = connection.scalar(select(func.count()).select_from(table).where(table.c.id >= first)) == len(rows)
    key = rows[-1].get("source_id")  # services and organizations: the last id is the last row's
    if not consecutive or (key and connection.scalar(select(table.c.source_id).where(table.c.id == last)) != key):
        raise RuntimeError(f"the new rows of {table.name} did not get the last ids")
    return list(range(first, last + 1))


def insert_new_services(source: str, items: list[NewService], organizations: dict[str, int]) -> list[int]:
    """Insert `items` (caller commits); `organizations` maps known organization keys to ids and is updated."""
    if not items:
        return []
    now = utcnow()
    new_orgs: dict[str, dict] = {}
    for item in items:
        if item.org_key not in organizations and item.org_key not in new_orgs:
            fr, nl = item.org_names
            new_orgs[item.org_key] = {
                "source": source,
                "source_id": item.org_key,
                "name_fr": fr,
                "name_nl": nl,
                "bce_number": item.bce_number or None,
                "created_at": now,
                "updated_at": now,
            }
    if new_orgs:
        organizations.update(zip(new_orgs, _returning_ids(Organization, list(new_orgs.values())), strict=True))
    service_rows = [
        {**item.service, "organization_id": organizations[item.org_key], "created_at": now, "updated_at": now}
        for item in items
    ]
    service_ids = _returning_ids(Service, service_rows)
    places = [(i.location.get("lat"), i.location.get("lon"), i.location.get("postcode")) for i in items]
    location_rows = [{**item.location, **found} for item, found in zip(items, areas_many(places), strict=True)]
    location_ids = _returning_ids(Location, location_rows)
    links: list[tuple[Table, list[dict[str, Any]]]] = [
        (
            service_at_location,
            [{"service_id": s, "location_id": loc} for s, loc in zip(service_ids, location_ids, strict=True)],
        ),
        (
            service_sector,
            [{"service_id": s, "sector_code": c} for s, i in zip(service_ids, items, strict=True) for c in i.sectors],
        ),
        (
            service_public,
            [{"service_id": s, "public_code": c} for s, i in zip(service_ids, items, strict=True) for c in i.publics],
        ),
        (
            cast(Table, Phone.__table__),
            [
                {"service_id": s, "number": n, "kind": "voice", "label_fr": "", "label_nl": ""}
                for s, i in zip(service_ids, items, strict=True)
                for n in i.phones
            ],
        ),
        (
            cast(Table, ServiceFunction.__table__),
            [
                {"service_id": s, "location_id": loc, "function": code, "conditions": conditions}
                for s, loc, i in zip(service_ids, location_ids, items, strict=True)
                for code, conditions in i.location_functions
            ],
        ),
    ]
    for table, rows in links:
        if rows:
            db.session.connection().execute(insert(table), rows)
    inserted = _as_inserted(items, service_rows, service_ids, location_rows, location_ids, organizations, new_orgs)
    enqueue(db.session(), service_ids, new=True, documents=documents_of_rows(db.session.connection(), inserted))
    return service_ids


def _stored(table: Table, row: dict[str, Any], names: list[str]) -> SimpleNamespace:
    """The columns `names` of a row as the database stores it: the values given, else the columns' defaults."""
    values = {}
    for name in names:
        column = table.c[name]
        if name in row:
            values[name] = row[name]
        elif column.default is None and column.server_default is None:
            values[name] = None
        elif isinstance(column.default, ColumnDefault) and column.default.is_scalar:
            values[name] = column.default.arg
        elif isinstance(column.default, ColumnDefault) and column.default.is_callable:
            values[name] = column.default.arg(None)  # SQLAlchemy wraps a callable default to take a context
        else:  # a SQL expression or a server default: only the database knows the value
            raise ValueError(f"{table.name}.{name}: its default is computed by the database; give a value")
    return SimpleNamespace(**values)


def _as_inserted(
    items: list[NewService],
    service_rows: list[dict],
    service_ids: list[int],
    location_rows: list[dict],
    location_ids: list[int],
    organizations: dict[str, int],
    new_orgs: dict[str, dict],
) -> list[SimpleNamespace]:
    """The new services as rows `documents_of_rows` takes: their documents are built from what was inserted
    instead of being read back (a third of an import's cost)."""
    services, locations = cast(Table, Service.__table__), cast(Table, Location.__table__)
    orgs = cast(Table, Organization.__table__)
    organization_rows = {
        organizations[key]: _stored(orgs, {**row, "id": organizations[key]}, ORGANIZATION_COLUMNS)
        for key, row in new_orgs.items()
    }
    known = {organizations[i.org_key] for i in items} - set(organization_rows)
    if known:
        organization_rows |= organizations_of(db.session.connection(), known)
    rows = []
    for item, row, sid, place, lid in zip(items, service_rows, service_ids, location_rows, location_ids, strict=True):
        service = _stored(services, {**row, "id": sid}, SERVICE_COLUMNS)
        service.organization = organization_rows[service.organization_id]
        service.sector_codes, service.public_codes = sorted(item.sectors), sorted(item.publics)
        service.phones = [SimpleNamespace(number=number) for number in item.phones]
        service.locations = [_stored(locations, {**place, "id": lid}, LOCATION_COLUMNS)]
        service.function_offers = [
            SimpleNamespace(location_id=lid, function=code, conditions=conditions)
            for code, conditions in item.location_functions
        ]
        rows.append(service)
    return rows
