"""Downloads of any search: /api/v1/export/services.{csv,xlsx,geojson,hsds.json,hsds.zip} take the parameters of
the results page (page and per_page aside: the whole list) and stream the file (directory/api/exports.py). The
ETag is the search and the data's version: a client that has the file gets a 304 until a fiche changes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import Blueprint, request, stream_with_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from directory.api import exports
from directory.api.http import error, protect
from directory.api.openapi import EXPORT_FORMATS
from directory.i18n import LANGUAGES, get_locale
from directory.search.query import InvalidSearch, parse_search_args
from directory.web import query_args

bp = Blueprint("api_export", __name__, url_prefix="/api/v1/export")
protect(bp)
FORMATS = "any(" + ", ".join(f'"{name}"' for name in EXPORT_FORMATS) + ")"


@bp.app_context_processor
def export_links() -> dict:
    """`export_url(fmt)` for the results page and the map: this search as a download."""
    return {"export_url": export_url, "export_formats": EXPORT_FORMATS}


def export_url(fmt: str) -> str:
    """The current search's download in `fmt`, labels in the page language."""
    args = query_args(drop=("page", "per_page", "format", "paper", "address", "ids"))
    return url_for("api_export.services", fmt=fmt, lang=get_locale(), **args)


@bp.get(f"/services.<{FORMATS}:fmt>")
def services(fmt: str) -> Response:
    """Every fiche the search finds, in the results page's order, as a file to download."""
    lang = request.args.get("lang", "") or get_locale()
    if lang not in LANGUAGES:
        return error(400, _("lang must be one of: %(langs)s.", langs=", ".join(LANGUAGES)), "lang")
    with force_locale(lang):
        try:
            params = parse_search_args(request.args, lang)
        except InvalidSearch as exc:
            return error(400, exc.message, exc.field)
    etag = exports.etag(fmt, lang, request.args)
    if request.if_none_match.contains(etag):
        return Response(status=304, headers={"ETag": f'"{etag}"', "Cache-Control": "no-cache"})
    fiches = exports.services(exports.service_ids(params))
    body: Iterator[str] | Iterator[bytes]
    if fmt == "csv":
        body = exports.csv_stream(fiches, lang)
    elif fmt == "geojson":
        body = exports.geojson_stream(fiches)
    elif fmt == "hsds.json":
        body = exports.hsds_stream(fiches)
    elif fmt == "xlsx":
        body = exports.xlsx_stream(fiches, lang)
    else:
        body = exports.hsds_zip_stream(fiches)
    name = f"services-{date.today().isoformat()}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-cache"}
    headers |= {"ETag": f'"{etag}"'}
    return Response(stream_with_context(body), mimetype=EXPORT_FORMATS[fmt][0], headers=headers)
