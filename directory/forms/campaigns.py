"""The coordinator's form that selects fiches for a verification campaign and sets its reminders."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from directory.extensions import db
from directory.i18n import get_locale
from directory.models import Bassin, Sector
from directory.operations import campaigns


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
