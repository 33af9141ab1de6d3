"""Add a service: anyone proposes a new service (or a new site of a listed one); a moderator publishes it.

The proposal keeps the edit form's values (`editing.current_values` shape), validated by the same form as edits.
`similar()` finds fiches it may duplicate — same phone, same website, a close name in the same postcode or
anywhere — for the form (while typing) and for the moderator; `known_candidates()` finds the services waiting
for review (candidates, never public) under a close name, of which the form says only the name and commune.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from rapidfuzz import fuzz
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import selectinload

from directory.extensions import db
from directory.i18n import N_, localized
from directory.models import Location, Organization, Phone, Service, ServiceStatus
from directory.models.accounts import User
from directory.models.base import utcnow
from directory.models.candidates import Candidate, CandidateStatus
from directory.models.selfserve import RequestStatus, ServiceProposal
from directory.operations import decisions, mail
from directory.operations.accounts import audit
from directory.operations.phones import normalize_phone
from directory.text import host, normalize

SIMILAR_NAME_AT = 75  # token-set ratio of accent-free names
SUBJECTS = {
    "received": N_("Your proposal of a new service was received"),
    "published": N_("The service you proposed is published"),
    "refused": N_("The service you proposed was not published"),
}


@dataclass
class Similar:
    """A listed fiche that a proposal may duplicate, and why."""

    service: Service
    score: int
    reasons: list[str] = field(default_factory=list)


def _phones(raw: list[str]) -> set[str]:
    numbers = set()
    for value in raw:
        try:
            numbers.add(normalize_phone(value))
        except ValueError:
            continue
    return numbers


def similar(name: str, postcode: str = "", phones: list[str] | None = None, website: str = "") -> list[Similar]:
    """Up to 5 listed fiches this proposal may duplicate, most likely first."""
    wanted, numbers, site = normalize(name), _phones(phones or []), host(website) if website.strip() else ""
    words = sorted((w for w in wanted.split() if len(w) >= 4), key=len, reverse=True)[:2]
    conditions: list[ColumnElement[bool]] = (
        [Service.id.in_(select(Phone.service_id).where(Phone.number.in_(numbers)))] if numbers else []
    )
    if site:
        conditions.append(Service.website.ilike(f"%{site}%"))
    if postcode.strip():
        located = select(Location.id).where(Location.postcode == postcode.strip())
        conditions.append(Service.locations.any(Location.id.in_(located)))
    conditions += [or_(Service.name_fr.ilike(f"%{w}%"), Service.name_nl.ilike(f"%{w}%")) for w in words]
    if not conditions:
        return []
    query = (
        select(Service)
        .where(Service.status != ServiceStatus.INACTIVE, or_(*conditions))
        .options(selectinload(Service.phones), selectinload(Service.locations))
        .limit(300)
    )
    found = []
    for service in db.session.scalars(query):
        names = [normalize(n) for n in (service.name_fr, service.name_nl) if n]
        ratio = int(max((fuzz.token_set_ratio(wanted, n) for n in names), default=0)) if wanted else 0
        reasons, score = [], ratio
        if ratio >= SIMILAR_NAME_AT:
            reasons.append("name")
        if numbers & {p.number for p in service.phones}:
            reasons, score = [*reasons, "phone"], score + 40
        if site and service.website and host(service.website) == site:
            reasons, score = [*reasons, "website"], score + 30
        if postcode.strip() and any(loc.postcode == postcode.strip() for loc in service.locations):
            score += 10
            if ratio >= SIMILAR_NAME_AT - 15:
                reasons.append("postcode")
        if reasons and (set(reasons) - {"postcode"}):
            found.append(Similar(service, score, reasons))
    return sorted(found, key=lambda s: -s.score)[:5]


def similar_to(values: dict[str, Any]) -> list[Similar]:
    """`similar()` for a proposal's values (edit-form shape)."""
    names = " ".join(v for v in (values.get("name_fr"), values.get("name_nl")) if v)
    postcode, website = values.get("location.postcode") or "", values.get("website") or ""
    return similar(names, postcode, values.get("phones"), website)


def similar_json(matches: list[Similar], lang: str) -> list[dict[str, Any]]:
    """The matches as the form's script shows them: name, address, links to the fiche and to claim it."""
    result = []
    for match in matches:
        location = match.service.locations[0] if match.service.locations else None
        address = ""
        if location is not None:
            street = localized(location, "street", lang).text
            address = " ".join(p for p in (street, location.house_number, location.postcode) if p)
        result.append(
            {
                "id": match.service.id,
                "name": localized(match.service, "name", lang).text,
                "address": address,
                "url": url_for("public.service", lang_code=lang, service_id=match.service.id),
                "claim_url": url_for("selfserve.claim", lang_code=lang, service_id=match.service.id),
                "reasons": match.reasons,
            }
        )
    return result


def known_candidates(name: str, postcode: str = "") -> list[Candidate]:
    """Up to 3 pending candidates whose name is close to `name` (the same postcode first)."""
    wanted = normalize(name)
    words = sorted((w for w in wanted.split() if len(w) >= 4), key=len, reverse=True)[:2]
    if not words:
        return []
    columns = (Candidate.name_fr, Candidate.name_nl, Candidate.organization_fr, Candidate.organization_nl)
    query = (
        select(Candidate)
        .where(Candidate.status == CandidateStatus.PENDING, Candidate.gone_from_source.is_(False))
        .where(or_(*(column.ilike(f"%{w}%") for w in words for column in columns)))
        .options(selectinload(Candidate.commune))
        .limit(300)
    )
    found = []
    for candidate in db.session.scalars(query):
        names = [normalize(n) for n in (candidate.name_fr, candidate.name_nl) if n] or [normalize(candidate.name)]
        ratio = int(max(fuzz.token_set_ratio(wanted, n) for n in names))
        if ratio >= SIMILAR_NAME_AT:
            found.append(
                (ratio + (10 if postcode.strip() and candidate.postcode == postcode.strip() else 0), candidate)
            )
    return [candidate for _score, candidate in sorted(found, key=lambda pair: -pair[0])[:3]]


def known_json(candidates: list[Candidate], lang: str) -> list[dict[str, str]]:
    """Only the name and commune of waiting candidates: no phone, e-mail, address or source details."""
    return [
        {
            "name": localized(candidate, "name", lang).text or candidate.name,
            "commune": localized(candidate.commune, "name", lang).text if candidate.commune else candidate.postcode,
        }
        for candidate in candidates
    ]


def submit(values: dict[str, Any], details: dict[str, str], site_of: Service | None, lang: str) -> ServiceProposal:
    """Record a proposal (`details`: organisation name, BCE/KBO, proposer's name, e-mail, role, note) and
    acknowledge it to the proposer."""
    proposal = ServiceProposal(
        values=values,
        organization_name=details.get("organization_name", "").strip(),
        bce_number=details.get("bce", "").strip()[:12],
        site_of_id=site_of.id if site_of else None,
        proposer_name=details.get("name", "").strip(),
        proposer_email=details.get("email", "").strip(),
        proposer_role=details.get("role", "").strip(),
        note=details.get("note", "").strip(),
        lang=lang,
    )
    db.session.add(proposal)
    db.session.flush()
    audit("propose_service", None, proposal, details={"site_of": proposal.site_of_id})
    _mail(proposal, "received")
    return proposal


def publish(proposal: ServiceProposal, moderator: User) -> Service:
    """Create the fiche (in the organisation of `site_of`, or a new organisation) with the proposed values."""
    from directory.operations import moderation

    _check_pending(proposal, moderator)
    values = proposal.values
    if proposal.site_of is not None:
        organization = proposal.site_of.organization
    else:
        name = proposal.organization_name or values.get("name_fr") or values.get("name_nl") or ""
        organization = Organization(name_fr=name, name_nl=name, bce_number=proposal.bce_number or None)
    service = Service(organization=organization, source="proposal", source_id=f"proposal-{proposal.id}")
    db.session.add(service)
    db.session.flush()
    moderation.publish(service, values, moderator, "review")
    proposal.status, proposal.service_id = RequestStatus.GRANTED, service.id
    proposal.decided_at, proposal.decided_by_id = utcnow(), moderator.id
    audit("proposal_publish", moderator, proposal, details={"service": service.id})
    link = mail.public_url("public.service", lang_code=proposal.lang, service_id=service.id)
    _mail(proposal, "published", link=link)
    db.session.flush()
    return service


def refuse(proposal: ServiceProposal, moderator: User, comment: str) -> None:
    """Refuse a proposal with an explanation, which the proposer receives."""
    _check_pending(proposal, moderator)
    proposal.status, proposal.comment = RequestStatus.REFUSED, decisions.explanation(comment)
    proposal.decided_at, proposal.decided_by_id = utcnow(), moderator.id
    audit("proposal_refuse", moderator, proposal)
    _mail(proposal, "refused")
    db.session.flush()


def pending() -> list[ServiceProposal]:
    query = select(ServiceProposal).where(ServiceProposal.status == RequestStatus.PENDING)
    return list(db.session.scalars(query.order_by(ServiceProposal.id).limit(200)))


def _check_pending(proposal: ServiceProposal, moderator: User) -> None:
    decisions.check_pending(moderator, proposal.status == RequestStatus.PENDING, "proposal")


def _mail(proposal: ServiceProposal, kind: str, link: str = "") -> None:
    if not proposal.proposer_email:
        return
    values = proposal.values
    name = values.get(f"name_{proposal.lang}") or values.get("name_fr") or values.get("name_nl")
    mail.send_template(
        proposal.proposer_email,
        proposal.lang,
        f"selfserve/mail_proposal_{kind}.txt",
        SUBJECTS[kind],
        proposal=proposal,
        name=name,
        link=link,
    )
