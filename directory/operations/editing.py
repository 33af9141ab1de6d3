"""The editable state of a fiche as a flat dict of JSON values, and applying a change set to it.

Keys: service columns by name, the first location's columns as "location.<name>", and the lists "phones"
(E.164 numbers), "sectors" and "publics" (codes). The same shape serves the edit form, change requests and
revision snapshots. Every key a person changes is marked `human` in `Service.field_provenance`, so importers
never overwrite it.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select

from directory import fields
from directory.extensions import db
from directory.geo.tagging import tag_location
from directory.models import Location, Phone, Public, Sector, Service
from directory.models.base import utcnow

SERVICE_FIELDS = fields.names("service")
LOCATION_FIELDS = fields.names("location")
LIST_FIELDS = fields.names("list")
KEYS = tuple(fields.BY_KEY)
DATE_FIELDS = frozenset(fields.names("service", ("date",)))
AVAILABILITY_KEYS = frozenset({"availability", "availability_delay_days"})
ADDRESS_KEYS = frozenset(
    {"location.street_fr", "location.street_nl", "location.postcode", "location.lat", "location.lon"}
)


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):  # StrEnum members become plain strings
        return str(value)
    if isinstance(value, list):
        return list(value)
    return value


def current_values(service: Service) -> dict[str, Any]:
    """The editable state of `service` (what the form shows, what a revision stores)."""
    values = {name: _json(getattr(service, name)) for name in SERVICE_FIELDS}
    values["languages"] = sorted(service.languages or [])
    location = service.locations[0] if service.locations else None
    for name in LOCATION_FIELDS:
        empty = fields.BY_KEY[f"location.{name}"].empty
        values[f"location.{name}"] = _json(getattr(location, name)) if location is not None else empty
    values["phones"] = [p.number for p in service.phones]
    values["sectors"] = sorted(s.code for s in service.sectors)
    values["publics"] = sorted(p.code for p in service.publics)
    return values


def changed_keys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Keys whose value differs, in form order."""
    return [key for key in KEYS if key in new and old.get(key) != new.get(key)]


def change_set(service: Service, proposed: dict[str, Any]) -> dict[str, Any]:
    """Only the proposed values that differ from the published ones."""
    current = current_values(service)
    return {key: proposed[key] for key in changed_keys(current, proposed)}


def apply_changes(service: Service, changes: dict[str, Any]) -> list[str]:
    """Write `changes` onto the fiche, its first location and its lists; flush. Returns the keys really changed.

    Changed keys are marked human in `field_provenance`; a changed address or pin re-tags commune, quartier and
    bassin; a changed availability stamps `availability_updated_at`."""
    current = current_values(service)
    keys = changed_keys(current, changes)
    location = service.locations[0] if service.locations else None
    for key in keys:
        value = changes[key]
        if key in DATE_FIELDS:
            setattr(service, key, date.fromisoformat(value) if value else None)
        elif key.startswith("location."):
            if location is None:
                location = Location()
                service.locations.append(location)
            setattr(location, key.removeprefix("location."), value)
        elif key == "phones":
            _set_phones(service, value)
        elif key == "sectors":
            service.sectors = list(db.session.scalars(select(Sector).where(Sector.code.in_(value))))
        elif key == "publics":
            service.publics = list(db.session.scalars(select(Public).where(Public.code.in_(value))))
        else:
            setattr(service, key, value)
    if location is not None and ADDRESS_KEYS.intersection(keys):
        if {"location.lat", "location.lon"}.intersection(keys):
            location.geocode_precision = "manual" if location.lat is not None else None
        tag_location(location)
    if AVAILABILITY_KEYS.intersection(keys):
        service.availability_updated_at = utcnow()
    if keys:
        provenance = dict(service.field_provenance or {})
        for key in keys:
            provenance[key] = {**(provenance.get(key) or {"source": service.source}), "human": True}
        service.field_provenance = provenance
    db.session.flush()
    return keys


def _set_phones(service: Service, numbers: list[str]) -> None:
    """Keep existing phone rows (and their labels) for numbers that stay; add and remove the others."""
    kept = {p.number: p for p in service.phones}
    service.phones = [kept.get(number) or Phone(number=number) for number in dict.fromkeys(numbers)]


def base_token(values: dict[str, Any]) -> str:
    """The published values an edit form starts from, as the form carries them (a hidden field)."""
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)


def merge_concurrent(token: str, current: dict[str, Any], proposed: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """What to save when someone else may have published the fiche since the form was loaded.

    `token` holds the values the form started from (empty: an older form or a script, nothing to merge). Returns
    the values to save — the fiche as published now with this user's own changes on top, so nobody's edit is
    reverted by a stale form — and the keys that both changed to different values (to be checked by the user)."""
    try:
        base = json.loads(token) if token else None
    except ValueError:
        base = None
    now = json.loads(base_token(current))
    if not isinstance(base, dict) or base == now:
        return proposed, []
    mine = json.loads(base_token(proposed))
    changed = [key for key, value in mine.items() if base.get(key) != value]
    clashes = sorted(key for key in changed if now.get(key) != base.get(key) and now.get(key) != mine[key])
    return {**current, **{key: proposed[key] for key in changed}}, clashes
