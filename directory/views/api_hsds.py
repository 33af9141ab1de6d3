"""Open Referral HSDS 3.0 read API under /api/v1/hsds, following the specification's own openapi.json: `/`,
`/services`, `/services/{id}`, `/organizations`, `/organizations/{id}`. Ids are the UUIDs of the HSDS export
(directory.operations.hsds); objects are built by the same code as the export, so they validate the same way."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, request, stream_with_context, url_for
from sqlalchemy import and_, false, func, or_, select
from werkzeug.wrappers import Response

from directory.api import hsds_ids
from directory.api.http import MAX_PER_PAGE, conditional, data_changed_at, invalid, page_args, protect
from directory.extensions import db
from directory.models import Organization, Public, Sector, Service
from directory.models.services import service_public, service_sector, whole_service
from directory.operations.hsds import organization_to_hsds, organization_uuid, service_to_hsds, service_uuid, uid
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


def minimal(service: Service) -> dict:
    """The `minimal` form of a service: its id and when it last changed."""
    changed = service.updated_at if service.updated_at.tzinfo else service.updated_at.replace(tzinfo=UTC)
    return {"id": service_uuid(service), "modified_date": changed.isoformat()}


def flat(compiled: dict) -> dict:
    """A service or organisation without its nested objects (`full=false`)."""
    return {key: value for key, value in compiled.items() if not isinstance(value, list) and key != "organization"}


def page(query: Any, total: int, build: Any, max_per_page: int = MAX_PER_PAGE) -> Response:
    """An HSDS page: `total_items, total_pages, page_number, size, first_page, last_page, empty, contents`."""
    number, size = page_args(max_per_page)
    rows = db.session.scalars(query.limit(size).offset((number - 1) * size)).unique().all()
    pages = -(-total // size)
    payload = {"total_items": total, "total_pages": pages, "page_number": number, "size": len(rows)}
    payload |= {"first_page": number == 1, "last_page": number >= pages, "empty": not rows}
    return conditional(payload | {"contents": [build(row) for row in rows]}, data_changed_at(Service, Organization))


def ndjson(query: Any, build: Any, model: Any) -> Response:
    """Every row of `query` as one JSON object per line, read by keyset pages of 500 (`format=ndjson`)."""

    def lines() -> Iterator[str]:
        last = 0
        while True:
            rows = db.session.scalars(query.where(model.id > last).limit(500)).unique().all()
            for row in rows:
                yield json.dumps(build(row), ensure_ascii=False) + "\n"
            if len(rows) < 500:
                return
            last = rows[-1].id
            db.session.expunge_all()

    return Response(stream_with_context(lines()), mimetype="application/x-ndjson")


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
