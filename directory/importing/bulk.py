"""Insert many new services at once with Core INSERT … RETURNING (an import's hot path).

The ORM unit of work costs about a millisecond per new service with its organization, location, phones and
links; these statements insert a whole batch in a few round trips. Rows inserted this way bypass the
flush listener, so they are queued for the search index here (`sync.enqueue`), in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, insert

from directory.extensions import db
from directory.geo.tagging import areas_many
from directory.models import Location, Organization, Phone, Service, ServiceFunction
from directory.models.base import utcnow
from directory.models.services import service_at_location, service_public, service_sector
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
    their new ids in the order of `rows`. Column defaults apply as with the ORM."""
    table = cast(Table, model.__table__)
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [row[0] for row in db.session.connection().execute(statement, rows)]


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
    service_ids = _returning_ids(
        Service,
        [
            {**item.service, "organization_id": organizations[item.org_key], "created_at": now, "updated_at": now}
            for item in items
        ],
    )
    places = [(i.location.get("lat"), i.location.get("lon"), i.location.get("postcode")) for i in items]
    location_ids = _returning_ids(
        Location, [{**item.location, **found} for item, found in zip(items, areas_many(places), strict=True)]
    )
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
    enqueue(db.session(), service_ids, new=True)
    return service_ids
