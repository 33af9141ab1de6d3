"""The SQL search behind the reduced mode (directory/search/fallback.py): the same filters as Meilisearch's,
full-text words through `textindex` (SQLite FTS5 or PostgreSQL full-text search), disjunctive facet counts,
distance order, and index-shaped hits built from the database."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    Row,
    Select,
    SQLColumnExpression,
    String,
    Text,
    cast,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.sql.elements import ColumnElement

from directory.extensions import db
from directory.models import Location, Service, ServiceFunction
from directory.models.services import service_at_location, service_public, service_sector, whole_service
from directory.search import textindex
from directory.search.documents import build_documents

Rows = Sequence[Row[Any]]  # what a query's .all() gives
METRES_PER_DEGREE = 111_195.0
LIGHT_FIELDS = {"id", "service_id", "_geo", "name_fr", "name_nl", "sector"}


# Filters ------------------------------------------------------------------------------------------------
_AREA = {"commune": Location.commune_nis, "quartier": Location.quartier_code, "bassin": Location.bassin_code}
_JSON_LISTS = {"language": Service.languages, "function": Service.functions}
_LINKS = {
    "sector": (service_sector, service_sector.c.sector_code),
    "public": (service_public, service_public.c.public_code),
}


def _value(name: str) -> SQLColumnExpression[Any]:
    """The SQL expression holding a facet's value for one document (a service at a location)."""
    if name in _AREA:
        return _AREA[name]
    if name == "wheelchair":
        return func.coalesce(type_coerce(Location.wheelchair, String), "unknown")
    if name in _LINKS:
        return _LINKS[name][1]
    return type_coerce(getattr(Service, name), String)  # cost, access, availability


def _at_location(values: list[str]) -> ColumnElement:
    """The document's location holds a per-location declaration of one of the functions `values`."""
    declared = select(ServiceFunction.id).where(
        ServiceFunction.service_id == Service.id,
        ServiceFunction.location_id == Location.id,
        ServiceFunction.function.in_(values),
    )
    return declared.exists()


def declared_at_one_location(values: list[str]) -> ColumnElement:
    """The service declares one of the functions `values` at one of its locations. The text table holds a service's
    words, those functions' names included, for all its locations; where the function is not declared, its index
    document has not these names (`fallback_related` leaves such documents out of "the text mentions it")."""
    return Service.id.in_(select(ServiceFunction.service_id).where(ServiceFunction.function.in_(values)))


def condition(name: str, values: list[str]) -> ColumnElement:
    """The filter `name` in `values` on a document (a service at a location: `Service` and `Location` joined).
    A function matches when it is offered at every location (`Service.functions`) or declared at the document's
    location (`ServiceFunction`), as in the index documents."""
    if name in _LINKS:
        table, column = _LINKS[name]
        return Service.id.in_(select(table.c.service_id).where(column.in_(values)))
    if name == "function":
        everywhere = (cast(Service.functions, Text).like(f'%"{v}"%') for v in values)
        return or_(*everywhere, _at_location(values))
    if name in _JSON_LISTS:  # a JSON list of codes; codes are [a-z0-9_-] (validated), so a quoted LIKE is exact
        return or_(*(cast(_JSON_LISTS[name], Text).like(f'%"{v}"%') for v in values))
    return _value(name).in_(values)


def distance2(near: tuple[float, float]) -> ColumnElement:
    """Squared distance in degrees of latitude (equirectangular: exact enough inside a region)."""
    lat, lng = near
    k = math.cos(math.radians(lat))
    return (Location.lat - lat) * (Location.lat - lat) + ((Location.lon - lng) * k) * ((Location.lon - lng) * k)


def matching_documents(params, terms: list[str], skip: str | None = None, kinds: bool = True) -> Select:
    """Documents (service id, location id) matching every filter but `skip`, with `rank` when there are terms
    (without the understood kinds of service and functions when `kinds` is false)."""
    rank: ColumnElement = type_coerce(0.0, Float)
    stmt = (
        select(Service.id.label("sid"), Location.id.label("lid"))
        .select_from(Service)
        .outerjoin(service_at_location, service_at_location.c.service_id == Service.id)
        .outerjoin(Location, Location.id == service_at_location.c.location_id)
        .where(Service.status != "inactive")
    )
    if terms:
        if not textindex.exists(db.session.connection()):  # a database never served by `flask serve` yet
            with db.engine.begin() as connection:
                textindex.ensure(connection)
        statement, binds = textindex.match(db.session.connection(), terms)
        matched = statement.bindparams(**binds).columns(rowid=Integer, rank=Float).subquery("matched")
        stmt = stmt.join(matched, matched.c.rowid == Service.id)
        rank = matched.c.rank
    for name, values in params.filters.items():
        if name != skip:
            stmt = stmt.where(condition(name, values))
    stmt = _understood(stmt, params.understood, kinds)
    if params.near and params.radius:
        stmt = stmt.where(distance2(params.near) <= (params.radius / METRES_PER_DEGREE) ** 2)
    return stmt.add_columns(rank.label("rank"))


def kind_conditions(understood) -> list[ColumnElement]:
    """One condition per understood kind: its sectors, its coordination functions (either will do)."""
    pairs = (("sector", understood.sectors), ("function", understood.functions))
    return [condition(name, codes) for name, codes in pairs if codes]


def _understood(stmt: Select, understood, with_kinds: bool = True) -> Select:
    """The filters of the understood query, as `directory.search.query.understood_clauses` gives Meilisearch."""
    kinds = kind_conditions(understood)
    if kinds and with_kinds:  # a kind of service OR a coordination function
        stmt = stmt.where(or_(*kinds))
    if places := understood.place_filters():
        stmt = stmt.where(or_(*(_value(kind).in_(codes) for kind, codes in places.items())))
    if publics := understood.values("public"):
        strict = condition("public", publics)
        if kinds:  # softly: for that public, for everyone, or no public given
            listed = select(service_public.c.service_id)
            everyone = listed.where(service_public.c.public_code == "everyone")
            strict = or_(strict, Service.id.not_in(listed), Service.id.in_(everyone))
        stmt = stmt.where(strict)
    if languages := understood.values("language"):
        stmt = stmt.where(condition("language", languages))
    return stmt


def in_order(stmt: Select, params, terms: list[str]) -> Select:
    if params.near:
        distance = distance2(params.near)
        return stmt.order_by(Location.lat.is_(None), distance, Service.id, Location.id)
    if terms:
        return stmt.order_by("rank", Service.id, Location.id)
    return stmt.order_by(getattr(Service, f"name_{params.lang}"), Service.id, Location.id)


def count_rows(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def matching_terms(params) -> tuple[list[str], int]:
    """(words, total): the words left once the query is understood; every one must match (no words dropped)."""
    terms = textindex.words(params.words)
    return terms, count_rows(matching_documents(params, terms))


# Facets -------------------------------------------------------------------------------------------------
def facet_counts(params, terms: list[str], name: str) -> dict[str, int]:
    """Disjunctive counts: documents matching every filter but this facet's own, per value."""
    base = matching_documents(params, terms, skip=name).subquery("docs")
    if name == "function":  # per document: those of every location and those declared at its location
        return _function_counts(base)
    if name in _JSON_LISTS:
        rows = db.session.execute(select(_JSON_LISTS[name]).join(base, base.c.sid == Service.id))
        return dict(Counter(code for (codes,) in rows for code in codes or []))
    if name in _LINKS:
        table, column = _LINKS[name]
        joined = select(column, func.count()).select_from(table).join(base, base.c.sid == table.c.service_id)
        stmt = joined.group_by(column)
    else:
        value = _value(name)
        joined = select(value, func.count()).select_from(base).join(Service, Service.id == base.c.sid)
        stmt = joined.outerjoin(Location, Location.id == base.c.lid).group_by(value)
    return {str(v): n for v, n in db.session.execute(stmt) if v is not None}


def _function_counts(base: Any) -> dict[str, int]:
    docs: dict[tuple[int, int | None], set[str]] = {}
    for sid, lid, codes in db.session.execute(
        select(base.c.sid, base.c.lid, Service.functions).join(Service, Service.id == base.c.sid)
    ):
        docs[(sid, lid)] = set(codes or [])
    located = select(ServiceFunction.service_id, ServiceFunction.location_id, ServiceFunction.function).join(
        base, (base.c.sid == ServiceFunction.service_id) & (base.c.lid == ServiceFunction.location_id)
    )
    for sid, lid, code in db.session.execute(located):
        docs.setdefault((sid, lid), set()).add(code)
    return dict(Counter(code for codes in docs.values() for code in codes))


# Hits ---------------------------------------------------------------------------------------------------
def _light_hits(rows: Rows) -> list[dict]:
    """Marker fields straight from SQL (thousands of points without building whole documents)."""
    sids = {row.sid for row in rows}
    sectors: dict[int, list[str]] = {}
    link = select(service_sector.c.service_id, service_sector.c.sector_code)
    link = link.where(service_sector.c.service_id.in_(sids)).order_by(service_sector.c.sector_code)
    for sid, code in db.session.execute(link):
        sectors.setdefault(sid, []).append(code)
    name_rows = db.session.execute(select(Service.id, Service.name_fr, Service.name_nl).where(Service.id.in_(sids)))
    names = {sid: (fr, nl) for sid, fr, nl in name_rows}
    places = {
        lid: (lat, lon)
        for lid, lat, lon in db.session.execute(
            select(Location.id, Location.lat, Location.lon).where(Location.id.in_({r.lid for r in rows if r.lid}))
        )
    }
    hits = []
    for row in rows:
        hit = {
            "id": f"{row.sid}-{row.lid or 0}",
            "service_id": row.sid,
            "name_fr": names[row.sid][0],
            "name_nl": names[row.sid][1],
            "sector": sectors.get(row.sid, []),
        }
        lat, lon = places.get(row.lid, (None, None))
        if lat is not None and lon is not None:
            hit["_geo"] = {"lat": lat, "lng": lon}
        hits.append(hit)
    return hits


def _metres(a: tuple[float, float], b: tuple[float, float]) -> int:
    """Haversine distance, as Meilisearch's `_geoDistance`."""
    (lat1, lng1), (lat2, lng2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return round(2 * 6_371_000 * math.asin(math.sqrt(h)))


def build_hits(rows: Rows, attributes: list[str] | None, near: tuple[float, float] | None = None) -> list[dict]:
    """Index-shaped documents for `rows` in their order, limited to `attributes` as Meilisearch would (with
    `_geoDistance` when sorted by distance)."""
    hits = _light_hits(rows) if attributes and set(attributes) <= LIGHT_FIELDS else _full_hits(rows, attributes)
    if near:
        for hit in hits:
            if "_geo" in hit:
                hit["_geoDistance"] = _metres(near, (hit["_geo"]["lat"], hit["_geo"]["lng"]))
    return hits


def _full_hits(rows: Rows, attributes: list[str] | None) -> list[dict]:
    services = db.session.scalars(
        select(Service).where(Service.id.in_({r.sid for r in rows})).options(*whole_service())
    ).all()
    documents = {doc["id"]: doc for service in services for doc in build_documents(service)}
    hits = []
    for row in rows:
        doc = documents.get(f"{row.sid}-{row.lid or 0}")
        if doc is not None:
            hits.append({k: v for k, v in doc.items() if not attributes or k in attributes})
    return hits


def search_hits(params, limit: int, attributes: list[str] | None = None) -> tuple[int, list[dict]]:
    """(total, hits) without facets, in the order of the list (like `directory.maps.points.search_hits`)."""
    terms, total = matching_terms(params)
    rows = db.session.execute(in_order(matching_documents(params, terms), params, terms).limit(limit)).all()
    return total, build_hits(rows, attributes, params.near)


def search_page(params, offset: int, limit: int, attributes: list[str] | None = None) -> list[dict]:
    """`limit` hits of the list from `offset` on (the downloads read the whole list this way, a page at a time)."""
    terms = textindex.words(params.words)
    stmt = in_order(matching_documents(params, terms), params, terms).offset(offset).limit(limit)
    return build_hits(db.session.execute(stmt).all(), attributes, params.near)


def document(doc_id: str) -> dict | None:
    """One index-shaped document ("serviceid-locationid") built from SQL, or None."""
    sid, _, lid = doc_id.partition("-")
    service = db.session.scalar(select(Service).where(Service.id == int(sid)).options(*whole_service()))
    if service is None:
        return None
    return next((doc for doc in build_documents(service) if doc["id"] == f"{sid}-{int(lid or 0)}"), None)
