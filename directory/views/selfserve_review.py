"""Moderators' side of self-service: claims on fiches and proposed new services, with their evidence."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from directory.extensions import db
from directory.forms import EmptyForm
from directory.models.selfserve import Claim, RequestStatus, ServiceProposal
from directory.operations import bilingual, claims, completeness, proposals, revisions
from directory.security import current_user, moderator_required
from directory.web import bassin_arg

bp = Blueprint("selfserve_review", __name__, url_prefix="/<lang_code>/moderation")


@bp.get("/claims")
@moderator_required
def claim_list() -> str:
    return render_template("selfserve/claims.html", claims=claims.pending())


def _decide(found: Claim | ServiceProposal, accept: str, again: str) -> Response | None:
    """A moderator's POST on a request: action=`accept` (grant or publish) or "refuse" (a comment is required).
    Returns where to go next, or None for a GET. The operation raises ValueError when the request is already
    decided or the refusal has no comment; the page then says which."""
    if not EmptyForm().validate_on_submit():
        return None
    action, comment = request.form.get("action", ""), request.form.get("comment", "")[:2000]
    moderator = current_user()
    assert moderator is not None
    module = claims if isinstance(found, Claim) else proposals
    try:
        if action == accept:
            outcome = getattr(module, accept)(found, moderator)
        elif action == "refuse":
            module.refuse(found, moderator, comment)
        else:
            abort(400)
    except ValueError:
        decided = found.status not in (RequestStatus.PENDING, RequestStatus.AWAITING_EMAIL)
        flash(_("This request was already decided.") if decided else _("Explain to the person why it is refused."))
        return redirect(again)
    db.session.commit()
    if action == "refuse":
        flash(_("Refused; the person was told why."))
    elif isinstance(found, Claim):
        flash(_("Access granted; the person was told by e-mail."))
    else:
        flash(_("Published."))
        return redirect(url_for("public.service", service_id=outcome.id))
    return redirect(
        url_for("selfserve_review.claim_list" if isinstance(found, Claim) else "selfserve_review.proposal_list")
    )


@bp.route("/claims/<int:claim_id>", methods=["GET", "POST"])
@moderator_required
def claim(claim_id: int) -> str | Response:
    """One claim with its evidence; POST action=grant|refuse (a refusal needs a comment)."""
    found = db.get_or_404(Claim, claim_id)
    decided = _decide(found, "grant", url_for("selfserve_review.claim", claim_id=found.id))
    if decided is not None:
        return decided
    return render_template(
        "selfserve/claim_review.html",
        claim=found,
        form=EmptyForm(),
        editors=claims.editors(found.organization_id),
        match=claims.proof(found.service, found.email),
    )


@bp.get("/proposals")
@moderator_required
def proposal_list() -> str:
    return render_template("selfserve/proposals.html", proposals=proposals.pending())


@bp.route("/proposals/<int:proposal_id>", methods=["GET", "POST"])
@moderator_required
def proposal(proposal_id: int) -> str | Response:
    """A proposed service with the fiches it may duplicate; POST action=publish|refuse (a refusal needs a comment)."""
    found = db.get_or_404(ServiceProposal, proposal_id)
    decided = _decide(found, "publish", url_for("selfserve_review.proposal", proposal_id=found.id))
    if decided is not None:
        return decided
    matches = proposals.similar_to(found.values)
    return render_template(
        "selfserve/proposal_review.html",
        proposal=found,
        form=EmptyForm(),
        diff=revisions.diff({}, found.values),
        matches=[m for m in matches if m.service.id != found.service_id],
    )


@bp.get("/completeness")
@moderator_required
def completeness_view() -> str:
    """Completeness per bassin; ?bassin=CODE lists that bassin's fiches, least complete first ("none" = no bassin)."""
    code, bassin = bassin_arg()
    fiches = completeness.least_complete("" if code == "none" else code) if code else []
    return render_template(
        "selfserve/completeness.html",
        rows=completeness.per_bassin(),
        code=code,
        bassin=bassin,
        fiches=fiches,
        criteria=completeness.CRITERIA,
    )


@bp.get("/translations")
@moderator_required
def translations() -> str:
    """The translation queue: fiches where one language is older than the other."""
    return render_template("selfserve/translations.html", rows=bilingual.queue())
