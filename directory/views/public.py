"""Public pages under /fr/ and /nl/: home, search results, fiche, about the data."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask import request as flask_request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response

from directory.extensions import db
from directory.i18n import get_locale
from directory.models import Bassin, Sector, Service
from directory.models.services import whole_service
from directory.presenters import fiche_url
from directory.search.client import MeiliError
from directory.search.query import FACETS, InvalidSearch, SearchParams, parse_search_args, run_search
from directory.views import query_args

bp = Blueprint("public", __name__, url_prefix="/<lang_code>")

FACET_TITLES = {
    "sector": _l("Sector"),
    "function": _l("Coordination function"),
    "bassin": _l("Care area (bassin)"),
    "commune": _l("Commune"),
    "quartier": _l("Neighbourhood"),
    "language": _l("Languages spoken"),
    "public": _l("For whom"),
    "cost": _l("Cost"),
    "access": _l("Access"),
    "wheelchair": _l("Wheelchair access"),
    "availability": _l("Availability"),
}
POPULAR_SECTORS = (
    "general_practitioner",
    "medical_house",
    "cpas",
    "food_aid",
    "mental_health",
    "family_planning",
    "night_shelter",
    "pharmacy",
)


@bp.app_context_processor
def search_helpers() -> dict:
    """`search_url` for templates (the map view reuses it)."""
    return {"search_url": search_url}


def search_url(remove: tuple[str, str] | None = None, page: int | None = None, endpoint: str = "public.search") -> str:
    """The current search's URL with one filter value removed, another page, or for another view (map)."""
    args = query_args(drop=("page",))
    if remove:
        name, value = remove
        args[name] = [v for raw in args.get(name, []) for v in raw.split(",") if v and v != value]
    if page and page > 1:
        args["page"] = [str(page)]
    return url_for(endpoint, **args)


@bp.get("/")
def home() -> str:
    """One search box, frequent sectors, the bassins and an honest note on coverage."""
    bassins = db.session.scalars(select(Bassin).order_by(Bassin.name_fr)).all()
    sectors = [s for code in POPULAR_SECTORS if (s := db.session.get(Sector, code))]
    return render_template("public/home.html", bassins=bassins, sectors=sectors)


@bp.get("/search")
def search() -> tuple[str, int] | str:
    """Results with facets; 400 with the typed query kept when a parameter is invalid, 503 if search is down."""
    lang = get_locale()
    try:
        params = parse_search_args(flask_request.args, lang)
    except InvalidSearch as exc:
        params = SearchParams(q=flask_request.args.get("q", "")[:200], lang=lang)
        return render_template(
            "public/search.html", result=None, params=params, error=exc.message, facet_titles=FACET_TITLES
        ), 400
    try:
        result = run_search(params)
    except MeiliError:
        return render_template("errors/503.html"), 503
    return render_template(
        "public/search.html", result=result, params=params, error=None, facet_titles=FACET_TITLES, facets=FACETS
    )


@bp.get("/services/<int:service_id>")
@bp.get("/services/<int:service_id>/<slug>")
def service(service_id: int, slug: str | None = None) -> str | Response:
    """A fiche; the slug is optional and follows the page language (a stale one redirects to the right one)."""
    fiche = db.session.scalar(select(Service).where(Service.id == service_id).options(*whole_service()))
    if fiche is None or fiche.status == "inactive":
        abort(404)
    canonical = fiche_url(fiche)
    if slug is not None and canonical != flask_request.path:
        return redirect(canonical, code=301)
    return render_template("public/service.html", service=fiche, canonical=canonical)


@bp.get("/about-data")
def about_data() -> str:
    """Sources, licences, attributions and coverage caveats."""
    return render_template("public/about_data.html")
