"""Open Referral HSDS 3.0 read API under /api/v1/hsds, following the specification's own openapi.json: `/`,
`/services`, `/organizations`, `/service_at_locations`, `/taxonomies`, `/taxonomy_terms` and each one by its id.
Ids are the UUIDs of the HSDS export (directory.operations.hsds); objects are built by the same code as the export,
so they validate the same way."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, request, stream_with_context, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, false, func, or_, select, tuple_
from werkzeug.wrappers import Response

from directory.api import hsds_ids
from directory.api.http import (
    MAX_PER_PAGE,
    conditional,
    data_changed_at,
    error,
    int_arg,
    invalid,
    page_args,
    protect,
)
from directory.extensions import db
from directory.models import Location, Organization, PostalCode, Public, Sector, Service
from directory.models.services import service_at_location, service_public, service_sector, whole_service
from directory.operations.hsds import (
    flat,
    organization_to_hsds,
    organization_uuid,
    service_at_location_to_hsds,
    service_to_hsds,
    service_uuid,
    taxonomy_to_hsds,
    term_to_hsds,
    uid,
)
from directory.search.params import MAX_RADIUS
from directory.search.sqlsearch import METRES_PER_DEGREE, distance2
from importers.hsds_tabular import TAXONOMIES

bp = Blueprint("api_hsds", __name__, url_prefix="/api/v1/hsds")
protect(bp)

PUBLISHED = Service.status != "inactive"
MAX_MINIMAL = 10_000  # `minimal` lists: the specification asks for every service in one call
LINKS: dict[str, tuple[Any, Any, Any]] = {
    "sectors": (service_sector, service_sector.c.sector_code, Sector),
    "publics": (service_public, service_public.c.public_code, Public),
}
FORMATS = ("json", "ndjson")


def flag(name: str, default: bool) -> bool:
    """A boolean query parameter (true/false/1/0); 400 in JSON otherwise."""
    value = request.args.get(name, "").strip().lower()
    if not value:
        return default
    if value not in {"true", "false", "1", "0"}:
        invalid(name)
    return value in {"true", "1"}


def answer_format() -> str:
    fmt = request.args.get("format", "json") or "json"
    if fmt not in FORMATS:
        invalid("format")
    return fmt


def _words(columns: list[Any]) -> Any:
    """Every word of `search` in one of `columns` (either language); None without `search`."""
    words = [w for w in request.args.get("search", "").split() if w][:10]
    if not words:
        return None
    return and_(*(or_(*(column.ilike(f"%{escape_like(w)}%", escape="\\") for column in columns)) for w in words))


def escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _terms(wanted: str, taxonomy_only: bool) -> list[Any]:
    """Conditions on services holding the taxonomy term `wanted` (its HSDS UUID or our code), or any term of the
    taxonomy `wanted` (its UUID or name, e.g. qfq-sectors) when `taxonomy_only`."""
    options = []
    for name, (table, column, model) in LINKS.items():
        taxonomy = TAXONOMIES[name][0]
        if taxonomy_only:
            if wanted in {taxonomy, uid("taxonomy", taxonomy)}:
                options.append(Service.id.in_(select(table.c.service_id)))
            continue
        codes = [
            code
            for code in db.session.scalars(select(model.code))
            if wanted in {code, uid("taxonomy_term", taxonomy, code)}
        ]
        if codes:
            options.append(Service.id.in_(select(table.c.service_id).where(column.in_(codes))))
    return options


def modified_after() -> datetime | None:
    value = request.args.get("modified_after", "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        invalid("modified_after")
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def service_filters() -> list[Any]:
    """The conditions of the HSDS list parameters on published services (`search`, `taxonomy_term_id`,
    `taxonomy_id`, `organization_id`, `modified_after`). A term, taxonomy or organisation that does not exist
    matches nothing."""
    conditions: list[Any] = [PUBLISHED]
    names = [Service.name_fr, Service.name_nl, Service.description_fr, Service.description_nl]
    if (words := _words([*names, Organization.name_fr, Organization.name_nl])) is not None:
        matching = select(Service.id).join(Organization, Organization.id == Service.organization_id).where(words)
        conditions.append(Service.id.in_(matching))
    for name, taxonomy_only in (("taxonomy_term_id", False), ("taxonomy_id", True)):
        if wanted := request.args.get(name, "").strip():
            conditions.append(or_(false(), *_terms(wanted, taxonomy_only)))
    if wanted := request.args.get("organization_id", "").strip():
        org = hsds_ids.find(Organization, organization_uuid, wanted)
        conditions.append(Service.organization_id == org.id if org is not None else false())
    if (since := modified_after()) is not None:
        conditions.append(Service.updated_at >= since)
    return conditions


def place_filters() -> list[Any]:
    """The conditions of `postcode` and `proximity` on locations: without `proximity`, the places with this
    postcode; with it, the places within that many metres of the postcode's centre (its point in the region's
    postcode table). A postcode we do not know matches nothing."""
    postcode, proximity = request.args.get("postcode", "").strip(), request.args.get("proximity", "").strip()
    if not postcode:
        if proximity:
            abort(error(400, _("proximity needs a postcode: the distance is measured from its centre."), "proximity"))
        return []
    if not re.fullmatch(r"\d{4}", postcode):
        invalid("postcode")
    metres = int_arg("proximity", None, 1, MAX_RADIUS)
    if metres is None:
        return [Location.postcode == postcode]
    centre = db.session.get(PostalCode, postcode)
    if centre is None or centre.lat is None or centre.lon is None:
        return [false()]
    return [Location.lat.is_not(None), distance2((centre.lat, centre.lon)) <= (metres / METRES_PER_DEGREE) ** 2]


def minimal(service: Service) -> dict:
    """The `minimal` form of a service: its id and when it last changed."""
    changed = service.updated_at if service.updated_at.tzinfo else service.updated_at.replace(tzinfo=UTC)
    return {"id": service_uuid(service), "modified_date": changed.isoformat()}


def envelope(number: int, total: int, size: int, contents: list[dict]) -> dict:
    """An HSDS page: `total_items, total_pages, page_number, size, first_page, last_page, empty, contents`."""
    pages = -(-total // size)
    payload = {"total_items": total, "total_pages": pages, "page_number": number, "size": len(contents)}
    return payload | {
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": not contents,
        "contents": contents,
    }


def page(query: Any, total: int, build: Any, max_per_page: int = MAX_PER_PAGE) -> Response:
    """The page asked for of the rows of `query`, each built by `build`."""
    number, size = page_args(max_per_page)
    rows = db.session.scalars(query.limit(size).offset((number - 1) * size)).unique().all()
    payload = envelope(number, total, size, [build(row) for row in rows])
    return conditional(payload, data_changed_at(Service, Organization))


def streamed(objects: Iterator[dict]) -> Response:
    """`objects` as one JSON object per line, written as they come (`format=ndjson`)."""
    lines = (json.dumps(obj, ensure_ascii=False) + "\n" for obj in objects)
    return Response(stream_with_context(lines), mimetype="application/x-ndjson")


def ndjson(query: Any, build: Any, model: Any) -> Response:
    """Every row of `query`, built by `build`, read by keyset pages of 500 (`format=ndjson`)."""

    def objects() -> Iterator[dict]:
        last = 0
        while True:
            rows = db.session.scalars(query.where(model.id > last).limit(500)).unique().all()
            yield from (build(row) for row in rows)
            if len(rows) < 500:
                return
            last = rows[-1].id
            db.session.expunge_all()

    return streamed(objects())


@bp.get("/")
def about() -> Response:
    """What this API is: HSDS version, profile and where its description lives."""
    return conditional(
        {
            "version": "3.0",
            "profile": "https://docs.openreferral.org/en/3.0/",
            "openapi_url": url_for("api_data.openapi", _external=True),
        }
    )


@bp.get("/services")
def services() -> Response:
    """Published services, compiled (with organization, locations, phones, schedules, attributes), filtered by the
    specification's list parameters; `minimal` gives ids and dates only, `full=false` the services without their
    nested objects, `format=ndjson` every match without pages."""
    fmt, full, small = answer_format(), flag("full", True), flag("minimal", False)
    conditions = service_filters()
    if places := place_filters():  # a service matches when one of its places does
        at = select(service_at_location.c.service_id).join(Location, Location.id == service_at_location.c.location_id)
        conditions.append(Service.id.in_(at.where(*places)))
    build: Any = minimal if small else service_to_hsds if full else (lambda s: flat(service_to_hsds(s)))
    query = select(Service).where(*conditions).order_by(Service.id)
    if not small:
        query = query.options(*whole_service())
    if fmt == "ndjson":
        return ndjson(query, build, Service)
    total = db.session.scalar(select(func.count()).select_from(Service).where(*conditions)) or 0
    return page(query, total, build, MAX_MINIMAL if small else MAX_PER_PAGE)


def _find(model: Any, to_uuid: Any, wanted: str, where: Any = None) -> Any:
    """The row whose HSDS UUID is `wanted` (an indexed lookup, directory.api.hsds_ids), if it meets `where`."""
    found = hsds_ids.find(model, to_uuid, wanted)
    if found is None or where is None:
        return found
    return db.session.scalar(select(model).where(model.id == found.id, where))


@bp.get("/services/<service_id>")
def service(service_id: str) -> Response:
    """One compiled HSDS service by its UUID."""
    found = _find(Service, service_uuid, service_id, PUBLISHED)
    if found is None:
        abort(404)
    return conditional(service_to_hsds(found), data_changed_at(Service, Organization))


def _published_organizations() -> Any:
    query = select(Organization).where(Organization.id.in_(select(Service.organization_id).where(PUBLISHED)))
    words = _words(
        [Organization.name_fr, Organization.name_nl, Organization.description_fr, Organization.description_nl]
    )
    return query if words is None else query.where(words)


def _organization(org: Organization, full: bool = True, full_service: bool = True) -> dict:
    """The organisation; with `full`, its published services (each compiled, or without nested objects)."""
    compiled = organization_to_hsds(org)
    if not full:
        return compiled
    services = [s for s in org.services if s.status != "inactive"]
    build = service_to_hsds if full_service else (lambda s: flat(service_to_hsds(s)))
    return compiled | {"services": [build(s) for s in services]}


@bp.get("/organizations")
def organizations() -> Response:
    """Organisations with at least one published service, each with its services (`search` in their names and
    descriptions, `full=false` without services, `full_service=false` with services but not their nested
    objects, `format=ndjson` every match without pages)."""
    fmt, full, full_service = answer_format(), flag("full", True), flag("full_service", True)
    query = _published_organizations()

    def build(org: Organization) -> dict:
        return _organization(org, full, full_service)

    if fmt == "ndjson":
        return ndjson(query.order_by(Organization.id), build, Organization)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return page(query.order_by(Organization.id), total, build)


@bp.get("/organizations/<org_id>")
def organization(org_id: str) -> Response:
    """One organisation by its UUID, with its services (`full_service=false`: without their nested objects)."""
    full_service = flag("full_service", True)
    published = Organization.id.in_(select(Service.organization_id).where(PUBLISHED))
    found = _find(Organization, organization_uuid, org_id, published)
    if found is None:
        abort(404)
    return conditional(_organization(found, True, full_service), data_changed_at(Service, Organization))


LINK_ORDER = (service_at_location.c.service_id, service_at_location.c.location_id)


def _links_query(conditions: list[Any]) -> Any:
    """(service id, location id) of the links of published services meeting `conditions` (on Service, Location)."""
    return (
        select(*LINK_ORDER)
        .join(Service, Service.id == service_at_location.c.service_id)
        .join(Location, Location.id == service_at_location.c.location_id)
        .where(*conditions)
    )


def _link_objects(pairs: Sequence[Any], full: bool) -> list[dict]:
    """The compiled service_at_locations of (service id, location id) pairs, their services read in one query."""
    wanted = {sid for sid, _ in pairs}
    found = db.session.scalars(select(Service).where(Service.id.in_(wanted)).options(*whole_service())).unique()
    services = {service.id: service for service in found}
    places = {(sid, loc.id): loc for sid, service in services.items() for loc in service.locations}
    return [service_at_location_to_hsds(services[sid], places[sid, lid], full) for sid, lid in pairs]


@bp.get("/service_at_locations")
def service_at_locations() -> Response:
    """Each published service at each of its locations, with the services' filters and the places' `postcode` and
    `proximity`; `full=false` without nested objects, `format=ndjson` every match without pages."""
    fmt, full = answer_format(), flag("full", True)
    query = _links_query([*service_filters(), *place_filters()])
    if fmt == "ndjson":

        def objects() -> Iterator[dict]:
            last: tuple[int, int] = (0, 0)
            while pairs := db.session.execute(
                query.where(tuple_(*LINK_ORDER) > last).order_by(*LINK_ORDER).limit(500)
            ).all():
                yield from _link_objects(pairs, full)
                last = tuple(pairs[-1])  # type: ignore[assignment]
                db.session.expunge_all()

        return streamed(objects())
    number, size = page_args()
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pairs = db.session.execute(query.order_by(*LINK_ORDER).limit(size).offset((number - 1) * size)).all()
    payload = envelope(number, total, size, _link_objects(pairs, full))
    return conditional(payload, data_changed_at(Service, Organization))


@bp.get("/service_at_locations/<link_id>")
def service_at_location_by_id(link_id: str) -> Response:
    """One published service at one of its locations, fully nested, by its UUID."""
    found = hsds_ids.find_link(link_id)
    if found is None:
        abort(404)
    return conditional(service_at_location_to_hsds(*found), data_changed_at(Service, Organization))


def _vocabulary_answer(objects: list[dict]) -> Response:
    """A small list (taxonomies, terms) as an HSDS page or, with `format=ndjson`, one object per line."""
    fmt = answer_format()
    if fmt == "ndjson":
        return streamed(iter(objects))
    number, size = page_args()
    return conditional(envelope(number, len(objects), size, objects[(number - 1) * size : number * size]))


def _matches(obj: dict) -> bool:
    """Whether every word of `search` is in the object's name, code or description (any case)."""
    text = " ".join(str(obj.get(key, "")) for key in ("name", "code", "description")).lower()
    return all(word.lower() in text for word in request.args.get("search", "").split()[:10])


def _taxonomies() -> list[dict]:
    return [taxonomy_to_hsds(name) for name in TAXONOMIES]


def _terms_of(taxonomy: dict | None = None) -> list[dict]:
    """Every term of our taxonomies (of `taxonomy` only when given), in code order."""
    terms = []
    for name, (_table, _column, model) in LINKS.items():
        if taxonomy is None or taxonomy["name"] == TAXONOMIES[name][0]:
            terms += [term_to_hsds(name, row) for row in db.session.scalars(select(model).order_by(model.code))]
    return terms


@bp.get("/taxonomies")
def taxonomies() -> Response:
    """Our two vocabularies (sectors, publics) as HSDS taxonomies; `search` in their names and descriptions."""
    return _vocabulary_answer([t for t in _taxonomies() if _matches(t)])


def _taxonomy(wanted: str) -> dict | None:
    """The taxonomy whose UUID or name (`qfq-sectors` / `qfq-publics`) is `wanted`."""
    return next((t for t in _taxonomies() if wanted.lower() in {t["id"], t["name"]}), None)


@bp.get("/taxonomies/<taxonomy_id>")
def taxonomy(taxonomy_id: str) -> Response:
    """One taxonomy by its UUID (or its name, `qfq-sectors` / `qfq-publics`)."""
    found = _taxonomy(taxonomy_id)
    if found is None:
        abort(404)
    return conditional(found)


@bp.get("/taxonomy_terms")
def taxonomy_terms() -> Response:
    """Every sector and public as an HSDS taxonomy term: `search` in their codes, names and descriptions,
    `taxonomy_id` (UUID or name) narrows to one taxonomy; our vocabularies are flat, so `top_only` keeps every term
    and `parent_id` matches none."""
    flag("top_only", False)
    chosen = None
    if wanted := request.args.get("taxonomy_id", "").strip():
        chosen = _taxonomy(wanted) or {"name": None}  # an unknown taxonomy has no terms
    terms = [] if request.args.get("parent_id", "").strip() else _terms_of(chosen)
    return _vocabulary_answer([t for t in terms if _matches(t)])


@bp.get("/taxonomy_terms/<term_id>")
def taxonomy_term(term_id: str) -> Response:
    """One sector or public as an HSDS taxonomy term, by its UUID."""
    found = next((t for t in _terms_of() if t["id"] == term_id.lower()), None)
    if found is None:
        abort(404)
    return conditional(found)
