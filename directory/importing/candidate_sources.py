"""The sources whose records become candidates, and how to run one (`flask import kbo|leads FILE`)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import select

from directory.extensions import db
from directory.importing.candidates import CandidateReport, load_candidates
from directory.models import Candidate, PostalCode
from importers.base import Importer
from importers.kbo import KboImporter
from importers.leads import LeadsImporter

CANDIDATE_FORMATS = ("kbo", "leads")


def _kbo_number(digits: str | None) -> str | None:
    """ "0403199702" → "0403.199.702", the form KBO files use for enterprise numbers."""
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}" if digits and len(digits) == 10 else None


def kbo_importer(source: str = "kbo") -> KboImporter:
    """The KBO importer set for Brussels: its postcodes, the configured NACE-BEL prefixes, the known candidates."""
    postcodes = db.session.scalars(select(PostalCode.code)).all()
    prefixes = (*current_app.config["KBO_NACE_PREFIXES"], *current_app.config["KBO_EXTRA_NACE_CODES"])
    known: dict[str, str | None] = {}
    for source_id, bce in db.session.execute(
        select(Candidate.source_id, Candidate.bce_number).where(Candidate.source == source)
    ):
        kind, _, entity = source_id.partition(":")
        known[entity] = _kbo_number(bce) if kind == "est" else None
    return KboImporter(postcodes=postcodes, prefixes=prefixes, known=known)


def candidate_importer(name: str, source: str) -> Importer:
    if name == "kbo":
        return kbo_importer(source)
    if name == "leads":
        return LeadsImporter()
    raise KeyError(name)


def import_candidates(name: str, path: Path, source: str | None = None, dry_run: bool = False) -> CandidateReport:
    """Run the candidate source `name` on `path`; the report lists each problem with its file and line."""
    source = source or name
    importer = candidate_importer(name, source)
    return load_candidates(importer.parse(path), source, path, dry_run=dry_run)  # type: ignore[arg-type]
