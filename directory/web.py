"""Request-level wiring and helpers shared by the views: the `/fr`, `/nl` prefix, query strings, security headers.

`init_app` is called by the factory; views import the helpers from here, never from each other.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, redirect, request, url_for
from werkzeug.wrappers import Response

from directory.i18n import LANGUAGES, get_locale

if TYPE_CHECKING:
    from directory.models import Bassin


def init_app(app: Flask) -> None:
    """Language prefix handling, the root redirect and the security headers."""

    @app.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict | None) -> None:
        if values and "lang_code" in values:
            g.lang_code = values.pop("lang_code")

    @app.url_defaults
    def add_lang(endpoint: str, values: dict) -> None:
        if "lang_code" not in values and app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
            values["lang_code"] = get_locale()

    @app.before_request
    def reject_unknown_language() -> None:
        lang = g.get("lang_code")
        if lang is not None and lang not in LANGUAGES:
            abort(404)

    @app.get("/")
    def root() -> Response:
        return redirect(url_for("public.home", lang_code=get_locale()))

    app.after_request(security_headers)


def bassin_arg() -> tuple[str | None, Bassin | None]:
    """The ?bassin=CODE of a moderators' page per bassin: (None, None) without one; ("none", None) for the fiches
    outside every bassin; else the code and its bassin (404 for an unknown code)."""
    from directory.extensions import db
    from directory.models import Bassin

    code = request.args.get("bassin")
    if not code or code == "none":
        return code, None
    return code, db.get_or_404(Bassin, code)


def query_args(drop: tuple[str, ...] = (), **changes: str | None) -> dict[str, Any]:
    """The request's known query parameters as `url_for` keywords, without `drop`, with `changes` (None removes).
    Unknown keys are left out: `url_for` would take `_external`, `endpoint` or `lang_code` as its own."""
    from directory.search.settings import FACETS

    known = {"q", "near", "radius", "page", "per_page", "address", "paper", "format", "ids", "not", "sort", "open"}
    known |= {"sheet_lang"}  # the referral sheet's fixed words in English
    known |= {"open_at", *FACETS}
    args = {
        k: kept
        for k, v in request.args.to_dict(flat=False).items()
        if k in known and k not in drop
        if (kept := [x for x in v if x])
    }
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [value]
    return args


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
