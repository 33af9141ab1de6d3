"""Freshness: when a fiche was last checked, reminders to its editors, and stale fiches.

A fiche's freshness date is the last check by a person (`verified_at`) or, if nobody ever checked it, the date its
source gives for the facts (`source_date`: an OpenStreetMap check_date or extract, the 2020 hospital list, the KBO
snapshot), or for a fiche typed in here its last change — never the date of an import. Editors are reminded after
FRESHNESS_REMIND_AFTER_DAYS (6 months) and at most every FRESHNESS_REMIND_EVERY_DAYS; the e-mail holds a signed
link to a one-button "still correct" page that needs no sign-in. After FRESHNESS_STALE_AFTER_DAYS (12 months) the
fiche is marked stale ("to check") on the fiche and in search results, and listed for moderators per bassin.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import selectinload

from directory.extensions import db
from directory.i18n import N_
from directory.models import Bassin, Location, MergeCandidate, Service, ServiceStatus
from directory.models.accounts import Membership, User
from directory.models.base import utcnow
from directory.models.moderation import FreshnessReminder
from directory.models.services import service_at_location
from directory.operations import mail
from directory.operations.accounts import as_utc, audit, can_edit

REMINDER_SUBJECT = N_("Is your fiche still correct?")
TOKEN_SALT = "freshness-verify"
TOKEN_MAX_AGE = 60 * 60 * 24 * 60  # a reminder's links work for 60 days


def _days(name: str) -> timedelta:
    return timedelta(days=int(current_app.config[name]))


def facts_basis(item: Service | dict) -> tuple[str, datetime | None]:
    """How old a fiche's facts are, and why: ("checked", a person's check), ("source", the date the source gives
    for them), ("edited", the last change of a fiche typed in here), or ("unknown", None). Never an import date.
    Works on a fiche or a search document (unix seconds)."""
    if isinstance(item, dict):
        stamps = (("checked", item.get("verified_at")), ("source", item.get("source_date")))
        manual = item.get("source", "manual") == "manual"
        for basis, stamp in (*stamps, ("edited", item.get("updated_at") if manual else None)):
            if stamp:
                return basis, datetime.fromtimestamp(stamp, UTC)
        return "unknown", None
    if item.verified_at:
        return "checked", as_utc(item.verified_at)
    if item.source_date:
        return "source", datetime.combine(item.source_date, time(), UTC)
    if item.source == "manual" and item.updated_at:
        return "edited", as_utc(item.updated_at)
    return "unknown", None


def freshness_date(item: Service | dict) -> datetime | None:
    """When the facts were last known to be true (see `facts_basis`)."""
    return facts_basis(item)[1]


def newer_conflict(service: Service) -> Service | None:
    """A fiche of a newer source that may describe the same service (a pair waiting for a moderator): then this
    fiche's older facts (a 2020 list) are not shown as current."""
    pairs = select(MergeCandidate).where(
        MergeCandidate.status == "pending",
        (MergeCandidate.service_id == service.id) | (MergeCandidate.candidate_id == service.id),
    )
    mine = freshness_date(service)
    for pair in db.session.scalars(pairs):
        other = db.session.get(Service, pair.candidate_id if pair.service_id == service.id else pair.service_id)
        theirs = freshness_date(other) if other is not None else None
        if other is not None and theirs is not None and (mine is None or theirs > mine):
            return other
    return None


def is_stale(item: Service | dict, now: datetime | None = None) -> bool:
    """Not checked for FRESHNESS_STALE_AFTER_DAYS (12 months by default)."""
    moment = freshness_date(item)
    return moment is not None and moment < (now or utcnow()) - _days("FRESHNESS_STALE_AFTER_DAYS")


def _freshness_column() -> ColumnElement:
    manual = case((Service.source == "manual", Service.updated_at))
    return func.coalesce(Service.verified_at, Service.source_date, manual)


def _listed() -> ColumnElement:
    return Service.status != ServiceStatus.INACTIVE


def stale_condition(now: datetime | None = None) -> ColumnElement[bool]:
    """SQL: the fiche was not checked for FRESHNESS_STALE_AFTER_DAYS (as `is_stale`)."""
    return _freshness_column() < (now or utcnow()) - _days("FRESHNESS_STALE_AFTER_DAYS")


def stale_services(bassin_code: str | None = None, now: datetime | None = None, limit: int = 500) -> list[Service]:
    """Stale fiches, oldest first; of one bassin when given ("" = fiches with no known bassin)."""
    query = select(Service).where(_listed(), stale_condition(now))
    if bassin_code is not None:
        located = select(service_at_location.c.service_id).join(Location)
        if bassin_code:
            query = query.where(Service.id.in_(located.where(Location.bassin_code == bassin_code)))
        else:
            query = query.where(Service.id.not_in(located.where(Location.bassin_code.is_not(None))))
    query = query.options(selectinload(Service.locations)).order_by(_freshness_column(), Service.id).limit(limit)
    return list(db.session.scalars(query))


def stale_counts(now: datetime | None = None) -> list[tuple[Bassin | None, int]]:
    """How many stale fiches each bassin has (a fiche counts in every bassin where it has a location). The bassin
    dashboard counts the same from its one pass over the fiches (operations/dashboard.py)."""
    rows = db.session.execute(
        select(Location.bassin_code, func.count(func.distinct(Service.id)))
        .select_from(Service)
        .outerjoin(service_at_location, service_at_location.c.service_id == Service.id)
        .outerjoin(Location, Location.id == service_at_location.c.location_id)
        .where(_listed(), stale_condition(now))
        .group_by(Location.bassin_code)
    ).all()
    bassins = {b.code: b for b in db.session.scalars(select(Bassin))}
    counts = [(bassins.get(code) if code else None, count) for code, count in rows]
    return sorted(counts, key=lambda pair: (pair[0] is None, pair[0].name_fr if pair[0] else ""))


def due_reminders(now: datetime | None = None) -> dict[User, list[Service]]:
    """Editor → their fiches to remind about: unchecked for 6 months and not reminded to them recently."""
    now = now or utcnow()
    cutoff = now - _days("FRESHNESS_REMIND_AFTER_DAYS")
    recent = now - _days("FRESHNESS_REMIND_EVERY_DAYS")
    rows = db.session.execute(
        select(User, Service)
        .join(Membership, Membership.user_id == User.id)
        .join(Service, Service.organization_id == Membership.organization_id)
        .where(User.active, _listed(), _freshness_column() < cutoff)
        .where(
            ~select(FreshnessReminder.id)
            .where(
                FreshnessReminder.service_id == Service.id,
                FreshnessReminder.user_id == User.id,
                FreshnessReminder.sent_at >= recent,
            )
            .exists()
        )
        .order_by(User.id, Service.id)
    ).all()
    due: dict[User, list[Service]] = defaultdict(list)
    for user, service in rows:
        due[user].append(service)
    return dict(due)


def send_reminders(now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """One e-mail per editor listing their fiches to check, each with a one-click "still correct" link."""
    due = due_reminders(now)
    fiches = 0
    for user, services in due.items():
        fiches += len(services)
        if dry_run:
            continue
        items = [
            {
                "service": service,
                "verify": mail.public_url("edit.verify_link", lang_code=user.lang, token=verify_token(user, service)),
                "edit": mail.public_url("edit.service", lang_code=user.lang, service_id=service.id),
            }
            for service in services
        ]
        mail.send_template(user.email, user.lang, "edit/mail_reminder.txt", REMINDER_SUBJECT, user=user, items=items)
        db.session.add_all(FreshnessReminder(service_id=s.id, user_id=user.id) for s in services)
    db.session.flush()
    return {"editors": len(due), "fiches": fiches}


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def verify_token(user: User, service: Service) -> str:
    """A signed (not stored) token that lets `user` confirm `service` without signing in."""
    return _serializer().dumps({"u": user.id, "s": service.id})


def read_verify_token(token: str) -> tuple[User, Service] | None:
    """The (user, fiche) of a valid token whose user may still edit the fiche; else None."""
    try:
        data: Any = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except BadSignature:
        return None
    user, service = db.session.get(User, data.get("u")), db.session.get(Service, data.get("s"))
    if user is None or service is None or not can_edit(user, service):
        return None
    return user, service


def confirm_still_correct(service: Service, user: User) -> None:
    """ "Still correct": a person checked the fiche now (shown on the fiche, resets reminders and staleness)."""
    service.verified_at, service.verified_by = utcnow(), user.public_name
    audit("verify", user, service)
    db.session.flush()
