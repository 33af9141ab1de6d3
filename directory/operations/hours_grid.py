"""The edit form's opening-hours grid ⇄ OSM `opening_hours` (the storage format, see directory.operations.hours).

The grid is: time ranges per weekday, public holidays (as usual / closed / other hours), and dated exceptions
(a day or a period, closed or with other hours). `to_osm` writes one expression; `from_osm` reads back only
expressions the grid can show exactly (checked by a round trip), otherwise the form offers the raw expert field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from directory.operations.hours import normalize_hours, validate_hours

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
RANGE = re.compile(r"^([01]?\d|2[0-4])[:h.]?([0-5]\d)?\s*[-–]\s*([01]?\d|2[0-4])[:h.]?([0-5]\d)?$")


@dataclass
class Exception_:
    """A day or period with other hours; `ranges` empty = closed."""

    start: date
    end: date | None = None
    ranges: list[str] = field(default_factory=list)


@dataclass
class Grid:
    week: dict[str, list[str]] = field(default_factory=lambda: {d: [] for d in DAYS})  # "09:00-12:00"
    holidays: str = ""  # "" as usual, "off" closed, "hours" = holiday_ranges
    holiday_ranges: list[str] = field(default_factory=list)
    exceptions: list[Exception_] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not any(self.week.values()) and not self.holidays and not self.exceptions


def parse_ranges(text: str) -> list[str]:
    """ "9-12, 13h30-17" → ["09:00-12:00", "13:30-17:00"]; ValueError naming the part that is not a range."""
    ranges = []
    for part in re.split(r"[,;/]|\s+et\s+|\s+en\s+", text.strip()):
        part = part.strip()
        if not part:
            continue
        match = RANGE.match(part)
        if not match:
            raise ValueError(part)
        h1, m1, h2, m2 = match.groups()
        start, end = f"{int(h1):02d}:{m1 or '00'}", f"{int(h2):02d}:{m2 or '00'}"
        if start == end:
            raise ValueError(part)
        ranges.append(f"{start}-{end}")
    return ranges


def _osm_date(day: date) -> str:
    return f"{day.year} {MONTHS[day.month - 1]} {day.day:02d}"


def _times(ranges: list[str]) -> str:
    return ",".join(ranges) if ranges else "off"


def to_osm(grid: Grid) -> str | None:
    """One OSM expression for the grid (None when empty); consecutive days with equal hours are grouped."""
    if grid.is_empty():
        return None
    rules: list[str] = []
    open_days = [(i, d) for i, d in enumerate(DAYS) if grid.week[d]]
    groups: list[list[int]] = []
    for i, d in open_days:
        if groups and groups[-1][-1] == i - 1 and grid.week[DAYS[groups[-1][0]]] == grid.week[d]:
            groups[-1].append(i)
        else:
            groups.append([i])
    for group in groups:
        days = DAYS[group[0]] if len(group) == 1 else f"{DAYS[group[0]]}-{DAYS[group[-1]]}"
        rules.append(f"{days} {_times(grid.week[DAYS[group[0]]])}")
    if grid.holidays == "off":
        rules.append("PH off")
    elif grid.holidays == "hours":
        rules.append(f"PH {_times(grid.holiday_ranges)}")
    for exc in sorted(grid.exceptions, key=lambda e: e.start):
        when = _osm_date(exc.start)
        if exc.end and exc.end != exc.start:
            when += f"-{_osm_date(exc.end)}"
        rules.append(f"{when} {_times(exc.ranges)}")
    if not open_days:
        rules.insert(0, "Mo-Su off")
    return "; ".join(rules)


_DAY = "(?:Mo|Tu|We|Th|Fr|Sa|Su)"
_DAYS_RULE = re.compile(rf"^({_DAY}(?:-{_DAY})?(?:,{_DAY}(?:-{_DAY})?)*) (.+)$")
_DATE = r"(\d{4}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{1,2})"
_DATE_RULE = re.compile(rf"^{_DATE}(?:-{_DATE})? (.+)$")
_TIMES = re.compile(r"^(off|closed|\d\d:\d\d-\d\d:\d\d(?:,\d\d:\d\d-\d\d:\d\d)*)$")


def _read_times(text: str) -> list[str]:
    if not _TIMES.match(text):
        raise ValueError(text)
    return [] if text in ("off", "closed") else text.split(",")


def _expand(days: str) -> list[str]:
    result: list[str] = []
    for part in days.split(","):
        first, _, last = part.partition("-")
        i, j = DAYS.index(first), DAYS.index(last or first)
        result.extend(DAYS[i : j + 1] if i <= j else [*DAYS[i:], *DAYS[: j + 1]])
    return result


def _to_date(year: str, month: str, day: str) -> date:
    return date(int(year), MONTHS.index(month) + 1, int(day))


def from_osm(expr: str | None) -> Grid | None:
    """The grid showing exactly `expr`, or None when the expression needs the expert field."""
    if not expr or validate_hours(expr):
        return None
    grid = Grid()
    try:
        for rule in (r.strip() for r in expr.split(";")):
            if not rule:
                continue
            if rule.startswith("PH "):
                ranges = _read_times(rule[3:].strip())
                grid.holidays, grid.holiday_ranges = ("hours", ranges) if ranges else ("off", [])
            elif match := _DAYS_RULE.match(rule):
                ranges = _read_times(match.group(2))
                for day in _expand(match.group(1)):
                    grid.week[day] = ranges
            elif match := _DATE_RULE.match(rule):
                g = match.groups()
                end = _to_date(*g[3:6]) if g[3] else None
                grid.exceptions.append(Exception_(_to_date(*g[0:3]), end, _read_times(g[6])))
            else:
                return None
    except (ValueError, IndexError):
        return None
    rebuilt = to_osm(grid)
    try:
        return grid if rebuilt and str(normalize_hours(rebuilt)) == str(normalize_hours(expr)) else None
    except ValueError:
        return None
