"""Export the directory as Open Referral HSDS 3.0 JSON ("compiled" service objects), valid against the official
schemas (tests/test_hsds.py checks every object).

- Every object has a UUID derived from our own ids (uuid5 in a fixed namespace), so re-exports keep them; a fiche
  imported from HSDS keeps the id it came with.
- Empty values are left out, except where the schema requires the property.
- HSDS has one language per text: the core properties carry the French text (Dutch when there is no French);
  every declared field of a fiche (`directory.fields`), in both languages, travels in the extension object `x_qfq`
  of the service, its location and its organization (docs/hsds.md), so that export → import gives the same fiches.
- Nested objects carry the id of their parent (`service_id`, `location_id`…), as the tabular form needs them.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import select

from directory import fields
from directory.extensions import db
from directory.models import Location, Organization, Service
from directory.models.services import whole_service
from directory.operations.hours import week_schedule
from importers.hsds_tabular import EXTENSION, TAXONOMIES, compact

NAMESPACE = uuid.UUID("5b0c2a1e-8f0d-5d6e-9a57-7166663f7101")  # fixed forever: ids derive from it
NAMESPACE_BYTES = NAMESPACE.bytes
HSDS_STATUS = {"active": "active", "temporarily_closed": "temporarily closed", "inactive": "inactive"}
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def uid(*parts: object) -> str:
    """A stable UUID for the object named by `parts` (e.g. "location", 12): uuid5 in NAMESPACE, computed directly
    (the same value as `str(uuid.uuid5(...))`, several times faster: an export computes some twenty per fiche)."""
    digest = bytearray(hashlib.sha1(NAMESPACE_BYTES + "/".join(map(str, parts)).encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def service_uuid(service: Any) -> str:
    """The UUID a fiche (or a row with its id, source and source_id) imported from HSDS came with, else one derived
    from its source and source_id."""
    if service.source_id and is_uuid(service.source_id):
        return service.source_id
    return uid("service", service.source, service.source_id or service.id)


#: declared service fields carried as they are by a core HSDS property (status is mapped, see HSDS_STATUS)
CORE = tuple(field for field in fields.owned_by("service") if field.hsds and field.kind != "choice")


def _text(obj: Any, field: fields.Field) -> Any:
    """The value of a field for a one-language HSDS property: the French text, else the Dutch one."""
    return next((v for v in (getattr(obj, name) for name in _field_names(field)) if v), "")


@cache
def _field_names(field: fields.Field) -> tuple[str, ...]:
    return field.names


@cache
def _owner_names(owner: str) -> tuple[str, ...]:
    return fields.names(owner)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if isinstance(value, str) else value


def extension(obj: Any, owner: str) -> dict[str, Any]:
    """The declared fields of `owner` held by `obj`, both languages, without empty values."""
    return compact({name: _plain(getattr(obj, name)) for name in _owner_names(owner)})


def _schedules(sid: str, expr: str | None) -> list[dict]:
    """Weekly HSDS schedules from an OSM expression, read on a reference week without public holidays."""
    if not expr:
        return []
    rows = []
    for code, opens_at, closes_at in _week(expr):
        rows.append({"id": uid(sid, "schedule", code, opens_at), "service_id": sid, "freq": "WEEKLY"})
        rows[-1] |= {"byday": code, "opens_at": opens_at, "closes_at": closes_at}
    return rows


@lru_cache(maxsize=4096)
def _week(expr: str) -> tuple[tuple[str, str, str], ...]:
    """(day, opens, closes) of each interval of `expr` on the reference week (many fiches share an expression)."""
    monday = date(2026, 3, 2)  # a week with no Belgian public holiday
    return tuple(
        (code, opens.strftime("%H:%M"), closes.strftime("%H:%M"))
        for day, code in zip(week_schedule(expr, monday - timedelta(days=0)), DAYS, strict=True)
        for opens, closes in day.intervals
    )


def _location(location: Location) -> dict:
    lid = location_uuid(location.id)
    street = " ".join(p for p in (location.street_fr or location.street_nl, location.house_number) if p)
    address = {
        "id": uid(lid, "address"),
        "location_id": lid,
        "address_type": "physical",
        "address_1": street,
        "city": location.commune.name_fr if location.commune else "",
        "state_province": "Bruxelles-Capitale",
        "postal_code": location.postcode,
        "country": "BE",
    }
    accessibility = compact(
        {
            "id": uid(lid, "accessibility"),
            "location_id": lid,
            "description": f"wheelchair: {location.wheelchair}" if location.wheelchair != "unknown" else "",
            "details": location.accessibility_note_fr or location.accessibility_note_nl,
        }
    )
    areas = {"commune": location.commune_nis, "quartier": location.quartier_code, "bassin": location.bassin_code}
    return compact(
        {
            "id": lid,
            "location_type": "physical",
            "latitude": location.lat,
            "longitude": location.lon,
            "addresses": [address] if street or location.postcode else [],
            "accessibility": [accessibility] if len(accessibility) > 2 else [],
            EXTENSION: extension(location, "location") | compact(areas),
        }
    )


def organization_uuid(org: Organization) -> str:
    """The UUID of an organisation, derived from its source and source_id."""
    return uid("organization", org.source, org.source_id or org.id)


def organization_to_hsds(org: Organization) -> dict:
    """One HSDS organization object (without its services)."""
    oid = organization_uuid(org)
    identifier: dict[str, Any] = {"id": uid(oid, "BE-BCE_KBO"), "organization_id": oid}
    identifier["identifier_scheme"] = "BE-BCE_KBO"
    identifier |= {"identifier_type": "BCE/KBO enterprise number", "identifier": org.bce_number}
    ext = {"name_fr": org.name_fr, "name_nl": org.name_nl, "description_nl": org.description_nl}
    return compact(
        {
            "id": oid,
            "name": org.name_fr or org.name_nl,
            "description": org.description_fr or org.description_nl,
            "website": org.website,
            "email": org.email,
            "organization_identifiers": [identifier] if org.bce_number else [],
            EXTENSION: compact(ext),
        },
        "name",
        "description",
    )


def taxonomy_to_hsds(name: str) -> dict:
    """One of our vocabularies (`sectors`, `publics`) as an HSDS taxonomy."""
    taxonomy, _, description = TAXONOMIES[name]
    return {"id": uid("taxonomy", taxonomy), "name": taxonomy, "description": description}


def term_to_hsds(name: str, term: Any) -> dict:
    """A sector or public (vocabulary `name`) as an HSDS taxonomy term: French name, "French / Dutch" description."""
    taxonomy = TAXONOMIES[name][0]
    return {
        "id": uid("taxonomy_term", taxonomy, term.code),
        "code": term.code,
        "name": term.name_fr,
        "description": f"{term.name_fr} / {term.name_nl}",
        "taxonomy": taxonomy,
        "taxonomy_id": uid("taxonomy", taxonomy),
    }


def _attributes(sid: str, service: Service) -> list[dict]:
    """Sectors and publics as taxonomy terms of our two taxonomies."""
    rows = []
    for name, (taxonomy, link_type, _) in TAXONOMIES.items():
        for term in getattr(service, name):
            compiled = term_to_hsds(name, term)
            rows.append(
                {
                    "id": uid(sid, "attribute", taxonomy, term.code),
                    "link_id": sid,
                    "link_entity": "service",
                    "link_type": link_type,
                    "taxonomy_term_id": compiled["id"],
                    "taxonomy_term": compiled,
                }
            )
    return rows


def link_uuid(service_id: str, location_id: str) -> str:
    """The UUID of a service_at_location: from the service's and the location's UUIDs."""
    return uid(service_id, location_id)


def location_uuid(location_id: int) -> str:
    """The UUID of our location `location_id`."""
    return uid("location", location_id)


def flat(compiled: dict) -> dict:
    """A compiled object without its nested objects (the specification's `full=false` lists)."""
    return {key: value for key, value in compiled.items() if not isinstance(value, list | dict) or key == EXTENSION}


def service_at_location_to_hsds(service: Service, location: Location, full: bool = True) -> dict:
    """One service at one of its locations, with the location and the service (without its other locations);
    without `full`, both without their nested objects."""
    compiled = service_to_hsds(service, links=False)
    place = _location(location)
    link = {"id": link_uuid(compiled["id"], place["id"]), "service_id": compiled["id"], "location_id": place["id"]}
    return link | (
        {"location": place, "service": compiled} if full else {"location": flat(place), "service": flat(compiled)}
    )


def service_to_hsds(service: Service, links: bool = True) -> dict:
    """One compiled HSDS service object (without `links`: without its service_at_locations)."""
    sid, org = service_uuid(service), organization_to_hsds(service.organization)
    locations = [_location(location) for location in service.locations] if links else []
    document = _text(service, fields.BY_NAME["documents"])
    ours: dict[str, object] = {"source": service.source, "licence": service.source_licence}
    # functions offered at one location only, with their conditions (those of every location are `functions`)
    ours["function_offers"] = [
        {"function": o.function, "location_id": location_uuid(o.location_id), "conditions": list(o.conditions)}
        for o in service.function_offers
    ]
    lists = {name: [t.code for t in getattr(service, name)] for name in TAXONOMIES}
    lists["phones"] = [p.number for p in service.phones]
    return compact(
        {
            "id": sid,
            "organization_id": org["id"],
            **{field.hsds: _text(service, field) for field in CORE},
            "status": HSDS_STATUS[str(service.status)],
            "assured_date": service.verified_at.date().isoformat() if service.verified_at else None,
            "organization": org,
            "phones": [
                {"id": uid(sid, "phone", p.number), "service_id": sid, "number": p.number, "type": p.kind}
                for p in service.phones
            ],
            "languages": [{"id": uid(sid, "language", c), "service_id": sid, "code": c} for c in service.languages],
            "schedules": _schedules(sid, service.opening_hours),
            "required_documents": [{"id": uid(sid, "document"), "service_id": sid, "document": document}]
            if document
            else [],
            "attributes": _attributes(sid, service),
            "service_at_locations": [
                {"id": link_uuid(sid, loc["id"]), "service_id": sid, "location_id": loc["id"], "location": loc}
                for loc in locations
            ],
            EXTENSION: extension(service, "service") | compact(lists) | compact(ours),
        },
        "name",
        "status",
    )


def export_services() -> Iterator[dict]:
    """Every active or temporarily closed service, in id order."""
    query = select(Service).where(Service.status != "inactive").options(*whole_service()).order_by(Service.id)
    for service in db.session.scalars(query.execution_options(yield_per=500)):
        yield service_to_hsds(service)
