"""Paper: the printable map of an area (/<lang>/print/map) and the referral sheet for a person (/<lang>/sheet).

Both are HTML pages with a print stylesheet (`@page` A4 or A3); `format=pdf` renders the same page to PDF.
"""

from __future__ import annotations

import re
from contextlib import nullcontext

import segno
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response

from directory.extensions import db
from directory.i18n import get_locale, localized
from directory.labels import code_label
from directory.maps.coverage import cover_area
from directory.maps.needs import need_of
from directory.maps.points import search_hits
from directory.maps.svg import BUS_LEVELS, Paper, PaperMarker, area_geometry, area_map_svg
from directory.models import Service
from directory.models.services import whole_service
from directory.operations.pdf import html_to_pdf, render_pdf
from directory.presenters import MAX_SHEET, fiche_url
from directory.search.client import MeiliError
from directory.search.query import RETRIEVED, InvalidSearch, SearchParams, parse_search_args
from directory.security import rate_limit
from directory.sharing import SheetLink, decode, encode
from directory.web import query_args

bp = Blueprint("printing", __name__, url_prefix="/<lang_code>")
short_bp = Blueprint("short", __name__)  # /s/<code>: a sheet's short link, without a language prefix
SHEET_LANGUAGES = ("en",)  # the sheet's fixed words may also be in English (sheet_lang=en); content stays FR/NL

PAPER_LIMITS = {"a4": 12, "a3": 24}  # numbered entries beside the map on one sheet (tests/test_printing.py)
PAPER_ROWS = {"a4": 3, "a3": 4}  # entries per row of the list (static/css/print.css): a PDF too long loses a row
# The map's printed width and highest height (static/css/print.css: page content width, .paper-map max-height).
PAPERS = {"a4": Paper(186, 84), "a3": Paper(269, 160)}
POOL = 400  # services read to choose those that cover the area


def _respond(template: str, filename: str, status: int = 200, **context: object) -> Response | tuple[str, int]:
    """The print page as HTML, or as a PDF download with `format=pdf`."""
    html = render_template(template, **context)
    if request.args.get("format") != "pdf" or status != 200:
        return html, status
    rate_limit("pdf", current_app.config["RATE_LIMIT_PDF"])
    db.session.commit()
    response = Response(html_to_pdf(html, request.host_url), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


def _this_page(**changes: str | None) -> str:
    """This print page's URL with some parameters changed (paper size, PDF)."""
    return url_for(request.endpoint or "", **query_args((), **changes))


@bp.get("/print/map")
def print_map() -> Response | tuple[str, int]:
    """A numbered map of one commune, quartier or bassin with the list of its services, for A4 or A3."""
    lang = get_locale()
    paper = request.args.get("paper", "a4")
    error, area = None, None
    try:
        params = parse_search_args(request.args, lang)
        if paper not in PAPER_LIMITS:
            raise InvalidSearch("paper", _("Choose A4 or A3."))
        area = params.single_area()
        if area is None:
            raise InvalidSearch("area", _("A printed map is about one area: choose one commune, quartier or bassin."))
    except InvalidSearch as exc:
        error = exc.message
    if error or area is None:
        return render_template("print/map.html", error=error, entries=[], paper="a4"), 400
    try:
        total, pool = search_hits(params, POOL, RETRIEVED)
    except MeiliError:
        return render_template("errors/503.html"), 503
    level, code = area
    if area_geometry(level, code) is None:
        abort(404)  # an unknown commune, quartier or bassin (or one without a polygon to draw)
    limit = PAPER_LIMITS[paper]
    html = _map_page(params, level, code, paper, total, pool, limit)
    if request.args.get("format") != "pdf":
        return html, 200
    rate_limit("pdf", current_app.config["RATE_LIMIT_PDF"])
    db.session.commit()
    pages, pdf = render_pdf(html, request.host_url)
    while pages > 1 and limit > PAPER_ROWS[paper]:  # unusually long entries: one row fewer, still one sheet
        limit -= PAPER_ROWS[paper]
        pages, pdf = render_pdf(_map_page(params, level, code, paper, total, pool, limit), request.host_url)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="map-{code}-{paper}.pdf"'
    return response


def _map_page(params: SearchParams, level: str, code: str, paper: str, total: int, pool: list[dict], limit: int) -> str:
    """The print page of an area with at most `limit` services chosen from `pool` to cover it."""
    lang = params.lang
    hits = cover_area(pool, limit)
    hits.sort(key=lambda hit: localized(hit, "name", lang).text.lower())
    entries = [(number, hit, need_of(hit.get("sector"))) for number, hit in enumerate(hits, start=1)]
    area_name = code_label(level, code, lang)
    title = _("Social and health services — %(area)s", area=area_name)
    markers = [
        PaperMarker(number, hit["_geo"]["lat"], hit["_geo"]["lng"], need)
        for number, hit, need in entries
        if hit.get("_geo")
    ]
    online = url_for("maps.map_view", **query_args(drop=("paper", "format")), _external=True)
    return render_template(
        "print/map.html",
        title=title,
        area_name=area_name,
        area_code=code,
        sectors=[code_label("sector", s, lang) for s in params.filters.get("sector", [])],
        svg=area_map_svg(
            level,
            code,
            markers,
            title,
            width=1400 if paper == "a3" else 1000,
            lang=lang,
            paper=PAPERS[paper],
            tile_url=current_app.config.get("TILE_URL") or "",
            tile_timeout=current_app.config.get("TILE_TIMEOUT", 5.0),
        ),
        entries=entries,
        total=total,
        tiles=bool(current_app.config.get("TILE_URL")),
        bus_lines=level in BUS_LEVELS,
        online_url=online,
        online_qr=qr_svg(online),
        paper=paper,
        pdf_url=_this_page(format="pdf"),
        paper_urls={size: _this_page(paper=size) for size in PAPER_LIMITS},
        error=None,
    )


def _sheet_ids(raw: list[str]) -> list[int]:
    ids: list[int] = []
    for value in ",".join(raw).split(","):
        value = value.strip()
        if not value:
            continue
        if not re.fullmatch(r"\d{1,10}", value):
            raise InvalidSearch("ids", _("“%(value)s” is not a service number.", value=value[:20]))
        if int(value) not in ids:
            ids.append(int(value))
    if not ids:
        raise InvalidSearch("ids", _("Choose at least one service for the sheet."))
    if len(ids) > MAX_SHEET:
        raise InvalidSearch("ids", _("A sheet holds at most %(n)s services.", n=MAX_SHEET))
    return ids


def qr_svg(url: str) -> Markup:
    """An inline SVG QR code of `url` (dark modules on white, quiet zone kept)."""
    return Markup(segno.make(url, error="m").svg_inline(scale=3, dark="#000", light="#fff"))


@bp.get("/sheet")
def sheet() -> Response | tuple[str, int]:
    """One A4 page for a person: one to five services with address, this week's hours, phone, what to bring,
    cost, how to get there, pictograms and a QR code to the fiche; in the page language, or with its fixed words in
    English (`sheet_lang=en`) for a person who reads neither French nor Dutch (the services' own texts stay in
    French or Dutch). A short link, its QR code, e-mail and SMS pass it on without printing. Nothing is stored."""
    english = request.args.get("sheet_lang") in SHEET_LANGUAGES
    try:
        ids = _sheet_ids(request.args.getlist("ids"))
    except InvalidSearch as exc:
        return render_template("print/sheet.html", error=exc.message, entries=[]), 400
    found = db.session.scalars(select(Service).where(Service.id.in_(ids)).options(*whole_service())).all()
    by_id = {s.id: s for s in found if s.status != "inactive"}
    services = [by_id[i] for i in ids if i in by_id]
    if not services:
        return render_template(
            "print/sheet.html", error=_("These services are not in the directory."), services=[]
        ), 404
    entries = [
        (service, need_of([s.code for s in service.sectors]), qr_svg(fiche_url(service, _external=True)))
        for service in services
    ]
    # The sheet itself: with English fixed words, every gettext, date and day name in it is English (the source
    # language of the catalogs, so there is no third catalog to keep in step); content keeps the page language.
    with force_locale("en") if english else nullcontext():
        body = render_template(
            "print/_sheet_body.html",
            entries=entries,
            missing=len(ids) - len(services),
            words="en" if english else get_locale(),
        )
    short_url = url_for(
        "short.short_link",
        code=encode(SheetLink(get_locale(), tuple(s.id for s in services), english)),
        _external=True,
    )
    return _respond(
        "print/sheet.html",
        "sheet",
        body=Markup(body),
        entries=entries,
        english=english,
        pdf_url=_this_page(format="pdf"),
        words_urls={"": _this_page(sheet_lang=None), "en": _this_page(sheet_lang="en")},
        short_url=short_url,
        short_qr=qr_svg(short_url),
        error=None,
    )


@short_bp.get("/s/<code>")
def short_link(code: str) -> Response:
    """A sheet's short link (directory/sharing.py): the code holds the language and the ids, nothing is looked up."""
    link = decode(code)
    if link is None:
        abort(404)
    ids = ",".join(str(i) for i in link.ids)
    if link.english:
        return redirect(url_for("printing.sheet", lang_code=link.lang, ids=ids, sheet_lang="en"))
    return redirect(url_for("printing.sheet", lang_code=link.lang, ids=ids))
