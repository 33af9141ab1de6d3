"""The fiche edit form (Flask-WTF), built from the declaration in `directory.fields`: FR and NL side by side,
an opening-hours grid (`directory.forms.hours`), a map pin.

`service_form(values)` builds it from editing values (GET) or from the request (POST); `form_values(form, current)`
turns a validated form back into editing values. Invalid input is re-shown as typed, with FR/NL messages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    DateField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import Length, NumberRange, Optional

from directory import fields
from directory.extensions import db
from directory.forms.hours import HoursForm, error, hours_data
from directory.geo.tagging import point_in_region
from directory.i18n import get_locale
from directory.labels import ENUM_LABELS, code_label, language_name, term_codes
from directory.models import PostalCode, Public, Sector
from directory.operations.phones import format_phone
from directory.operations.validation import Invalid, clean_email, clean_languages, clean_phone, clean_url

COMMON_LANGUAGES = ("fr", "nl", "en", "de", "ar", "tr", "es", "it", "pt", "pl", "ro", "ru", "uk", "fa", "ps", "bg")
#: kind → the check and cleaning of what was typed (raises `Invalid`)
CLEAN: dict[str, Callable[[str], Any]] = {
    "email": lambda raw: clean_email(raw) if raw.strip() else "",
    "url": lambda raw: clean_url(raw) if raw.strip() else "",
    "phones": lambda raw: [clean_phone(line) for line in raw.splitlines() if line.strip()],
}


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def enum_choices(kind: str) -> list[SelectChoice]:
    """Options of an enum select, labelled in the page language."""
    return [SelectChoice(value, label) for value, label in ENUM_LABELS[kind].items()]


def form_field(field: fields.Field) -> Any:
    """The WTForms field of a declared field (of each side of a pair)."""
    length = [Length(max=field.max_length)]
    numbers = [Optional(), *([NumberRange(*field.bounds)] if field.bounds else [])]
    make: dict[str, Callable[[], Any]] = {
        "area": lambda: TextAreaField(field.label, validators=length),
        "phones": lambda: TextAreaField(field.label, validators=length),
        "choice": lambda: SelectField(field.label, choices=enum_choices(field.choices)),
        "codes": lambda: MultiCheckboxField(field.label, choices=[]),
        "terms": lambda: MultiCheckboxField(field.label, choices=[]),
        "languages": lambda: MultiCheckboxField(field.label, choices=[]),
        "integer": lambda: IntegerField(field.label, validators=numbers),
        "number": lambda: FloatField(field.label, validators=numbers),
        "date": lambda: DateField(field.label, validators=[Optional()]),
    }
    return make.get(field.kind, lambda: StringField(field.label, validators=length))()


class ServiceForm(HoursForm):
    """Every editable declared field (added below), the hours, other languages and a note for the moderators."""

    other_languages = StringField(_l("Other languages (ISO codes, comma-separated)"), validators=[Length(max=200)])
    note = TextAreaField(_l("Message for the moderators (optional)"), validators=[Length(max=2000)])
    # The published values the form was built from (editing.base_token): a save merges with what others published
    # meanwhile instead of reverting it (editing.merge_concurrent).
    base = HiddenField()

    def set_choices(self, values: dict[str, Any]) -> None:
        """Vocabulary and language choices in the page language (plus any code the fiche already has)."""
        lang = get_locale()
        known = [*COMMON_LANGUAGES, *(c for c in values.get("languages") or [] if c not in COMMON_LANGUAGES)]
        self["languages"].choices = [SelectChoice(c, language_name(c, lang)) for c in known]
        for name, model in (("sectors", Sector), ("publics", Public)):
            rows: Iterable[Sector | Public] = db.session.scalars(select(model).order_by(getattr(model, f"name_{lang}")))
            self[name].choices = [SelectChoice(row.code, getattr(row, f"name_{lang}")) for row in rows]
        for field in fields.owned_by("service", ("terms",)):
            labels = [(code, code_label(field.choices, code, lang)) for code in term_codes(field.choices)]
            self[field.name].choices = [SelectChoice(code, text) for code, text in labels]

    def validate(self, extra_validators: Any = None) -> bool:
        """Field validators, then the checks that need several fields or the database."""
        ok = super().validate(extra_validators)
        checks = [(self[f.name], CLEAN[f.kind]) for f in fields.EDITABLE if f.kind in CLEAN]
        checks.append((self.other_languages, lambda v: clean_languages(v.split(","))))
        for field, check in checks:
            try:
                check(field.data or "")
            except Invalid as exc:
                ok = error(field, _(exc.reason, **exc.params))
        if not (self["name_fr"].data or "").strip() and not (self["name_nl"].data or "").strip():
            ok = error(self["name_fr"], _("Give a name in French or in Dutch."))
        lat, lon = self["lat"], self["lon"]
        if (lat.data is None) != (lon.data is None):
            ok = error(lat, _("Give both latitude and longitude, or neither."))
        elif lat.data is not None and not point_in_region(lat.data, lon.data):
            ok = error(lat, _("This point is outside the Brussels-Capital Region."))
        code = (self["postcode"].data or "").strip()
        if code and db.session.get(PostalCode, code) is None:
            ok = error(self["postcode"], _("%(code)s is not a postcode of the Brussels-Capital Region.", code=code))
        start, end = self["closed_from"].data, self["closed_until"].data
        if start and end and end < start:
            ok = error(self["closed_until"], _("The end date is before the start date."))
        return self.validate_hours() and ok


for _field in fields.EDITABLE:
    if _field.kind != "hours":
        for _name in _field.names:
            setattr(ServiceForm, _name, form_field(_field))


class AvailabilityForm(FlaskForm):
    """The quick availability update on the editors' dashboard (the two declared availability fields)."""


for _name in ("availability", "availability_delay_days"):
    setattr(AvailabilityForm, _name, form_field(fields.BY_NAME[_name]))


def service_form(values: dict[str, Any], formdata: bool = False) -> ServiceForm:
    """The form for a GET (filled from `values`) or a POST (`formdata=True`: filled from the request)."""
    form = ServiceForm() if formdata else ServiceForm(formdata=None, data=form_data(values))
    form.set_choices(values)
    return form


def form_data(values: dict[str, Any]) -> dict[str, Any]:
    """Editing values → the form's initial data."""
    data: dict[str, Any] = {}
    for field in fields.EDITABLE:
        for name, key in zip(field.names, field.keys, strict=True):
            value = values.get(key, field.empty)
            if field.kind == "date":
                value = date.fromisoformat(value) if value else None
            elif field.kind == "phones":
                value = "\n".join(format_phone(n) for n in value or [])
            data[name] = value
    return data | hours_data(values.get("opening_hours"))


def form_values(form: ServiceForm, current: dict[str, Any]) -> dict[str, Any]:
    """A validated form → editing values (the proposed state of the fiche)."""
    values: dict[str, Any] = {}
    for field in fields.EDITABLE:
        for name, key in zip(field.names, field.keys, strict=True):
            data = form[name].data if field.kind != "hours" else None
            if field.kind in CLEAN:
                values[key] = CLEAN[field.kind](data or "")
            elif field.kind in ("codes", "terms", "languages"):
                values[key] = sorted(data or [])
            elif field.kind == "date":
                values[key] = data.isoformat() if data else None
            elif field.kind in ("text", "area"):
                values[key] = (data or "").strip()
            else:
                values[key] = data
    other = clean_languages((form.other_languages.data or "").split(","))
    values["languages"] = sorted(set(values["languages"]) | set(other))
    if values["availability"] != "waiting_list":
        values["availability_delay_days"] = None
    values["opening_hours"] = form.hours_value(current.get("opening_hours"))
    return values
