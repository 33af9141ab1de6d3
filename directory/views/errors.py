"""Translated error pages: 500, and 503 whenever Meilisearch is unreachable on a page that did not handle it.

(404 is registered in `directory.views`.) Under /api/ the answer is JSON like the API's own errors.
"""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from werkzeug.wrappers import Response

from directory.extensions import db
from directory.search.client import MeiliError

bp = Blueprint("errors", __name__)
log = logging.getLogger(__name__)
MAX_QUERY_STRING = 4096  # bytes


def _json(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": {"status": status, "field": None, "message": message}}), status


@bp.before_app_request
def refuse_huge_query_string() -> tuple[Response | str, int] | None:
    """A query string longer than any form makes (gunicorn refuses request lines over 4 KB anyway) is refused
    before anything echoes it back (language links, forms)."""
    if len(request.query_string) <= MAX_QUERY_STRING:
        return None
    message = _("This address is too long. Please shorten your search.")
    if request.path.startswith("/api/"):
        return _json(414, message)
    return Response(message, 414, mimetype="text/plain"), 414


@bp.app_errorhandler(MeiliError)
def search_unavailable(_exc: MeiliError) -> tuple[Response | str, int]:
    """Search is down: say so in the page language and invite to retry (never a bare 500)."""
    if request.path.startswith("/api/"):
        return _json(503, _("Search is temporarily unavailable. Please try again in a minute."))
    return render_template("errors/503.html"), 503


@bp.app_errorhandler(OperationalError)
def database_unavailable(exc: OperationalError) -> tuple[Response | str, int, dict]:
    """The database is locked, read-only, full or gone: a translated 503 (nothing half-saved: the transaction is
    rolled back), logged with the request id for the operator."""
    db.session.rollback()
    log.error("database unavailable: %s", exc.orig)
    retry = {"Retry-After": "30"}
    if request.path.startswith("/api/"):
        return *_json(503, _("The directory is temporarily unavailable. Please try again in a minute.")), retry
    return render_template("errors/database.html", saving=request.method != "GET"), 503, retry


@bp.app_errorhandler(500)
def internal_error(_exc: Exception) -> tuple[Response | str, int]:
    """An unexpected error: a translated apology rather than the server's default page."""
    if request.path.startswith("/api/"):
        return _json(500, _("Unexpected error. Please try again later."))
    return render_template("errors/500.html"), 500
