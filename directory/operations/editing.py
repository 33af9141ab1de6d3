"""The editable state of a fiche as a flat dict of JSON values, and applying a change set to it.

Keys: service columns by name, the first location's columns as "location.<name>", and the lists "phones"
(E.164 numbers), "sectors" and "publics" (codes). The same shape serves the edit form, change requests and
revision snapshots. Every key a person changes is marked `human` in `Service.field_provenance`, so importers
never overwrite it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from directory.extensions import db
from directory.geo.tagging import tag_location
from directory.models import Location, Phone, Public, Sector, Service
from directory.models.base import utcnow

SERVICE_FIELDS = (
    "name_fr",
    "name_nl",
    "description_fr",
    "description_nl",
    "email",
    "website",
    "cost",
    "cost_details_fr",
    "cost_details_nl",
    "access",
    "access_details_fr",
    "access_details_nl",
    "documents_fr",
    "documents_nl",
    "languages",
    "opening_hours",
    "hours_note_fr",
    "hours_note_nl",
    "availability",
    "availability_delay_days",
    "status",
    "closed_from",
    "closed_until",
)
LOCATION_FIELDS = (
    "street_fr",
    "street_nl",
    "house_number",
    "postcode",
    "lat",
    "lon",
    "wheelchair",
    "accessibility_note_fr",
    "accessibility_note_nl",
)
LIST_FIELDS = ("phones", "sectors", "publics")
KEYS = (*SERVICE_FIELDS, *(f"location.{n}" for n in LOCATION_FIELDS), *LIST_FIELDS)
DATE_FIELDS = frozenset({"closed_from", "closed_until"})
AVAILABILITY_KEYS = frozenset({"availability", "availability_delay_days"})
ADDRESS_KEYS = frozenset(
    {"location.street_fr", "location.street_nl", "location.postcode", "location.lat", "location.lon"}
)

LABELS = {
    "name_fr": _l("Name (French)"),
    "name_nl": _l("Name (Dutch)"),
    "description_fr": _l("Description (French)"),
    "description_nl": _l("Description (Dutch)"),
    "email": _l("E-mail"),
    "website": _l("Website"),
    "cost": _l("Cost"),
    "cost_details_fr": _l("Cost details (French)"),
    "cost_details_nl": _l("Cost details (Dutch)"),
    "access": _l("Access"),
    "access_details_fr": _l("Conditions of access (French)"),
    "access_details_nl": _l("Conditions of access (Dutch)"),
    "documents_fr": _l("What to bring (French)"),
    "documents_nl": _l("What to bring (Dutch)"),
    "languages": _l("Languages spoken"),
    "opening_hours": _l("Opening hours"),
    "hours_note_fr": _l("Note on hours (French)"),
    "hours_note_nl": _l("Note on hours (Dutch)"),
    "availability": _l("Availability"),
    "availability_delay_days": _l("Waiting time (days)"),
    "status": _l("Status"),
    "closed_from": _l("Closed from"),
    "closed_until": _l("Closed until"),
    "location.street_fr": _l("Street (French)"),
    "location.street_nl": _l("Street (Dutch)"),
    "location.house_number": _l("Number"),
    "location.postcode": _l("Postcode"),
    "location.lat": _l("Latitude"),
    "location.lon": _l("Longitude"),
    "location.wheelchair": _l("Wheelchair access"),
    "location.accessibility_note_fr": _l("Accessibility note (French)"),
    "location.accessibility_note_nl": _l("Accessibility note (Dutch)"),
    "phones": _l("Phones"),
    "sectors": _l("Sectors"),
    "publics": _l("For whom"),
}


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
        values[f"location.{name}"] = _json(getattr(location, name)) if location is not None else _empty(name)
    values["phones"] = [p.number for p in service.phones]
    values["sectors"] = sorted(s.code for s in service.sectors)
    values["publics"] = sorted(p.code for p in service.publics)
    return values


def _empty(location_field: str) -> Any:
    if location_field in ("lat", "lon"):
        return None
    return "unknown" if location_field == "wheelchair" else ""


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
