"""From an HSDS UUID back to our row, without scanning: the UUIDs derive from (source, source_id or id) through a
one-way hash (directory.operations.hsds), so each process keeps a map UUID → id, filled once and then topped up
with the rows changed since (their `updated_at`). A map entry is only a candidate: the row found is checked to
still have that UUID, so a stale entry (a row whose source changed, or deleted) answers 404, never a wrong row."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from directory.extensions import db


@dataclass
class UuidMap:
    """UUID → id for one model, and the latest `updated_at` it has seen."""

    ids: dict[str, int] = field(default_factory=dict)
    seen_until: datetime | None = None
    last_id: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self, model: Any, to_uuid: Callable[[Any], str]) -> None:
        """Add the rows changed or added since the last refresh (all of them the first time)."""
        latest, last_id = db.session.execute(select(func.max(model.updated_at), func.max(model.id))).one()
        if latest is None or (self.seen_until is not None and latest <= self.seen_until and last_id <= self.last_id):
            return
        with self.lock:
            query = select(model.id, model.source, model.source_id)
            if self.seen_until is not None:
                query = query.where((model.updated_at >= self.seen_until) | (model.id > self.last_id))
            for row in db.session.execute(query):
                self.ids[to_uuid(row)] = row.id
            self.seen_until, self.last_id = latest, last_id


def find(model: Any, to_uuid: Callable[[Any], str], wanted: str) -> Any:
    """The row of `model` whose HSDS UUID is `wanted`, or None."""
    maps: dict[str, UuidMap] = current_app.extensions.setdefault("hsds_uuid_maps", {})
    uuids = maps.setdefault(model.__name__, UuidMap())
    uuids.refresh(model, to_uuid)
    found = uuids.ids.get(wanted.lower())
    if found is None:
        return None
    row = db.session.get(model, found)
    return row if row is not None and to_uuid(row) == wanted.lower() else None
