"""The map of a search (/<lang>/map, same parameters as /<lang>/search) and the data its script loads:
markers, popups and boundaries, as small cacheable (gzipped) answers."""

from __future__ import annotations

import gzip
import json
import re
from typing import Any

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from directory.extensions import db
from directory.i18n import get_locale
from directory.labels import FACET_TITLES
from directory.maps.boundaries import LEVELS, feature_collection
from directory.maps.builder import build_map
from directory.maps.config import map_config
from directory.maps.locate import LocateError, locate
from directory.maps.orientation import bus_geojson, orientation_geojson
from directory.maps.points import map_points
from directory.search import fallback, get_document
from directory.search.client import MeiliError
from directory.search.query import FACETS, InvalidSearch, SearchParams, parse_search_args, run_search
from directory.web import query_args

bp = Blueprint("maps", __name__, url_prefix="/<lang_code>")

DOC_ID = re.compile(r"^\d{1,10}-\d{1,10}$")
RADII = (500, 1000, 2000, 5000)


def compressed_json(data: Any, max_age: int, public: bool = False) -> Response:
    """JSON, gzipped when the client accepts it (marker lists compress about five times)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    response = make_response(body)
    response.mimetype = "application/json"
    if "gzip" in request.headers.get("Accept-Encoding", "") and len(body) > 1024:
        response.set_data(gzip.compress(body, compresslevel=5))
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = f"{'public' if public else 'private'}, max-age={max_age}"
    return response


@bp.get("/map")
def map_view() -> str | Response | tuple[str, int]:
    """The search on a map, with its filters and the first results below; `address` is located then kept."""
    lang = get_locale()
    address = request.args.get("address", "").strip()
    locate_error = suggestion = None
    args: MultiDict[str, str] = request.args
    if address and not request.args.get("near"):
        try:
            found = locate(address)
            db.session.commit()  # the geocoder cache
            target = query_args(drop=("page", "address"), near=f"{found.lat:.5f},{found.lng:.5f}")
            if not target.get("radius", [""])[0]:  # "Whole region" in the form: a place still wants a circle
                target["radius"] = ["1000"]
            return redirect(url_for("maps.map_view", **target))
        except LocateError as exc:
            db.session.rollback()
            locate_error = exc.message
            args = request.args.copy()
            args.poplist("radius")  # a distance without a place: the search goes on in the whole region
            suggestion = exc.suggestion
    try:
        params = parse_search_args(args, lang)
    except InvalidSearch as exc:
        params = SearchParams(q=request.args.get("q", "")[:200], lang=lang)
        return render_template(
            "map/map.html", result=None, params=params, error=exc.message, doc=None, address=address
        ), 400
    try:
        result = run_search(params)
    except MeiliError:
        return render_template("errors/503.html"), 503
    doc = build_map(near=params.near, radius=params.radius)
    points_args = query_args(drop=("page", "address"))
    config = map_config(
        doc,
        LEVELS,
        points_url=url_for("maps.points", **points_args),
        fit=bool(params.q or params.filters or params.near),
        messages={
            "loading": _("Loading the services on the map…"),
            # [singular, plural] with "{n}" for static/js/map.js, which knows the number
            "shown": [
                ngettext("%(n)s service on the map.", "%(n)s services on the map.", count, n="{n}") for count in (1, 2)
            ],
            "unmapped": [
                ngettext(
                    "%(n)s service has no position: it is only in the list.",
                    "%(n)s services have no position: they are only in the list.",
                    count,
                    n="{n}",
                )
                for count in (1, 2)
            ],
            "failed": _("The map could not load the services. The list below still works."),
        },
    )
    return render_template(
        "map/map.html",
        result=result,
        params=params,
        error=locate_error,
        suggestion=suggestion,
        doc=doc,
        config=config,
        address=address,
        radii=RADII,
        facets=FACETS,
        facet_titles=FACET_TITLES,
        printable=params.single_area() is not None,
    )


@bp.get("/map/points.json")
def points() -> Response | tuple[Response, int]:
    """Markers of a search: `{"total", "columns", "points": [[lat, lng, id, name, need], ...]}`."""
    try:
        params = parse_search_args(request.args, get_locale())
    except InvalidSearch as exc:
        return compressed_json({"error": exc.message}, 0), 400
    try:
        data = map_points(params)
    except MeiliError:
        return compressed_json({"error": _("Search is temporarily unavailable.")}, 0), 503
    return compressed_json(data, 60)


@bp.get("/map/popup/<doc_id>")
def popup(doc_id: str) -> str:
    """The popup of one marker (an index document: a service at a location), as an HTML fragment."""
    if not DOC_ID.fullmatch(doc_id):
        abort(404)
    hit = fallback.degrade(lambda: get_document(doc_id), lambda: fallback.document(doc_id))
    if hit is None:
        abort(404)
    return render_template("map/_popup.html", hit=hit)


@bp.get("/map/boundaries/<level>.json")
def boundaries(level: str) -> Response:
    """Simplified boundaries of one level with names in the page language (cached a day)."""
    if level not in LEVELS:
        abort(404)
    return compressed_json(feature_collection(level, get_locale()), 86400, public=True)


@bp.get("/map/bus.json")
def bus_lines() -> Response:
    """The bus lines and where their numbers go, for a map zoomed in close (cached a day)."""
    return compressed_json(bus_geojson(), 86400, public=True)


@bp.get("/map/orientation.json")
def orientation() -> Response:
    """Parks, water, metro/tram/train lines with their numbers, and named stops (names in the page language)."""
    return compressed_json(orientation_geojson(get_locale()), 86400, public=True)
