"""Claim a fiche: "this is my organisation — let me keep its fiches current".

A claim is granted without a moderator when the claimant's e-mail address (or its domain, unless it is a public
mailbox provider) matches the fiche's or its organisation's own e-mail or website, and the organisation has no
editor yet: a single-use link (only its SHA-256 is stored) proves the address and grants the membership. Otherwise
the claim waits for a moderator with its evidence (BCE/KBO number, domain, a note on a phone call), and existing
editors are told. A grant is always a `Membership` of the fiche's own organisation, nothing wider.

The claimant gets an e-mail in every case and the page answers the same, so nobody learns from it whether an
address has an account or matches a fiche.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import select

from directory.extensions import db
from directory.i18n import N_
from directory.models import Service
from directory.models.accounts import Membership, User
from directory.models.base import utcnow
from directory.models.selfserve import Claim, RequestStatus
from directory.operations import accounts, decisions, mail
from directory.operations.accounts import as_utc, audit, hash_token, normalize_email
from directory.operations.mail import public_url
from directory.text import host

# Domains anyone can get an address at: they prove nothing about an organisation.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        *("gmail.com", "googlemail.com", "hotmail.com", "hotmail.be", "hotmail.fr", "outlook.com", "outlook.be"),
        *("outlook.fr", "live.com", "live.be", "live.fr", "msn.com", "yahoo.com", "yahoo.fr", "icloud.com", "me.com"),
        *("mac.com", "aol.com", "gmx.com", "gmx.net", "gmx.de", "proton.me", "protonmail.com", "skynet.be"),
        *("telenet.be", "proximus.be", "voo.be", "scarlet.be", "base.be", "mail.com", "orange.fr", "free.fr"),
        "laposte.net",
    }
)
SUBJECTS = {
    "confirm": N_("Confirm that you keep this fiche up to date"),
    "received": N_("Your request to update a fiche was received"),
    "granted": N_("You can now update your fiches"),
    "refused": N_("Your request to update a fiche"),
    "editors": N_("Someone asked to update your organisation's fiches"),
}


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower().strip()


def proof(service: Service, email: str) -> str:
    """What ties `email` to the fiche: "address", "domain" or "" (nothing)."""
    organization = service.organization
    addresses = {a.strip().lower() for a in (service.email, organization.email) if a and a.strip()}
    if email in addresses:
        return "address"
    domain = _domain(email)
    if domain in PUBLIC_MAIL_DOMAINS:
        return ""
    domains = {_domain(a) for a in addresses} | {host(w) for w in (service.website, organization.website) if w}
    return "domain" if domain in domains else ""


def editors(organization_id: int) -> list[User]:
    """The active editors of an organisation (moderators are not counted)."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == organization_id, User.active)
            .order_by(User.id)
        )
    )


def submit(service: Service, name: str, role: str, email: str, lang: str, evidence: dict[str, str]) -> Claim:
    """Record a claim and send the claimant a mail: a link to confirm (proved by e-mail) or an acknowledgement.

    ValueError for an address that is not one (the form checks it first)."""
    email = normalize_email(email)
    matched = proof(service, email)
    existing = editors(service.organization_id)
    claim = Claim(
        service_id=service.id,
        organization_id=service.organization_id,
        name=name.strip(),
        role=role.strip(),
        email=email,
        lang=lang,
        evidence={**{k: v.strip() for k, v in evidence.items() if v and v.strip()}, "match": matched},
    )
    db.session.add(claim)
    db.session.flush()
    if matched and not existing:
        raw = secrets.token_urlsafe(32)
        claim.status, claim.token_hash = RequestStatus.AWAITING_EMAIL, hash_token(raw)
        claim.token_expires_at = utcnow() + timedelta(hours=int(current_app.config["CLAIM_LINK_HOURS"]))
        link = public_url("selfserve.claim_confirm", lang_code=lang, token=raw)
        _mail(claim, "confirm", link=link, hours=current_app.config["CLAIM_LINK_HOURS"])
    else:
        _mail(claim, "received")
        for editor in existing:
            mail.send_template(
                editor.email,
                editor.lang,
                "selfserve/mail_claim_editors.txt",
                SUBJECTS["editors"],
                claim=claim,
                link=public_url("edit.dashboard", lang_code=editor.lang),
            )
    audit("claim", None, service, details={"claim": claim.id, "match": matched, "editors": len(existing)})
    db.session.flush()
    return claim


def claim_by_token(raw: str) -> Claim | None:
    """The claim awaiting its e-mail proof whose link is `raw`, unexpired; else None."""
    claim = db.session.scalar(select(Claim).where(Claim.token_hash == hash_token(raw or "")))
    if claim is None or claim.status != RequestStatus.AWAITING_EMAIL or claim.token_expires_at is None:
        return None
    return claim if as_utc(claim.token_expires_at) > utcnow() else None


def confirm(raw: str) -> User | None:
    """Use a claim link once: grant the claim and return the user to sign in; None if the link is not valid."""
    claim = claim_by_token(raw)
    known = accounts.user_by_email(claim.email) if claim is not None else None
    if claim is None or (known is not None and not known.active):  # a deactivated account stays deactivated
        audit("claim_link_failed", None, details={"reason": "invalid, used or expired link, or inactive account"})
        return None
    claim.token_hash = None  # single use
    return grant(claim, None)


def grant(claim: Claim, moderator: User | None) -> User:
    """Make the claimant an editor of the fiche's organisation (only that one); tell them and existing editors."""
    if moderator is not None and not moderator.is_moderator:
        raise PermissionError("moderators only")
    if claim.status in (RequestStatus.GRANTED, RequestStatus.REFUSED):
        raise ValueError("this claim was already decided")
    user = accounts.get_or_create_user(claim.email, lang=claim.lang, name=claim.name)
    if not user.name:
        user.name = claim.name
    if claim.organization_id not in accounts.organization_ids(user):
        db.session.add(
            Membership(
                user_id=user.id,
                organization_id=claim.organization_id,
                invited_by_id=moderator.id if moderator else None,
            )
        )
    claim.status, claim.decided_at = RequestStatus.GRANTED, utcnow()
    claim.decided_by_id = moderator.id if moderator else None
    db.session.flush()
    db.session.refresh(user, ["memberships"])
    how = "moderator" if moderator else "email"
    audit("claim_grant", moderator, claim, details={"service": claim.service_id, "email": claim.email, "by": how})
    if moderator is not None:  # proved by e-mail, the person is signed in at once; else they get a sign-in link
        link = public_url(
            "auth.confirm",
            lang_code=claim.lang,
            token=accounts.issue_token(user, "invite"),
            next=url_for("edit.service", lang_code=claim.lang, service_id=claim.service_id),
        )
        _mail(claim, "granted", link=link, days=current_app.config["INVITE_LINK_DAYS"])
    return user


def refuse(claim: Claim, moderator: User, comment: str) -> None:
    """Refuse a claim with a word of explanation, which the claimant receives."""
    decisions.check_pending(moderator, claim.status not in (RequestStatus.GRANTED, RequestStatus.REFUSED), "claim")
    claim.status, claim.comment, claim.token_hash = RequestStatus.REFUSED, decisions.explanation(comment), None
    claim.decided_at, claim.decided_by_id = utcnow(), moderator.id
    audit("claim_refuse", moderator, claim, details={"service": claim.service_id, "email": claim.email})
    _mail(claim, "refused")
    db.session.flush()


def pending() -> list[Claim]:
    """Claims waiting for a moderator, oldest first."""
    query = select(Claim).where(Claim.status == RequestStatus.PENDING).order_by(Claim.id).limit(200)
    return list(db.session.scalars(query))


def _mail(claim: Claim, kind: str, **context: object) -> None:
    mail.send_template(
        claim.email, claim.lang, f"selfserve/mail_claim_{kind}.txt", SUBJECTS[kind], claim=claim, **context
    )
