"""Build Meilisearch documents from the database: one document per service × location."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time

from sqlalchemy.orm import object_session

from directory import fields
from directory.extensions import db
from directory.models import CoordinationFunction, Location, Service
from directory.operations.phones import format_phone

#: the declared fields copied as they are into every document (texts, enum values, hours, postcode…)
_DOCUMENT = {
    owner: [n for f in fields.owned_by(owner) if f.document for n in f.names] for owner in ("service", "location")
}


def _plain(value: object) -> object:
    return str(value) if isinstance(value, str) else value  # StrEnum members become plain strings


def _ts(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value else None


def _address(location: Location | None, lang: str) -> str:
    if location is None:
        return ""
    street = getattr(location, f"street_{lang}") or location.street_fr or location.street_nl
    line = " ".join(p for p in (street, location.house_number) if p)
    commune = location.commune
    city = getattr(commune, f"name_{lang}") if commune else ""
    place = " ".join(p for p in (location.postcode, city) if p)
    return ", ".join(p for p in (line, place) if p)


def document_id(service_id: int, location_id: int | None) -> str:
    """Stable document id of a service at a location (0 when the service has no location)."""
    return f"{service_id}-{location_id or 0}"


def _functions(service: Service, location_id: int | None = None) -> dict:
    """The coordination functions a service declares at a location (those of every location, then those declared
    there, `Service.function_offers`): codes (facet "function"), names, and every other name of each in both
    languages (`function_terms`), so that a search finds a function by any of its names; the conditions of all."""
    session = object_session(service) or db.session  # documents are built in the sync's own session
    codes = list(service.functions or [])
    conditions = set(service.function_conditions or [])
    for offer in service.function_offers if location_id is not None else ():
        if offer.location_id == location_id:
            codes += [] if offer.function in codes else [offer.function]
            conditions.update(offer.conditions or [])
    found = [f for code in codes if (f := session.get(CoordinationFunction, code))]
    return {
        "function": [f.code for f in found],
        "function_fr": [f.name_fr for f in found],
        "function_nl": [f.name_nl for f in found],
        "function_terms": [name for f in found for name in f.names[2:]],
        "function_condition": sorted(conditions),
    }


def build_documents(service: Service) -> list[dict]:
    """The index documents of a service; empty for an inactive one (it leaves the index)."""
    if service.status == "inactive":
        return []
    org = service.organization
    base = {name: _plain(getattr(service, name)) for name in _DOCUMENT["service"]}
    for field in fields.owned_by("list", ("codes",)):  # sectors and publics: codes and names
        terms = getattr(service, field.name)
        base[field.facet] = [t.code for t in terms]
        base |= {f"{field.facet}_{lang}": [getattr(t, f"name_{lang}") for t in terms] for lang in fields.LANGS}
    base |= {
        "service_id": service.id,
        "organization_fr": org.name_fr if org else "",
        "organization_nl": org.name_nl if org else "",
        "sector_terms": [t for s in service.sectors for t in (s.synonyms or "").split("|") if t],
        "language": sorted(service.languages or []),
        "availability_updated_at": _ts(service.availability_updated_at),
        "phones": [format_phone(p.number) for p in service.phones],
        "website": service.website or (org.website if org else ""),
        "verified_at": _ts(service.verified_at),
        "updated_at": _ts(service.updated_at),
        "source_date": _ts(datetime.combine(service.source_date, time(), UTC)) if service.source_date else None,
        "source": service.source,
    }
    locations: Iterable[Location | None] = service.locations or [None]
    return [_with_location(base | _functions(service, loc.id if loc else None), service.id, loc) for loc in locations]


def _with_location(base: dict, service_id: int, loc: Location | None) -> dict:
    doc = dict(base)
    commune, quartier, bassin = (loc.commune, loc.quartier, loc.bassin) if loc else (None, None, None)
    doc.update(
        id=document_id(service_id, loc.id if loc else None),
        location_id=loc.id if loc else None,
        commune=commune.nis if commune else None,
        commune_fr=commune.name_fr if commune else "",
        commune_nl=commune.name_nl if commune else "",
        quartier=quartier.code if quartier else None,
        quartier_fr=quartier.name_fr if quartier else "",
        quartier_nl=quartier.name_nl if quartier else "",
        bassin=bassin.code if bassin else None,
        bassin_fr=bassin.name_fr if bassin else "",
        bassin_nl=bassin.name_nl if bassin else "",
        address_fr=_address(loc, "fr"),
        address_nl=_address(loc, "nl"),
        area_to_review=bool(loc and loc.area_to_review),
    )
    for name in _DOCUMENT["location"]:
        doc[name] = _plain(getattr(loc, name)) if loc else fields.BY_KEY[f"location.{name}"].empty
    if loc and loc.lat is not None and loc.lon is not None:
        doc["_geo"] = {"lat": loc.lat, "lng": loc.lon}
    return doc
