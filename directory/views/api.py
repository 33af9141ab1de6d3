"""JSON API /api/v1: the search endpoint. Invalid parameters get HTTP 400 with a clear JSON message."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from directory.extensions import csrf
from directory.i18n import LANGUAGES, get_locale
from directory.search.alternatives import missing_message
from directory.search.client import MeiliError
from directory.search.query import InvalidSearch, parse_search_args, run_search
from directory.search.unmet import record_after_response

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def _error(status: int, field: str | None, message: str) -> tuple[Response, int]:
    return jsonify({"error": {"status": status, "field": field, "message": message}}), status


@bp.get("/services")
def services() -> Response | tuple[Response, int]:
    """Search services: `{total, page, pages, sort, understood, hits, facets, missing, alternatives}`; `hits` holds
    only true matches, `alternatives` related services offered when there are none; see README."""
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
        missing = None if result.total else missing_message(params)
    record_after_response(result)
    answer = {
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "sort": params.effective_sort,
        "degraded": result.degraded,  # answered from the database: Meilisearch is unavailable (reduced search)
        "understood": params.understood.as_dict(),
        "hits": result.hits,
        "facets": facets,
        "missing": missing,
        "alternatives": [a.as_dict() for a in result.alternatives],
    }
    if params.open_at:
        answer["unknown_hours"] = {"total": result.unknown_hours_total, "hits": result.unknown_hours}
    return jsonify(answer)
