"""The opening-hours part of the fiche form: a weekly grid with public holidays and dated exceptions, or the
expert OpenStreetMap `opening_hours` syntax, or "unknown". Stored as one OSM expression (`opening_hours`).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtf_translations
from wtforms import DateField, FieldList, Form, FormField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from directory.operations import hours_grid
from directory.operations.hours import normalize_hours
from directory.operations.validation import Invalid, clean_hours

DAY_LABELS = {
    "Mo": _l("Monday"),
    "Tu": _l("Tuesday"),
    "We": _l("Wednesday"),
    "Th": _l("Thursday"),
    "Fr": _l("Friday"),
    "Sa": _l("Saturday"),
    "Su": _l("Sunday"),
}


def error(field: Any, message: str) -> bool:
    """Attach a message to a field (keeping what was typed); returns False for `ok = error(...)`."""
    field.errors = [*field.errors, message]
    return False


class ExceptionForm(Form):
    """A dated exception: a day or a period, closed (no hours) or with other hours."""

    class Meta:
        def get_translations(self, form: Form) -> Any:
            """Field messages in the page language, as in the FlaskForm around it (a plain Form speaks English)."""
            return wtf_translations if current_app.config.get("WTF_I18N_ENABLED", True) else None

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To (optional)"), validators=[Optional()])
    hours = StringField(_l("Hours (empty = closed)"), validators=[Length(max=100)])


class _GridError(ValueError):
    pass


class HoursForm(FlaskForm):
    """The hours fields; `ServiceForm` adds the declared fields of a fiche."""

    hours_mode = RadioField(
        _l("Opening hours"),
        choices=[
            SelectChoice("grid", _l("Weekly grid")),
            SelectChoice("expert", _l("Expert (opening_hours syntax)")),
            SelectChoice("unknown", _l("Unknown")),
        ],
        default="grid",
    )
    holidays = SelectField(
        _l("Public holidays"),
        choices=[
            SelectChoice("", _l("Same as usual")),
            SelectChoice("off", _l("Closed")),
            SelectChoice("hours", _l("Other hours")),
        ],
        default="",
    )
    holiday_hours = StringField(_l("Hours on public holidays"), validators=[Length(max=100)])
    exceptions = FieldList(FormField(ExceptionForm), min_entries=3, max_entries=20)
    opening_hours_raw = StringField(_l("Opening hours in opening_hours syntax"), validators=[Length(max=1000)])

    def validate_hours(self) -> bool:
        """The chosen mode's input is valid and not empty."""
        mode, raw = self.hours_mode.data, self.opening_hours_raw
        if mode == "expert":
            try:
                clean_hours(raw.data or "")
            except Invalid as exc:
                return error(raw, _(exc.reason, **exc.params))
            if not (raw.data or "").strip():
                return error(raw, _("Enter the opening hours, or choose “Unknown”."))
            return True
        if mode != "grid":
            return True
        try:
            grid = self.grid()
        except _GridError:
            return False
        if grid.is_empty():
            return error(self["hours_Mo"], _("Enter at least one opening time, or choose “Unknown”."))
        return True

    def grid(self) -> hours_grid.Grid:
        """The grid typed in the form; errors are attached to the fields (raises _GridError if any)."""
        grid, failed = hours_grid.Grid(), False
        for day in hours_grid.DAYS:
            field = self[f"hours_{day}"]
            try:
                grid.week[day] = hours_grid.parse_ranges(field.data or "")
            except ValueError as exc:
                failed = not error(field, _ranges_message(exc))
        grid.holidays = self.holidays.data or ""
        if grid.holidays == "hours":
            try:
                grid.holiday_ranges = hours_grid.parse_ranges(self.holiday_hours.data or "")
            except ValueError as exc:
                failed = not error(self.holiday_hours, _ranges_message(exc))
            if not grid.holiday_ranges and not failed:
                grid.holidays = "off"
        for entry in self.exceptions:
            sub = entry.form
            if sub.start.data is None:
                continue
            if sub.end.data and sub.end.data < sub.start.data:
                failed = not error(sub.end, _("The end date is before the start date."))
                continue
            try:
                ranges = hours_grid.parse_ranges(sub.hours.data or "")
            except ValueError as exc:
                failed = not error(sub.hours, _ranges_message(exc))
                continue
            grid.exceptions.append(hours_grid.Exception_(sub.start.data, sub.end.data, ranges))
        if failed:
            raise _GridError
        return grid

    def hours_value(self, current: str | None) -> str | None:
        """The OSM expression typed; the published one when it means the same hours."""
        mode = self.hours_mode.data
        if mode == "unknown":
            return None
        expr = (self.opening_hours_raw.data or "").strip() if mode == "expert" else hours_grid.to_osm(self.grid())
        try:
            if current and expr and str(normalize_hours(expr)) == str(normalize_hours(current)):
                return current  # the same hours written differently: not a change
        except ValueError:  # the published expression is invalid (imported as is): any valid input replaces it
            pass
        return expr


for _day, _label in DAY_LABELS.items():
    setattr(HoursForm, f"hours_{_day}", StringField(_label, validators=[Length(max=100)]))


def hours_data(expr: str | None) -> dict[str, Any]:
    """An OSM expression → the hours fields' initial data (the grid when it can show it, else expert mode)."""
    grid = hours_grid.from_osm(expr)
    data: dict[str, Any] = {"opening_hours_raw": expr or ""}
    data["hours_mode"] = "unknown" if not expr else ("grid" if grid else "expert")
    if grid:
        data.update({f"hours_{day}": ", ".join(ranges) for day, ranges in grid.week.items()})
        data["holidays"], data["holiday_hours"] = grid.holidays, ", ".join(grid.holiday_ranges)
        data["exceptions"] = [{"start": e.start, "end": e.end, "hours": ", ".join(e.ranges)} for e in grid.exceptions]
    return data


def _ranges_message(exc: ValueError) -> str:
    return _("“%(value)s” is not a time range such as 09:00-12:30.", value=str(exc))
