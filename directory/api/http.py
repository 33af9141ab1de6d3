"""What every API blueprint shares: JSON errors with a translated message, a per-client rate limit (429 in
JSON), CORS for reads, and conditional answers (ETag, Last-Modified, 304)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NoReturn

from flask import Blueprint, abort, current_app, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from directory.extensions import csrf, db
from directory.search.params import InvalidSearch, whole_number
from directory.security import rate_limit_reads

MAX_PER_PAGE = 100
MAX_PAGES = 1_000_000  # beyond any list the API holds; keeps offsets far from 64-bit overflow
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Retry-After",
    "Access-Control-Max-Age": "86400",
}


def error(status: int, message: str, field: str | None = None, headers: dict | None = None) -> Response:
    """`{"error": {status, field, message}}` with the HTTP status."""
    response = jsonify({"error": {"status": status, "field": field, "message": message}})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def messages() -> dict[int, str]:
    """The translated message of each HTTP error an API client may meet."""
    return {
        400: _("Invalid request."),
        404: _("Not found."),
        405: _("This method is not allowed here: the API only reads."),
        429: _("Too many requests: wait a minute and try again."),
    }


def http_error(exc: HTTPException) -> Response:
    """Any HTTP error of an API route as JSON; 429 says when to retry."""
    status = exc.code or 500
    headers = {"Retry-After": str(current_app.config["RATE_LIMIT_API"][1])} if status == 429 else None
    return error(status, messages().get(status, _("Unexpected error. Please try again later.")), headers=headers)


def int_arg(name: str, default: int | None, low: int, high: int) -> int | None:
    """The whole number `name` of the query string, from `low` to `high` (`default` when absent); a JSON 400 naming
    the parameter, with the search form's translated message, when it is not one."""
    try:
        return whole_number(request.args, name, default, low, high)
    except InvalidSearch as exc:
        abort(error(400, exc.message, exc.field))


def page_args(max_per_page: int = MAX_PER_PAGE) -> tuple[int, int]:
    """`page` (1–MAX_PAGES) and `per_page` (1–`max_per_page`) from the query string: a JSON 400 when not whole
    numbers in range (a huge page would overflow the database's integers)."""
    page = int_arg("page", 1, 1, MAX_PAGES)
    per_page = int_arg("per_page", 20, 1, max_per_page)
    return page or 1, per_page or 20


def invalid(field: str) -> NoReturn:
    """Stop with a JSON 400 naming the query parameter `field`."""
    abort(error(400, _("Invalid value for the parameter %(name)s.", name=field), field))


def last_modified(*values: datetime | None) -> datetime | None:
    """The latest of `values` (naive datetimes are UTC)."""
    known = [v if v.tzinfo else v.replace(tzinfo=UTC) for v in values if v is not None]
    return max(known) if known else None


def data_changed_at(*models: Any) -> datetime | None:
    """The last change of any row of `models` (their `updated_at`)."""
    return last_modified(*(db.session.scalar(select(func.max(model.updated_at))) for model in models))


def conditional(payload: Any, changed: datetime | None = None) -> Response:
    """A JSON answer with an ETag (and Last-Modified when known); 304 when the client already has it."""
    response = jsonify(payload)
    if changed is not None:
        response.last_modified = changed
    response.add_etag()
    response.headers["Cache-Control"] = "public, max-age=60"
    return response.make_conditional(request)


def protect(bp: Blueprint) -> None:
    """Register the rate limit, CORS, OPTIONS answers and JSON errors on an API blueprint."""
    csrf.exempt(bp)

    @bp.before_request
    def limit() -> Response | None:
        if request.method == "OPTIONS":
            return Response(status=204, headers=CORS_HEADERS)
        rate_limit_reads("api", current_app.config["RATE_LIMIT_API"])  # the hit is written after the response
        return None

    @bp.after_request
    def cors(response: Response) -> Response:
        response.headers.update({k: v for k, v in CORS_HEADERS.items() if k != "Access-Control-Max-Age"})
        return response

    bp.register_error_handler(HTTPException, http_error)
    for code in messages():  # the application's own handlers of these codes (HTML pages) would win otherwise
        bp.register_error_handler(code, http_error)
