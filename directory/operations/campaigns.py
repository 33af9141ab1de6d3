"""Verification campaigns: select fiches, mail each service once in its language with a one-click "still correct"
link and a link to update, remind at the rhythm the service chooses, tell the coordinator about silence.

Links are signed (itsdangerous), not stored; they name a campaign item and work for TOKEN_MAX_AGE. A fiche counts as
updated when a revision was published after the e-mail went out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select

from directory.extensions import db
from directory.i18n import N_
from directory.models import Location, Service, ServiceStatus
from directory.models.accounts import User
from directory.models.base import utcnow
from directory.models.campaigns import Campaign, CampaignItem
from directory.models.moderation import Revision
from directory.models.services import service_at_location
from directory.operations import completeness, mail
from directory.operations.accounts import as_utc, audit
from directory.operations.mail import public_url

TOKEN_SALT = "campaign-check"
TOKEN_MAX_AGE = 60 * 60 * 24 * 120
RHYTHMS = (7, 14, 30, 90)  # days a service may choose between reminders (0 = no more reminders)
SUBJECTS = {
    "check": N_("Is your fiche in Qui fait quoi / Wie doet wat still correct?"),
    "reminder": N_("Reminder: is your fiche still correct?"),
    "escalation": N_("Services that did not answer a verification campaign"),
}


@dataclass
class Selection:
    """What a coordinator chose; every criterion is optional."""

    bassin: str = ""
    sector: str = ""
    never_verified: bool = False
    older_than_months: int | None = None
    below_completeness: int | None = None  # score under this (0–100)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None, False)}


def service_email(service: Service) -> str:
    return (service.email or service.organization.email or "").strip()


def service_lang(service: Service) -> str:
    """The language the service writes in: Dutch when its texts are only in Dutch, else French."""
    dutch = bool(service.name_nl or service.description_nl)
    french = bool(service.name_fr or service.description_fr)
    return "nl" if dutch and not french else "fr"


def select_services(selection: Selection, now: datetime | None = None) -> list[Service]:
    """Listed fiches matching the selection (with or without an e-mail address)."""
    query = select(Service).where(Service.status != ServiceStatus.INACTIVE)
    if selection.bassin:
        located = select(service_at_location.c.service_id).join(Location)
        query = query.where(Service.id.in_(located.where(Location.bassin_code == selection.bassin)))
    if selection.sector:
        query = query.where(Service.sectors.any(code=selection.sector))
    if selection.never_verified:
        query = query.where(Service.verified_at.is_(None))
    if selection.older_than_months:
        cutoff = (now or utcnow()) - timedelta(days=30 * selection.older_than_months)
        query = query.where(func.coalesce(Service.verified_at, Service.updated_at) < cutoff)
    services = list(db.session.scalars(query.order_by(Service.id)))
    if selection.below_completeness is not None:
        services = [s for s in services if completeness.score(s) < selection.below_completeness]
    return services


def send(name: str, selection: Selection, by: User, remind_every_days: int = 14, escalate_after: int = 2) -> Campaign:
    """Create the campaign and mail every selected service that has an e-mail address (one mail per fiche)."""
    if not by.is_moderator:
        raise PermissionError("coordinators (moderators) only")
    campaign = Campaign(
        name=name.strip(),
        criteria=selection.as_dict(),
        created_by_id=by.id,
        remind_every_days=remind_every_days,
        escalate_after=escalate_after,
    )
    db.session.add(campaign)
    for service in select_services(selection):
        email = service_email(service)
        if not email:
            continue
        bassins = [loc.bassin_code for loc in service.locations if loc.bassin_code]
        item = CampaignItem(
            service=service, email=email, lang=service_lang(service), bassin_code=next(iter(bassins), None)
        )
        campaign.items.append(item)
    db.session.flush()
    for item in campaign.items:
        _mail(item, "check")
        item.sent_at = utcnow()
    audit("campaign_send", by, campaign, details={"fiches": len(campaign.items), **campaign.criteria})
    db.session.flush()
    return campaign


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def token(item: CampaignItem) -> str:
    return _serializer().dumps({"i": item.id})


def item_by_token(raw: str) -> CampaignItem | None:
    try:
        data: Any = _serializer().loads(raw, max_age=TOKEN_MAX_AGE)
    except BadSignature:
        return None
    item = db.session.get(CampaignItem, data.get("i")) if isinstance(data, dict) else None
    return item if item is not None and item.service.status != ServiceStatus.INACTIVE else None


def opened(item: CampaignItem) -> None:
    if item.opened_at is None:
        item.opened_at = utcnow()
        db.session.flush()


def confirm(item: CampaignItem) -> None:
    """ "Still correct", from the e-mailed link: the fiche is checked today, by the service."""
    opened(item)
    item.confirmed_at = utcnow()
    service = item.service
    service.verified_at, service.verified_by = item.confirmed_at, "@" + item.email.rpartition("@")[2]
    audit("campaign_confirm", None, service, details={"campaign": item.campaign_id, "email": item.email})
    db.session.flush()


def set_rhythm(item: CampaignItem, days: int) -> None:
    if days not in (0, *RHYTHMS):
        raise ValueError("unknown rhythm")
    item.rhythm_days = days
    db.session.flush()


def updated_ids(campaign: Campaign) -> set[int]:
    """Items whose fiche had a revision published after the e-mail went out."""
    rows = db.session.execute(
        select(CampaignItem.id)
        .join(Revision, Revision.service_id == CampaignItem.service_id)
        .where(CampaignItem.campaign_id == campaign.id, Revision.number > 0, Revision.created_at > CampaignItem.sent_at)
    )
    return {row[0] for row in rows}


@dataclass
class Counts:
    sent: int = 0
    opened: int = 0
    confirmed: int = 0
    updated: int = 0
    silent: int = 0
    items: list[CampaignItem] = field(default_factory=list)


def counts(campaign: Campaign) -> dict[str | None, Counts]:
    """Per bassin code (None = unknown): sent, opened the link, confirmed, updated, silent (none of these)."""
    updated = updated_ids(campaign)
    result: dict[str | None, Counts] = defaultdict(Counts)
    for item in campaign.items:
        row = result[item.bassin_code]
        row.sent += item.sent_at is not None
        row.opened += item.opened_at is not None
        row.confirmed += item.confirmed_at is not None
        row.updated += item.id in updated
        if item.opened_at is None and item.confirmed_at is None and item.id not in updated:
            row.silent += 1
            row.items.append(item)
    return dict(result)


def remind(now: datetime | None = None) -> dict[str, int]:
    """Remind the services that neither confirmed nor updated, at their rhythm; after `escalate_after` reminders,
    tell the coordinator (once per campaign run) which services stay silent."""
    now = now or utcnow()
    reminded, escalated = 0, 0
    for campaign in db.session.scalars(select(Campaign).order_by(Campaign.id)):
        updated = updated_ids(campaign)
        silent_now: list[CampaignItem] = []
        for item in campaign.items:
            if item.confirmed_at is not None or item.id in updated or item.sent_at is None:
                continue
            every = item.rhythm_days if item.rhythm_days is not None else campaign.remind_every_days
            last = as_utc(item.last_reminded_at or item.sent_at)
            if every and last <= now - timedelta(days=every) and item.reminders < campaign.escalate_after:
                _mail(item, "reminder")
                item.reminders, item.last_reminded_at = item.reminders + 1, now
                reminded += 1
            elif (
                item.reminders >= campaign.escalate_after
                and item.escalated_at is None
                and last <= now - timedelta(days=every or campaign.remind_every_days)
            ):
                item.escalated_at = now
                silent_now.append(item)
        if silent_now and campaign.created_by is not None:
            coordinator = campaign.created_by
            link = public_url("campaigns.detail", lang_code=coordinator.lang, campaign_id=campaign.id)
            mail.send_template(
                coordinator.email,
                coordinator.lang,
                "campaigns/mail_escalation.txt",
                SUBJECTS["escalation"],
                campaign=campaign,
                items=silent_now,
                link=link,
            )
            escalated += len(silent_now)
    db.session.flush()
    return {"reminded": reminded, "escalated": escalated}


def _mail(item: CampaignItem, kind: str) -> None:
    check = public_url("campaigns.check", lang_code=item.lang, token=token(item))
    template = "campaigns/mail_check.txt"
    mail.send_template(
        item.email, item.lang, template, SUBJECTS[kind], item=item, check=check, reminder=kind != "check"
    )
