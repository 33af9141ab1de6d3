"""Public self-service forms, open to anyone: the honeypot base, "this is my organisation" (claim) and
"add a service" (the fiche form plus who proposes it)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from directory.forms.service import ServiceForm


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


class ProposeForm(ServiceForm):
    """The edit form plus who proposes it; `url` is the honeypot (the service's own site is `website`)."""

    organization_name = StringField(_l("Organisation (ASBL/VZW, CPAS/OCMW…)"), validators=[Length(max=200)])
    bce = StringField(_l("BCE/KBO number (optional)"), validators=[Optional(), Length(max=20)])
    site_of = IntegerField(validators=[Optional()])
    proposer_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    proposer_email = EmailField(_l("Your e-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    proposer_role = StringField(_l("Your role (optional)"), validators=[Optional(), Length(max=200)])
    not_duplicate = BooleanField(_l("None of these is the service I propose"))
    url = HiddenField()
