"""Coordinators' pages: the candidates queue per bassin (list, map), one candidate beside its likely duplicate,
and the three decisions (publish, merge, dismiss, also in bulk). Moderators and admins are the coordinators.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from werkzeug.wrappers import Response

from directory import fields
from directory.extensions import db
from directory.forms import EmptyForm
from directory.i18n import get_locale
from directory.maps.svg import PaperMarker, area_map_svg
from directory.models import Bassin, Candidate, CandidateStatus, Sector, Service
from directory.operations import candidate_decisions as decisions
from directory.operations import validation as v
from directory.operations.editing import current_values
from directory.security import current_user, database_id, moderator_required

bp = Blueprint("candidates", __name__, url_prefix="/<lang_code>/coordination/candidates")
PAGE = 100
NO_BASSIN = "none"
STATUS_LABELS = {
    CandidateStatus.PENDING: _l("To review"),
    CandidateStatus.PUBLISHED: _l("Published"),
    CandidateStatus.MERGED: _l("Merged into a fiche"),
    CandidateStatus.DISMISSED: _l("Dismissed"),
}
bp.add_app_template_global(lambda status: str(STATUS_LABELS.get(status, status)), "candidate_status_label")
bp.add_app_template_global(lambda key: str(fields.label(key)), "field_label")


def _candidate_or_404(candidate_id: int) -> Candidate:
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None:
        abort(404)
    return candidate


def _queue_query(bassin: str, status: str, source: str = "") -> Select[tuple[Candidate]]:
    query = select(Candidate).where(Candidate.status == status)
    if bassin == NO_BASSIN:
        query = query.where(Candidate.bassin_code.is_(None))
    elif bassin:
        query = query.where(Candidate.bassin_code == bassin)
    if source:
        query = query.where(Candidate.source == source)
    return query.order_by(Candidate.commune_nis, Candidate.name_fr, Candidate.id)


def _filters() -> tuple[str, str, str]:
    bassin = request.args.get("bassin", "")
    status = request.args.get("status", CandidateStatus.PENDING.value)
    if status not in {s.value for s in CandidateStatus}:
        abort(404)
    return bassin, status, request.args.get("source", "")


def _counts() -> dict[str | None, int]:
    rows = db.session.execute(
        select(Candidate.bassin_code, func.count())
        .where(Candidate.status == CandidateStatus.PENDING)
        .group_by(Candidate.bassin_code)
    )
    return {code: count for code, count in rows}


@bp.get("/")
@moderator_required
def queue() -> str:
    """The queue of one bassin (?bassin=CODE, "none" for candidates without one), by status and source."""
    bassin, status, source = _filters()
    candidates = db.session.scalars(_queue_query(bassin, status, source).limit(PAGE)).all()
    sources = db.session.scalars(select(Candidate.source).distinct().order_by(Candidate.source)).all()
    return render_template(
        "coordination/candidates.html",
        candidates=candidates,
        bassins=db.session.scalars(select(Bassin).order_by(Bassin.code)).all(),
        counts=_counts(),
        bassin=bassin,
        status=status,
        source=source,
        sources=sources,
        statuses=[s.value for s in CandidateStatus],
        form=EmptyForm(),
    )


@bp.get("/map")
@moderator_required
def map_view() -> str:
    """Numbered markers of the located candidates of a bassin, on a static map (no script, prints well)."""
    bassin, status, source = _filters()
    if not bassin or bassin == NO_BASSIN or db.session.get(Bassin, bassin) is None:
        abort(404)
    candidates = db.session.scalars(_queue_query(bassin, status, source).limit(PAGE)).all()
    located = [c for c in candidates if c.lat is not None]
    markers = [PaperMarker(number, c.lat, c.lon) for number, c in enumerate(located, start=1)]  # type: ignore[arg-type]
    svg = area_map_svg("bassin", bassin, markers, _("Candidates of the bassin"), lang=get_locale())
    return render_template(
        "coordination/candidates_map.html",
        svg=svg,
        located=located,
        unlocated=len(candidates) - len(located),
        bassin=db.session.get(Bassin, bassin),
        status=status,
    )


def _next_pending(candidate: Candidate) -> Candidate | None:
    """The next pending candidate of the same bassin, in queue order, to keep working through the queue."""
    query = _queue_query(candidate.bassin_code or NO_BASSIN, CandidateStatus.PENDING.value)
    return db.session.scalars(query.where(Candidate.id != candidate.id).limit(1)).first()


def _after_decision(candidate: Candidate) -> Response:
    following = _next_pending(candidate)
    if following is not None:
        return redirect(url_for("candidates.candidate", candidate_id=following.id))
    return redirect(url_for("candidates.queue", bassin=candidate.bassin_code or NO_BASSIN))


@bp.get("/<int:candidate_id>")
@moderator_required
def candidate(candidate_id: int) -> str:
    """The candidate beside its likely duplicate, with the publish, merge and dismiss forms."""
    item = _candidate_or_404(candidate_id)
    proposed = decisions.proposed_values(item)
    duplicate = current_values(item.duplicate) if item.duplicate is not None else None
    return render_template(
        "coordination/candidate.html",
        candidate=item,
        proposed=proposed,
        duplicate=duplicate,
        sectors=db.session.scalars(select(Sector).order_by(Sector.code)).all(),
        following=_next_pending(item),
        errors=[],
        form=EmptyForm(),
    )


def _publish_changes(form: dict, proposed: dict) -> tuple[dict, list[str]]:
    """The coordinator's values from the publish form, cleaned; (changes, error messages)."""
    errors: list[str] = []
    changes: dict = {"sectors": sorted(set(request.form.getlist("sectors")))}
    if not changes["sectors"]:
        errors.append(_("Choose at least one sector."))
    for key in ("name_fr", "name_nl", "location.street_fr", "location.street_nl", "location.house_number"):
        changes[key] = form.get(key, "").strip()[:200]
    if not (changes["name_fr"] or changes["name_nl"]):
        errors.append(_("Give a name in French or in Dutch."))
    changes["location.postcode"] = form.get("location.postcode", "").strip()[:4]
    cleaners = {"phones": v.clean_phone, "email": v.clean_email, "website": v.clean_url, "opening_hours": v.clean_hours}
    for key, fn in cleaners.items():
        raw = form.get(key, "").strip()
        try:
            if key == "phones":
                changes[key] = [fn(p.strip()) for p in raw.split("|") if p.strip()]
            else:
                changes[key] = fn(raw) if raw else ("" if key != "opening_hours" else None)
        except v.Invalid as exc:
            errors.append(_(exc.reason, **exc.params))
    return changes, errors


@bp.post("/<int:candidate_id>/publish")
@moderator_required
def publish(candidate_id: int) -> Response | tuple[str, int]:
    item = _candidate_or_404(candidate_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if item.status != CandidateStatus.PENDING:
        abort(409)
    proposed = decisions.proposed_values(item)
    changes, errors = _publish_changes(request.form, proposed)
    if errors:
        duplicate = current_values(item.duplicate) if item.duplicate is not None else None
        page = render_template(
            "coordination/candidate.html",
            candidate=item,
            proposed={**proposed, **changes},
            duplicate=duplicate,
            sectors=db.session.scalars(select(Sector).order_by(Sector.code)).all(),
            following=_next_pending(item),
            errors=errors,
            form=EmptyForm(),
        )
        return page, 400
    service = decisions.publish(item, changes, current_user())  # type: ignore[arg-type]
    db.session.commit()
    flash(_("Published as fiche %(id)s.", id=service.id))
    return _after_decision(item)


@bp.post("/<int:candidate_id>/merge")
@moderator_required
def merge(candidate_id: int) -> Response:
    item = _candidate_or_404(candidate_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    target = db.session.get(Service, request.form.get("service_id", type=database_id) or 0)
    if target is None:
        abort(404)
    try:
        filled = decisions.merge(item, target, current_user())  # type: ignore[arg-type]
    except decisions.NotPending:
        abort(409)
    db.session.commit()
    flash(_("Merged into fiche %(id)s (%(count)s fields filled).", id=target.id, count=len(filled)))
    return _after_decision(item)


@bp.post("/<int:candidate_id>/dismiss")
@moderator_required
def dismiss(candidate_id: int) -> Response:
    item = _candidate_or_404(candidate_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if item.status != CandidateStatus.PENDING:
        abort(409)
    decisions.dismiss([item], current_user(), request.form.get("note", "")[:500])  # type: ignore[arg-type]
    db.session.commit()
    flash(_("Dismissed; it will not come back with the next import."))
    return _after_decision(item)


@bp.post("/dismiss")
@moderator_required
def dismiss_many() -> Response:
    """Dismiss the ticked candidates of the list."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    ids = request.form.getlist("ids", type=database_id)[:PAGE]
    chosen = db.session.scalars(select(Candidate).where(Candidate.id.in_(ids))).all() if ids else []
    count = decisions.dismiss(chosen, current_user(), request.form.get("note", "")[:500])  # type: ignore[arg-type]
    db.session.commit()
    flash(_("%(count)s candidates dismissed.", count=count))
    return redirect(url_for("candidates.queue", bassin=request.form.get("bassin", "")))
