"""The public "report a problem" form: no account, a honeypot field (the view rate-limits)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from directory.operations import moderation


class ReportForm(FlaskForm):
    category = RadioField(
        _l("What is wrong?"),
        choices=[SelectChoice(code, _l(msgid)) for code, msgid in moderation.REPORT_CATEGORIES.items()],
        validators=[DataRequired()],
    )
    message = TextAreaField(_l("Details"), validators=[DataRequired(), Length(min=5, max=3000)])
    email = EmailField(
        _l("Your e-mail (optional: we tell you what was done, and may ask you a question)"),
        validators=[Optional(), Email()],
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by naive bots. Its name looks tempting.
    website = StringField(_l("Leave this field empty"))
