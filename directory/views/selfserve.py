"""Public self-service pages: how a service gets access, "this is my organisation" (claim) and its e-mailed link.

Open to anyone: CSRF, a honeypot field, rate limits per client address and per e-mail, and the same answer
whatever the e-mail address (no account enumeration). Every decision is in the audit log (operations.claims).
"""

from __future__ import annotations

import contextlib

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from directory.extensions import db
from directory.forms import EmptyForm
from directory.i18n import get_locale
from directory.models import Service
from directory.operations import claims
from directory.security import count_public_request, login_user, rate_limit

bp = Blueprint("selfserve", __name__, url_prefix="/<lang_code>")


class HoneypotForm(FlaskForm):
    """A form with a field hidden from people (CSS and aria-hidden) that naive bots fill in."""

    website = StringField(_l("Leave this field empty"))

    def is_bot(self) -> bool:
        return bool(self.website.data)


class ClaimForm(HoneypotForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    role = StringField(_l("Your role in the organisation"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Your professional e-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    bce = StringField(_l("BCE/KBO number of the organisation (optional)"), validators=[Optional(), Length(max=20)])
    phone_note = TextAreaField(
        _l("How can a moderator check? (optional: a phone number of the organisation to call, a colleague's name)"),
        validators=[Optional(), Length(max=1000)],
    )


def public_service_or_404(service_id: int) -> Service:
    """A fiche the public may see (not withdrawn)."""
    fiche = db.session.get(Service, service_id)
    if fiche is None or fiche.status == "inactive":
        abort(404)
    return fiche


@bp.get("/for-services")
def for_services() -> str:
    """How a service gets access to its fiche, adds a new one, or reports a problem."""
    return render_template("selfserve/for_services.html")


@bp.route("/services/<int:service_id>/claim", methods=["GET", "POST"])
def claim(service_id: int) -> str | tuple[str, int]:
    fiche = public_service_or_404(service_id)
    form = ClaimForm()
    if form.validate_on_submit():
        count_public_request("claim", form.email.data)
        if not form.is_bot():  # a bot is thanked like anyone; only the rate-limit hit is kept
            evidence = {"bce": form.bce.data or "", "phone_note": form.phone_note.data or ""}
            # an address the form accepted but the normaliser refuses is answered like the others
            with contextlib.suppress(ValueError):
                claims.submit(fiche, form.name.data, form.role.data, form.email.data, get_locale(), evidence)
        db.session.commit()
        return render_template("selfserve/claim_sent.html", service=fiche, email=form.email.data)
    return render_template("selfserve/claim.html", form=form, service=fiche), 400 if form.errors else 200


@bp.route("/claims/<token>", methods=["GET", "POST"])
def claim_confirm(token: str) -> str | Response | tuple[str, int]:
    """The e-mailed link: GET shows one button (mail scanners do not burn the link), POST grants and signs in."""
    form = EmptyForm()
    if request.method == "GET":
        found = claims.claim_by_token(token)
        if found is None:
            return render_template("auth/invalid_link.html"), 410
        return render_template("selfserve/claim_confirm.html", claim=found, form=form)
    if not form.validate_on_submit():
        abort(400)
    rate_limit("claim_confirm", current_app.config["RATE_LIMIT_CLAIM"])
    found = claims.claim_by_token(token)
    user = claims.confirm(token)
    db.session.commit()
    if user is None or found is None:
        return render_template("auth/invalid_link.html"), 410
    login_user(user)
    flash(_("Welcome! You can now update the fiches of your organisation."))
    return redirect(url_for("edit.service", service_id=found.service_id))
