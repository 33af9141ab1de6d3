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
from directory.search.alternatives import missing_message
from directory.search.client import MeiliError
from directory.search.places import value_label
from directory.search.query import FACETS, InvalidSearch, SearchParams, parse_search_args, run_search
from directory.search.unmet import record_after_response
from directory.views import query_args

bp = Blueprint("public", __name__, url_prefix="/<lang_code>")

FACET_TITLES = {
    "sector": _l("Sector"),
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
SORT_LABELS = {
    "relevance": _l("Relevance"),
    "distance": _l("Distance"),
    "name": _l("Name"),
    "verified": _l("Recently verified"),
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
    """Search helpers for templates (the map view reuses them)."""
    return {
        "search_url": search_url,
        "understood_chips": understood_chips,
        "query_args": query_args,
        "missing_message": missing_message,
    }


def understood_chips(params: SearchParams) -> list[dict[str, str]]:
    """One chip per understood term: "Sector: CPAS (OCMW)", with the `not=` value that dismisses it."""
    chips = []
    for term in params.understood.terms:
        parts = []
        for kind, codes in term.kinds():
            names = (
                term.text if kind == "section" else ", ".join(value_label(kind, code, params.lang) for code in codes)
            )
            title = FACET_TITLES["quartier" if kind == "section" else kind]
            parts.append(f"{title}: {names}")
        chips.append({"label": f"{' · '.join(parts)} ({term.text})", "key": term.key})
    return chips


def search_url(
    remove: tuple[str, str] | None = None,
    page: int | None = None,
    endpoint: str = "public.search",
    dismiss: str | None = None,
    **changes: str | None,
) -> str:
    """The current search's URL with one filter value removed, one understood term dismissed (`not=`), another
    page, other parameters (`changes`, None removes), or for another view (map)."""
    args = query_args(drop=("page",), **changes)
    if remove:
        name, value = remove
        args[name] = [v for raw in args.get(name, []) for v in raw.split(",") if v and v != value]
    if dismiss:
        args["not"] = [*args.get("not", []), dismiss]
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
    record_after_response(result)
    return render_template(
        "public/search.html",
        result=result,
        params=params,
        error=None,
        facet_titles=FACET_TITLES,
        facets=FACETS,
        missing=None if result.total else missing_message(params),
        sorts=SORT_LABELS,
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
