"""The fiche edit form (Flask-WTF): FR and NL side by side, an opening-hours grid, a map pin.

`service_form(values)` builds it from editing values (GET) or from the request (POST); `form_values(form, current)`
turns a validated form back into editing values. Invalid input is re-shown as typed, with FR/NL messages.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtf_translations
from sqlalchemy import select
from wtforms import (
    DateField,
    FieldList,
    FloatField,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import Length, NumberRange, Optional

from directory.extensions import db
from directory.geo.tagging import point_in_region
from directory.i18n import get_locale
from directory.labels import ENUM_LABELS, language_name
from directory.models import PostalCode, Public, Sector
from directory.operations import hours_grid
from directory.operations.hours import normalize_hours
from directory.operations.phones import format_phone
from directory.operations.validation import Invalid, clean_email, clean_hours, clean_languages, clean_phone, clean_url

COMMON_LANGUAGES = ("fr", "nl", "en", "de", "ar", "tr", "es", "it", "pt", "pl", "ro", "ru", "uk", "fa", "ps", "bg")
DAY_LABELS = {
    "Mo": _l("Monday"),
    "Tu": _l("Tuesday"),
    "We": _l("Wednesday"),
    "Th": _l("Thursday"),
    "Fr": _l("Friday"),
    "Sa": _l("Saturday"),
    "Su": _l("Sunday"),
}
TEXT_PAIRS = (
    "name",
    "description",
    "cost_details",
    "access_details",
    "documents",
    "hours_note",
    "street",
    "accessibility_note",
)
LOCATION_NAMES = ("street_fr", "street_nl", "house_number", "postcode", "lat", "lon", "wheelchair")
LOCATION_NAMES += ("accessibility_note_fr", "accessibility_note_nl")


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def enum_choices(kind: str) -> list[SelectChoice]:
    """Options of an enum select, labelled in the page language."""
    return [SelectChoice(value, label) for value, label in ENUM_LABELS[kind].items()]


class ExceptionForm(Form):
    """A dated exception: a day or a period, closed (no hours) or with other hours."""

    class Meta:
        def get_translations(self, form: Form) -> Any:
            """Field messages in the page language, as in the FlaskForm around it (a plain Form speaks English)."""
            return wtf_translations if current_app.config.get("WTF_I18N_ENABLED", True) else None

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To (optional)"), validators=[Optional()])
    hours = StringField(_l("Hours (empty = closed)"), validators=[Length(max=100)])


def _text(label: Any, max_length: int = 200) -> StringField:
    return StringField(label, validators=[Length(max=max_length)])


def _area(label: Any) -> TextAreaField:
    return TextAreaField(label, validators=[Length(max=5000)])


class ServiceForm(FlaskForm):
    name_fr, name_nl = _text(_l("Name")), _text(_l("Name"))
    description_fr, description_nl = _area(_l("Description")), _area(_l("Description"))
    email = _text(_l("E-mail"))
    website = _text(_l("Website"), 300)
    phones = TextAreaField(_l("Phone numbers (one per line)"), validators=[Length(max=500)])
    cost = SelectField(_l("Cost"), choices=enum_choices("cost"))
    cost_details_fr, cost_details_nl = _area(_l("Cost details")), _area(_l("Cost details"))
    access = SelectField(_l("Access"), choices=enum_choices("access"))
    access_details_fr, access_details_nl = _area(_l("Conditions of access")), _area(_l("Conditions of access"))
    documents_fr, documents_nl = _area(_l("What to bring")), _area(_l("What to bring"))
    languages = MultiCheckboxField(_l("Languages spoken"), choices=[])
    other_languages = _text(_l("Other languages (ISO codes, comma-separated)"))
    sectors = MultiCheckboxField(_l("Sectors"), choices=[])
    publics = MultiCheckboxField(_l("For whom"), choices=[])

    hours_mode = RadioField(
        _l("Opening hours"),
        choices=[
            SelectChoice("grid", _l("Weekly grid")),
            SelectChoice("expert", _l("Expert (opening_hours syntax)")),
            SelectChoice("unknown", _l("Unknown")),
        ],
        default="grid",
    )
    hours_Mo, hours_Tu, hours_We = (
        _text(DAY_LABELS["Mo"], 100),
        _text(DAY_LABELS["Tu"], 100),
        _text(DAY_LABELS["We"], 100),
    )
    hours_Th, hours_Fr, hours_Sa = (
        _text(DAY_LABELS["Th"], 100),
        _text(DAY_LABELS["Fr"], 100),
        _text(DAY_LABELS["Sa"], 100),
    )
    hours_Su = _text(DAY_LABELS["Su"], 100)
    holidays = SelectField(
        _l("Public holidays"),
        choices=[
            SelectChoice("", _l("Same as usual")),
            SelectChoice("off", _l("Closed")),
            SelectChoice("hours", _l("Other hours")),
        ],
        default="",
    )
    holiday_hours = _text(_l("Hours on public holidays"), 100)
    exceptions = FieldList(FormField(ExceptionForm), min_entries=3, max_entries=20)
    opening_hours_raw = _text(_l("Opening hours in opening_hours syntax"), 1000)
    hours_note_fr, hours_note_nl = _area(_l("Note on hours")), _area(_l("Note on hours"))

    availability = SelectField(_l("Availability"), choices=enum_choices("availability"))
    availability_delay_days = IntegerField(
        _l("Indicative waiting time (days)"), validators=[Optional(), NumberRange(min=0, max=3650)]
    )
    status = SelectField(_l("Status"), choices=enum_choices("status"))
    closed_from = DateField(_l("Closed from"), validators=[Optional()])
    closed_until = DateField(_l("Closed until"), validators=[Optional()])

    street_fr, street_nl = _text(_l("Street")), _text(_l("Street"))
    house_number = _text(_l("Number"), 20)
    postcode = _text(_l("Postcode"), 4)
    lat = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(min=-90, max=90)])
    lon = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(min=-180, max=180)])
    wheelchair = SelectField(_l("Wheelchair access"), choices=enum_choices("wheelchair"))
    accessibility_note_fr = _area(_l("Accessibility note"))
    accessibility_note_nl = _area(_l("Accessibility note"))

    note = TextAreaField(_l("Message for the moderators (optional)"), validators=[Length(max=2000)])

    def set_choices(self, values: dict[str, Any]) -> None:
        """Vocabulary and language choices in the page language (plus any code the fiche already has)."""
        lang = get_locale()
        known = [c for c in COMMON_LANGUAGES]
        known += [c for c in values.get("languages") or [] if c not in known]
        self.languages.choices = [SelectChoice(c, language_name(c, lang)) for c in known]
        for field, model in ((self.sectors, Sector), (self.publics, Public)):
            rows = db.session.scalars(select(model).order_by(getattr(model, f"name_{lang}")))
            field.choices = [SelectChoice(row.code, getattr(row, f"name_{lang}")) for row in rows]

    def validate(self, extra_validators: Any = None) -> bool:
        """Field validators, then the checks that need several fields or the database."""
        ok = super().validate(extra_validators)
        checks = (
            (self.email, lambda v: clean_email(v) if v.strip() else ""),
            (self.website, lambda v: clean_url(v) if v.strip() else ""),
            (self.other_languages, lambda v: clean_languages(v.split(","))),
            (self.phones, lambda v: [clean_phone(line) for line in v.splitlines() if line.strip()]),
        )
        for field, check in checks:
            try:
                check(field.data or "")
            except Invalid as exc:
                ok = _error(field, _(exc.reason, **exc.params))
        if not (self.name_fr.data or "").strip() and not (self.name_nl.data or "").strip():
            ok = _error(self.name_fr, _("Give a name in French or in Dutch."))
        if (self.lat.data is None) != (self.lon.data is None):
            ok = _error(self.lat, _("Give both latitude and longitude, or neither."))
        elif self.lat.data is not None and not point_in_region(self.lat.data, self.lon.data):  # type: ignore[arg-type]
            ok = _error(self.lat, _("This point is outside the Brussels-Capital Region."))
        code = (self.postcode.data or "").strip()
        if code and db.session.get(PostalCode, code) is None:
            ok = _error(self.postcode, _("%(code)s is not a postcode of the Brussels-Capital Region.", code=code))
        if self.closed_from.data and self.closed_until.data and self.closed_until.data < self.closed_from.data:
            ok = _error(self.closed_until, _("The end date is before the start date."))
        return self._validate_hours() and ok

    def _validate_hours(self) -> bool:
        mode = self.hours_mode.data
        if mode == "expert":
            try:
                clean_hours(self.opening_hours_raw.data or "")
            except Invalid as exc:
                return _error(self.opening_hours_raw, _(exc.reason, **exc.params))
            if not (self.opening_hours_raw.data or "").strip():
                return _error(self.opening_hours_raw, _("Enter the opening hours, or choose “Unknown”."))
            return True
        if mode != "grid":
            return True
        try:
            grid = self.grid()
        except _GridError:
            return False
        if grid.is_empty():
            return _error(self.hours_Mo, _("Enter at least one opening time, or choose “Unknown”."))
        return True

    def grid(self) -> hours_grid.Grid:
        """The grid typed in the form; errors are attached to the fields (raises _GridError if any)."""
        grid, failed = hours_grid.Grid(), False
        for day in hours_grid.DAYS:
            field = getattr(self, f"hours_{day}")
            try:
                grid.week[day] = hours_grid.parse_ranges(field.data or "")
            except ValueError as exc:
                failed = not _error(field, _ranges_message(exc))
        grid.holidays = self.holidays.data or ""
        if grid.holidays == "hours":
            try:
                grid.holiday_ranges = hours_grid.parse_ranges(self.holiday_hours.data or "")
            except ValueError as exc:
                failed = not _error(self.holiday_hours, _ranges_message(exc))
            if not grid.holiday_ranges and not failed:
                grid.holidays = "off"
        for entry in self.exceptions:
            sub = entry.form
            if sub.start.data is None:
                continue
            if sub.end.data and sub.end.data < sub.start.data:
                failed = not _error(sub.end, _("The end date is before the start date."))
                continue
            try:
                ranges = hours_grid.parse_ranges(sub.hours.data or "")
            except ValueError as exc:
                failed = not _error(sub.hours, _ranges_message(exc))
                continue
            grid.exceptions.append(hours_grid.Exception_(sub.start.data, sub.end.data, ranges))
        if failed:
            raise _GridError
        return grid


class _GridError(ValueError):
    pass


def _ranges_message(exc: ValueError) -> str:
    return _("“%(value)s” is not a time range such as 09:00-12:30.", value=str(exc))


def _error(field: Any, message: str) -> bool:
    """Attach a message to a field (keeping what was typed); returns False for `ok = _error(...)`."""
    field.errors = [*field.errors, message]
    return False


def service_form(values: dict[str, Any], formdata: bool = False) -> ServiceForm:
    """The form for a GET (filled from `values`) or a POST (`formdata=True`: filled from the request)."""
    form = ServiceForm() if formdata else ServiceForm(formdata=None, data=form_data(values))
    form.set_choices(values)
    return form


def form_data(values: dict[str, Any]) -> dict[str, Any]:
    """Editing values → the form's initial data."""
    from datetime import date

    data = {k: v for k, v in values.items() if not k.startswith("location.")}
    data.update({name: values.get(f"location.{name}") for name in LOCATION_NAMES})
    for key in ("closed_from", "closed_until"):
        data[key] = date.fromisoformat(values[key]) if values.get(key) else None
    langs = values.get("languages") or []
    data["languages"] = langs
    data["phones"] = "\n".join(format_phone(n) for n in values.get("phones") or [])
    expr = values.get("opening_hours")
    grid = hours_grid.from_osm(expr)
    data["opening_hours_raw"] = expr or ""
    data["hours_mode"] = "unknown" if not expr else ("grid" if grid else "expert")
    if grid:
        data.update({f"hours_{day}": ", ".join(ranges) for day, ranges in grid.week.items()})
        data["holidays"], data["holiday_hours"] = grid.holidays, ", ".join(grid.holiday_ranges)
        data["exceptions"] = [{"start": e.start, "end": e.end, "hours": ", ".join(e.ranges)} for e in grid.exceptions]
    return data


def form_values(form: ServiceForm, current: dict[str, Any]) -> dict[str, Any]:
    """A validated form → editing values (the proposed state of the fiche)."""
    values: dict[str, Any] = {}
    for pair in TEXT_PAIRS:
        for lang in ("fr", "nl"):
            name = f"{pair}_{lang}"
            key = f"location.{name}" if pair in ("street", "accessibility_note") else name
            values[key] = (getattr(form, name).data or "").strip()
    values["email"] = clean_email(form.email.data) if (form.email.data or "").strip() else ""
    values["website"] = clean_url(form.website.data) if (form.website.data or "").strip() else ""
    values["phones"] = [clean_phone(line) for line in (form.phones.data or "").splitlines() if line.strip()]
    for name in ("cost", "access", "availability", "status"):
        values[name] = getattr(form, name).data
    values["languages"] = sorted(
        set(form.languages.data or []) | set(clean_languages((form.other_languages.data or "").split(",")))
    )
    values["sectors"] = sorted(form.sectors.data or [])
    values["publics"] = sorted(form.publics.data or [])
    values["availability_delay_days"] = (
        form.availability_delay_days.data if form.availability.data == "waiting_list" else None
    )
    values["closed_from"] = form.closed_from.data.isoformat() if form.closed_from.data else None
    values["closed_until"] = form.closed_until.data.isoformat() if form.closed_until.data else None
    values["location.house_number"] = (form.house_number.data or "").strip()
    values["location.postcode"] = (form.postcode.data or "").strip()
    values["location.lat"], values["location.lon"] = form.lat.data, form.lon.data
    values["location.wheelchair"] = form.wheelchair.data
    values["opening_hours"] = _hours(form, current.get("opening_hours"))
    return values


def _hours(form: ServiceForm, current: str | None) -> str | None:
    mode = form.hours_mode.data
    if mode == "unknown":
        return None
    expr = (form.opening_hours_raw.data or "").strip() if mode == "expert" else hours_grid.to_osm(form.grid())
    try:
        if current and expr and str(normalize_hours(expr)) == str(normalize_hours(current)):
            return current  # the same hours written differently: not a change
    except ValueError:  # the published expression is invalid (imported as is): any valid input replaces it
        pass
    return expr
