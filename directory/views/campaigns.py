"""Verification campaigns: coordinators select fiches and send (moderators' pages); services answer through a signed
link (`check`), choose their reminder rhythm; `flask campaigns remind` sends reminders and escalations."""

from __future__ import annotations

import click
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from directory.extensions import db
from directory.forms import EmptyForm
from directory.forms.campaigns import CampaignForm
from directory.models import Bassin
from directory.models.campaigns import Campaign
from directory.operations import campaigns
from directory.security import current_user, moderator_required

bp = Blueprint("campaigns", __name__, url_prefix="/<lang_code>")


@bp.route("/moderation/campaigns", methods=["GET", "POST"])
@moderator_required
def index() -> str | Response | tuple[str, int]:
    """Past campaigns, and a new one: "preview" counts the selection, "send" mails it."""
    form = CampaignForm(data={"remind_every_days": 14})
    form.set_choices()
    preview = None
    if form.validate_on_submit():
        if request.form.get("action") == "send":
            user = current_user()
            assert user is not None
            campaign = campaigns.send(
                form.name.data, form.selection(), user, form.remind_every_days.data, form.escalate_after.data
            )
            db.session.commit()
            flash(_("Campaign sent to %(n)s services.", n=len(campaign.items)))
            return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
        selected = campaigns.select_services(form.selection())
        preview = {"total": len(selected), "mailable": sum(1 for s in selected if campaigns.service_email(s))}
    past = db.session.scalars(select(Campaign).order_by(Campaign.id.desc()).limit(50)).all()
    return render_template("campaigns/index.html", form=form, preview=preview, past=past), 400 if form.errors else 200


@bp.get("/moderation/campaigns/<int:campaign_id>")
@moderator_required
def detail(campaign_id: int) -> str:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    rows = campaigns.counts(campaign)
    bassins = {b.code: b for b in db.session.scalars(select(Bassin))}
    return render_template("campaigns/detail.html", campaign=campaign, rows=rows, bassins=bassins)


@bp.route("/check/<token>", methods=["GET", "POST"])
def check(token: str) -> str | tuple[str, int]:
    """The e-mailed link: the fiche, "still correct" in one click, a link to update it, the reminder rhythm."""
    item = campaigns.item_by_token(token)
    if item is None:
        return render_template("auth/invalid_link.html"), 410
    form = EmptyForm()
    done = ""
    if form.validate_on_submit():
        action = request.form.get("action")
        if action == "confirm":
            campaigns.confirm(item)
            done = "confirmed"
        elif action == "rhythm":
            try:
                campaigns.set_rhythm(item, int(request.form.get("rhythm_days", "")))
            except ValueError:
                abort(400)
            done = "rhythm"
        else:
            abort(400)
    else:
        campaigns.opened(item)
    db.session.commit()
    return render_template("campaigns/check.html", item=item, form=form, done=done, rhythms=campaigns.RHYTHMS)


@bp.cli.command("remind")
def remind_command() -> None:
    """Remind silent services at their rhythm; tell coordinators which services stay silent."""
    from flask import current_app

    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        result = campaigns.remind()
        db.session.commit()
    click.echo(f"{result['reminded']} reminders sent, {result['escalated']} silent services reported")
