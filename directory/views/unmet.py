"""Moderators' list of what people searched for and did not find this month (directory/search/unmet.py)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template

from directory.operations.hours import BRUSSELS
from directory.search.places import value_label
from directory.search.unmet import most_frequent
from directory.security import moderator_required

bp = Blueprint("unmet", __name__, url_prefix="/<lang_code>/moderation")


def _describe(filters: dict[str, list[str]], lang: str) -> list[str]:
    """Readable filters: "Commune: Anderlecht" for {"understood_commune": ["21001"]}."""
    out = []
    for name, codes in sorted(filters.items()):
        kind = name.removeprefix("understood_")
        out.append(", ".join(value_label(kind, code, lang) for code in codes))
    return out


@bp.get("/unmet-searches")
@moderator_required
def unmet_searches() -> str:
    """The most frequent searches of this month with no true match (with or without alternatives offered)."""
    from directory.i18n import get_locale

    today = datetime.now(BRUSSELS).date()
    rows = most_frequent(today.replace(day=1))
    lang = get_locale()
    for row in rows:
        row["described"] = _describe(row["filters"], lang)
    return render_template("moderation/unmet.html", rows=rows, since=today.replace(day=1))
