"""Upsert by (source, source_id): update a known fiche, merge into another source's fiche, or create one.

- A field a person edited (`field_provenance[field]["human"]`) is never overwritten: the conflict is reported.
- A fiche that holds values of several sources only grows: an empty value never erases another source's.
- New fiches are inserted together at the end of the batch (`bulk.insert_new_services`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from directory.extensions import db
from directory.geo.tagging import tag_location
from directory.i18n import N_
from directory.importing.bulk import NewService, insert_new_services
from directory.importing.dedupe import MERGE_AT, DuplicateFinder, Match
from directory.importing.records import CleanRecord, Vocabulary
from directory.importing.report import ImportReport
from directory.models import Location, MergeCandidate, Organization, Phone, Service, ServiceFunction, ServiceSource
from directory.models.base import utcnow
from importers.base import ServiceRecord


@dataclass
class Target:
    """Where the rows of a run go: the source name and licence stored on each fiche, and the report."""

    source: str
    licence: str
    report: ImportReport
    finder: DuplicateFinder


def _set(obj: Any, name: str, value: Any) -> bool:
    if getattr(obj, name) == value:
        return False
    setattr(obj, name, value)
    return True


def _org_key(record: ServiceRecord) -> str:
    name = record.organization_fr.strip() or record.organization_nl.strip()
    return f"org:{name.lower()}" if name else f"svc:{record.source_id}"


def fill_from(service: Service, values: CleanRecord, source: str, vocab: Vocabulary) -> bool:
    """Merge a record into a fiche of another source: fill only what is empty; sectors and phones are added."""
    changed = False
    provenance = dict(service.field_provenance or {})
    for name, value in values.service.items():
        if value and not getattr(service, name) and name != "languages":
            setattr(service, name, value)
            provenance[name] = {"source": source}
            changed = True
    languages = sorted(set(service.languages or []) | set(values.service.get("languages") or []))
    if languages != sorted(service.languages or []):
        service.languages, changed = languages, True
    for code in values.sectors:
        if code not in {s.code for s in service.sectors}:
            service.sectors.append(vocab.sectors[code])
            changed = True
    for number in values.phones:
        if number not in {p.number for p in service.phones}:
            service.phones.append(Phone(number=number))
            changed = True
    if changed:
        service.field_provenance = provenance
    return changed


@dataclass
class Batch:
    """The rows of one transaction, with their services and organizations fetched in a few queries."""

    target: Target
    vocab: Vocabulary
    records: list[ServiceRecord]
    services: dict[str | None, Service] = field(init=False)
    organizations: dict[str, Organization] = field(init=False)
    aliases: dict[str, Service] = field(init=False)
    new: list[NewService] = field(default_factory=list)
    pending: set[str] = field(default_factory=set)
    candidates: list[tuple[int, Match]] = field(default_factory=list)  # (index in `new`, the fiche it may duplicate)

    def __post_init__(self) -> None:
        source, ids = self.target.source, [r.source_id for r in self.records]
        query = (
            select(Service)
            .where(Service.source == source, Service.source_id.in_(ids))
            .options(
                selectinload(Service.sectors),
                selectinload(Service.publics),
                selectinload(Service.phones),
                selectinload(Service.locations),
                selectinload(Service.function_offers),
            )
        )
        self.services = {s.source_id: s for s in db.session.scalars(query)}
        keys = {_org_key(r) for r in self.records}
        orgs = select(Organization).where(Organization.source == source, Organization.source_id.in_(keys))
        self.organizations = {o.source_id: o for o in db.session.scalars(orgs) if o.source_id}
        merged = select(ServiceSource).where(ServiceSource.source == source, ServiceSource.source_id.in_(ids))
        self.aliases = {a.source_id: db.session.get_one(Service, a.service_id) for a in db.session.scalars(merged)}

    def apply(self, record: ServiceRecord, values: CleanRecord) -> str:
        """Create, merge or update the service of a clean record; returns the outcome to count."""
        source, report = self.target.source, self.target.report
        if record.source_id in self.pending:
            message = N_("The source_id “%(value)s” appears twice in the file: this row is skipped.")
            report.add(record.line, "error", "source_id", message, {"value": record.source_id})
            return "rejected"
        service = self.services.get(record.source_id)
        if service is None and record.source_id in self.aliases:  # merged into another source's fiche earlier
            return "updated" if fill_from(self.aliases[record.source_id], values, source, self.vocab) else "unchanged"
        if service is None:
            return self._create_or_merge(record, values)
        return "updated" if self._update(service, record, values) else "unchanged"

    def _update(self, service: Service, record: ServiceRecord, values: CleanRecord) -> bool:
        source = self.target.source
        changed = _set(service, "source_licence", self.target.licence)
        provenance = dict(service.field_provenance or {})
        for name, value in values.service.items():
            if (provenance.get(name) or {}).get("human"):
                if getattr(service, name) != value:
                    message = N_("Kept the value edited by a person; the source says “%(value)s”.")
                    self.target.report.add(record.line, "conflict", name, message, {"value": str(value)[:80]})
                continue
            if not value and (provenance.get(name) or {}).get("source", source) != source:
                continue  # filled by another source merged into this fiche: an empty value does not erase it
            if _set(service, name, value):
                provenance[name] = {"source": source}
                changed = True
        if provenance != (service.field_provenance or {}):
            service.field_provenance = provenance
        if any((p or {}).get("source", source) != source for p in provenance.values()):
            changed = fill_from(service, values, source, self.vocab) or changed  # merged fiche: lists only grow
        else:
            if [s.code for s in service.sectors] != values.sectors:
                service.sectors, changed = [self.vocab.sectors[c] for c in values.sectors], True
            if [p.code for p in service.publics] != values.publics:
                service.publics, changed = [self.vocab.publics[c] for c in values.publics], True
            if [p.number for p in service.phones] != values.phones:
                service.phones, changed = [Phone(number=n) for n in values.phones], True
        location = service.locations[0] if service.locations else None
        if location is None:
            location = Location()
            service.locations.append(location)
        moved = any([_set(location, k, val) for k, val in values.location.items()])
        if moved:
            tag_location(location)
            changed = True
        return self._offer_at(service, location, record, values) or changed

    def _offer_at(self, service: Service, location: Location, record: ServiceRecord, values: CleanRecord) -> bool:
        """Add or update the functions the record offers at its location; never withdraw one. Conditions a person
        declared (`field_provenance["location_functions"]["human"]`) are kept, the difference reported."""
        human = ((service.field_provenance or {}).get("location_functions") or {}).get("human")
        existing = {o.function: o for o in service.function_offers if o.location_id == location.id}
        changed = False
        for code, conditions in values.location_functions:
            offer = existing.get(code)
            if offer is None:
                service.function_offers.append(ServiceFunction(location=location, function=code, conditions=conditions))
                changed = True
            elif list(offer.conditions or ()) != conditions:
                if human:
                    message = N_("Kept the value edited by a person; the source says “%(value)s”.")
                    value = f"{code}[{';'.join(conditions)}]"
                    self.target.report.add(record.line, "conflict", "location_functions", message, {"value": value})
                    continue
                offer.conditions, changed = conditions, True
        if changed:
            service.updated_at = utcnow()  # the index documents follow the service
        return changed

    def _create_or_merge(self, record: ServiceRecord, values: CleanRecord) -> str:
        """Merge into a fiche of another source when it is surely the same service; else create (maybe queue)."""
        place, service, report, source = values.location, values.service, self.target.report, self.target.source
        names = [service["name_fr"], service["name_nl"]]
        match = self.target.finder.best(names, place["lat"], place["lon"], values.phones, service["website"])
        params = {"id": match.service_id, "score": match.score, "reasons": ", ".join(match.reasons)} if match else {}
        if match and match.score >= MERGE_AT:
            fill_from(db.session.get_one(Service, match.service_id), values, source, self.vocab)
            sid, score = match.service_id, match.score
            db.session.add(ServiceSource(service_id=sid, source=source, source_id=record.source_id, score=score))
            self.pending.add(record.source_id)
            message = N_("Merged into fiche %(id)s (score %(score)s: %(reasons)s).")
            report.add(record.line, "merge", "name", message, params)
            return "merged"
        if match:
            self.candidates.append((len(self.new), match))
            message = N_(
                "Maybe the same service as fiche %(id)s (score %(score)s: %(reasons)s): queued for a moderator."
            )
            report.add(record.line, "candidate", "name", message, params)
        self._create(record, values)
        return "created"

    def _create(self, record: ServiceRecord, values: CleanRecord) -> None:
        """Queue a new service for the batch's bulk insert."""
        source = self.target.source
        fr, nl = record.organization_fr.strip(), record.organization_nl.strip()
        self.new.append(
            NewService(
                service={
                    **values.service,
                    "source": source,
                    "source_id": record.source_id,
                    "source_licence": self.target.licence,
                    "field_provenance": {name: {"source": source} for name, value in values.service.items() if value},
                },
                location=values.location,
                org_key=_org_key(record),
                org_names=(fr or record.name_fr, nl or record.name_nl),
                bce_number=record.bce_number,
                sectors=values.sectors,
                publics=values.publics,
                phones=values.phones,
                location_functions=values.location_functions,
            )
        )
        self.pending.add(record.source_id)

    def finish(self) -> None:
        """Flush the updates, insert the new fiches at once and queue the possible duplicates for a moderator."""
        db.session.flush()
        organizations = {key: org.id for key, org in self.organizations.items()}
        ids = insert_new_services(self.target.source, self.new, organizations)
        for index, match in self.candidates:
            db.session.add(
                MergeCandidate(
                    service_id=ids[index], candidate_id=match.service_id, score=match.score, reasons=list(match.reasons)
                )
            )
