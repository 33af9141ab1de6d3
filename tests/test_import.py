"""Importing: good rows in, bad rows reported with line and reason in FR and NL, idempotent, humans kept."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from directory.extensions import db
from directory.importing.run import run_import
from directory.models import Service
from importers.osm import OsmImporter
from importers.template import TemplateImporter

DATA = Path(__file__).parent / "data"
EXAMPLE = Path(__file__).parent.parent / "docs" / "examples" / "template-example.csv"


def count(source: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Service).where(Service.source == source))


def test_mixed_file_imports_the_good_rows_and_reports_the_bad(app: Flask) -> None:
    with app.app_context():
        report = run_import(TemplateImporter(), DATA / "template-mixed.csv", source="fed")
        assert (report.created, report.rejected) == (2, 4)
        errors = {(i.line, i.field) for i in report.issues if i.level == "error"}
        assert errors == {(3, "name"), (4, "postcode"), (5, "lat"), (6, "sector")}
        by_line = {(i.line, i.field): i for i in report.issues}
        assert by_line[(6, "sector")].message("fr") == (
            "sector inconnu « planing familial » ; vouliez-vous dire « family_planning » ?"
        )
        assert "ligt niet in het Brussels Hoofdstedelijk Gewest" in by_line[(4, "postcode")].message("nl")
        warnings = {i.field for i in report.issues if i.level == "warning" and i.line == 7}
        assert warnings == {"languages", "phone", "email", "opening_hours", "cost"}

        canal = db.session.scalar(select(Service).where(Service.source_id == "ok-1"))
        assert canal.phones[0].number == "+3224100000"
        assert canal.website == "https://example.org"
        assert canal.locations[0].commune_nis == "21012"  # Molenbeek, from the comma-decimal coordinates
        kept = db.session.scalar(select(Service).where(Service.source_id == "warnings"))
        assert kept.opening_hours is None and kept.hours_note_fr == "lundi 9h-17h"  # nothing lost
        assert kept.locations[0].area_to_review  # 1000 without coordinates: bassin not guessed


def test_reimport_changes_nothing_and_dry_run_writes_nothing(app: Flask) -> None:
    with app.app_context():
        dry = run_import(TemplateImporter(), EXAMPLE, source="fed", dry_run=True)
        assert (dry.created, count("fed")) == (3, 0)
        first = run_import(TemplateImporter(), EXAMPLE, source="fed")
        second = run_import(TemplateImporter(), EXAMPLE, source="fed")
        assert (first.created, second.created, second.updated, second.unchanged) == (3, 0, 0, 3)
        assert count("fed") == 3


def test_a_human_edit_is_never_overwritten(app: Flask) -> None:
    with app.app_context():
        run_import(TemplateImporter(), EXAMPLE, source="fed")
        service = db.session.scalar(select(Service).where(Service.source_id == "fed-pf-002"))
        service.name_fr = "Centre de planning familial Rosa"
        service.field_provenance = {**service.field_provenance, "name_fr": {"human": True}}
        db.session.commit()
        report = run_import(TemplateImporter(), EXAMPLE, source="fed")
        db.session.refresh(service)
        assert service.name_fr == "Centre de planning familial Rosa"
        conflicts = [i for i in report.issues if i.level == "conflict"]
        assert [(c.field, c.params["value"]) for c in conflicts] == [("name_fr", "Planning familial Rosa")]


def test_xlsx_template(app: Flask, tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    with EXAMPLE.open(encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter=";"):
            sheet.append(row)
    path = tmp_path / "services.xlsx"
    workbook.save(path)
    with app.app_context():
        report = run_import(TemplateImporter(), path, source="xlsx")
        assert (report.created, report.rejected) == (3, 0)


def test_windows_1252_comma_csv(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "source_id,name_fr,sectors,postcode\nw-1,Maison de quartier Helmet,community_centre,1030\n".encode("cp1252")
    )
    with app.app_context():
        report = run_import(TemplateImporter(), path, source="excel")
        assert report.created == 1


def test_cli_exit_code_and_report_file(runner: FlaskCliRunner, tmp_path: Path) -> None:
    report_path = tmp_path / "report.csv"
    result = runner.invoke(args=["import", "template", str(DATA / "template-mixed.csv"), "--report", str(report_path)])
    assert result.exit_code == 1
    assert "2 created" in result.output and "4 rejected" in result.output
    with report_path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["line"] for r in rows if r["level"] == "error"} == {"3", "4", "5", "6"}
    assert all(r["message_fr"] and r["message_nl"] for r in rows)
    good = runner.invoke(args=["import", "template", str(EXAMPLE), "--report", str(report_path)])
    assert good.exit_code == 0, good.output


def test_overpass_json(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "overpass.json"
    path.write_text(
        '{"elements": ['
        '{"type": "node", "id": 1, "lat": 50.8466, "lon": 4.3528, "tags": {"amenity": "pharmacy", "name": "Apotheek"}},'
        '{"type": "way", "id": 2, "center": {"lat": 50.84, "lon": 4.35}, "tags": {"amenity": "social_facility",'
        ' "social_facility": "food_bank", "name": "Voedselbank", "opening_hours": "Tu 14:00-17:00"}},'
        '{"type": "node", "id": 3, "lat": 50.85, "lon": 4.35, "tags": {"amenity": "clinic"}}]}',
        encoding="utf-8",
    )
    with app.app_context():
        report = run_import(OsmImporter(), path, source="overpass")
        assert (report.created, report.rejected) == (2, 1)
        bank = db.session.scalar(select(Service).where(Service.source_id == "way/2"))
        assert [s.code for s in bank.sectors] == ["food_aid"]
        assert bank.opening_hours == "Tu 14:00-17:00"


@pytest.mark.parametrize("rerun", [False, True])
def test_default_dataset(app: Flask, rerun: bool) -> None:
    from directory.importing.defaults import import_default_dataset

    with app.app_context():
        app.config["SEARCH_SYNC_ON_COMMIT"] = False
        summary = import_default_dataset(Path(app.config["SHARED_DATA_DIR"]))
        if rerun:
            summary = import_default_dataset(Path(app.config["SHARED_DATA_DIR"]))
            assert "osm: 0 created, 0 updated, 913 unchanged" in summary
            assert "eurostat-hospitals: 0 created, 0 updated, 37 unchanged" in summary
            assert "leads-2026 candidates: 0 new, 0 updated, 69 unchanged" in summary
        else:
            assert "osm: 913 created" in summary
            assert "eurostat-hospitals: 22 created, 0 updated, 0 unchanged, 15 merged, 5 to review" in summary
            assert "leads-2026 candidates: 69 new" in summary  # leads to check, never fiches
        assert count("osm") == 913 and count("eurostat-hospitals") == 22  # 15 sites were already in OpenStreetMap


def test_imported_services_reach_the_search_index(app: Flask, client) -> None:
    from directory.search.sync import wait_until_indexed

    with app.app_context():
        run_import(TemplateImporter(), EXAMPLE, source="fed")
        wait_until_indexed()
    hits = client.get("/api/v1/services?q=Rosa").get_json()["hits"]
    assert [h["name_nl"] for h in hits] == ["Centrum voor gezinsplanning Rosa"]
    assert hits[0]["commune"] == "21013"  # Saint-Gilles, from postcode 1060


@pytest.mark.parametrize(
    "raw",
    [
        "02 240 30 80",
        "02/240.30.80",
        "02-240-30-80",
        "+32 2 240 30 80",
        "0032 2 240 30 80",
        "0475 12 34 56",
        "+32475123456",
        "+32 02 240 30 80",
        "+32 (0)2 240 30 80",
        "0800 12 345",
        "070 12 34 56",
        "02 240 30 8",
        "01 234 56 78",
        "0033 1 42 68 53 00",
        "+33 1 42 68 53 00",
        "02 240 30 80 ext. 12",
    ],
)
def test_the_quick_reading_of_belgian_numbers_agrees_with_phonenumbers(raw: str) -> None:
    """Import speed reads usual Belgian spellings without phonenumbers.parse: same answer, or the same refusal."""
    from directory.operations import phones

    phones.normalize_phone.cache_clear()
    try:
        expected: str | type[ValueError] = phones._parsed(raw, "BE")
    except ValueError:
        expected = ValueError
    try:
        found: str | type[ValueError] = phones.normalize_phone(raw)
    except ValueError:
        found = ValueError
    assert found == expected
    if isinstance(found, str):
        phones._display.clear()
        slow = phones.format_phone(found)
        phones.normalize_phone.cache_clear()
        phones.normalize_phone(raw)
        assert phones.format_phone(found) == slow
