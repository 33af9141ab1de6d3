"""Open Referral HSDS 3.0: export, and import → export → import gives the same directory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from flask import Flask

from directory import create_app
from directory.extensions import db
from directory.importing.run import run_import
from directory.operations.hsds import export_services
from importers.hsds import HsdsImporter, hours_from_schedules
from importers.hsds_tabular import compile_tables, flatten, read_tables, write_tables
from importers.template import TemplateImporter
from tests.conftest import _config

EXAMPLE = Path(__file__).parent.parent / "docs" / "examples" / "template-example.csv"


def _without_volatile(services: list[dict]) -> list[dict]:
    """The exports minus database ids of organizations and locations (they differ between databases)."""
    text = json.dumps(services, sort_keys=True, ensure_ascii=False)
    for item in services:
        text = text.replace(item["organization"]["id"], "ORG")
        for sal in item["service_at_locations"]:
            text = text.replace(json.dumps(sal["location"]["id"]), '"LOC"')
    return json.loads(text)


@pytest.mark.parametrize("form", ["json", "tabular"])
def test_round_trip(app: Flask, tmp_path: Path, seeded_database: Path, meili_server, form: str) -> None:
    with app.app_context():
        run_import(TemplateImporter(), EXAMPLE, source="fed")
        first = list(export_services())
    assert [s["x_qfq"]["name_nl"] for s in first][:1] == ["Psychologische consultaties"]
    assert first[0]["schedules"][0] == {"freq": "WEEKLY", "byday": "MO", "opens_at": "09:00", "closes_at": "18:00"}
    if form == "json":
        path = tmp_path / "hsds.json"
        path.write_text(json.dumps(first), encoding="utf-8")
    else:
        path = tmp_path / "hsds-tables"
        write_tables(flatten(first), path)
        assert compile_tables(read_tables(path)) == first  # the tabular form loses nothing

    shutil.copy(seeded_database, tmp_path / "second.sqlite3")
    other = create_app(_config(f"sqlite:///{tmp_path / 'second.sqlite3'}", meili_server, "hsds2_"))
    other.config["SEARCH_SYNC_ON_COMMIT"] = False
    with other.app_context():
        report = run_import(HsdsImporter(), path, source="hsds")
        assert (report.created, report.rejected) == (3, 0), report.issues
        second = list(export_services())
        db.session.remove()
        db.engine.dispose()
    other.extensions["meili"].close()
    assert [s["id"] for s in second] == [s["id"] for s in first]
    for a, b in zip(_without_volatile(first), _without_volatile(second), strict=True):
        a["x_qfq"].pop("source"), b["x_qfq"].pop("source")
        assert a == b


def test_schedules_without_extension() -> None:
    rows = [
        {"freq": "WEEKLY", "byday": "MO,TU", "opens_at": "09:00", "closes_at": "12:00"},
        {"freq": "WEEKLY", "byday": "MO", "opens_at": "13:00:00", "closes_at": "17:00:00"},
    ]
    assert hours_from_schedules(rows) == "Mo 09:00-12:00,13:00-17:00; Tu 09:00-12:00"
