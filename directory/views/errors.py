"""Translated error pages for the whole site: 403, 404, 429, 500, and 503 whenever Meilisearch is unreachable on
a page that did not handle it. Under /api/ the answer is JSON like the API's own errors (404, 500, 503)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from directory.search.client import MeiliError

bp = Blueprint("errors", __name__)


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


@bp.app_errorhandler(MeiliError)
def search_unavailable(_exc: MeiliError) -> tuple[Response | str, int]:
    """Search is down: say so in the page language and invite to retry (never a bare 500)."""
    if request.path.startswith("/api/"):
        return _json(503, _("Search is temporarily unavailable. Please try again in a minute."))
    return render_template("errors/503.html"), 503


@bp.app_errorhandler(500)
def internal_error(_exc: Exception) -> tuple[Response | str, int]:
    """An unexpected error: a translated apology rather than the server's default page."""
    if request.path.startswith("/api/"):
        return _json(500, _("Unexpected error. Please try again later."))
    return render_template("errors/500.html"), 500
