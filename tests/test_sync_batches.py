"""An import keeps the index in step in a few large pushes, not one per commit, and new fiches skip the delete."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from flask import Flask

from directory.importing.run import run_import
from directory.search import get_client, index_name, sync
from directory.search.sync import wait_until_indexed
from importers.template import TemplateImporter


def _tasks(kind: str) -> int:
    answer = get_client().request("GET", "/tasks", params={"indexUids": index_name(), "types": kind, "limit": 100})
    return len(answer["results"])


def test_an_import_pushes_in_batches_and_ends_in_step(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sync, "PUSH_AT", 3)
    path = tmp_path / "rows.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["source_id", "name_fr", "sectors", "lat", "lon"])
        for i in range(7):
            writer.writerow([f"r{i}", f"Service lot {i}", "food_aid", f"{50.85 + i / 1000:.4f}", "4.35"])
    with app.app_context():
        before = _tasks("documentAdditionOrUpdate"), _tasks("documentDeletion")
        report = run_import(TemplateImporter(), path, source="lots", batch_size=2)  # 4 commits
        wait_until_indexed()
        additions = _tasks("documentAdditionOrUpdate") - before[0]
        assert report.created == 7
        assert additions == 2  # 4 services pending after the 2nd commit, 3 after the 4th
        assert _tasks("documentDeletion") == before[1]  # new fiches have no documents to delete
        stats = get_client().request("GET", f"/indexes/{index_name()}/stats")
        assert stats["numberOfDocuments"] == 7
        again = run_import(TemplateImporter(), path, source="lots", batch_size=2)
        assert again.unchanged == 7
