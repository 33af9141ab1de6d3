"""Opening hours: OSM syntax, open now with Belgian public holidays, and an honest "unknown"."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from directory.operations.hours import BRUSSELS, is_open, validate_hours, week_schedule

WEEKDAYS = "Mo-Fr 09:00-12:30,13:30-17:00; PH off"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 23, 10, 0, tzinfo=BRUSSELS), True),  # Monday morning
        (datetime(2026, 11, 23, 13, 0, tzinfo=BRUSSELS), False),  # lunch break
        (datetime(2026, 11, 22, 10, 0, tzinfo=BRUSSELS), False),  # Sunday
        (datetime(2026, 12, 25, 10, 0, tzinfo=BRUSSELS), False),  # Christmas, a Belgian public holiday
    ],
)
def test_is_open(moment: datetime, expected: bool) -> None:
    assert is_open(WEEKDAYS, moment) is expected


def test_unknown_hours_are_not_closed() -> None:
    assert is_open(None) is None
    assert is_open("") is None
    assert is_open("lundi 9h-17h") is None  # free text is not a schedule
    assert all(day.unknown for day in week_schedule(None, date(2026, 11, 23)))


def test_validation_messages() -> None:
    assert validate_hours(WEEKDAYS) is None
    assert validate_hours("24/7") is None
    assert validate_hours("Mo-Fr 9-17")  # hours need minutes


def test_week_schedule_splits_night_shifts_and_holidays() -> None:
    days = week_schedule("Mo-Fr 09:00-17:00; Sa 22:00-02:00; PH off", date(2026, 12, 21))
    assert days[0].intervals == [(time(9), time(17))]
    assert days[4].closed  # Friday 25 December
    assert days[5].intervals == [(time(22), time(23, 59))]
    assert days[6].intervals == [(time(0), time(2))]
