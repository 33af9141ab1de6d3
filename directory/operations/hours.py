"""Opening hours in OpenStreetMap `opening_hours` syntax (parsed by opening-hours-py), Belgian public holidays.

NULL means "hours unknown": every function then answers None or an empty schedule, never "closed".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import opening_hours

BRUSSELS = ZoneInfo("Europe/Brussels")
# The parser raises ParserError, which the library's type stub does not declare, or SyntaxError.
PARSE_ERRORS = (getattr(opening_hours, "ParserError", SyntaxError), SyntaxError, ValueError)


@dataclass
class DaySchedule:
    """One day of a week: the open intervals (local times) and an optional comment."""

    day: date
    intervals: list[tuple[time, time]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    unknown: bool = False

    @property
    def closed(self) -> bool:
        return not self.intervals and not self.unknown


@functools.lru_cache(maxsize=4096)
def _parse(expr: str) -> opening_hours.OpeningHours:
    return opening_hours.OpeningHours(expr, timezone=BRUSSELS, country="BE")


def validate_hours(expr: str | None) -> str | None:
    """None when `expr` is empty or valid, else the parser's error message."""
    if not expr or not expr.strip():
        return None
    try:
        _parse(expr.strip())
    except PARSE_ERRORS as exc:
        lines = [line for line in str(exc).splitlines() if line.strip().startswith("= ")]
        return lines[0].strip("= ").strip() if lines else "invalid opening_hours expression"
    return None


def normalize_hours(expr: str | None) -> str | None:
    """A valid expression in the library's canonical form; None for empty input. Raises ValueError if invalid."""
    if not expr or not expr.strip():
        return None
    error = validate_hours(expr)
    if error:
        raise ValueError(error)
    return str(_parse(expr.strip()).normalize())


def _now(at: datetime | None) -> datetime:
    return (at or datetime.now(BRUSSELS)).astimezone(BRUSSELS)


def is_open(expr: str | None, at: datetime | None = None) -> bool | None:
    """True/False at `at` (default now, Brussels time); None when the hours are unknown or invalid."""
    if not expr or validate_hours(expr):
        return None
    oh = _parse(expr.strip())
    moment = _now(at)
    if oh.is_unknown(moment):
        return None
    return bool(oh.is_open(moment))


def next_change(expr: str | None, at: datetime | None = None) -> datetime | None:
    """When the state changes next (opens or closes); None when unknown or never."""
    if not expr or validate_hours(expr):
        return None
    try:
        return _parse(expr.strip()).next_change(_now(at))
    except (ValueError, OverflowError):
        return None


def week_schedule(expr: str | None, week_start: date) -> list[DaySchedule]:
    """The seven days from `week_start` with their open intervals ("this week's opening hours")."""
    days = [DaySchedule(week_start + timedelta(days=i)) for i in range(7)]
    if not expr or validate_hours(expr):
        for day in days:
            day.unknown = True
        return days
    start = datetime.combine(week_start, time.min, BRUSSELS)
    end = start + timedelta(days=7)
    by_day = {d.day: d for d in days}
    for begin, finish, state, comment in _parse(expr.strip()).intervals(start, end):
        begin, finish = begin.astimezone(BRUSSELS), finish.astimezone(BRUSSELS)
        cursor = begin
        while cursor < finish:  # split intervals that cross midnight
            day_end = datetime.combine(cursor.date() + timedelta(days=1), time.min, BRUSSELS)
            piece_end = min(finish, day_end)
            shown = by_day.get(cursor.date())
            if shown is not None:
                if state == opening_hours.State.OPEN:
                    closing = time(23, 59) if piece_end == day_end else piece_end.time()
                    shown.intervals.append((cursor.time(), closing))
                elif state == opening_hours.State.UNKNOWN:
                    shown.unknown = True
                if comment and comment not in shown.comments:
                    shown.comments.append(comment)
            cursor = piece_end
    return days
