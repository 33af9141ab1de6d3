"""Display helpers shared by pages, maps and print: open-now badges, dates, phones. Registered as Jinja globals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Flask
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _

from directory.labels import code_label, enum_label, language_name
from directory.services.hours import BRUSSELS, is_open, next_change, week_schedule
from directory.services.phones import format_phone, tel_uri


def open_state(expr: str | None, at: datetime | None = None) -> dict:
    """{"state": "open"|"closed"|"unknown", "label": translated, "detail": "until 17:00" or ""}."""
    state = is_open(expr, at)
    if state is None:
        return {"state": "unknown", "label": _("Hours unknown"), "detail": ""}
    change = next_change(expr, at)
    detail = ""
    if change is not None:
        local = change.astimezone(BRUSSELS)
        now = (at or datetime.now(BRUSSELS)).astimezone(BRUSSELS)
        when = format_datetime(local, "HH:mm") if local.date() == now.date() else format_datetime(local, "EEE HH:mm")
        detail = _("until %(time)s", time=when) if state else _("opens %(time)s", time=when)
    return {
        "state": "open" if state else "closed",
        "label": _("Open now") if state else _("Closed now"),
        "detail": detail,
    }


def this_week(expr: str | None, today: date | None = None) -> list:
    """The schedule from Monday of the current week."""
    today = today or datetime.now(BRUSSELS).date()
    return week_schedule(expr, today - timedelta(days=today.weekday()))


def verified_label(timestamp: int | datetime | None) -> str:
    """ "Checked on 3 March 2026" or "Never checked by a person"."""
    if not timestamp:
        return _("Never checked by a person")
    moment = timestamp if isinstance(timestamp, datetime) else datetime.fromtimestamp(timestamp, UTC)
    return _("Checked on %(date)s", date=format_date(moment, "long"))


def init_app(app: Flask) -> None:
    """Expose the helpers to templates."""
    app.jinja_env.globals.update(
        open_state=open_state,
        this_week=this_week,
        verified_label=verified_label,
        enum_label=enum_label,
        code_label=code_label,
        language_name=language_name,
        format_phone=format_phone,
        tel_uri=tel_uri,
        format_date=format_date,
    )
