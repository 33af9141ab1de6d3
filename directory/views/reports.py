"""Report a problem on a fiche: no account, a honeypot field and a rate limit against spam; lands in the queue."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from directory.extensions import db
from directory.forms.reports import ReportForm
from directory.i18n import get_locale
from directory.models import Service
from directory.operations import moderation
from directory.security import rate_limit

bp = Blueprint("reports", __name__, url_prefix="/<lang_code>")


@bp.route("/services/<int:service_id>/report", methods=["GET", "POST"])
def report(service_id: int) -> str | tuple[str, int]:
    fiche = db.session.get(Service, service_id)
    if fiche is None or fiche.status == "inactive":
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        rate_limit("report", current_app.config["RATE_LIMIT_REPORT"])
        if not form.website.data:  # a bot filled the honeypot: thank it, keep nothing but the rate-limit hit
            moderation.report_problem(fiche, form.category.data, form.message.data, form.email.data or "", get_locale())
        db.session.commit()
        return render_template("reports/thanks.html", service=fiche)
    status = 400 if form.errors else 200
    return render_template("reports/form.html", form=form, service=fiche), status
