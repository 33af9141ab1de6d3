"""Build Meilisearch documents from the database: one document per service × location.

`build_documents` works on a service loaded with the ORM (`whole_service()`); `documents_of` builds the same
documents for many services from a handful of plain SQL queries (the sync's hot path: loading thousands of ORM
services with their relations cost more than the import itself); `documents_of_rows` builds them from rows an
import has just inserted, without reading them back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, time
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, object_session

from directory import fields
from directory.extensions import db
from directory.models import (
    Bassin,
    Commune,
    CoordinationFunction,
    Location,
    Organization,
    Phone,
    Public,
    Quartier,
    Sector,
    Service,
    ServiceFunction,
)
from directory.models.services import service_at_location, service_public, service_sector
from directory.operations.phones import format_phone

#: the declared fields copied as they are into every document (texts, enum values, hours, postcode…)
_DOCUMENT = {
    owner: [n for f in fields.owned_by(owner) if f.document for n in f.names] for owner in ("service", "location")
}


_LISTS = fields.owned_by("list", ("codes",))

#: the columns `build_documents` reads, all that `documents_of` loads (not the provenance, dates of creation…)
SERVICE_COLUMNS = list(
    dict.fromkeys(
        [
            *_DOCUMENT["service"],
            *("id", "organization_id", "status", "languages", "functions", "function_conditions", "website"),
            *("source", "availability_updated_at", "verified_at", "updated_at", "source_date"),
        ]
    )
)
LOCATION_COLUMNS = list(
    dict.fromkeys(
        [
            *_DOCUMENT["location"],
            *("id", "lat", "lon", "street_fr", "street_nl", "house_number", "commune_nis", "quartier_code"),
            *("bassin_code", "area_to_review"),
        ]
    )
)
ORGANIZATION_COLUMNS = ["id", "name_fr", "name_nl", "website"]


def _plain(value: object) -> object:
    return str(value) if isinstance(value, str) else value  # StrEnum members become plain strings


def _ts(value: datetime | None) -> int | None:
    """Seconds since the epoch; a datetime without a zone is UTC (SQLite returns them so), never local time."""
    if value is None:
        return None
    return int((value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp())


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


def _functions(service: Any, known: Mapping[str, Any] | None = None, location_id: int | None = None) -> dict:
    """The coordination functions a service declares at a location (those of every location, then those declared
    there, `Service.function_offers`): codes (facet "function"), names, and every other name of each in both
    languages (`function_terms`), so that a search finds a function by any of its names; the conditions of all."""
    codes = list(service.functions or [])
    conditions = set(service.function_conditions or [])
    for offer in service.function_offers if location_id is not None else ():
        if offer.location_id == location_id:
            codes += [] if offer.function in codes else [offer.function]
            conditions.update(offer.conditions or [])
    if known is None:
        session = object_session(service) or db.session  # documents are built in the sync's own session
        found = [f for code in codes if (f := session.get(CoordinationFunction, code))]
    else:
        found = [f for code in codes if (f := known.get(code))]
    return {
        "function": [f.code for f in found],
        "function_fr": [f.name_fr for f in found],
        "function_nl": [f.name_nl for f in found],
        "function_terms": [name for f in found for name in f.names[2:]],
        "function_condition": sorted(conditions),
    }


def build_documents(service: Service, functions: Mapping[str, Any] | None = None) -> list[dict]:
    """The index documents of a service; empty for an inactive one (it leaves the index). `functions` (code →
    function) spares a lookup per service when many are built at once."""
    if service.status == "inactive":
        return []
    org = service.organization
    base = {name: _plain(getattr(service, name)) for name in _DOCUMENT["service"]}
    for field in _LISTS:  # sectors and publics: codes and names
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
    locations: Iterable[Any] = service.locations or [None]
    return [
        _with_location(base | _functions(service, functions, loc.id if loc else None), service.id, loc)
        for loc in locations
    ]


def _with_location(base: dict, service_id: int, loc: Any) -> dict:
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


CHUNK = 500  # services per round of queries


def _rows(connection: Connection, query: Any) -> list[SimpleNamespace]:
    result = connection.execute(query)
    keys = list(result.keys())
    return [SimpleNamespace(**dict(zip(keys, row, strict=True))) for row in result]


def _by_key(connection: Connection, columns: list[Any]) -> dict[Any, SimpleNamespace]:
    """Rows of the columns by the value of the first one."""
    return {getattr(row, columns[0].key): row for row in _rows(connection, select(*columns))}


def _grouped(connection: Connection, query: Any, key: str, value: Any = None) -> dict[int, list[Any]]:
    """Rows of `query` grouped by the column `key` (the row itself, or `value(row)`)."""
    groups: dict[int, list[Any]] = defaultdict(list)
    for row in _rows(connection, query):
        groups[getattr(row, key)].append(value(row) if value else row)
    return groups


class _Lookups:
    """The small tables a document names (vocabularies, functions, geography), read once per `documents_of`."""

    def __init__(self, connection: Connection):
        self.sectors = _by_key(connection, [Sector.code, Sector.name_fr, Sector.name_nl, Sector.synonyms])
        self.publics = _by_key(connection, [Public.code, Public.name_fr, Public.name_nl])
        self.communes = _by_key(connection, [Commune.nis, Commune.name_fr, Commune.name_nl])
        self.quartiers = _by_key(connection, [Quartier.code, Quartier.name_fr, Quartier.name_nl])
        self.bassins = _by_key(connection, [Bassin.code, Bassin.name_fr, Bassin.name_nl])
        functions = select(
            CoordinationFunction.code,
            CoordinationFunction.name_fr,
            CoordinationFunction.name_nl,
            CoordinationFunction.synonyms,
        )
        self.functions = {}
        for code, name_fr, name_nl, synonyms in connection.execute(functions):
            names = [name_fr, name_nl, *(t for t in (synonyms or "").split("|") if t)]
            self.functions[code] = SimpleNamespace(code=code, name_fr=name_fr, name_nl=name_nl, names=names)


def documents_of(session: Session | Connection, ids: Iterable[int]) -> list[dict]:
    """The documents of the services `ids` (inactive ones and unknown ids give none), in service id order: the
    same documents as `build_documents` gives for each, built from a few queries per CHUNK services."""
    connection = session if isinstance(session, Connection) else session.connection()
    lookups = _Lookups(connection)
    documents: list[dict] = []
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        for service in _services(connection, ordered[start : start + CHUNK]):
            documents.extend(build_documents(_resolved(service, lookups), lookups.functions))  # type: ignore[arg-type]
    return documents


def documents_of_rows(connection: Connection, services: Iterable[SimpleNamespace]) -> dict[int, list[dict]]:
    """The documents of services given as rows rather than read back (what an import has just inserted), by
    service id: the same documents as `documents_of` once the rows are committed.

    Each row has the service columns `SERVICE_COLUMNS` and `organization` (a row of `ORGANIZATION_COLUMNS` or
    None), `sector_codes` and `public_codes` (sorted), `phones` (rows with `number`, in the order inserted),
    `locations` (rows of `LOCATION_COLUMNS`) and `function_offers` (rows with `location_id`, `function`,
    `conditions`, in the order inserted): the orders `_services` reads them in."""
    lookups = _Lookups(connection)
    return {s.id: build_documents(_resolved(s, lookups), lookups.functions) for s in services}  # type: ignore[arg-type]


def organizations_of(connection: Connection, ids: Iterable[int]) -> dict[int, SimpleNamespace]:
    """The rows (`ORGANIZATION_COLUMNS`) of the organizations `ids`, by id."""
    columns = [Organization.__table__.c[name] for name in ORGANIZATION_COLUMNS]
    return {row.id: row for row in _rows(connection, select(*columns).where(Organization.id.in_(list(ids))))}


def _resolved(service: SimpleNamespace, lookups: _Lookups) -> SimpleNamespace:
    """Name the codes of a service row: its sectors, publics and the commune, quartier and bassin of each place."""
    service.sectors = [lookups.sectors[code] for code in service.sector_codes]
    service.publics = [lookups.publics[code] for code in service.public_codes]
    for place in service.locations:
        place.commune = lookups.communes.get(place.commune_nis)
        place.quartier = lookups.quartiers.get(place.quartier_code)
        place.bassin = lookups.bassins.get(place.bassin_code)
    return service


def _services(connection: Connection, ids: list[int]) -> list[SimpleNamespace]:
    """The rows `documents_of_rows` takes, read from the database for the services `ids`."""
    columns = [Service.__table__.c[name] for name in SERVICE_COLUMNS]
    services = _rows(connection, select(*columns).where(Service.id.in_(ids)).order_by(Service.id))
    if not services:
        return []
    organizations = organizations_of(connection, {s.organization_id for s in services})
    sectors = _grouped(
        connection,
        select(service_sector.c.service_id, service_sector.c.sector_code).where(service_sector.c.service_id.in_(ids)),
        "service_id",
        lambda row: row.sector_code,
    )
    publics = _grouped(
        connection,
        select(service_public.c.service_id, service_public.c.public_code).where(service_public.c.service_id.in_(ids)),
        "service_id",
        lambda row: row.public_code,
    )
    phones = _grouped(
        connection,
        select(Phone.service_id, Phone.number).where(Phone.service_id.in_(ids)).order_by(Phone.id),
        "service_id",
    )
    offers = _grouped(
        connection,
        select(ServiceFunction.service_id, ServiceFunction.location_id, ServiceFunction.function)
        .add_columns(ServiceFunction.conditions)
        .where(ServiceFunction.service_id.in_(ids))
        .order_by(ServiceFunction.id),
        "service_id",
    )
    locations = _grouped(
        connection,
        select(service_at_location.c.service_id, *(Location.__table__.c[name] for name in LOCATION_COLUMNS))
        .join(Location, Location.id == service_at_location.c.location_id)
        .where(service_at_location.c.service_id.in_(ids))
        .order_by(Location.id),
        "service_id",
    )
    for service in services:  # codes sorted here, not by the database's collation: as `documents_of_rows` is given
        service.organization = organizations.get(service.organization_id)
        service.sector_codes = sorted(sectors.get(service.id, []))
        service.public_codes = sorted(publics.get(service.id, []))
        service.phones = phones.get(service.id, [])
        service.locations = locations.get(service.id, [])
        service.function_offers = offers.get(service.id, [])
    return services
