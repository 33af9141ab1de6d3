"""Publishing changes: directly (moderators, trusted organisations, availability) or through the review queue.

Publishing applies the change set to the fiche, records a revision and an audit entry; the commit that follows
sends the fiche to the search index (directory.search.sync).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from directory.extensions import db
from directory.i18n import N_
from directory.models import Location, Service
from directory.models.accounts import User
from directory.models.base import utcnow
from directory.models.moderation import ChangeRequest, ChangeStatus, ProblemReport, ReportStatus, Revision
from directory.operations import bilingual, coordination, decisions, editing, mail, revisions
from directory.operations.accounts import audit, can_edit, is_trusted

#: key of a change request that declares (or withdraws) a function at one location instead of changing fields:
#: {"location_id": int, "function": code, "conditions": [codes], "withdraw": bool}
FUNCTION_OFFER = "function_offer"

REPORT_CATEGORIES = {
    "wrong_info": N_("Incorrect information"),
    "closed": N_("The service has closed or moved"),
    "contact": N_("Phone, e-mail or website does not work"),
    "hours": N_("Wrong opening hours"),
    "other": N_("Something else"),
}


@dataclass
class Outcome:
    """What happened to a submission: published (with its revision), queued (with its request), or nothing."""

    status: str  # published | queued | unchanged
    revision: Revision | None = None
    request: ChangeRequest | None = None


def publishes_directly(user: User, service: Service, changes: dict[str, Any]) -> bool:
    """Moderators, editors of trusted organisations, and availability-only updates skip the queue."""
    return user.is_moderator or is_trusted(service.organization_id) or set(changes) <= editing.AVAILABILITY_KEYS


def publish(
    service: Service,
    changes: dict[str, Any],
    by: User,
    kind: str = "edit",
    request: ChangeRequest | None = None,
    verified: bool = True,
) -> Revision | None:
    """Apply `changes` now: revision, audit, and (for a full review of the fiche) a new verification date."""
    revisions.ensure_baseline(service)
    keys = editing.apply_changes(service, changes)
    bilingual.record(service, keys)
    if verified:
        service.verified_at, service.verified_by = utcnow(), by.public_name
    if not keys and not verified:
        return None
    revision = revisions.record(service, by, kind, change_request_id=request.id if request else None)
    audit("publish", by, service, details={"revision": revision.number, "fields": keys})
    return revision


def submit(service: Service, user: User, proposed: dict[str, Any], note: str = "") -> Outcome:
    """An edit form submission: publish it, or queue it for a moderator (replacing the user's earlier draft)."""
    if not can_edit(user, service):
        raise PermissionError("not an editor of this fiche")
    changes = editing.change_set(service, proposed)
    own_draft = pending_request(service, user)
    if own_draft is not None:  # the form showed this draft: the new submission replaces it
        own_draft.status = ChangeStatus.SUPERSEDED
        db.session.flush()
    if not changes:
        return Outcome("unchanged")
    if publishes_directly(user, service, changes):
        only_availability = set(changes) <= editing.AVAILABILITY_KEYS
        kind = "availability" if only_availability else "edit"
        return Outcome("published", revision=publish(service, changes, user, kind, verified=not only_availability))
    current = editing.current_values(service)
    request = ChangeRequest(
        service_id=service.id,
        author_id=user.id,
        changes=changes,
        base={key: current.get(key) for key in changes},
        note=note,
    )
    db.session.add(request)
    db.session.flush()
    audit("propose", user, service, details={"request": request.id, "fields": list(changes)})
    return Outcome("queued", request=request)


def set_availability(service: Service, user: User, availability: str, delay_days: int | None) -> Revision | None:
    """The quick availability update: published at once by any editor of the fiche (drafts are left alone)."""
    if not can_edit(user, service):
        raise PermissionError("not an editor of this fiche")
    delay = delay_days if availability == "waiting_list" else None
    changes = editing.change_set(service, {"availability": availability, "availability_delay_days": delay})
    if not changes:
        service.availability_updated_at = utcnow()  # confirmed as is: the date says it is current
        db.session.flush()
        return None
    return publish(service, changes, user, "availability", verified=False)


def pending_requests(service: Service, user: User) -> list[ChangeRequest]:
    """The user's own change requests for this fiche waiting for a moderator, oldest first."""
    return list(
        db.session.scalars(
            select(ChangeRequest)
            .where(
                ChangeRequest.service_id == service.id,
                ChangeRequest.author_id == user.id,
                ChangeRequest.status == ChangeStatus.PENDING,
            )
            .order_by(ChangeRequest.id)
        )
    )


def pending_request(service: Service, user: User) -> ChangeRequest | None:
    """The user's own draft of the edit form for this fiche, if any (proposed function offers are not drafts)."""
    return next((r for r in pending_requests(service, user) if FUNCTION_OFFER not in r.changes), None)


def function_offer(request: ChangeRequest) -> dict[str, Any] | None:
    """The function offer a request proposes (see `FUNCTION_OFFER`), or None for a change of fields."""
    offer = request.changes.get(FUNCTION_OFFER)
    return offer if isinstance(offer, dict) else None


def propose_function_offer(
    service: Service, user: User, location: Location, code: str, conditions: list[str], withdraw: bool = False
) -> Outcome:
    """Declare a function at one of the fiche's locations (or withdraw it): published at once by moderators and
    trusted organisations, otherwise queued for a moderator. ValueError for a location of another service, an
    unknown function or condition, or the withdrawal of a declaration that does not exist."""
    if not can_edit(user, service):
        raise PermissionError("not an editor of this fiche")
    if withdraw:
        if not any(o.location_id == location.id and o.function == code for o in service.function_offers):
            raise ValueError(f"function {code!r} is not declared at location {location.id}")
    else:
        coordination.check_declaration(service, location, code, conditions)
    offer = {"location_id": location.id, "function": code, "conditions": sorted(set(conditions)), "withdraw": withdraw}
    if user.is_moderator or is_trusted(service.organization_id):
        _apply_function_offer(service, offer)
        return Outcome("published", revision=publish(service, {}, user, "edit"))
    request = ChangeRequest(service_id=service.id, author_id=user.id, changes={FUNCTION_OFFER: offer}, base={})
    db.session.add(request)
    db.session.flush()
    audit("propose", user, service, details={"request": request.id, "fields": [FUNCTION_OFFER]})
    return Outcome("queued", request=request)


def _apply_function_offer(service: Service, offer: dict[str, Any]) -> None:
    location = db.session.get(Location, offer["location_id"])
    if location is None:
        raise ValueError("the location no longer exists")
    provenance = dict(service.field_provenance or {})
    provenance["location_functions"] = {**(provenance.get("location_functions") or {}), "human": True}
    service.field_provenance = provenance  # an import never changes what a person declared
    if offer.get("withdraw"):
        coordination.withdraw_at_location(service, location.id, offer["function"])
    else:
        coordination.declare_at_location(service, location, offer["function"], list(offer.get("conditions") or ()))


def proposed_values(request: ChangeRequest) -> dict[str, Any]:
    """The fiche as it would look with this request applied (what the form shows when reviewing or resuming)."""
    return {**editing.current_values(request.service), **request.changes}


def conflicts(request: ChangeRequest) -> list[str]:
    """Keys published differently since the request was made (someone else changed them meanwhile)."""
    current = editing.current_values(request.service)
    return [key for key, value in request.base.items() if current.get(key) != value]


def approve(request: ChangeRequest, moderator: User, edited: dict[str, Any] | None = None) -> Revision | None:
    """Publish a pending request, possibly as edited by the moderator (`edited` = full proposed values)."""
    _check_pending(request, moderator)
    offer = function_offer(request)
    if offer is not None and edited is not None:
        raise ValueError("a function offer is approved or refused as proposed")
    changes: dict[str, Any] = {}
    if offer is not None:  # a function at one location: declared or withdrawn, not a change of fields
        _apply_function_offer(request.service, offer)
    else:
        changes = editing.change_set(request.service, edited) if edited is not None else request.changes
    if edited is not None:
        request.changes = changes
    request.status, request.reviewed_by_id, request.reviewed_at = ChangeStatus.APPROVED, moderator.id, utcnow()
    author = request.author
    revision = publish(request.service, changes, author or moderator, "review", request=request)
    audit("approve", moderator, request, details={"service": request.service_id, "edited": edited is not None})
    if author is not None:
        _notify(author, request, "moderation/mail_approved.txt", N_("Your changes were published"))
    return revision


def reject(request: ChangeRequest, moderator: User, comment: str) -> None:
    """Refuse a pending request with an explanation, which the author receives by e-mail."""
    _check_pending(request, moderator)
    request.status, request.comment = ChangeStatus.REJECTED, decisions.explanation(comment)
    request.reviewed_by_id, request.reviewed_at = moderator.id, utcnow()
    audit("reject", moderator, request, details={"service": request.service_id})
    if request.author is not None:
        _notify(request.author, request, "moderation/mail_rejected.txt", N_("Your changes were not published"))
    db.session.flush()


def _check_pending(request: ChangeRequest, moderator: User) -> None:
    decisions.check_pending(moderator, request.status == ChangeStatus.PENDING, "request")


def _notify(author: User, request: ChangeRequest, template: str, subject: str) -> None:
    link = mail.public_url("edit.service", lang_code=author.lang, service_id=request.service_id)
    mail.send_template(author.email, author.lang, template, subject, proposal=request, link=link)


def report_problem(service: Service, category: str, message: str, email: str, lang: str) -> ProblemReport:
    """A report from anyone; it lands in the moderation queue."""
    if category not in REPORT_CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    report = ProblemReport(service_id=service.id, category=category, message=message.strip(), email=email, lang=lang)
    db.session.add(report)
    db.session.flush()
    audit("report", None, service, details={"report": report.id, "category": category})
    return report


def close_report(report: ProblemReport, moderator: User, status: ReportStatus, note: str = "") -> None:
    """Resolve or dismiss a report; a reporter who left an e-mail is told the outcome and `note` in their language."""
    if not moderator.is_moderator:
        raise PermissionError("moderators only")
    report.status, report.handled_by_id, report.handled_at = status, moderator.id, utcnow()
    audit("report_" + str(status), moderator, report, details={"service": report.service_id})
    if report.email:
        link = mail.public_url("public.service", lang_code=report.lang, service_id=report.service_id)
        subject = N_("Your report: corrected") if status == ReportStatus.RESOLVED else N_("Your report was checked")
        template = "moderation/mail_report_outcome.txt"
        mail.send_template(report.email, report.lang, template, subject, report=report, note=note.strip(), link=link)
    db.session.flush()


def queue_counts() -> dict[str, int]:
    """Pending requests and open reports (for the queue page and the navigation badge)."""
    pending = select(func.count()).select_from(ChangeRequest).where(ChangeRequest.status == ChangeStatus.PENDING)
    reports = select(func.count()).select_from(ProblemReport).where(ProblemReport.status == ReportStatus.OPEN)
    return {"changes": db.session.scalar(pending) or 0, "reports": db.session.scalar(reports) or 0}
