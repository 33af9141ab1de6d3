""" "Open now" and "open at …": which fiches of a search are open at a moment, from their structured hours
(directory/operations/hours.py: Belgian public holidays included), their status and their closure dates.

Meilisearch cannot evaluate opening hours, so the candidates' hours are read in one lean query, evaluated here,
and the search is then restricted to the open ones; fiches whose hours are unknown are listed apart.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select
from werkzeug.datastructures import MultiDict

from directory.extensions import db
from directory.operations.hours import BRUSSELS, is_open

OPEN_VALUES = ("now",)
UNKNOWN_SHOWN = 10


def parse_open(args: MultiDict) -> datetime | None:
    """`open=now` → now; `open_at=2026-12-03T10:00` (a date and a time, Brussels time) → that moment."""
    from directory.search.params import InvalidSearch

    raw_at = args.get("open_at", "").strip()
    if raw_at:
        try:
            return datetime.fromisoformat(raw_at).replace(tzinfo=BRUSSELS)
        except ValueError:
            raise InvalidSearch("open_at", _("Choose a day and a time to see what is open then.")) from None
    value = args.get("open", "").strip()
    if not value:
        return None
    if value not in OPEN_VALUES:
        raise InvalidSearch("open", _("Unknown value “%(value)s” for %(name)s.", value=value[:40], name="open"))
    return datetime.now(BRUSSELS)


def _closed_services(service_ids: set[int], moment: datetime) -> set[int]:
    """Services with a temporary closure covering the day of `moment`."""
    from directory.models import Service

    day = moment.date()
    query = select(Service.id).where(
        Service.id.in_(service_ids),
        Service.closed_from.is_not(None),
        Service.closed_from <= day,
        or_(Service.closed_until.is_(None), Service.closed_until >= day),
    )
    return set(db.session.scalars(query))


def restrict(params, uid: str) -> tuple[list[str], dict]:
    """(extra filter clauses keeping the fiches open at `params.open_at`, the query listing those of unknown
    hours). Raises MeiliError if Meilisearch fails."""
    from directory.search import get_client
    from directory.search.query import build_queries

    lean = build_queries(params, uid, attributes=["id", "service_id", "opening_hours", "status"], facets=False)[0]
    lean.pop("indexUid")
    lean.update(page=1, hitsPerPage=current_app.config["MAX_TOTAL_HITS"])
    lean.pop("sort", None)
    hits = get_client().search(uid, lean)["hits"]
    moment = params.open_at
    closed = _closed_services({h["service_id"] for h in hits if h.get("opening_hours")}, moment)
    open_ids, unknown_ids = [], []
    for hit in hits:
        if hit.get("status") == "temporarily_closed" or hit["service_id"] in closed:
            continue
        state = is_open(hit.get("opening_hours"), moment)
        if state is None:
            unknown_ids.append(hit["id"])
        elif state:
            open_ids.append(hit["id"])
    unknown = build_queries(params, uid, extra=[_ids(unknown_ids)], facets=False)[0]
    unknown.pop("page")
    unknown.pop("hitsPerPage")
    unknown["limit"] = UNKNOWN_SHOWN
    return [_ids(open_ids)], unknown


def _ids(ids: list[str]) -> str:
    quoted = ", ".join(f'"{i}"' for i in ids)  # document ids are "<service>-<location>"
    return f"id IN [{quoted}]"
