"""JSON API /api/v1: the search endpoint. Invalid parameters get HTTP 400 with a clear JSON message."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from directory.api.http import protect
from directory.i18n import LANGUAGES, get_locale
from directory.search.client import MeiliError
from directory.search.query import InvalidSearch, parse_search_args, run_search

bp = Blueprint("api", __name__, url_prefix="/api/v1")
protect(bp)  # rate limit, CORS, JSON errors (directory/api/http.py)


def _error(status: int, field: str | None, message: str) -> tuple[Response, int]:
    return jsonify({"error": {"status": status, "field": field, "message": message}}), status


@bp.get("/services")
def services() -> Response | tuple[Response, int]:
    """Search services: `{total, page, pages, hits, facets}`; see README for the parameters."""
    lang = request.args.get("lang", "") or get_locale()
    if lang not in LANGUAGES:
        return _error(400, "lang", _("lang must be one of: %(langs)s.", langs=", ".join(LANGUAGES)))
    with force_locale(lang):
        try:
            params = parse_search_args(request.args, lang)
            result = run_search(params)
        except InvalidSearch as exc:
            return _error(400, exc.field, exc.message)
        except MeiliError:
            return _error(503, None, _("Search is temporarily unavailable. Please try again in a minute."))
        facets = {
            name: [{"value": v.value, "label": v.label, "count": v.count, "selected": v.selected} for v in values]
            for name, values in result.facets.items()
        }
    return jsonify(
        total=result.total,
        page=result.page,
        pages=result.pages,
        partial=result.partial,
        degraded=result.degraded,  # answered from the database: Meilisearch is unavailable (reduced search)
        hits=result.hits,
        facets=facets,
    )
