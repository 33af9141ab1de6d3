"""The import run: parse, validate, geocode, de-duplicate and upsert each record in batches; report.

- Good rows are imported even when others fail; rows are committed in batches, so a crash leaves whole
  batches and a re-run simply continues (upsert). Re-importing the same file changes nothing.
- `dry_run` rolls every batch back and reports what would have changed.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from directory.extensions import db
from directory.i18n import N_
from directory.importing.dedupe import DuplicateFinder
from directory.importing.locating import Geocoding
from directory.importing.records import Vocabulary
from directory.importing.report import ImportReport
from directory.importing.upsert import Batch, Target
from directory.importing.validation import clean_record
from directory.operations.geocoding import build_provider
from directory.search.sync import batched
from importers.base import Importer, RowError, ServiceRecord

#: generation-0 threshold, then how many younger collections before an older one, while an import runs
IMPORT_GC_THRESHOLD = (50_000, 20, 100)


class _Pacing:
    """How many imports pace the collector now, and the thresholds to restore after the last one."""

    depth = 0
    saved: tuple[int, int, int] = gc.get_threshold()
    froze = False  # whether the import froze the objects (never unfreeze what another part of the process froze)
    lock = threading.Lock()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Pace Python's cyclic garbage collector while an import runs. An import allocates millions of short-lived
    objects, and the collector's frequent passes, full ones walking every object of the process (the app, the
    geometries, SQLAlchemy's metadata) again and again, took a quarter of its CPU (4.1 s of 15 s at 30,000
    rows). The objects already there are frozen (left out of collections) and collections come less often; they
    still come, so memory stays bounded. Nested or concurrent imports share one setting."""
    with _Pacing.lock:
        if _Pacing.depth == 0:
            _Pacing.saved = gc.get_threshold()
            _Pacing.froze = gc.get_freeze_count() == 0
            if _Pacing.froze:
                gc.freeze()
            gc.set_threshold(*IMPORT_GC_THRESHOLD)
        _Pacing.depth += 1
    try:
        yield
    finally:
        with _Pacing.lock:
            _Pacing.depth -= 1
            if _Pacing.depth == 0:
                gc.set_threshold(*_Pacing.saved)
                if _Pacing.froze:
                    gc.unfreeze()


class ImportRun:
    """One run of one importer over one file: where rows go, the geocoder's state, and the report."""

    def __init__(self, importer: Importer, path: Path, source: str | None, dry_run: bool, geocoder_adapter: Any):
        self.importer, self.dry_run = importer, dry_run
        source = source or importer.name
        self.report = ImportReport(source, str(path), dry_run)
        self.target = Target(source, importer.licence, self.report, DuplicateFinder(source))
        self.geocoding = Geocoding(build_provider(geocoder_adapter))

    def feed(self, items: Iterable[ServiceRecord | RowError], batch_size: int) -> None:
        """Import what the parser yields, one transaction per `batch_size` records."""
        chunk: list[ServiceRecord] = []
        first_line: dict[str, int] = {}  # source_id → the line that imports it
        for item in items:
            if isinstance(item, RowError):
                self.report.add(item.line, item.level, item.field, item.reason, item.params)
                self.report.rejected += item.level == "error"
                continue
            if item.source_id in first_line:  # the first row wins, on every run: a re-run changes nothing
                message = N_("The source_id “%(value)s” was already used on line %(first)s: this row is skipped.")
                params = {"value": item.source_id, "first": first_line[item.source_id]}
                self.report.add(item.line, "error", "source_id", message, params)
                self.report.rejected += 1
                continue
            first_line[item.source_id] = item.line
            chunk.append(item)
            if len(chunk) >= batch_size:
                self.import_batch(chunk)
                chunk = []
        self.import_batch(chunk)

    def import_batch(self, chunk: list[ServiceRecord]) -> None:
        """One transaction: validate, upsert and tag every record of the chunk, flush once, commit (or roll back)."""
        with db.session.no_autoflush:
            batch = Batch(self.target, Vocabulary.load(), chunk)
            for record in chunk:
                values = clean_record(record, self.report, batch.vocab, self.geocoding)
                if values is not None:
                    self.report.count(batch.apply(record, values))
        batch.finish()
        if self.dry_run:
            db.session.rollback()
        else:
            db.session.commit()


def run_import(
    importer: Importer,
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
    run = ImportRun(importer, path, source, dry_run, geocoder_adapter)
    records: Iterable[ServiceRecord | RowError] = importer.parse(path)
    if progress:
        from tqdm import tqdm

        records = tqdm(records, unit=" rows", desc=run.report.source, mininterval=1.0)
    with fewer_collections(), batched():  # the index follows in pushes of thousands of services, not per commit
        run.feed(records, batch_size)
    return run.report
