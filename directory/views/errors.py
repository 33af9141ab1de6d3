"""Translated error pages for the whole site: 403, 404, 414 (a huge query string), 429, 500, and 503 when
Meilisearch or the database is unavailable on a page that did not handle it. Under /api/ the answer is JSON like
the API's own errors."""

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


@bp.app_errorhandler(404)
def not_found(_exc: Exception) -> tuple[Response | str, int]:
    """A translated 404 page, or JSON under /api/."""
    if request.path.startswith("/api/"):
        return _json(404, _("Not found."))
    return render_template("errors/404.html"), 404


@bp.app_errorhandler(403)
def forbidden(_exc: Exception) -> tuple[str, int]:
    return render_template("auth/error.html", code=403, message=_("You are not allowed to do this.")), 403


@bp.app_errorhandler(429)
def too_many(_exc: Exception) -> tuple[str, int]:
    return render_template("auth/error.html", code=429, message=_("Too many attempts. Please wait and retry.")), 429


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
