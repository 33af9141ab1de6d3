"""Thin blueprints. Language-prefixed pages (`/fr/...`, `/nl/...`) share the `lang_code` URL handling here."""

from __future__ import annotations

import secrets
from importlib import import_module
from urllib.parse import urlsplit

from flask import Flask, current_app, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from directory.i18n import LANGUAGES, get_locale, localized, other_language

# Each module exposes `bp`; add new page modules here.
BLUEPRINT_MODULES = ("directory.views.public", "directory.views.api", "directory.views.errors")
BLUEPRINT_MODULES += ("directory.views.maps", "directory.views.easy", "directory.views.printing")
BLUEPRINT_MODULES += tuple(f"directory.views.{name}" for name in ("auth", "edit", "moderation", "reports"))
BLUEPRINT_MODULES += ("directory.views.health", "directory.views.coordination")
BLUEPRINT_MODULES += tuple(f"directory.views.{n}" for n in ("selfserve", "propose", "selfserve_review", "campaigns"))


def init_app(app: Flask) -> None:
    """Register blueprints, language-prefix handling, template helpers and security headers."""
    for name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(name).bp)

    @app.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict | None) -> None:
        if values and "lang_code" in values:
            g.lang_code = values.pop("lang_code")

    @app.url_defaults
    def add_lang(endpoint: str, values: dict) -> None:
        if "lang_code" not in values and app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
            values["lang_code"] = get_locale()

    @app.before_request
    def reject_unknown_language() -> Response | None:
        lang = g.get("lang_code")
        if lang is not None and lang not in LANGUAGES:
            from flask import abort

            abort(404)
        return None

    @app.get("/")
    def root() -> Response:
        return redirect(url_for("public.home", lang_code=get_locale()))

    app.jinja_env.globals.update(
        has_endpoint=lambda name: name in app.view_functions,
        current_locale=get_locale,
        localized=localized,
        switch_language_url=switch_language_url,
        other_language=other_language,
        csp_nonce=csp_nonce,
        LANGUAGES=LANGUAGES,
    )
    app.after_request(security_headers)
    app.register_error_handler(404, not_found)
    from directory import presenters

    presenters.init_app(app)


def not_found(_exc: Exception) -> tuple[Response | str, int]:
    """A translated 404 page, or JSON under /api/."""
    if request.path.startswith("/api/"):
        from flask import jsonify
        from flask_babel import gettext as _

        return jsonify({"error": {"status": 404, "field": None, "message": _("Not found.")}}), 404
    return render_template("errors/404.html"), 404


def query_args(drop: tuple[str, ...] = (), **changes: str | None) -> dict[str, list[str]]:
    """The request's known query parameters as `url_for` keywords, without `drop`, with `changes` (None removes).
    Unknown keys are left out: `url_for` would take `_external`, `endpoint` or `lang_code` as its own."""
    from directory.search.settings import FACETS

    known = {"q", "near", "radius", "page", "per_page", "address", "paper", "format", "ids", *FACETS}
    args = {k: v for k, v in request.args.to_dict(flat=False).items() if k in known and k not in drop}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [value]
    return args


def switch_language_url(lang: str) -> str:
    """The current page in `lang`, keeping the query string."""
    endpoint = request.endpoint
    if endpoint and current_app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
        return url_for(endpoint, **(request.view_args or {}), lang_code=lang, **query_args())
    return url_for("public.home", lang_code=lang)


def csp_nonce() -> str:
    """A per-request nonce for the few inline scripts we emit (folium maps)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def security_headers(response: Response) -> Response:
    """Content-Security-Policy that allows no third-party host except the configured tile server."""
    tile = current_app.config.get("TILE_URL") or ""
    tile_origin = ""
    if tile:
        parts = urlsplit(tile)
        tile_origin = f" {parts.scheme}://{parts.netloc.replace('{s}', '*')}"
    nonce = f" 'nonce-{g.csp_nonce}'" if "csp_nonce" in g else ""
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; "
        f"script-src 'self'{nonce}; "
        "style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data: blob:{tile_origin}; "
        "font-src 'self'; connect-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
