"""From an HSDS UUID back to our row, without scanning: the UUIDs derive from (source, source_id or id) through a
one-way hash (directory.operations.hsds), so each process keeps a map UUID → id, filled once and then topped up
with the rows changed since (their `updated_at`). A map entry is only a candidate: the row found is checked to
still have that UUID, so a stale entry (a row whose source changed, or deleted) answers 404, never a wrong row."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select, true

from directory.extensions import db
from directory.models import Location, Service
from directory.models.services import service_at_location
from directory.operations.hsds import link_uuid, location_uuid, service_uuid


@dataclass
class UuidMap:
    """UUID → id for one model, and the latest `updated_at` it has seen."""

    ids: dict[str, Any] = field(default_factory=dict)
    seen_until: datetime | None = None
    last_id: int = 0
    size: int | None = None  # the number of rows the map was built from, where that matters
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self, model: Any, entries: Callable[[Any], Iterable[tuple[str, Any]]]) -> None:
        """Add the entries of the rows of `model` changed or added since the last refresh (all of them the first
        time): `entries(where)` gives (UUID, value) pairs of the rows meeting `where`."""
        latest, last_id = db.session.execute(select(func.max(model.updated_at), func.max(model.id))).one()
        if latest is None or (self.seen_until is not None and latest <= self.seen_until and last_id <= self.last_id):
            return
        with self.lock:
            since = true()
            if self.seen_until is not None:
                since = (model.updated_at >= self.seen_until) | (model.id > self.last_id)
            self.ids.update(entries(since))
            self.seen_until, self.last_id = latest, last_id


def _map(name: str) -> UuidMap:
    maps: dict[str, UuidMap] = current_app.extensions.setdefault("hsds_uuid_maps", {})
    return maps.setdefault(name, UuidMap())


def find(model: Any, to_uuid: Callable[[Any], str], wanted: str) -> Any:
    """The row of `model` whose HSDS UUID is `wanted`, or None."""

    def entries(where: Any) -> Iterator[tuple[str, int]]:
        for row in db.session.execute(select(model.id, model.source, model.source_id).where(where)):
            yield to_uuid(row), row.id

    uuids = _map(model.__name__)
    uuids.refresh(model, entries)
    found = uuids.ids.get(wanted.lower())
    if found is None:
        return None
    row = db.session.get(model, found)
    return row if row is not None and to_uuid(row) == wanted.lower() else None


def find_link(wanted: str) -> tuple[Service, Location] | None:
    """The published service and its location whose service_at_location UUID is `wanted`, or None. The map is
    topped up with the links of the services changed since, and rebuilt when the number of links changed (a place
    added to or removed from a fiche)."""

    def entries(where: Any) -> Iterator[tuple[str, tuple[int, int]]]:
        columns = select(Service.id, Service.source, Service.source_id, service_at_location.c.location_id)
        query = columns.join(service_at_location, service_at_location.c.service_id == Service.id).where(where)
        for row in db.session.execute(query):
            yield link_uuid(service_uuid(row), location_uuid(row.location_id)), (row.id, row.location_id)

    links = _map("service_at_location")
    count = db.session.scalar(select(func.count()).select_from(service_at_location))
    if count != links.size:
        with links.lock:
            links.ids.clear()
            links.seen_until, links.last_id, links.size = None, 0, count
    links.refresh(Service, entries)
    found = links.ids.get(wanted.lower())
    if found is None:
        return None
    service = db.session.get(Service, found[0])
    if service is None or service.status == "inactive":
        return None
    if link_uuid(service_uuid(service), location_uuid(found[1])) != wanted.lower():
        return None
    return next(((service, loc) for loc in service.locations if loc.id == found[1]), None)
