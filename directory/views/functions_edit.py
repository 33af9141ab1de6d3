"""Functions per location (/<lang>/edit/services/<id>/functions): a fiche's editor declares that a coordination
function is offered at one of its addresses only, with the conditions that hold there. The functions of every
address stay in the edit form (the field declaration).

Published at once for moderators and editors of a trusted organisation; what other editors declare or withdraw
goes to the moderation queue, like their edits (directory.operations.moderation.propose_function_offer).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from directory.extensions import db
from directory.forms import EmptyForm
from directory.i18n import get_locale
from directory.models import Location, Service
from directory.models.functions import CONDITIONS
from directory.operations import accounts, moderation
from directory.operations.coordination import all_functions, offers
from directory.security import current_user, editable_service_or_404, login_required

bp = Blueprint("functions_edit", __name__, url_prefix="/<lang_code>/edit/services/<int:service_id>/functions")


def _may_publish(service: Service) -> bool:
    user = current_user()
    return user is not None and (user.is_moderator or accounts.is_trusted(service.organization_id))


def _page(service: Service, status: int = 200, error: str = "") -> tuple[str, int]:
    lang = get_locale()
    functions = sorted(all_functions().values(), key=lambda f: getattr(f, f"name_{lang}").lower())
    return render_template(
        "edit/functions.html",
        service=service,
        offers=[o for o in offers(service) if o.location is not None],
        everywhere=service.functions or [],
        functions=functions,
        conditions=CONDITIONS,
        may_publish=_may_publish(service),
        proposed=_proposed(service),
        form=EmptyForm(),
        error=error,
    ), status


def _proposed(service: Service) -> list[dict[str, Any]]:
    """The current user's function offers for this fiche waiting for a moderator."""
    user = current_user()
    if user is None:
        return []
    pending = moderation.pending_requests(service, user)
    located = {location.id: location for location in service.locations}
    return [
        {**offer, "location": located.get(offer["location_id"])}
        for r in pending
        if (offer := moderation.function_offer(r)) is not None
    ]


@bp.get("/")
@login_required
def show(service_id: int) -> tuple[str, int]:
    """The functions declared at one address, and the form to declare one."""
    return _page(editable_service_or_404(service_id))


@bp.post("/")
@login_required
def declare(service_id: int) -> Response | tuple[str, int]:
    """Declare a function at an address (again: its conditions are replaced), or withdraw it (`withdraw`)."""
    service = editable_service_or_404(service_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    location = db.session.get(Location, request.form.get("location", type=int) or 0)
    code = request.form.get("function", "")
    if location is None or location not in service.locations:
        return _page(service, 400, _("Choose one of this service's addresses."))
    withdraw = bool(request.form.get("withdraw"))
    user = current_user()
    assert user is not None  # login_required
    try:
        outcome = moderation.propose_function_offer(
            service, user, location, code, request.form.getlist("conditions"), withdraw=withdraw
        )
    except ValueError:
        return _page(service, 400, _("Choose a function and conditions from the lists."))
    db.session.commit()
    if outcome.status == "queued":
        flash(_("Sent to a moderator, who publishes it or tells you why not."))
    else:
        flash(_("Withdrawn.") if withdraw else _("Saved."))
    return redirect(url_for(".show", service_id=service.id))
