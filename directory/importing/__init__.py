"""Importing: what `importers/` parse becomes fiches.

`run` drives a run in batches; `validation` cleans each record (with `locating` for missing coordinates);
`dedupe` finds the same service from another source; `upsert` updates, merges or creates, and `bulk` inserts
the new fiches at once; `report` lists what happened. `cli` is `flask import`, `defaults` the default dataset.
"""

from __future__ import annotations

from directory.importing.report import ImportReport, Issue
from directory.importing.run import run_import

__all__ = ["ImportReport", "Issue", "run_import"]
