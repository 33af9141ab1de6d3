"""Editors' pages: their fiches, the edit form, "still correct", availability, history, their drafts.

Every route requires a signed-in user and, for a fiche, the right to edit it: other organisations' fiches,
drafts and histories answer 404 exactly like missing ones.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import false, or_, select
from werkzeug.wrappers import Response

from directory.extensions import db
from directory.forms import AvailabilityForm, EmptyForm, form_values, service_form
from directory.models import Location, Organization, Service
from directory.models.moderation import ChangeRequest, ChangeStatus
from directory.operations import accounts, bilingual, editing, freshness, moderation, revisions
from directory.security import current_user, editable_service_or_404, login_required

bp = Blueprint("edit", __name__, url_prefix="/<lang_code>/edit")


@bp.get("/")
@login_required
def dashboard() -> str:
    """The fiches this user keeps: their organisations' (editors), or a name search (moderators)."""
    user = current_user()
    assert user is not None
    query = select(Service).join(Organization).order_by(Service.name_fr, Service.id)
    q = request.args.get("q", "").strip()[:100]
    if not user.is_moderator:
        query = query.where(Service.organization_id.in_(accounts.organization_ids(user)))
    elif not q:
        query = query.where(false())
    if q:
        like = f"%{q}%"
        query = query.where(
            or_(Service.name_fr.ilike(like), Service.name_nl.ilike(like), Organization.name_fr.ilike(like))
        )
    services = db.session.scalars(query.limit(200)).all()
    drafts = set(
        db.session.scalars(
            select(ChangeRequest.service_id).where(
                ChangeRequest.author_id == user.id, ChangeRequest.status == ChangeStatus.PENDING
            )
        )
    )
    return render_template(
        "edit/dashboard.html", services=services, drafts=drafts, q=q, form=EmptyForm(), availability_form=_availability
    )


def _availability(service: Service) -> AvailabilityForm:
    return AvailabilityForm(
        formdata=None,
        data={"availability": str(service.availability), "availability_delay_days": service.availability_delay_days},
    )


@bp.route("/services/<int:service_id>", methods=["GET", "POST"])
@login_required
def service(service_id: int) -> str | Response | tuple[str, int]:
    """The edit form; the user's pending draft, if any, is shown instead of the published values."""
    fiche = editable_service_or_404(service_id)
    user = current_user()
    assert user is not None
    current = editing.current_values(fiche)
    draft = moderation.pending_request(fiche, user)
    shown = moderation.proposed_values(draft) if draft else current
    form = service_form(shown, formdata=request.method == "POST")
    clashes: list[str] = []
    valid = request.method == "POST" and form.validate()
    if valid:
        proposed, clashes = editing.merge_concurrent(form.base.data or "", current, form_values(form, current))
    if valid and not clashes:
        lonely = bilingual.one_sided(editing.change_set(fiche, proposed))
        outcome = moderation.submit(fiche, user, proposed, note=form.note.data or "")
        db.session.commit()
        flash(
            {
                "published": _("Your changes are published."),
                "queued": _("Thank you: your changes will be published after a moderator's review."),
                "unchanged": _("Nothing was changed."),
            }[outcome.status]
        )
        for message in lonely:
            flash(message)
        return redirect(url_for("edit.service", service_id=fiche.id))
    trusted = user.is_moderator or accounts.is_trusted(fiche.organization_id)
    status = 400 if request.method == "POST" else 200
    if clashes:  # someone published the same fields meanwhile: their version with this user's other changes
        form, status = service_form(proposed), 409
    if request.method == "GET" or clashes:
        form.base.data = editing.base_token(current)
    return render_template(
        "edit/form.html", form=form, service=fiche, draft=draft, trusted=trusted, action=request.path, clashes=clashes
    ), status


@bp.post("/services/<int:service_id>/verify")
@login_required
def verify(service_id: int) -> Response:
    """ "Still correct": the user checked the whole fiche."""
    fiche = editable_service_or_404(service_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    freshness.confirm_still_correct(fiche, current_user())  # type: ignore[arg-type]
    db.session.commit()
    flash(_("Thank you: the fiche is marked as checked today."))
    back = url_for("edit.service", service_id=fiche.id) if request.form.get("back") == "form" else None
    return redirect(back or url_for("edit.dashboard"))


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify_link(token: str) -> str | tuple[str, int]:
    """The reminder e-mail's link: one button, no sign-in (the signed token names the editor and the fiche)."""
    found = freshness.read_verify_token(token)
    if found is None:
        return render_template("auth/invalid_link.html"), 410
    user, fiche = found
    form = EmptyForm()
    if form.validate_on_submit():
        freshness.confirm_still_correct(fiche, user)
        db.session.commit()
        return render_template("edit/verified.html", service=fiche)
    return render_template("edit/verify.html", service=fiche, form=form, user=user)


@bp.post("/services/<int:service_id>/availability")
@login_required
def availability(service_id: int) -> Response:
    """The quick availability update, published at once."""
    fiche = editable_service_or_404(service_id)
    form = AvailabilityForm()
    if not form.validate_on_submit():
        flash(_("The availability was not saved: check the waiting time."))
        return redirect(url_for("edit.dashboard"))
    user = current_user()
    assert user is not None  # login_required
    moderation.set_availability(
        fiche,
        user,
        form["availability"].data,
        form["availability_delay_days"].data,
    )
    db.session.commit()
    flash(_("Availability saved."))
    return redirect(url_for("edit.dashboard"))


@bp.get("/services/<int:service_id>/history")
@login_required
def history(service_id: int) -> str:
    fiche = editable_service_or_404(service_id)
    entries = [(revision, revisions.revision_diff(revision)) for revision in revisions.history(fiche)]
    return render_template("edit/history.html", service=fiche, entries=entries, form=EmptyForm())


@bp.get("/changes/<int:request_id>")
@login_required
def change(request_id: int) -> str:
    """A proposed change (draft) of a fiche the user may edit; 404 for anyone else's organisation."""
    proposal = db.session.get(ChangeRequest, request_id)
    if proposal is None or not accounts.can_edit(current_user(), proposal.service):
        abort(404)
    diff = revisions.diff(proposal.base, {**proposal.base, **proposal.changes})
    offer = moderation.function_offer(proposal)
    location = db.session.get(Location, offer["location_id"]) if offer else None
    return render_template("edit/change.html", proposal=proposal, diff=diff, offer=offer, offer_location=location)
