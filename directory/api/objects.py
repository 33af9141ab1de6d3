"""JSON objects of the API (/api/v1): a service with everything its fiche shows, organisations, locations,
vocabularies and areas. Fields come from the one declaration (`directory.fields`), both languages side by side."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from directory import fields
from directory.models import Location, Organization, Service
from directory.presenters import fiche_url


def plain(value: Any) -> Any:
    """A JSON value: dates in ISO 8601, enums as their code."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    return value


def declared(obj: Any, owner: str) -> dict[str, Any]:
    """Every declared field of `owner` (service, location, organization) held by `obj`, empty ones included."""
    return {name: plain(getattr(obj, name)) for name in fields.names(owner)}


def term(obj: Any) -> dict[str, str]:
    """A vocabulary term (sector, public): its code and both names."""
    return {"code": obj.code, "name_fr": obj.name_fr, "name_nl": obj.name_nl}


def area_ref(obj: Any, key: str) -> dict[str, str] | None:
    return None if obj is None else {"code": getattr(obj, key), "name_fr": obj.name_fr, "name_nl": obj.name_nl}


def location_object(location: Location) -> dict[str, Any]:
    """A place: address, position, commune / quartier / bassin and physical accessibility."""
    return {
        "id": location.id,
        **declared(location, "location"),
        "commune": area_ref(location.commune, "nis"),
        "quartier": area_ref(location.quartier, "code"),
        "bassin": area_ref(location.bassin, "code"),
        "area_to_review": location.area_to_review,
    }


def organization_object(org: Organization, services: bool = False) -> dict[str, Any]:
    """An organisation; with `services`, the id and names of its published fiches."""
    obj: dict[str, Any] = {"id": org.id, **declared(org, "organization")}
    obj |= {"description_fr": org.description_fr, "description_nl": org.description_nl}
    obj |= {"website": org.website, "email": org.email, "source": org.source, "updated_at": plain(org.updated_at)}
    if services:
        published = [s for s in org.services if s.status != "inactive"]
        obj["services"] = [{"id": s.id, "name_fr": s.name_fr, "name_nl": s.name_nl} for s in published]
    return obj


def service_object(service: Service) -> dict[str, Any]:
    """Everything the public fiche shows."""
    return {
        "id": service.id,
        "url_fr": fiche_url(service, "fr", _external=True),
        "url_nl": fiche_url(service, "nl", _external=True),
        **declared(service, "service"),
        "organization": organization_object(service.organization),
        "sectors": [term(s) for s in service.sectors],
        "publics": [term(p) for p in service.publics],
        "phones": [{"number": p.number, "kind": plain(p.kind)} for p in service.phones],
        "locations": [location_object(loc) for loc in service.locations],
        "availability_updated_at": plain(service.availability_updated_at),
        "verified_at": plain(service.verified_at),
        "source": service.source,
        "source_licence": service.source_licence,
        "updated_at": plain(service.updated_at),
    }


def area_object(obj: Any, key: str, geometry: bool) -> dict[str, Any]:
    """A commune, quartier or bassin; its boundary (GeoJSON geometry) when asked for."""
    found: dict[str, Any] = {"code": getattr(obj, key), "name_fr": obj.name_fr, "name_nl": obj.name_nl}
    for name in ("bassin_code", "commune_nis", "confidence", "source"):
        if hasattr(obj, name):
            found[name] = getattr(obj, name)
    if geometry:
        found["geometry"] = json.loads(obj.geometry) if obj.geometry else None
    return found
