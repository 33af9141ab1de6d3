"""Candidates in, queue out: store what a source names as candidates, keyed by (source, source_id).

- A re-import updates what the source says but never the coordinator's decision: a dismissed candidate stays
  dismissed, a published or merged one stays linked to its fiche.
- Each pending candidate gets its commune and bassin (coordinates, else postcode, else the commune the source
  names in words) and its most likely duplicate among the fiches: same BCE/KBO number first, else the most
  similar name in the same commune (plus same phone, same postcode).
- `dry_run` rolls back; the run reports each problem with its line.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app
from rapidfuzz import fuzz
from sqlalchemy import select

from directory.extensions import db
from directory.geo.loader import SPLIT_COMMUNE
from directory.geo.tagging import areas
from directory.i18n import N_
from directory.importing.dates import parse_source_date
from directory.importing.report import ImportReport, Issue
from directory.models import Bassin, Candidate, CandidateStatus, Commune, Location, Organization, Phone, Service
from directory.models.base import utcnow
from directory.models.services import service_at_location
from directory.operations.phones import normalize_phone
from directory.text import normalize
from importers.base import RowError, ServiceRecord
from importers.leads import CandidateGone, CandidateRecord

REVIEW_AT = 70
# Problems that drop a value, not the row.
WARNINGS = frozenset({"Unknown column %(column)s (ignored).", "Unknown NACE-BEL %(version)s code %(code)s."})
SPLIT_NOTE = N_("Brussels-City is split between bassins: the bassin needs the exact address.")


@dataclass
class CandidateReport(ImportReport):
    """An import report whose rows became candidates: `decided` ones were seen again after a coordinator's
    decision (which is kept), `gone` ones were deleted upstream."""

    decided: int = 0
    gone: int = 0

    def summary(self) -> str:
        prefix = "[dry run] " if self.dry_run else ""
        return (
            f"{prefix}{self.source} candidates: {self.created} new, {self.updated} updated, {self.unchanged} "
            f"unchanged, {self.decided} already decided, {self.gone} gone from the source, {self.rejected} rejected"
        )


def bce_digits(raw: str) -> str | None:
    """ "0403.199.702" or "BE 403199702" → "0403199702"; None when it is not a 9–10 digit number."""
    digits = re.sub(r"\D", "", raw or "")
    if len(digits) == 9:
        digits = "0" + digits
    return digits if len(digits) == 10 else None


class CommuneNames:
    """Communes (and the sections of Brussels-City with a confirmed bassin) recognised in free text:
    "Uccle / Ukkel", "Laken / Laeken", "1050 Bruxelles"."""

    def __init__(self) -> None:
        self.names: list[tuple[str, str, str | None]] = []
        for nis, fr, nl, bassin in db.session.execute(
            select(Commune.nis, Commune.name_fr, Commune.name_nl, Commune.bassin_code)
        ):
            for name in {normalize(fr), normalize(nl)}:
                self.names.append((name, nis, bassin))
        self.names += self._sections()
        self.names.sort(key=lambda item: -len(item[0]))  # "neder over heembeek" before "bruxelles"

    @staticmethod
    def _sections() -> list[tuple[str, str, str | None]]:
        path = Path(current_app.config["SHARED_DATA_DIR"]) / "bassins_mapping.csv"
        if not path.exists():
            return []
        bassins = {normalize(fr): code for code, fr in db.session.execute(select(Bassin.code, Bassin.name_fr))}
        with path.open(encoding="utf-8") as fh:
            rows = [
                r for r in csv.DictReader(fh) if r["unit_type"].startswith("section") and r["confidence"] == "confirmed"
            ]
        return [
            (normalize(r[key]), SPLIT_COMMUNE, bassins.get(normalize(r["bassin_fr"])))
            for r in rows
            for key in ("name_fr", "name_nl")
        ]

    def find(self, text: str) -> tuple[str, str | None] | None:
        """(commune NIS code, bassin code or None) of the most specific place named in `text`."""
        plain = f" {normalize(text)} "
        for name, nis, bassin in self.names:
            if f" {name} " in plain:
                return nis, bassin
        return None


@dataclass
class _Fiche:
    service_id: int
    names: tuple[str, ...]
    postcode: str
    phones: frozenset[str]


class LikelyDuplicates:
    """Fiches grouped by commune (and by BCE/KBO number), loaded once per run."""

    def __init__(self) -> None:
        self.by_commune: dict[str | None, list[_Fiche]] = defaultdict(list)
        phones: dict[int, set[str]] = defaultdict(set)
        for service_id, number in db.session.execute(select(Phone.service_id, Phone.number)):
            phones[service_id].add(number)
        rows = db.session.execute(
            select(Service.id, Service.name_fr, Service.name_nl, Location.postcode, Location.commune_nis)
            .outerjoin(service_at_location, service_at_location.c.service_id == Service.id)
            .outerjoin(Location, Location.id == service_at_location.c.location_id)
        )
        for sid, fr, nl, postcode, nis in rows:
            names = tuple({normalize(n) for n in (fr, nl) if n})
            self.by_commune[nis].append(_Fiche(sid, names, postcode or "", frozenset(phones[sid])))
        self.by_bce: dict[str, int] = {}
        query = select(Organization.bce_number, Service.id).join(Service).where(Organization.bce_number.is_not(None))
        for bce, sid in db.session.execute(query.order_by(Service.id)):
            digits = bce_digits(bce)  # sources write "0403.199.702", "BE0403199702" or the bare digits
            if digits:
                self.by_bce.setdefault(digits, sid)

    def best(self, candidate: Candidate, phones: list[str]) -> tuple[int, int, list[str]] | None:
        """(service id, score, reasons) of the most likely duplicate reaching REVIEW_AT, else None."""
        if candidate.bce_number and candidate.bce_number in self.by_bce:
            return self.by_bce[candidate.bce_number], 100, ["same BCE/KBO number"]
        wanted = [normalize(n) for n in (candidate.name_fr, candidate.name_nl) if n]
        pool = self.by_commune.get(candidate.commune_nis, []) if candidate.commune_nis else []
        best: tuple[int, int, list[str]] | None = None
        for fiche in pool:
            similarity = max((fuzz.token_set_ratio(a, b) for a in wanted for b in fiche.names), default=0)
            score, reasons = int(similarity), [f"name {similarity:.0f}%"]
            if fiche.phones.intersection(phones):
                score, reasons = score + 15, [*reasons, "same phone"]
            if candidate.postcode and candidate.postcode == fiche.postcode:
                score, reasons = score + 5, [*reasons, "same postcode"]
            score = min(score, 100)
            if score >= REVIEW_AT and (best is None or score > best[1]):
                best = (fiche.service_id, score, reasons)
        return best


def _phones(raw: list[str]) -> list[str]:
    numbers = []
    for value in raw:
        try:
            numbers.append(normalize_phone(value))
        except ValueError:
            continue
    return numbers


def _values(item: CandidateRecord, communes: CommuneNames) -> dict:
    """The candidate's columns from a record (area from coordinates, postcode or the commune named in words)."""
    r = item.record
    postcode = r.postcode.strip()[:4]
    found = areas(r.lat, r.lon, postcode)
    if found["commune_nis"] is None and item.commune_hint:
        place = communes.find(item.commune_hint)
        if place is not None:
            found.update(commune_nis=place[0], bassin_code=place[1])
            found["area_note"] = "" if found["bassin_code"] else SPLIT_NOTE
    return {
        "name_fr": r.name_fr.strip()[:320],
        "name_nl": r.name_nl.strip()[:320],
        "organization_fr": r.organization_fr.strip()[:320],
        "organization_nl": r.organization_nl.strip()[:320],
        "bce_number": bce_digits(r.bce_number),
        "record": {k: v for k, v in asdict(r).items() if k != "line"},
        "details": item.details,
        "postcode": postcode,
        "lat": r.lat,
        "lon": r.lon,
        "commune_nis": found["commune_nis"],
        "bassin_code": found["bassin_code"],
        "area_note": found["area_note"],
        "source_url": item.source_url,
        "source_date_text": item.source_date[:200],
        "source_date": parse_source_date(item.source_date),
        "licence": (item.licence or r.licence)[:200],
        "notes": item.notes,
    }


def _merged(item: CandidateRecord, candidate: Candidate) -> CandidateRecord:
    """An update that names only some fields, laid over what the candidate already holds."""
    fields = set(item.partial or ())
    known = {k: v for k, v in (candidate.record or {}).items() if k in ServiceRecord.__dataclass_fields__}
    fresh = asdict(item.record)
    record = ServiceRecord(**{**known, **{k: fresh[k] for k in fields if k in fresh}, "line": item.line})
    record.source_id = item.source_id
    details = {**(candidate.details or {}), **{k: v for k, v in item.details.items() if k in fields}}
    return CandidateRecord(
        record=record,
        source_url=item.source_url or candidate.source_url,
        source_date=item.source_date or candidate.source_date_text,
        licence=item.licence or candidate.licence,
        details=details,
    )


def load_candidates(
    items: Iterable[CandidateRecord | CandidateGone | RowError],
    source: str,
    path: Path | str = "",
    dry_run: bool = False,
    batch_size: int = 1000,
) -> CandidateReport:
    """Store the candidates of one source run (see the module docstring); commits per batch unless `dry_run`."""
    report = CandidateReport(source, str(path), dry_run)
    communes, duplicates = CommuneNames(), LikelyDuplicates()
    batch: list[CandidateRecord | CandidateGone] = []
    for item in items:
        if isinstance(item, RowError):
            level = "warning" if item.reason in WARNINGS else "error"
            report.issues.append(Issue(item.line, level, item.field, item.reason, item.params))
            report.rejected += level == "error"
            continue
        batch.append(item)
        if len(batch) >= batch_size:
            _store(batch, source, report, communes, duplicates)
            batch = []
    _store(batch, source, report, communes, duplicates)
    return report


def _store(
    batch: list[CandidateRecord | CandidateGone],
    source: str,
    report: CandidateReport,
    communes: CommuneNames,
    duplicates: LikelyDuplicates,
) -> None:
    ids = [item.source_id for item in batch]
    existing = {
        c.source_id: c
        for c in db.session.scalars(select(Candidate).where(Candidate.source == source, Candidate.source_id.in_(ids)))
    }
    seen: set[str] = set()
    now = utcnow()
    for item in batch:
        if item.source_id in seen:
            message = N_("The source_id “%(value)s” appears twice in the file: this row is skipped.")
            report.issues.append(Issue(item.line, "error", "source_id", message, {"value": item.source_id}))
            report.rejected += 1
            continue
        seen.add(item.source_id)
        candidate = existing.get(item.source_id)
        if isinstance(item, CandidateGone):
            if candidate is not None and not candidate.gone_from_source:
                candidate.gone_from_source = True
                report.gone += 1
            continue
        if item.partial is not None and candidate is not None:
            item = _merged(item, candidate)
        values = _values(item, communes)
        if not any(values[k] for k in ("name_fr", "name_nl", "organization_fr", "organization_nl")):
            message = N_("Missing name (name_fr or name_nl).")
            report.issues.append(Issue(item.line, "error", "name", message))
            report.rejected += 1
            continue
        if candidate is None:
            candidate = Candidate(source=source, source_id=item.source_id, status=CandidateStatus.PENDING, **values)
            db.session.add(candidate)
            report.created += 1
        else:
            changed = [k for k, v in values.items() if getattr(candidate, k) != v]
            for key in changed:
                setattr(candidate, key, values[key])
            if candidate.gone_from_source:
                candidate.gone_from_source, changed = False, [*changed, "gone_from_source"]
            if candidate.status != CandidateStatus.PENDING:
                report.decided += 1
            elif changed:
                report.updated += 1
            else:
                report.unchanged += 1
        candidate.seen_at = now
        if candidate.status == CandidateStatus.PENDING:
            match = duplicates.best(candidate, _phones(item.record.phones))
            candidate.duplicate_id, candidate.duplicate_score, candidate.duplicate_reasons = (
                match if match else (None, None, [])
            )
    if report.dry_run:
        db.session.rollback()
    else:
        db.session.commit()
