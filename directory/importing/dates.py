"""Dates as sources give them."""

from __future__ import annotations

import re
from datetime import date

DATE = re.compile(r"^\s*(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def parse_source_date(text: str) -> date | None:
    """The date a source gives ("2022-07-12 (…)", "2019-05", "2017 (…)"); None for "n.d." or nothing."""
    found = DATE.match(text or "")
    if not found:
        return None
    year, month, day = found.groups()
    try:
        return date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
