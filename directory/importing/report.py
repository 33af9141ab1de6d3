"""The report of an import run: counts and one issue per problem, shown in FR and NL."""

from __future__ import annotations

import csv
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import force_locale, gettext


@dataclass
class Issue:
    """One line of the report. `level`: error (row rejected), warning (value dropped), conflict (human edit kept),
    merge (merged into a fiche of another source), candidate (possible duplicate queued for a moderator)."""

    line: int
    level: str
    field: str
    reason: str
    params: dict = dataclasses.field(default_factory=dict)  # (the attribute `field` hides the function here)

    def message(self, lang: str) -> str:
        with force_locale(lang):
            return gettext(self.reason, **self.params)


@dataclass
class ImportReport:
    """What a run did: created, updated, unchanged, merged and rejected rows, and the issues found."""

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

    def add(self, line: int, level: str, field_name: str, reason: str, params: dict | None = None) -> None:
        """Add an issue; `reason` is an English msgid with %(name)s `params`."""
        self.issues.append(Issue(line, level, field_name, reason, params or {}))

    def count(self, outcome: str) -> None:
        """One more row with this outcome: "created", "updated", "unchanged", "merged" or "rejected"."""
        setattr(self, outcome, getattr(self, outcome) + 1)

    def summary(self) -> str:
        prefix = "[dry run] " if self.dry_run else ""
        warnings = sum(1 for i in self.issues if i.level in ("warning", "conflict"))
        candidates = sum(1 for i in self.issues if i.level == "candidate")
        return (
            f"{prefix}{self.source}: {self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.merged} merged, {candidates} to review, {self.rejected} rejected, {warnings} warnings"
        )

    def write_csv(self, path: Path) -> None:
        """line, level, field, message_fr, message_nl — one row per issue. Raises OSError (full disk...) with
        nothing half-written left at `path` when it is a regular file."""
        try:
            with path.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(["line", "level", "field", "message_fr", "message_nl"])
                for issue in self.issues:
                    writer.writerow([issue.line, issue.level, issue.field, issue.message("fr"), issue.message("nl")])
        except OSError:
            if path.is_file():
                path.unlink(missing_ok=True)  # a truncated report would look complete
            raise
