"""Moderators' pages: the queue (proposed changes and problem reports), review, restore, stale fiches, trust."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from directory.extensions import db
from directory.forms import EmptyForm, form_values, service_form
from directory.models import Location, Organization, Service
from directory.models.accounts import TrustedOrganization
from directory.models.moderation import ChangeRequest, ChangeStatus, ProblemReport, ReportStatus, Revision
from directory.operations import accounts, editing, freshness, moderation, revisions
from directory.security import admin_required, current_user, database_id, moderator_required
from directory.web import bassin_arg

bp = Blueprint("moderation", __name__, url_prefix="/<lang_code>/moderation")


@bp.get("/")
@moderator_required
def queue() -> str:
    changes = db.session.scalars(
        select(ChangeRequest).where(ChangeRequest.status == ChangeStatus.PENDING).order_by(ChangeRequest.id).limit(200)
    ).all()
    reports = db.session.scalars(
        select(ProblemReport).where(ProblemReport.status == ReportStatus.OPEN).order_by(ProblemReport.id).limit(200)
    ).all()
    return render_template(
        "moderation/queue.html", changes=changes, reports=reports, categories=moderation.REPORT_CATEGORIES
    )


@bp.get("/changes/<int:request_id>")
@moderator_required
def change(request_id: int) -> str:
    proposal = db.get_or_404(ChangeRequest, request_id)
    diff = revisions.diff(editing.current_values(proposal.service), moderation.proposed_values(proposal))
    offer = moderation.function_offer(proposal)
    return render_template(
        "moderation/change.html",
        proposal=proposal,
        diff=diff,
        offer=offer,
        offer_location=db.session.get(Location, offer["location_id"]) if offer else None,
        conflicts=moderation.conflicts(proposal) if proposal.status == ChangeStatus.PENDING else [],
        form=EmptyForm(),
    )


@bp.post("/changes/<int:request_id>/approve")
@moderator_required
def approve(request_id: int) -> Response:
    proposal = db.get_or_404(ChangeRequest, request_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        moderation.approve(proposal, current_user())  # type: ignore[arg-type]
    except ValueError:
        abort(409)
    db.session.commit()
    flash(_("Published."))
    return redirect(url_for("moderation.queue"))


@bp.post("/changes/<int:request_id>/reject")
@moderator_required
def reject(request_id: int) -> Response | tuple[str, int]:
    proposal = db.get_or_404(ChangeRequest, request_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    comment = request.form.get("comment", "")[:2000]
    if not comment.strip():
        flash(_("Explain to the author why the changes are refused."))
        return redirect(url_for("moderation.change", request_id=proposal.id))
    try:
        moderation.reject(proposal, current_user(), comment)  # type: ignore[arg-type]
    except ValueError:
        abort(409)
    db.session.commit()
    flash(_("Refused; the author was told why."))
    return redirect(url_for("moderation.queue"))


@bp.route("/changes/<int:request_id>/edit", methods=["GET", "POST"])
@moderator_required
def edit_change(request_id: int) -> str | Response | tuple[str, int]:
    """Correct a proposal in the edit form, then publish it."""
    proposal = db.get_or_404(ChangeRequest, request_id)
    if proposal.status != ChangeStatus.PENDING or moderation.function_offer(proposal) is not None:
        abort(409)
    current = editing.current_values(proposal.service)
    form = service_form(moderation.proposed_values(proposal), formdata=request.method == "POST")
    if request.method == "POST" and form.validate():
        moderation.approve(proposal, current_user(), edited=form_values(form, current))  # type: ignore[arg-type]
        db.session.commit()
        flash(_("Published with your corrections."))
        return redirect(url_for("moderation.queue"))
    return render_template(
        "edit/form.html", form=form, service=proposal.service, draft=proposal, trusted=True, action=request.path
    ), (400 if request.method == "POST" else 200)


@bp.route("/reports/<int:report_id>", methods=["GET", "POST"])
@moderator_required
def report(report_id: int) -> str | Response:
    problem = db.session.get(ProblemReport, report_id)
    if problem is None:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        status = {"resolve": ReportStatus.RESOLVED, "dismiss": ReportStatus.DISMISSED}.get(
            request.form.get("action", "")
        )
        if status is None:
            abort(400)
        note = request.form.get("note", "")[:2000]
        moderation.close_report(problem, current_user(), status, note)  # type: ignore[arg-type]
        db.session.commit()
        flash(_("Report closed."))
        return redirect(url_for("moderation.queue"))
    return render_template("moderation/report.html", report=problem, form=form, categories=moderation.REPORT_CATEGORIES)


@bp.post("/services/<int:service_id>/revisions/<int:number>/restore")
@moderator_required
def restore(service_id: int, number: int) -> Response:
    fiche = db.session.get(Service, service_id)
    revision = db.session.scalar(select(Revision).where(Revision.service_id == service_id, Revision.number == number))
    if fiche is None or revision is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    new = revisions.restore(fiche, revision, current_user())  # type: ignore[arg-type]
    db.session.commit()
    flash(_("Version %(old)s restored as version %(new)s.", old=number, new=new.number))
    return redirect(url_for("edit.history", service_id=service_id))


@bp.get("/stale")
@moderator_required
def stale() -> str:
    """Stale fiches per bassin; ?bassin=CODE lists one ("none" for fiches without a bassin)."""
    code, bassin = bassin_arg()
    services = freshness.stale_services("" if code == "none" else code) if code else []
    return render_template(
        "moderation/stale.html", counts=freshness.stale_counts(), code=code, bassin=bassin, services=services
    )


@bp.route("/trusted", methods=["GET", "POST"])
@admin_required
def trusted() -> str | Response:
    """Organisations whose editors publish without review."""
    form = EmptyForm()
    if form.validate_on_submit():
        organization_id = request.form.get("organization_id", type=database_id)
        organization = db.session.get(Organization, organization_id) if organization_id is not None else None
        if organization is None:
            abort(404)
        accounts.set_trusted(organization, request.form.get("trusted") == "1", current_user())  # type: ignore[arg-type]
        db.session.commit()
        flash(_("Saved."))
        return redirect(url_for("moderation.trusted"))
    rows = db.session.scalars(select(TrustedOrganization).order_by(TrustedOrganization.granted_at)).all()
    q = request.args.get("q", "").strip()[:100]
    found = (
        db.session.scalars(select(Organization).where(Organization.name_fr.ilike(f"%{q}%")).limit(50)).all()
        if q
        else []
    )
    return render_template("moderation/trusted.html", rows=rows, found=found, q=q, form=form)
