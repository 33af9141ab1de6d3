"""Open Referral HSDS 3.0 read API under /api/v1/hsds, following the specification's own openapi.json: `/`,
`/services`, `/services/{id}`, `/organizations`, `/organizations/{id}`. Ids are the UUIDs of the HSDS export
(directory.operations.hsds); objects are built by the same code as the export, so they validate the same way."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from directory.api.http import conditional, data_changed_at, page_args, protect
from directory.extensions import db
from directory.models import Organization, Service
from directory.models.services import whole_service
from directory.operations.hsds import organization_to_hsds, organization_uuid, service_to_hsds, service_uuid

bp = Blueprint("api_hsds", __name__, url_prefix="/api/v1/hsds")
protect(bp)

PUBLISHED = Service.status != "inactive"


def page(query: Any, total: int, build: Any) -> Response:
    """An HSDS page: `total_items, total_pages, page_number, size, first_page, last_page, empty, contents`."""
    number, size = page_args()
    rows = db.session.scalars(query.limit(size).offset((number - 1) * size)).unique().all()
    pages = -(-total // size)
    payload = {"total_items": total, "total_pages": pages, "page_number": number, "size": len(rows)}
    payload |= {"first_page": number == 1, "last_page": number >= pages, "empty": not rows}
    return conditional(payload | {"contents": [build(row) for row in rows]}, data_changed_at(Service, Organization))


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
    """Published services, compiled (with organization, locations, phones, schedules, attributes)."""
    total = db.session.scalar(select(func.count()).select_from(Service).where(PUBLISHED)) or 0
    query = select(Service).where(PUBLISHED).options(*whole_service()).order_by(Service.id)
    return page(query, total, service_to_hsds)


def _find(model: Any, to_uuid: Any, wanted: str, where: Any = None) -> Any:
    """The row whose HSDS UUID is `wanted`. UUIDs derive from source ids, so they are compared over the
    candidates' (id, source, source_id) only; the row itself is then loaded by its id."""
    query = select(model.id, model.source, model.source_id)
    if where is not None:
        query = query.where(where)
    found = next((row.id for row in db.session.execute(query) if to_uuid(row) == wanted.lower()), None)
    return None if found is None else db.session.get(model, found)


@bp.get("/services/<service_id>")
def service(service_id: str) -> Response:
    """One compiled HSDS service by its UUID."""
    found = _find(Service, service_uuid, service_id, PUBLISHED)
    if found is None:
        abort(404)
    return conditional(service_to_hsds(found), data_changed_at(Service, Organization))


def _published_organizations() -> Any:
    return select(Organization).where(Organization.id.in_(select(Service.organization_id).where(PUBLISHED)))


def _organization(org: Organization) -> dict:
    services = [s for s in org.services if s.status != "inactive"]
    return organization_to_hsds(org) | {"services": [service_to_hsds(s) for s in services]}


@bp.get("/organizations")
def organizations() -> Response:
    """Organisations with at least one published service, each with its services."""
    query = _published_organizations()
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return page(query.order_by(Organization.id), total, _organization)


@bp.get("/organizations/<org_id>")
def organization(org_id: str) -> Response:
    """One organisation by its UUID, with its services."""
    published = Organization.id.in_(select(Service.organization_id).where(PUBLISHED))
    found = _find(Organization, organization_uuid, org_id, published)
    if found is None:
        abort(404)
    return conditional(_organization(found), data_changed_at(Service, Organization))
