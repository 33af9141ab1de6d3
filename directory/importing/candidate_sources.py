"""The sources whose records become candidates, and how to run one (`flask import kbo|leads FILE`)."""

from __future__ import annotations

import gzip
import json
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


def watch_path(source: str) -> Path:
    """Where the KBO watch list of `source` is kept (importers/kbo.py): KBO_WATCH_DIR, else beside the SQLite
    database, else the instance folder. It is derived data: the next full import rebuilds it."""
    folder = current_app.config["KBO_WATCH_DIR"]
    if not folder:
        url = db.engine.url
        folder = Path(url.database).parent if url.get_backend_name() == "sqlite" and url.database else ""
    return Path(folder or current_app.config["INSTANCE_DIR"]) / f"{source}-watch.json.gz"


def load_watch(source: str) -> dict:
    path = watch_path(source)
    if not path.exists():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return dict(json.load(fh))


def save_watch(source: str, watch: dict) -> None:
    path = watch_path(source)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    with gzip.open(partial, "wt", encoding="utf-8") as fh:
        json.dump(watch, fh, ensure_ascii=False, separators=(",", ":"))
    partial.replace(path)  # a crash never leaves half a list


def kbo_importer(source: str = "kbo") -> KboImporter:
    """The KBO importer set for Brussels: its postcodes, the configured NACE-BEL prefixes, the known candidates,
    and the watch list the previous run left."""
    postcodes = db.session.scalars(select(PostalCode.code)).all()
    prefixes = (*current_app.config["KBO_NACE_PREFIXES"], *current_app.config["KBO_EXTRA_NACE_CODES"])
    known: dict[str, str | None] = {}
    for source_id, bce in db.session.execute(
        select(Candidate.source_id, Candidate.bce_number).where(Candidate.source == source)
    ):
        kind, _, entity = source_id.partition(":")
        known[entity] = _kbo_number(bce) if kind == "est" else None
    return KboImporter(postcodes=postcodes, prefixes=prefixes, known=known, watch=load_watch(source))


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
    report = load_candidates(importer.parse(path), source, path, dry_run=dry_run)  # type: ignore[arg-type]
    if isinstance(importer, KboImporter) and importer.watch_out is not None and not dry_run:
        save_watch(source, importer.watch_out)
    return report
