"""The bassin dashboard (`/fr/bassins/…`, `/nl/zorgzones/…`): the offer per sector × commune and × quartier, the
gaps on a map, completeness and freshness, candidates waiting, unmet searches and the trend, printable and as CSV.

Public figures are public; the lists of candidates and the rarely made searches (which could name a person) are
for coordinators (moderators and admins) only. The figures come from `directory.operations.dashboard` (cached).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from directory.extensions import db
from directory.i18n import get_locale, localized
from directory.labels import COVERAGE_FACT_LABELS, code_label
from directory.maps.gaps import ABSENT_FILL, CLASS_FILLS, EMPTY_FILL, PRESENT_FILL, absent_class, gaps_svg, inhabited
from directory.models import Bassin, Candidate, CandidateStatus, Commune, Quartier, Sector
from directory.operations import dashboard as figures
from directory.operations import dashboard_unmet
from directory.operations.coverage import FACTS
from directory.operations.hours import BRUSSELS
from directory.operations.population import per_10k
from directory.security import current_user

bp = Blueprint("dashboard", __name__)
WORDS = {"fr": "bassins", "nl": "zorgzones"}  # the path word in each language
PUBLIC_UNMET_MIN = 3  # an unmet search is shown publicly once made this often in the month


def _route(suffix: str) -> Callable:
    """Register the view under /fr/bassins{suffix} and /nl/zorgzones{suffix}."""

    def decorator(view: Callable) -> Callable:
        for lang, word in WORDS.items():
            bp.add_url_rule(f"/{lang}/{word}{suffix}", view_func=view, defaults={"lang_code": lang}, methods=["GET"])
        return view

    return decorator


def is_coordinator() -> bool:
    user = current_user()
    return bool(user and user.is_moderator)


def _bassin_or_404(code: str) -> Bassin:
    bassin = db.session.get(Bassin, code)
    if bassin is None:
        abort(404)
    return bassin


def _context(code: str) -> dict[str, Any]:
    """Everything the page and the CSV show for `code` ("" = the region)."""
    bassin = _bassin_or_404(code) if code else None
    data = figures.dashboard(code)
    today = datetime.now(BRUSSELS).date()
    coordinator = is_coordinator()
    unmet = dashboard_unmet.unmet_searches(code, today.replace(day=1), limit=200)
    hidden = 0
    if not coordinator:
        hidden = sum(1 for row in unmet if row["searches"] < PUBLIC_UNMET_MIN)
        unmet = [row for row in unmet if row["searches"] >= PUBLIC_UNMET_MIN]
    unmet_months = dashboard_unmet.unmet_per_month(code, today)
    return {
        "bassin": bassin,
        "code": code,
        "data": data,
        "computed": datetime.fromtimestamp(data.computed_at, BRUSSELS),
        "coordinator": coordinator,
        "unmet": unmet[:30],
        "unmet_hidden": hidden,
        "unmet_months": unmet_months,
        "unmet_total": unmet_months.get(today.strftime("%Y-%m"), 0),
        "month_start": today.replace(day=1),
        "sectors": {s.code: s for s in db.session.scalars(select(Sector))},
        "communes": {c.nis: c for c in db.session.scalars(select(Commune))},
        "quartiers": {q.code: q for q in db.session.scalars(select(Quartier))},
        "bassins": db.session.scalars(select(Bassin).order_by(Bassin.code)).all(),
    }


def _gap_fills(data: figures.Dashboard, sector: str) -> dict[str, str]:
    fills = {}
    for quartier in data.quartiers:
        if not inhabited(quartier):
            fills[quartier] = EMPTY_FILL
        elif sector:
            fills[quartier] = PRESENT_FILL if data.by_quartier.get((sector, quartier)) else ABSENT_FILL
        else:
            absent = len(data.absent_in_quartier(quartier))
            fills[quartier] = CLASS_FILLS[absent_class(absent, len(data.sectors))]
    return fills


@_route("/")
def region() -> str:
    """The dashboard of the whole region."""
    return _page("")


@_route("/<bassin>")
def bassin(bassin: str) -> str:
    """The dashboard of one bassin."""
    return _page(bassin)


def _page(code: str) -> str:
    context = _context(code)
    data = context["data"]
    sector = request.args.get("sector", "")
    if sector and sector not in context["sectors"]:
        abort(404)
    name = localized(context["bassin"], "name") if context["bassin"] else _("Brussels-Capital Region")
    if sector:
        title = _(
            "Quartiers with no fiche of the sector %(sector)s", sector=localized(context["sectors"][sector], "name")
        )
    else:
        title = _("Quartiers by the number of sectors with no fiche, %(area)s", area=name)
    candidates: list[Candidate] = []
    if context["coordinator"]:
        query = select(Candidate).where(Candidate.status == CandidateStatus.PENDING)
        if code:
            query = query.where(Candidate.bassin_code == code)
        candidates = list(db.session.scalars(query.order_by(Candidate.created_at.desc(), Candidate.id).limit(50)))
    names = context["sectors"]
    sector_order = sorted(data.sectors, key=lambda code: str(localized(names[code], "name")).casefold())
    return render_template(
        "dashboard/page.html",
        sector_order=sector_order,
        name=name,
        sector=sector,
        gaps_map=gaps_svg(_gap_fills(data, sector), title, bassin=code),
        map_title=title,
        class_fills=CLASS_FILLS,
        absent_fill=ABSENT_FILL,
        present_fill=PRESENT_FILL,
        facts=FACTS,
        fact_labels=COVERAGE_FACT_LABELS,
        per_10k=per_10k,
        format_decimal=format_decimal,
        public_unmet_min=PUBLIC_UNMET_MIN,
        candidate_list=candidates,
        inhabited=inhabited,
        **context,
    )


@_route("/<bassin>.csv")
def bassin_csv(bassin: str) -> Response:
    return _csv(bassin)


@_route("/region.csv")
def region_csv() -> Response:
    return _csv("")


def _safe(value: object) -> object:
    """A cell a spreadsheet would run as a formula is neutralised with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_rows(context: dict[str, Any]) -> Iterator[list[object]]:
    """Long format: one figure per row (section, area level and code, area name, sector, value, per 10,000...)."""
    lang = get_locale()
    data: figures.Dashboard = context["data"]
    sector_name = {code: localized(s, "name") for code, s in context["sectors"].items()}
    date_text = data.population_date.isoformat() if data.population_date else ""
    yield ["section", "area_level", "area_code", "area_name", "sector_code", "sector_name", "value", "per_10000",
           "population", "population_date"]  # fmt: skip
    for sector in data.sectors:
        for nis in data.communes:
            count = data.by_commune.get((sector, nis), 0)
            population = data.population.get(nis)
            yield ["fiches", "commune", nis, localized(context["communes"][nis], "name"), sector, sector_name[sector],
                   count, per_10k(count, population) if population else "", population or "", date_text]  # fmt: skip
        for quartier in data.quartiers:
            count = data.by_quartier.get((sector, quartier), 0)
            yield ["fiches", "quartier", quartier, localized(context["quartiers"][quartier], "name"), sector,
                   sector_name[sector], count, "", "", ""]  # fmt: skip
    for sector, cell in sorted(data.coverage.items()):
        for fact in FACTS:
            share = cell.share(fact)
            yield ["share_with_" + fact, "bassin" if context["code"] else "region", context["code"], "", sector,
                   sector_name.get(sector, ""), "" if share is None else round(share, 3), "", "", ""]  # fmt: skip
    if not context["code"]:  # the region's total: distinct fiches (one in two bassins counts once)
        yield ["stale_fiches", "region", "", "", "", "", data.stale_total, "", "", ""]
    for code, count in sorted(data.stale.items()):
        yield ["stale_fiches", "bassin", code, code_label("bassin", code, lang) if code else "", "", "", count,
               "", "", ""]  # fmt: skip
    for nis, count in sorted(data.candidates_by_commune.items()):
        name = localized(context["communes"][nis], "name") if nis in context["communes"] else ""
        yield ["candidates_waiting", "commune", nis, name, "", "", count, "", "", ""]
    for row in data.trend:
        yield ["fiches_created", "month", row["month"], "", "", "", row["created"], "", "", ""]
        yield ["fiches_checked", "month", row["month"], "", "", "", row["verified"], "", "", ""]
    for month, count in context["unmet_months"].items():
        yield ["unmet_searches", "month", month, "", "", "", count, "", "", ""]
    for row in context["unmet"]:
        yield ["unmet_search", "query", row["lang"], _safe(row["query"]), "", "", row["searches"], "", "", ""]


def _csv(code: str) -> Response:
    context = _context(code)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _csv_rows(context):
        writer.writerow([_safe(cell) for cell in row])
    name = f"dashboard-{code or 'region'}.csv"
    return Response(
        "\ufeff" + out.getvalue(),  # a BOM, so that spreadsheets read UTF-8 accents
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, max-age=60"},
    )
