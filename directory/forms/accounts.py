"""Account forms: sign-in by e-mailed link, and the invitation of a person to an organisation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, HiddenField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Email, Length

from directory.extensions import db
from directory.labels import ENUM_LABELS
from directory.models import Organization
from directory.models.accounts import Role, User
from directory.operations import accounts

ROLE_LABELS = ENUM_LABELS["role"]


class SignInForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    next = HiddenField()


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail address of the person to invite"), validators=[DataRequired(), Email()])
    organization = SelectField(_l("Organisation"), coerce=int, choices=[])
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role])


def invite_form(user: User) -> InviteForm:
    """The invitation form of `user`: the organisations they may invite to, and the roles they may give."""
    form = InviteForm()
    query = select(Organization).order_by(Organization.name_fr)
    if not user.is_moderator:
        query = query.where(Organization.id.in_(accounts.organization_ids(user)))
    else:
        query = query.limit(2000)
    form.organization.choices = [SelectChoice(o.id, o.name_fr or o.name_nl) for o in db.session.scalars(query)]
    if not user.is_admin:
        form.role.choices = [SelectChoice(Role.EDITOR.value, ROLE_LABELS[Role.EDITOR])]
    return form
