"""The import runner: validate each record, tag its area, upsert by (source, source_id), report.

- Good rows are imported even when others fail; rows are committed in batches, so a crash leaves whole
  batches and a re-run simply continues (upsert). Re-importing the same file changes nothing.
- A field a person edited (`field_provenance[field]["human"]`) is never overwritten: the conflict is reported.
- `dry_run` rolls every batch back and reports what would have changed.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from directory import fields
from directory.extensions import db
from directory.geo.tagging import point_in_region, tag_location
from directory.i18n import N_
from directory.models import (
    Location,
    MergeCandidate,
    Organization,
    Phone,
    PostalCode,
    Public,
    Sector,
    Service,
    ServiceSource,
)
from directory.operations import gazetteer
from directory.operations import validation as v
from directory.operations.bulk import NewService, insert_new_services
from directory.operations.dedupe import MERGE_AT, DuplicateFinder, Match, fill_from
from directory.operations.geocoding import Geocoded, GeocoderUnavailable, address_query, build_provider, geocode
from importers.base import RowError, ServiceRecord


@dataclass
class Issue:
    """One line of the report. `level`: error (row rejected), warning (value dropped), conflict (human edit kept),
    merge (merged into a fiche of another source), candidate (possible duplicate queued for a moderator)."""

    line: int
    level: str
    field: str
    reason: str
    params: dict = field(default_factory=dict)

    def message(self, lang: str) -> str:
        with force_locale(lang):
            return gettext(self.reason, **self.params)


@dataclass
class ImportReport:
    source: str
    path: str
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    rejected: int = 0
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rejected == 0

    def summary(self) -> str:
        prefix = "[dry run] " if self.dry_run else ""
        warnings = sum(1 for i in self.issues if i.level in ("warning", "conflict"))
        candidates = sum(1 for i in self.issues if i.level == "candidate")
        return (
            f"{prefix}{self.source}: {self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.merged} merged, {candidates} to review, {self.rejected} rejected, {warnings} warnings"
        )

    def write_csv(self, path: Path) -> None:
        """line, level, field, message_fr, message_nl — one row per issue."""
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["line", "level", "field", "message_fr", "message_nl"])
            for issue in self.issues:
                writer.writerow([issue.line, issue.level, issue.field, issue.message("fr"), issue.message("nl")])


class _Row:
    """Collects the issues of one record while it is cleaned."""

    def __init__(self, record: ServiceRecord, report: ImportReport):
        self.record, self.report, self.rejected = record, report, False

    def issue(self, level: str, field_name: str, exc: v.Invalid) -> None:
        self.report.issues.append(Issue(self.record.line, level, field_name, exc.reason, exc.params))
        self.rejected = self.rejected or level == "error"

    def optional(self, field_name: str, fn: Any, raw: Any, default: Any = "") -> Any:
        """Clean a value; an invalid one is dropped with a warning."""
        if not raw:
            return default
        try:
            return fn(raw)
        except v.Invalid as exc:
            self.issue("warning", field_name, exc)
            return default


def _vocabulary(model: type) -> dict[str, tuple[str, str]]:
    return {code: (fr, nl) for code, fr, nl in db.session.execute(select(model.code, model.name_fr, model.name_nl))}


class Geocoding:
    """Geocodes records that have an address but no coordinates; stops asking once the provider is unreachable."""

    def __init__(self, provider: tuple | None):
        self.provider = provider

    def locate(self, record: ServiceRecord, report: ImportReport) -> Geocoded | None:
        local = gazetteer.lookup(record.street_fr or record.street_nl, record.house_number, record.postcode)
        if local is None and record.street_nl and record.street_fr:
            local = gazetteer.lookup(record.street_nl, record.house_number, record.postcode)
        if local is not None:
            return local
        if self.provider is None:
            return None
        query = address_query(record.street_fr or record.street_nl, record.house_number, record.postcode)
        try:
            found = geocode(query, self.provider)
        except GeocoderUnavailable:
            self.provider = None
            message = N_("The geocoder could not be reached: from this row on, the commune comes from the postcode.")
            report.issues.append(Issue(record.line, "warning", "geocoding", message))
            return None
        if found is None or not point_in_region(found.lat, found.lon):
            message = N_("Address not found by the geocoder: the commune comes from the postcode.")
            report.issues.append(Issue(record.line, "warning", "geocoding", message))
            return None
        return found


def clean_record(
    record: ServiceRecord, report: ImportReport, vocab: dict[str, dict], geocoding: Geocoding | None = None
) -> dict | None:
    """Validated values of a record, or None when it is rejected (issues are added to the report)."""
    row = _Row(record, report)
    r = record
    if not (r.name_fr.strip() or r.name_nl.strip()):
        row.issue("error", "name", v.Invalid("Missing name (name_fr or name_nl)."))
    if r.postcode and db.session.get(PostalCode, r.postcode.strip()) is None:
        row.issue(
            "error",
            "postcode",
            v.Invalid("Postcode %(value)s is not in the Brussels-Capital Region.", value=r.postcode),
        )
    if (r.lat is None) != (r.lon is None):
        row.issue("error", "lat", v.Invalid("Give both latitude and longitude, or neither."))
    elif r.lat is not None and not point_in_region(r.lat, r.lon):  # type: ignore[arg-type]
        row.issue(
            "error",
            "lat",
            v.Invalid(
                "The coordinates %(lat)s, %(lon)s are outside the Brussels-Capital Region.", lat=r.lat, lon=r.lon
            ),
        )
    sectors: list[str] = []
    try:
        sectors = v.match_codes(r.sectors, vocab["sector"], "sector")
    except v.Invalid as exc:
        row.issue("error", "sector", exc)
    publics = row.optional("public", lambda raw: v.match_codes(raw, vocab["public"], "public"), r.publics, [])
    hours = row.optional("opening_hours", v.clean_hours, r.opening_hours.strip(), None)
    hours_note_fr, hours_note_nl = r.hours_note_fr, r.hours_note_nl
    if r.opening_hours.strip() and hours is None:  # keep what the source said, as a note, rather than lose it
        hours_note_fr = hours_note_fr or r.opening_hours.strip()
        hours_note_nl = hours_note_nl or r.opening_hours.strip()
    phones = [p for p in (row.optional("phone", v.clean_phone, raw) for raw in r.phones) if p]
    if row.rejected:
        report.rejected += 1
        return None
    lat, lon, precision = r.lat, r.lon, ("source" if r.lat is not None else None)
    if lat is None and geocoding is not None and (r.street_fr.strip() or r.street_nl.strip()) and r.postcode.strip():
        found = geocoding.locate(record, report)
        if found is not None:
            lat, lon, precision = found.lat, found.lon, found.precision
    service = _cleaned(row, "service") | {"opening_hours": hours}
    service |= {"hours_note_fr": hours_note_fr, "hours_note_nl": hours_note_nl}
    location = _cleaned(row, "location") | {"lat": lat, "lon": lon, "geocode_precision": precision}
    return {
        "service": service,
        "location": location,
        "sectors": sectors,
        "publics": publics,
        "phones": phones,
        "organization": (r.organization_fr.strip(), r.organization_nl.strip()),
    }


CLEAN = {"email": v.clean_email, "url": v.clean_url, "languages": v.clean_languages, "date": v.clean_date}
CLEAN |= {"integer": v.clean_days}


def _cleaned(row: _Row, owner: str) -> dict[str, Any]:
    """The record's values of the fields declared for `owner` (texts stripped; invalid values dropped with a
    warning); coordinates and hours are cleaned by the caller."""
    values: dict[str, Any] = {}
    for declared in fields.owned_by(owner):
        for name in declared.names:
            raw = getattr(row.record, name)
            raw = raw.strip() if isinstance(raw, str) else raw
            if declared.kind in ("text", "area"):
                values[name] = raw
            elif declared.kind == "choice":
                clean = functools.partial(v.clean_choice, declared.choices)
                values[name] = row.optional(declared.name, clean, raw, declared.default)
            elif declared.kind in CLEAN:
                values[name] = row.optional(declared.name, CLEAN[declared.kind], raw, declared.empty)
    return values


def _set(obj: Any, name: str, value: Any) -> bool:
    if getattr(obj, name) == value:
        return False
    setattr(obj, name, value)
    return True


class _Batch:
    """The services and organizations of one batch, fetched in two queries instead of one per row."""

    def __init__(self, source: str, records: list[ServiceRecord], finder: DuplicateFinder):
        ids = [r.source_id for r in records]
        self.finder = finder
        query = (
            select(Service)
            .where(Service.source == source, Service.source_id.in_(ids))
            .options(
                selectinload(Service.sectors),
                selectinload(Service.publics),
                selectinload(Service.phones),
                selectinload(Service.locations),
            )
        )
        self.services = {s.source_id: s for s in db.session.scalars(query)}
        keys = {_org_key(r) for r in records}
        orgs = select(Organization).where(Organization.source == source, Organization.source_id.in_(keys))
        self.organizations = {o.source_id: o for o in db.session.scalars(orgs)}
        merged = select(ServiceSource).where(ServiceSource.source == source, ServiceSource.source_id.in_(ids))
        self.aliases = {a.source_id: db.session.get(Service, a.service_id) for a in db.session.scalars(merged)}
        self.new: list[NewService] = []
        self.pending: set[str] = set()
        self.candidates: list[tuple[int, Match]] = []  # (index in `new`, the fiche it may duplicate)


def _org_key(record: ServiceRecord) -> str:
    name = record.organization_fr.strip() or record.organization_nl.strip()
    return f"org:{name.lower()}" if name else f"svc:{record.source_id}"


def apply_record(
    batch: _Batch,
    vocab: dict[str, dict],
    source: str,
    licence: str,
    record: ServiceRecord,
    values: dict,
    report: ImportReport,
) -> str:
    """Create or update the service of a clean record; returns "created", "updated" or "unchanged"."""
    if record.source_id in batch.pending:
        report.issues.append(
            Issue(
                record.line,
                "error",
                "source_id",
                N_("The source_id “%(value)s” appears twice in the file: this row is skipped."),
                {"value": record.source_id},
            )
        )
        return "rejected"
    service = batch.services.get(record.source_id)
    if service is None and record.source_id in batch.aliases:  # merged into another source's fiche earlier
        return "updated" if fill_from(batch.aliases[record.source_id], values, source, vocab) else "unchanged"
    if service is None:
        return _create_or_merge(batch, vocab, source, licence, record, values, report)
    changed = _set(service, "source_licence", licence)
    provenance = dict(service.field_provenance or {})
    for name, value in values["service"].items():
        if (provenance.get(name) or {}).get("human"):
            if getattr(service, name) != value:
                report.issues.append(
                    Issue(
                        record.line,
                        "conflict",
                        name,
                        N_("Kept the value edited by a person; the source says “%(value)s”."),
                        {"value": str(value)[:80]},
                    )
                )
            continue
        if not value and (provenance.get(name) or {}).get("source", source) != source:
            continue  # filled by another source merged into this fiche: an empty value does not erase it
        if _set(service, name, value):
            provenance[name] = {"source": source}
            changed = True
    if provenance != (service.field_provenance or {}):
        service.field_provenance = provenance
    if any((p or {}).get("source", source) != source for p in provenance.values()):
        changed = fill_from(service, values, source, vocab) or changed  # merged fiche: lists only grow
    else:
        if [s.code for s in service.sectors] != values["sectors"]:
            service.sectors, changed = [vocab["sector_objects"][c] for c in values["sectors"]], True
        if [p.code for p in service.publics] != values["publics"]:
            service.publics, changed = [vocab["public_objects"][c] for c in values["publics"]], True
        if [p.number for p in service.phones] != values["phones"]:
            service.phones, changed = [Phone(number=n) for n in values["phones"]], True
    location = service.locations[0] if service.locations else None
    if location is None:
        location = Location()
        service.locations.append(location)
    moved = any([_set(location, k, val) for k, val in values["location"].items()])
    if moved:
        tag_location(location)
        changed = True
    return "updated" if changed else "unchanged"


def _create_or_merge(
    batch: _Batch, vocab: dict, source: str, licence: str, record: ServiceRecord, values: dict, report: ImportReport
) -> str:
    """Merge into a fiche of another source when it is surely the same service; else create (and maybe queue)."""
    location, service = values["location"], values["service"]
    match = batch.finder.best(
        [service["name_fr"], service["name_nl"]], location["lat"], location["lon"], values["phones"], service["website"]
    )
    params = {"id": match.service_id, "score": match.score, "reasons": ", ".join(match.reasons)} if match else {}
    if match and match.score >= MERGE_AT:
        fill_from(db.session.get(Service, match.service_id), values, source, vocab)
        db.session.add(
            ServiceSource(service_id=match.service_id, source=source, source_id=record.source_id, score=match.score)
        )
        batch.pending.add(record.source_id)
        message = N_("Merged into fiche %(id)s (score %(score)s: %(reasons)s).")
        report.issues.append(Issue(record.line, "merge", "name", message, params))
        return "merged"
    if match:
        batch.candidates.append((len(batch.new), match))
        message = N_("Maybe the same service as fiche %(id)s (score %(score)s: %(reasons)s): queued for a moderator.")
        report.issues.append(Issue(record.line, "candidate", "name", message, params))
    return _create(batch, source, licence, record, values)


def _create(batch: _Batch, source: str, licence: str, record: ServiceRecord, values: dict) -> str:
    """Queue a new service for the batch's bulk insert (see directory/operations/bulk.py)."""
    fr, nl = record.organization_fr.strip(), record.organization_nl.strip()
    batch.new.append(
        NewService(
            service={
                **values["service"],
                "source": source,
                "source_id": record.source_id,
                "source_licence": licence,
                "field_provenance": {name: {"source": source} for name, value in values["service"].items() if value},
            },
            location=values["location"],
            org_key=_org_key(record),
            org_names=(fr or record.name_fr, nl or record.name_nl),
            bce_number=record.bce_number,
            sectors=values["sectors"],
            publics=values["publics"],
            phones=values["phones"],
        )
    )
    batch.pending.add(record.source_id)
    return "created"


def run_import(
    importer: Any,
    path: Path,
    source: str | None = None,
    dry_run: bool = False,
    batch_size: int = 500,
    progress: bool = False,
    geocoder_adapter: Any = None,
) -> ImportReport:
    """Import `path` with `importer`; returns the report (nothing is committed when `dry_run`).

    Rows with an address but no coordinates are geocoded with the configured provider (`geocoder_adapter`
    replaces geopy's HTTP adapter, for recorded responses in tests)."""
    source = source or importer.name
    report = ImportReport(source, str(path), dry_run)
    geocoding = Geocoding(build_provider(geocoder_adapter))
    finder = DuplicateFinder(source)
    records: Iterable[ServiceRecord | RowError] = importer.parse(path)
    if progress:
        from tqdm import tqdm

        records = tqdm(records, unit=" rows", desc=source, mininterval=1.0)
    chunk: list[ServiceRecord] = []
    for item in records:
        if isinstance(item, RowError):
            report.issues.append(Issue(item.line, "error", item.field, item.reason, item.params))
            report.rejected += 1
            continue
        chunk.append(item)
        if len(chunk) >= batch_size:
            _import_batch(importer, source, chunk, report, dry_run, geocoding, finder)
            chunk = []
    _import_batch(importer, source, chunk, report, dry_run, geocoding, finder)
    return report


def _import_batch(
    importer: Any,
    source: str,
    chunk: list[ServiceRecord],
    report: ImportReport,
    dry_run: bool,
    geocoding: Geocoding,
    finder: DuplicateFinder,
) -> None:
    """One transaction: validate, upsert and tag every record of the chunk, flush once, commit (or roll back)."""
    vocab: dict[str, dict] = {
        "sector": v.term_lookup(_vocabulary(Sector)),
        "public": v.term_lookup(_vocabulary(Public)),
        "sector_objects": {s.code: s for s in db.session.scalars(select(Sector))},
        "public_objects": {p.code: p for p in db.session.scalars(select(Public))},
    }
    with db.session.no_autoflush:
        batch = _Batch(source, chunk, finder)
        for record in chunk:
            values = clean_record(record, report, vocab, geocoding)
            if values is None:
                continue
            outcome = apply_record(batch, vocab, source, importer.licence, record, values, report)
            setattr(report, outcome, getattr(report, outcome) + 1)
    db.session.flush()
    ids = insert_new_services(source, batch.new, {key: org.id for key, org in batch.organizations.items()})
    for index, match in batch.candidates:
        db.session.add(
            MergeCandidate(
                service_id=ids[index], candidate_id=match.service_id, score=match.score, reasons=list(match.reasons)
            )
        )
    _end_batch(dry_run)


def _end_batch(dry_run: bool) -> None:
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
