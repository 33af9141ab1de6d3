"""Coordinators' coverage page: per sector (rows) in one bassin or all, fiches, candidates and the share of fiches
with each fact."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select

from directory.extensions import db
from directory.labels import COVERAGE_FACT_LABELS
from directory.models import Bassin, Sector
from directory.operations.coverage import FACTS, NONE, coverage, totals
from directory.security import moderator_required

bp = Blueprint("coverage", __name__, url_prefix="/<lang_code>/coordination/coverage")


@bp.get("/")
@moderator_required
def page() -> str:
    """?bassin=CODE for one bassin ("none": fiches without a known bassin); all bassins by default."""
    code = request.args.get("bassin", "")
    bassins = db.session.scalars(select(Bassin).order_by(Bassin.code)).all()
    if code and code != NONE and code not in {b.code for b in bassins}:
        abort(404)
    table = coverage()
    if code:
        table = {key: cell for key, cell in table.items() if key[1] == code}
    rows = totals(table, 0)
    sectors = {s.code: s for s in db.session.scalars(select(Sector))}
    ordered = sorted(rows.items(), key=lambda item: (item[0] == NONE, -item[1].fiches - item[1].candidates))
    return render_template(
        "coordination/coverage.html",
        rows=ordered,
        sectors=sectors,
        bassins=bassins,
        bassin_names={b.code: b for b in bassins},
        code=code,
        facts=FACTS,
        fact_labels=COVERAGE_FACT_LABELS,
        by_bassin=sorted(totals(coverage(), 1).items()),
    )
