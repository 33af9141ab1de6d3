"""The embeddable widget: a search box and a list of services that another site (a bassin's, an association's)
puts on its pages with one script and one HTML snippet, pre-filtered by bassin, commune or sector.

- static/js/widget.js builds the box inside each `<div data-qfq-widget>` of the page and calls the public API
  (CORS, no cookies); its labels come from /api/v1/widget in the language of `data-lang` (fr or nl), so every
  string stays in the Babel catalogs;
- /<lang>/widget documents it with a live example and builds the snippet from the filters chosen (a GET form: the
  snippet is written by the server, the copy button is the only script of the page besides the widget)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from directory.api.http import conditional, invalid, protect
from directory.extensions import db
from directory.i18n import LANGUAGES, get_locale
from directory.models import Bassin, Commune, Sector

bp = Blueprint("widget", __name__, url_prefix="/<lang_code>")
api_bp = Blueprint("api_widget", __name__, url_prefix="/api/v1")
protect(api_bp)

FILTERS = ("bassin", "commune", "sector")


def labels() -> dict[str, str]:
    """The widget's texts in the current language ({n} is replaced by the number of services)."""
    return {
        "title": _("Find a social or health service"),
        "search_label": _("Search a service, a need or a place"),
        "placeholder": _("e.g. medical centre, food aid, psychologist"),
        "submit": _("Search"),
        "results": _("Services found"),
        "loading": _("Searching…"),
        "none": _("No service found. Try other words."),
        "one": _("1 service found."),
        "many": _("{n} services found; the first {shown} are listed."),
        "all": _("{n} services found."),
        "error": _("The directory does not answer right now. Please try again later."),
        "more": _("See all the results on Who does what in Brussels"),
        "source": _("Data: Qui fait quoi / Wie doet wat, the directory of social and health services in Brussels"),
        "phone": _("Phone"),
    }


@api_bp.get("/widget")
def widget_labels() -> Response:
    """The widget's texts in `lang` (fr or nl) and where its links lead."""
    lang = request.args.get("lang", "") or get_locale()
    if lang not in LANGUAGES:
        invalid("lang")
    with force_locale(lang):
        texts = labels()
    search = url_for("public.search", lang_code=lang, _external=True)
    return conditional({"lang": lang, "labels": texts, "search_url": search})


def _choices() -> dict[str, list[tuple[str, str]]]:
    lang = get_locale()
    name = f"name_{lang}"
    rows: dict[str, Any] = {
        "bassin": db.session.scalars(select(Bassin)).all(),
        "commune": db.session.scalars(select(Commune)).all(),
        "sector": db.session.scalars(select(Sector)).all(),
    }
    keys = {"bassin": "code", "commune": "nis", "sector": "code"}
    return {
        kind: sorted(((getattr(row, keys[kind]), getattr(row, name)) for row in items), key=lambda pair: pair[1])
        for kind, items in rows.items()
    }


@bp.get("/widget")
def page() -> str:
    """How to put the widget on a site: a live example and the snippet for the filters chosen."""
    choices = _choices()
    chosen = {kind: request.args.get(kind, "") for kind in FILTERS}
    chosen = {kind: value for kind, value in chosen.items() if value in {code for code, _n in choices[kind]}}
    widget_lang = request.args.get("widget_lang", get_locale())
    if widget_lang not in LANGUAGES:
        widget_lang = get_locale()
    script = url_for("static", filename="js/widget.js", _external=True)
    return render_template("public/widget.html", choices=choices, chosen=chosen, widget_lang=widget_lang, script=script)
