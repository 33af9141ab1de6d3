"""API /api/v1 beside the search: one service, organisations, locations, vocabularies and areas (read only).

Lists are paginated `{total, page, pages, per_page, items}`; every answer carries an ETag (304 on a match)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from directory.api.http import conditional, data_changed_at, last_modified, page_args, protect
from directory.api.objects import area_object, location_object, organization_object, service_object, term
from directory.extensions import db
from directory.models import Bassin, Commune, Location, Organization, Public, Quartier, Sector, Service
from directory.models.services import whole_service

bp = Blueprint("api_data", __name__, url_prefix="/api/v1")
protect(bp)

AREAS = {"communes": (Commune, "nis"), "quartiers": (Quartier, "code"), "bassins": (Bassin, "code")}
VOCABULARIES: dict[str, type[Sector] | type[Public]] = {"sectors": Sector, "publics": Public}


def paginated(query: Any, build: Any, changed: Any) -> Response:
    """One page of `query` (a select of model rows), each row made into JSON by `build`."""
    page, per_page = page_args()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique().all()
    payload = {"total": total, "page": page, "pages": -(-total // per_page), "per_page": per_page}
    return conditional(payload | {"items": [build(row) for row in rows]}, changed)


@bp.get("/services/<int:service_id>")
def service(service_id: int) -> Response:
    """Everything a published fiche shows."""
    found = db.session.scalar(select(Service).where(Service.id == service_id).options(*whole_service()))
    if found is None or found.status == "inactive":
        abort(404)
    return conditional(service_object(found), last_modified(found.updated_at, found.organization.updated_at))


@bp.get("/organizations")
def organizations() -> Response:
    """Organisations with at least one published fiche, by id."""
    published = select(Service.organization_id).where(Service.status != "inactive")
    query = select(Organization).where(Organization.id.in_(published)).order_by(Organization.id)
    return paginated(query, organization_object, data_changed_at(Organization))


@bp.get("/organizations/<int:org_id>")
def organization(org_id: int) -> Response:
    """An organisation and its published fiches."""
    found = db.session.get(Organization, org_id)
    if found is None or all(s.status == "inactive" for s in found.services):
        abort(404)
    return conditional(organization_object(found, services=True), last_modified(found.updated_at))


def _published_locations() -> Any:
    from directory.models.services import service_at_location

    published = select(service_at_location.c.location_id).join(Service).where(Service.status != "inactive")
    return select(Location).where(Location.id.in_(published))


@bp.get("/locations")
def locations() -> Response:
    """Places of published fiches; `commune`, `quartier` or `bassin` narrow to one area."""
    query = _published_locations().order_by(Location.id)
    for name, column in (("commune", Location.commune_nis), ("quartier", Location.quartier_code)):
        if request.args.get(name):
            query = query.where(column == request.args[name])
    if request.args.get("bassin"):
        query = query.where(Location.bassin_code == request.args["bassin"])
    return paginated(query, location_object, data_changed_at(Service))


@bp.get("/locations/<int:location_id>")
def location(location_id: int) -> Response:
    """One place of a published fiche, with the ids of the fiches there."""
    found = db.session.scalar(_published_locations().where(Location.id == location_id))
    if found is None:
        abort(404)
    services = [s.id for s in found.services if s.status != "inactive"]
    return conditional(location_object(found) | {"services": services}, data_changed_at(Service))


@bp.get("/sectors")
@bp.get("/publics")
def vocabulary() -> Response:
    """Every sector (service type) or public (target group): code and FR/NL names."""
    model = VOCABULARIES[request.path.rsplit("/", 1)[-1]]
    rows = db.session.scalars(select(model).order_by(model.code)).all()
    return conditional({"items": [term(row) for row in rows]})


@bp.get("/areas/<level>")
def areas(level: str) -> Response:
    """Communes, quartiers or bassins; `geometry=1` adds each boundary (GeoJSON)."""
    if level not in AREAS:
        abort(404)
    model, key = AREAS[level]
    geometry = request.args.get("geometry", "") in {"1", "true"}
    rows = db.session.scalars(select(model).order_by(getattr(model, key))).all()
    return conditional({"items": [area_object(row, key, geometry) for row in rows]})


@bp.get("/areas/<level>/<code>")
def area(level: str, code: str) -> Response:
    """One commune, quartier or bassin with its boundary."""
    found = db.session.get(AREAS[level][0], code) if level in AREAS else None
    if found is None:
        abort(404)
    return conditional(area_object(found, AREAS[level][1], geometry=True))


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API."""
    from directory.api.openapi import document

    return conditional(document())
