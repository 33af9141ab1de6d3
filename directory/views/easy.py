"""Easy-read mode for citizens (/fr/facile, /nl/eenvoudig): three screens with few choices each.

1. What do you need? (pictogram buttons)  2. Where are you? (near me, or a commune)  3. A map and a short list.
The rules applied to the wording are in docs/easy-read.md.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import ngettext
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from directory.extensions import db
from directory.i18n import get_locale, localized
from directory.maps.builder import build_map
from directory.maps.config import map_config
from directory.maps.helplines import helplines_for
from directory.maps.needs import EASY_NEEDS, filters_for, offered_needs
from directory.maps.points import search_hits
from directory.maps.widen import best_first, commune_steps, near_steps
from directory.models import Commune
from directory.search.client import MeiliError
from directory.search.query import RETRIEVED, InvalidSearch, parse_search_args

WORDS = {"fr": "facile", "nl": "eenvoudig"}
bp = Blueprint("easy", __name__, url_prefix="/<lang_code>/<any(facile, eenvoudig):easy_word>")

SHORT_LIST = 8
NEAR_RADIUS = 2000
POOL = 40  # read this many, then put the open, near and free ones first
EASY_RETRIEVED = [*RETRIEVED, "easy_description_fr", "easy_description_nl"]  # the line a service writes for cards


@bp.url_defaults
def add_word(endpoint: str, values: dict) -> None:
    """The path word follows the language: /fr/facile, /nl/eenvoudig."""
    values.setdefault("easy_word", WORDS.get(values.get("lang_code") or get_locale(), "facile"))


@bp.url_value_preprocessor
def pull_word(endpoint: str | None, values: dict | None) -> None:
    if values:
        g.easy_word = values.pop("easy_word", None)


def _communes() -> list[Commune]:
    """The 19 communes in alphabetical order of their name in the page language."""
    return sorted(db.session.scalars(select(Commune)).all(), key=lambda c: localized(c, "name").text)


def _need_or_404(need: str) -> str:
    if need not in EASY_NEEDS:
        abort(404)
    return need


@bp.get("/")
def start() -> str | Response:
    """Screen 1: what do you need?"""
    if g.easy_word != WORDS[get_locale()]:
        return redirect(url_for("easy.start"))
    return render_template("easy/start.html", needs=offered_needs())


@bp.get("/<need>")
def where(need: str) -> str:
    """Screen 2: where are you? Near me (the browser's position), or a commune from a list."""
    need = _need_or_404(need)
    return render_template("easy/where.html", need=need, label=EASY_NEEDS[need], communes=_communes())


@bp.get("/<need>/list")
def results(need: str) -> str | tuple[str, int]:
    """Screen 3: a map with big numbered markers and the short list, near a position or in a commune. When the place
    has nothing for the need, the search widens step by step (directory/maps/widen.py) and says so; helplines for
    the need come after the list, or first when nothing at all was found."""
    need = _need_or_404(need)
    lang = get_locale()
    args = request.args.to_dict()
    args = {key: args[key] for key in ("commune", "near") if args.get(key)}
    place = None
    try:
        params = parse_search_args(MultiDict(args), lang)
    except InvalidSearch:
        params = None
    if params is not None and "commune" in params.filters:
        place = db.session.get(Commune, params.filters["commune"][0])
        if place is None or len(params.filters["commune"]) > 1:
            params = None
    if params is None or (place is None and params.near is None):
        return render_template(
            "easy/where.html", need=need, label=EASY_NEEDS[need], communes=_communes(), missing_place=True
        ), 400
    params.filters.update(filters_for(need))  # sectors, or the coordination functions of "organise my care"
    steps = commune_steps(params, place) if place is not None else near_steps(params, NEAR_RADIUS)
    try:
        for step in steps:
            total, hits = search_hits(step.params, POOL, EASY_RETRIEVED)
            if hits:
                break
    except MeiliError:
        return render_template("errors/503.html"), 503
    hits = best_first(hits)[:SHORT_LIST]
    points = [
        [hit["_geo"]["lat"], hit["_geo"]["lng"], hit["id"], localized(hit, "name", lang).text, need, str(number)]
        for number, hit in enumerate(hits, start=1)
        if hit.get("_geo")
    ]
    shown = step.params
    doc = build_map(
        shown=("commune",),
        near=params.near,
        radius=shown.radius if params.near else None,
        cluster=False,
        layer_control=False,
        easy=True,
    )
    config = map_config(
        doc,
        ("commune",),
        points={"total": len(points), "points": points},
        big_markers=True,
        fit=True,
        map_label=ngettext(
            "Map: %(num)s place, numbered as in the list below, with metro and tram stops.",
            "Map: %(num)s places, numbered as in the list below, with metro and tram stops.",
            len(points),
        ),
    )
    return render_template(
        "easy/results.html",
        need=need,
        label=EASY_NEEDS[need],
        hits=hits,
        total=total,
        place=place,
        params=shown,
        step=step,
        helplines=helplines_for(need),
        for_professionals=helplines_for(need, "professional"),
        doc=doc,
        config=config,
    )
