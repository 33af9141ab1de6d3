"""Public pages under /fr/ and /nl/: home, search results, fiche, about the data."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template
from flask import request as flask_request
from sqlalchemy import select
from werkzeug.wrappers import Response

from directory.extensions import db
from directory.i18n import get_locale
from directory.labels import FACET_TITLES, SORT_LABELS
from directory.models import Bassin, Sector, Service
from directory.models.services import whole_service
from directory.presenters import fiche_url
from directory.search.alternatives import missing_message
from directory.search.client import MeiliError
from directory.search.query import FACETS, InvalidSearch, SearchParams, parse_search_args, run_search
from directory.search.unmet import record_after_response

bp = Blueprint("public", __name__, url_prefix="/<lang_code>")

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
