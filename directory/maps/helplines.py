"""Helplines and orientation services for the easy-read mode, from directory/data/helplines.csv.

Every number in that file was read on a public page, cited in its `source_url` with the date the page shows
(`source_date`, "n.d." when it shows none) and the day it was read (`checked`); nothing there comes from memory.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HELPLINES_CSV = Path(__file__).resolve().parent.parent / "data" / "helplines.csv"


@dataclass(frozen=True)
class Helpline:
    key: str
    needs: tuple[str, ...]
    audience: str  # "public" or "professional"
    name_fr: str
    name_nl: str
    phone: str
    hours_fr: str
    hours_nl: str
    what_fr: str
    what_nl: str
    source_url: str
    source_date: str
    checked: str

    @property
    def tel(self) -> str:
        """The number for a tel: link (digits and a leading +)."""
        return "".join(c for c in self.phone if c.isdigit() or c == "+")


@cache
def all_helplines() -> tuple[Helpline, ...]:
    """Every helpline of the file, in its order."""
    with HELPLINES_CSV.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    return tuple(
        Helpline(**{**row, "needs": tuple(row["needs"].split("|"))})  # type: ignore[arg-type]
        for row in rows
    )


def helplines_for(need: str, audience: str = "public") -> list[Helpline]:
    """The helplines that answer `need` for `audience`."""
    return [h for h in all_helplines() if need in h.needs and h.audience == audience]
