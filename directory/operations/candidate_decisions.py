"""What a coordinator does with a candidate: publish it as a fiche, merge it into a fiche, or dismiss it.

Every decision is stamped with who and when, and kept across re-imports (`directory.importing.candidates`).
The new or merged fiche records the candidate's source in `ServiceSource`, so the link survives as well.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from directory.extensions import db
from directory.models import Candidate, CandidateStatus, Organization, Public, Sector, Service, ServiceSource
from directory.models.accounts import User
from directory.models.base import utcnow
from directory.operations import validation as v
from directory.operations.editing import apply_changes, current_values


class NotPending(ValueError):
    """The candidate was already decided (by someone else, in another tab)."""


def _clean(fn: Any, raw: Any, default: Any = "") -> Any:
    """A cleaned value, or `default` when the source's value is not valid (the coordinator can fill it)."""
    if not raw:
        return default
    try:
        return fn(raw)
    except v.Invalid:
        return default


def proposed_values(candidate: Candidate) -> dict[str, Any]:
    """The fiche as the source describes it, in the editing module's keys, with invalid values left empty."""
    r = candidate.record or {}
    lookup = v.term_lookup(
        {c: (fr, nl) for c, fr, nl in db.session.execute(select(Sector.code, Sector.name_fr, Sector.name_nl))}
    )
    publics = v.term_lookup(
        {c: (fr, nl) for c, fr, nl in db.session.execute(select(Public.code, Public.name_fr, Public.name_nl))}
    )
    hours = _clean(v.clean_hours, (r.get("opening_hours") or "").strip(), None)
    return {
        "name_fr": candidate.name_fr or candidate.organization_fr,
        "name_nl": candidate.name_nl or candidate.organization_nl,
        "description_fr": r.get("description_fr", ""),
        "description_nl": r.get("description_nl", ""),
        "email": _clean(v.clean_email, (r.get("email") or "").strip()),
        "website": _clean(v.clean_url, (r.get("website") or "").split(" | ")[0].strip()),
        "opening_hours": hours,
        "hours_note_fr": r.get("hours_note_fr") or ("" if hours else r.get("opening_hours", "")),
        "hours_note_nl": r.get("hours_note_nl") or ("" if hours else r.get("opening_hours", "")),
        "cost": _clean(lambda x: v.clean_choice("cost", x), r.get("cost", ""), "unknown"),
        "access": _clean(lambda x: v.clean_choice("access", x), r.get("access", ""), "unknown"),
        "documents_fr": r.get("documents_fr", ""),
        "documents_nl": r.get("documents_nl", ""),
        "languages": _clean(v.clean_languages, r.get("languages") or [], []),
        "location.street_fr": r.get("street_fr", ""),
        "location.street_nl": r.get("street_nl", ""),
        "location.house_number": r.get("house_number", ""),
        "location.postcode": candidate.postcode,
        "location.lat": candidate.lat,
        "location.lon": candidate.lon,
        "phones": [p for p in (_clean(v.clean_phone, raw) for raw in r.get("phones") or []) if p],
        "sectors": _clean(lambda raw: v.match_codes(raw, lookup, "sector"), r.get("sectors") or [], []),
        "publics": _clean(lambda raw: v.match_codes(raw, publics, "public"), r.get("publics") or [], []),
    }


def _decide(candidate: Candidate, status: CandidateStatus, user: User, note: str = "") -> None:
    if candidate.status != CandidateStatus.PENDING:
        raise NotPending(candidate.id)
    candidate.status, candidate.decided_by_id, candidate.decided_at = status, user.id, utcnow()
    candidate.decision_note = note


def _organization(candidate: Candidate) -> Organization:
    """The organisation with the candidate's BCE/KBO number, else a new one with the source's names."""
    if candidate.bce_number:
        d = candidate.bce_number
        forms = [d, f"{d[:4]}.{d[4:7]}.{d[7:]}", f"BE{d}"]  # as sources write it
        found = db.session.scalars(select(Organization).where(Organization.bce_number.in_(forms))).first()
        if found is not None:
            return found
    fr = candidate.organization_fr or candidate.name_fr or candidate.name_nl
    nl = candidate.organization_nl or candidate.name_nl or candidate.name_fr
    organization = Organization(
        name_fr=fr[:200], name_nl=nl[:200], bce_number=candidate.bce_number, source=candidate.source
    )
    db.session.add(organization)
    return organization


def _link(service: Service, candidate: Candidate) -> None:
    """Remember that the candidate's source record now lives in `service` (re-imports find it)."""
    known = select(ServiceSource).where(
        ServiceSource.source == candidate.source, ServiceSource.source_id == candidate.source_id
    )
    if db.session.scalar(known) is None:
        db.session.add(
            ServiceSource(service_id=service.id, source=candidate.source, source_id=candidate.source_id, score=100)
        )


def publish(candidate: Candidate, changes: dict[str, Any], user: User) -> Service:
    """Create the fiche from the candidate and the coordinator's `changes` (editing keys); flushes."""
    proposed = proposed_values(candidate)
    values = {**proposed, **changes}
    service = Service(
        organization=_organization(candidate),
        source=candidate.source,
        source_id=candidate.source_id,
        source_licence=candidate.licence,
        source_date=candidate.source_date,
    )
    db.session.add(service)
    db.session.flush()
    apply_changes(service, {k: val for k, val in values.items() if val not in ("", None, [])})
    # What the coordinator typed is theirs; what they kept is the source's.
    typed = {key for key, value in changes.items() if value != proposed.get(key)}
    service.field_provenance = {
        key: {"source": candidate.source, **({"human": True} if key in typed else {})}
        for key in (service.field_provenance or {})
    }
    _link(service, candidate)
    _decide(candidate, CandidateStatus.PUBLISHED, user)
    candidate.service_id = service.id
    db.session.flush()
    return service


def merge(candidate: Candidate, service: Service, user: User) -> list[str]:
    """Merge into an existing fiche: its organisation gets the BCE/KBO number and official names when it has none,
    empty fields are filled from the source. Returns the keys filled."""
    organization = service.organization
    if candidate.bce_number and not organization.bce_number:
        organization.bce_number = candidate.bce_number
    official = (candidate.details or {}).get("official_names") or {}
    for lang in ("fr", "nl"):
        if official.get(lang) and not getattr(organization, f"name_{lang}"):
            setattr(organization, f"name_{lang}", official[lang][:200])
    current = current_values(service)
    fill = {
        key: value
        for key, value in proposed_values(candidate).items()
        if value not in ("", None, [], "unknown") and current.get(key) in ("", None, [], "unknown")
    }
    filled = apply_changes(service, fill) if fill else []
    provenance = dict(service.field_provenance or {})
    for key in filled:  # filled by the source, not typed by a person
        provenance[key] = {"source": candidate.source}
    service.field_provenance = provenance
    _link(service, candidate)
    _decide(candidate, CandidateStatus.MERGED, user)
    candidate.service_id = service.id
    db.session.flush()
    return filled


def dismiss(candidates: Iterable[Candidate], user: User, note: str = "") -> int:
    """Dismiss every pending candidate of `candidates` (others are skipped); returns how many."""
    count = 0
    for candidate in candidates:
        if candidate.status == CandidateStatus.PENDING:
            _decide(candidate, CandidateStatus.DISMISSED, user, note)
            count += 1
    db.session.flush()
    return count
