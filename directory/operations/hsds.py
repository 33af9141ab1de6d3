"""Export the directory as Open Referral HSDS 3.0 JSON ("compiled" service objects).

HSDS has one language per text field: the core fields carry the French text; the Dutch texts and our
structured values (sectors, publics, cost, access, wheelchair, OSM opening_hours, provenance) travel in the
extension object `x_qfq`, so that import → export → import gives the same directory (importers/hsds.py).
Opening hours are also given as HSDS weekly schedules for consumers that ignore the extension.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from directory.extensions import db
from directory.models import Location, Service
from directory.operations.hours import week_schedule

HSDS_STATUS = {"active": "active", "temporarily_closed": "temporarily closed", "inactive": "inactive"}
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def external_id(service: Service) -> str:
    """A stable identifier: the original one for fiches that came from HSDS, else source/source_id."""
    if service.source == "hsds" and service.source_id:
        return service.source_id
    return f"{service.source}/{service.source_id or service.id}"


def _schedules(expr: str | None) -> list[dict]:
    """Weekly HSDS schedules from an OSM expression, read on a reference week without public holidays."""
    if not expr:
        return []
    monday = date(2026, 3, 2)  # a week with no Belgian public holiday
    rows = []
    for day, code in zip(week_schedule(expr, monday - timedelta(days=0)), DAYS, strict=True):
        for opens, closes in day.intervals:
            rows.append(
                {
                    "freq": "WEEKLY",
                    "byday": code,
                    "opens_at": opens.strftime("%H:%M"),
                    "closes_at": closes.strftime("%H:%M"),
                }
            )
    return rows


def _location(location: Location) -> dict:
    street = " ".join(p for p in (location.street_fr, location.house_number) if p)
    return {
        "id": f"location/{location.id}",
        "latitude": location.lat,
        "longitude": location.lon,
        "addresses": [
            {
                "address_type": "physical",
                "address_1": street,
                "postal_code": location.postcode,
                "city": location.commune.name_fr if location.commune else "",
                "state_province": "Bruxelles-Capitale",
                "country": "BE",
            }
        ],
        "accessibility": [{"description": f"wheelchair: {location.wheelchair}"}],
        "x_qfq": {
            "street_nl": location.street_nl,
            "house_number": location.house_number,
            "commune": location.commune_nis,
            "quartier": location.quartier_code,
            "bassin": location.bassin_code,
        },
    }


def service_to_hsds(service: Service) -> dict:
    """One compiled HSDS service object."""
    org = service.organization
    return {
        "id": external_id(service),
        "name": service.name_fr or service.name_nl,
        "description": service.description_fr,
        "url": service.website,
        "email": service.email,
        "status": HSDS_STATUS[str(service.status)],
        "fees_description": service.cost_details_fr,
        "application_process": service.access_details_fr,
        "assured_date": service.verified_at.date().isoformat() if service.verified_at else None,
        "organization": {
            "id": f"{org.source}/{org.source_id or org.id}",
            "name": org.name_fr or org.name_nl,
            "description": org.description_fr,
            "website": org.website,
            "email": org.email,
            "organization_identifiers": [{"identifier_scheme": "BE-BCE_KBO", "identifier": org.bce_number}]
            if org.bce_number
            else [],
            "x_qfq": {"name_nl": org.name_nl},
        },
        "phones": [{"number": p.number, "type": p.kind} for p in service.phones],
        "languages": [{"code": code} for code in service.languages or []],
        "schedules": _schedules(service.opening_hours),
        "required_documents": [{"document": service.documents_fr}] if service.documents_fr else [],
        "attributes": [
            {"taxonomy_term": {"code": s.code, "name": s.name_fr, "taxonomy": "qfq-sectors"}} for s in service.sectors
        ],
        "service_at_locations": [{"location": _location(loc)} for loc in service.locations],
        "x_qfq": {
            "name_fr": service.name_fr,
            "name_nl": service.name_nl,
            "description_nl": service.description_nl,
            "sectors": [s.code for s in service.sectors],
            "publics": [p.code for p in service.publics],
            "cost": str(service.cost),
            "access": str(service.access),
            "opening_hours": service.opening_hours,
            "hours_note_fr": service.hours_note_fr,
            "hours_note_nl": service.hours_note_nl,
            "documents_nl": service.documents_nl,
            "source": service.source,
            "licence": service.source_licence,
        },
    }


def export_services() -> Iterator[dict]:
    """Every active or temporarily closed service, in id order."""
    query = (
        select(Service)
        .where(Service.status != "inactive")
        .options(
            joinedload(Service.organization),
            selectinload(Service.sectors),
            selectinload(Service.publics),
            selectinload(Service.phones),
            selectinload(Service.locations).joinedload(Location.commune),
        )
        .order_by(Service.id)
    )
    for service in db.session.scalars(query.execution_options(yield_per=500)):
        yield service_to_hsds(service)
