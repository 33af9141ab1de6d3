"""Leads: services read on public pages, to be checked by a coordinator before anything is published.

The file is the import template (docs/import-template.md) plus the columns of the shared candidates list:
`source_url` (URLs separated by " | "), `source_date` (the date the page shows, or "n.d." with a clue),
`source_licence`, `commune_source` (the commune the page names), `notes` and `source_key`. Each row becomes a
`CandidateRecord`: never a fiche (see directory/operations/candidates.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from importers.base import Importer, RowError, ServiceRecord
from importers.template import COLUMNS, TemplateImporter, record_from_row

LEAD_COLUMNS = ("source_url", "source_date", "source_licence", "commune_source", "notes", "source_key")


@dataclass
class CandidateRecord:
    """A service a source names, with what the source says about itself (where, when, under which licence)."""

    record: ServiceRecord
    source_url: str = ""
    source_date: str = ""  # as the source gives it: "2022-07-12 (…)", "2017", "n.d. (…)"
    licence: str = ""
    commune_hint: str = ""  # a commune name the source gives in words, used when there is no postcode
    notes: str = ""
    details: dict = field(default_factory=dict)  # source-specific extras shown to the coordinator
    partial: tuple[str, ...] | None = None  # an update naming only these record fields / details keys

    @property
    def line(self) -> int:
        return self.record.line

    @property
    def source_id(self) -> str:
        return self.record.source_id


@dataclass
class CandidateGone:
    """The source no longer lists this entity (a KBO update deleted it)."""

    source_id: str
    line: int


class LeadsImporter(Importer):
    """The shared list of candidate services (`;`-separated UTF-8 CSV, template columns plus provenance)."""

    name = "leads"
    description = "Candidate services read on public pages (template columns + source_url, source_date, notes)"
    suffixes = (".csv",)

    def parse(self, path: Path) -> Iterator[CandidateRecord | RowError]:  # type: ignore[override]
        rows = TemplateImporter._csv_rows(path)
        header = [h.strip().lower() for h in next(rows, [])]
        if "source_id" not in header:
            yield RowError(1, "source_id", "Missing column %(column)s.", {"column": "source_id"})
            return
        for column in header:
            if column and column not in COLUMNS and column not in LEAD_COLUMNS:
                yield RowError(1, column, "Unknown column %(column)s (ignored).", {"column": column})
        for line, values in enumerate(rows, start=2):
            if not any(v.strip() for v in values):
                continue
            row = dict(zip(header, values, strict=False))
            record = record_from_row(row, line)
            if isinstance(record, RowError):
                yield record
                continue
            get = {k: (row.get(k) or "").strip() for k in LEAD_COLUMNS}
            record.licence = get["source_licence"]
            yield CandidateRecord(
                record=record,
                source_url=get["source_url"],
                source_date=get["source_date"],
                licence=get["source_licence"],
                commune_hint=get["commune_source"],
                notes=get["notes"],
            )
