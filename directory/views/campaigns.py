"""Verification campaigns: coordinators select fiches and send (moderators' pages); services answer through a signed
link (`check`), choose their reminder rhythm; `flask campaigns remind` sends reminders and escalations."""

from __future__ import annotations

import click
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from directory.extensions import db
from directory.forms import EmptyForm
from directory.i18n import get_locale
from directory.models import Bassin, Sector
from directory.models.campaigns import Campaign
from directory.operations import campaigns
from directory.security import current_user, moderator_required

bp = Blueprint("campaigns", __name__, url_prefix="/<lang_code>")


class CampaignForm(FlaskForm):
    name = StringField(_l("Name of the campaign"), validators=[DataRequired(), Length(max=200)])
    bassin = SelectField(_l("Care area (bassin)"), choices=[])
    sector = SelectField(_l("Sector"), choices=[])
    never_verified = BooleanField(_l("Never checked by a person"))
    older_than_months = IntegerField(
        _l("Not checked or changed for more than (months)"), validators=[Optional(), NumberRange(min=1, max=120)]
    )
    below_completeness = IntegerField(
        _l("Completeness below (%)"), validators=[Optional(), NumberRange(min=1, max=100)]
    )
    remind_every_days = SelectField(
        _l("Remind every"), coerce=int, choices=[SelectChoice(d, _l("%(n)s days", n=d)) for d in campaigns.RHYTHMS]
    )
    escalate_after = IntegerField(
        _l("Tell me after how many unanswered reminders"), default=2, validators=[NumberRange(min=1, max=5)]
    )

    def set_choices(self) -> None:
        lang = get_locale()
        self.bassin.choices = [SelectChoice("", _("All"))] + [
            SelectChoice(b.code, getattr(b, f"name_{lang}")) for b in db.session.scalars(select(Bassin))
        ]
        sectors = db.session.scalars(select(Sector).order_by(getattr(Sector, f"name_{lang}")))
        self.sector.choices = [SelectChoice("", _("All"))] + [
            SelectChoice(s.code, getattr(s, f"name_{lang}")) for s in sectors
        ]

    def selection(self) -> campaigns.Selection:
        return campaigns.Selection(
            bassin=self.bassin.data or "",
            sector=self.sector.data or "",
            never_verified=bool(self.never_verified.data),
            older_than_months=self.older_than_months.data,
            below_completeness=self.below_completeness.data,
        )


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
