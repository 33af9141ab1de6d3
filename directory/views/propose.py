"""Add a service: a public, bilingual form with the edit form's validation, duplicate hints while typing
(`similar.json`, used by static/js/propose.js; without script the hints come after the first submission), and
a moderator's review before anything is published. Open to anyone: CSRF, honeypot, rate limits."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request
from werkzeug.wrappers import Response

from directory.extensions import db
from directory.forms import form_values
from directory.forms.public import ProposeForm
from directory.i18n import get_locale
from directory.models import Service
from directory.operations import proposals
from directory.security import DATABASE_ID_MAX, count_public_request, database_id, rate_limit

bp = Blueprint("propose", __name__, url_prefix="/<lang_code>")
NEW_SERVICE_DEFAULTS = {"status": "active", "availability": "unknown", "cost": "unknown", "access": "unknown"}
NEW_SERVICE_DEFAULTS |= {"wheelchair": "unknown", "hours_mode": "grid"}


def _site_of(form: ProposeForm) -> Service | None:
    if not form.site_of.data or not 0 < form.site_of.data <= DATABASE_ID_MAX:
        return None
    service = db.session.get(Service, form.site_of.data)
    return service if service is not None and service.status != "inactive" else None


@bp.route("/services/new", methods=["GET", "POST"])
def form() -> str | tuple[str, int]:
    propose = ProposeForm(data={**NEW_SERVICE_DEFAULTS, "site_of": request.args.get("site_of", type=database_id)})
    propose.set_choices({})
    site_of = _site_of(propose)
    matches: list[proposals.Similar] = []
    if request.method == "POST" and propose.validate():
        values = form_values(propose, {})
        matches = [] if site_of else proposals.similar_to(values)
        if not matches or propose.not_duplicate.data:
            count_public_request("propose", propose.proposer_email.data)
            if not propose.url.data:  # a bot is thanked like anyone; only the rate-limit hit is kept
                details = {"name": propose.proposer_name.data, "email": propose.proposer_email.data}
                details |= {"role": propose.proposer_role.data or "", "note": propose.note.data or ""}
                details |= {"organization_name": propose.organization_name.data or "", "bce": propose.bce.data or ""}
                proposals.submit(values, details, site_of, get_locale())
            db.session.commit()
            return render_template("selfserve/propose_sent.html", email=propose.proposer_email.data)
    status = 400 if propose.errors else 200
    return render_template("selfserve/propose.html", form=propose, site_of=site_of, matches=matches), status


def _matches(values: dict) -> list[proposals.Similar]:
    names = " ".join(v for v in (values.get("name_fr"), values.get("name_nl")) if v)
    return proposals.similar(
        names, values.get("location.postcode", ""), values.get("phones"), values.get("website", "")
    )


@bp.get("/services/similar.json")
def similar() -> Response:
    """Listed fiches that look like what is being typed (name, postcode, phones one per line, website), and the
    services already known and waiting for review under a close name (`known`: name and commune only)."""
    rate_limit("similar", current_app.config["RATE_LIMIT_SIMILAR"])
    args = {key: request.args.get(key, "")[:300] for key in ("name", "postcode", "phones", "website")}
    matches = proposals.similar(args["name"], args["postcode"], args["phones"].splitlines()[:5], args["website"])
    known = proposals.known_candidates(args["name"], args["postcode"])
    db.session.commit()  # the rate-limit hit
    lang = get_locale()
    return jsonify({"matches": proposals.similar_json(matches, lang), "known": proposals.known_json(known, lang)})
