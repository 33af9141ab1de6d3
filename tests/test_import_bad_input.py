"""Imports of bad input: a repeated source_id, values longer than their column, XLSX formulas, a full disk."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from directory.extensions import db
from directory.importing.run import run_import
from directory.models import Location, Service
from importers.template import TemplateImporter

HEADER = "source_id;name_fr;name_nl;sectors;postcode;house_number;street_fr\n"


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("batch_size", [500, 1])  # in one batch, and across batches
def test_a_repeated_source_id_is_reported_imported_once_and_reruns_change_nothing(
    app: Flask, tmp_path: Path, batch_size: int
) -> None:
    path = write(
        tmp_path,
        "dup-1;Maison médicale Alpha;;medical_house;1030;1;Rue Royale",
        "other;Pharmacie Beta;;pharmacy;1030;2;Rue Royale",
        "dup-1;Maison médicale Gamma;;medical_house;1030;3;Rue Royale",
        "dup-1;Maison médicale Delta;;medical_house;1030;4;Rue Royale",
    )
    with app.app_context():
        first = run_import(TemplateImporter(), path, source="fed", batch_size=batch_size)
        assert (first.created, first.rejected) == (2, 2)
        repeated = [i for i in first.issues if i.field == "source_id"]
        assert [(i.line, i.level) for i in repeated] == [(4, "error"), (5, "error")]
        assert "ligne 2" in repeated[0].message("fr") and "lijn 2" in repeated[0].message("nl")
        for _ in range(2):
            again = run_import(TemplateImporter(), path, source="fed", batch_size=batch_size)
            assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 2)
        names = db.session.scalars(select(Service.name_fr).where(Service.source_id == "dup-1")).all()
        assert names == ["Maison médicale Alpha"]


def test_values_longer_than_their_column_are_reported_not_cut(app: Flask, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"long-name;{'N' * 5000};;pharmacy;1030;1;Rue Royale",
        "long-number;Pharmacie Gamma;;pharmacy;1030;" + "9" * 21 + ";Rue Royale",
        "fine;Pharmacie Delta;;pharmacy;1030;5;Rue Royale",
    )
    with app.app_context():
        report = run_import(TemplateImporter(), path, source="fed")
        assert (report.created, report.rejected) == (1, 2)
        errors = {(i.line, i.field): i for i in report.issues if i.level == "error"}
        assert set(errors) == {(2, "name_fr"), (3, "house_number")}
        assert "5000" in errors[(2, "name_fr")].message("fr") and "200" in errors[(2, "name_fr")].message("nl")
        assert "21" in errors[(3, "house_number")].message("fr") and "20" in errors[(3, "house_number")].message("fr")
        assert db.session.scalar(select(func.max(func.length(Service.name_fr)))) <= 200
        assert db.session.scalar(select(func.count()).select_from(Location).where(Location.house_number == "5")) == 1


def _xlsx_with_formulas(path: Path, cached: str | None) -> None:
    """A template sheet whose name_nl cells are formulas; `cached` writes a saved result into the first one, as a
    spreadsheet program does (openpyxl itself never saves results)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["source_id", "name_fr", "name_nl", "sectors", "postcode"])
    sheet.append(["f-1", "Pharmacie Iota", '=CONCAT("Apotheek ", "Iota")', "pharmacy", "1030"])
    sheet.append(["f-2", "Pharmacie Kappa", "=B3", "pharmacy", "1030"])
    workbook.save(path)
    if cached is None:
        return
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    cell = re.search(r'<c r="C2"><f>(.*?)</f><v\s*/></c>', xml)
    assert cell is not None
    saved = f'<c r="C2" t="str"><f>{cell.group(1)}</f><v>{cached}</v></c>'
    xml = xml.replace(cell.group(0), saved)
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)


def test_xlsx_formula_cells_give_their_saved_value_or_a_warning(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "formulas.xlsx"
    _xlsx_with_formulas(path, cached="Apotheek Iota")
    with app.app_context():
        report = run_import(TemplateImporter(), path, source="xlsx")
        assert (report.created, report.rejected) == (2, 0)
        warnings = [(i.line, i.field) for i in report.issues if i.level == "warning"]
        assert warnings == [(3, "name_nl")]  # f-2 has no saved result; f-1 has one
        assert "formule" in report.issues[0].message("fr") and "formule" in report.issues[0].message("nl")
        names = dict(
            db.session.execute(select(Service.source_id, Service.name_nl).where(Service.source == "xlsx")).all()
        )
        assert names == {"f-1": "Apotheek Iota", "f-2": ""}


def test_a_full_disk_while_writing_the_report_is_said_and_the_import_kept(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "disk-1;Pharmacie Lambda;;pharmacy;1030;1;Rue Royale")
    result = runner.invoke(args=["import", "template", str(path), "--report", "/dev/full"])  # ENOSPC on write
    assert result.exit_code == 2
    assert "could not be written" in result.output and "No space left on device" in result.output
    assert "1 created" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Service).where(Service.source == "template")) == 1


def test_a_template_with_a_changed_header_is_reported_and_dry_run_and_rerun_change_nothing(
    app: Flask, tmp_path: Path
) -> None:
    renamed = tmp_path / "renamed.csv"  # "source_id" became "id": no row can be matched on a re-run, none is read
    renamed.write_text("id;name_fr;sectors\nr1;Épicerie sociale;food_aid\n", encoding="utf-8")
    extra = tmp_path / "extra.csv"  # one column renamed ("nom"): reported and ignored, the rest is imported
    extra.write_text("source_id;name_fr;nom;sectors\nr1;Épicerie sociale;x;food_aid\n", encoding="utf-8")
    with app.app_context():
        report = run_import(TemplateImporter(), renamed)
        assert [(i.line, i.level, i.field) for i in report.issues] == [(1, "error", "source_id"), (1, "warning", "id")]
        assert report.created == 0 and db.session.scalar(select(func.count()).select_from(Service)) == 0
        assert run_import(TemplateImporter(), extra, dry_run=True).created == 1
        assert db.session.scalar(select(func.count()).select_from(Service)) == 0
        report = run_import(TemplateImporter(), extra)
        assert report.created == 1 and [(i.line, i.field) for i in report.issues] == [(1, "nom")]
        assert run_import(TemplateImporter(), extra).unchanged == 1


def test_a_kbo_member_broken_midway_is_reported_with_its_line_and_the_rest_imported(app: Flask, tmp_path: Path) -> None:
    from directory.importing.candidate_sources import import_candidates, watch_path
    from tests.kbo_helpers import full_extract, write_extract

    files = full_extract()
    files["contact"] = files["contact"] * 400  # long enough to be cut in the middle of its compressed data
    path = write_extract(tmp_path / "full.zip", files)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("contact.csv")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    data[middle : middle + 16] = bytes(16)  # corrupt the deflate stream of contact.csv only
    path.write_bytes(bytes(data))
    with app.app_context():
        report = import_candidates("kbo", path)
        [broken] = [i for i in report.issues if i.field == "contact.csv"]
        assert broken.level == "error" and broken.line > 1 and "contact.csv" in broken.params["file"]
        assert report.created == 3  # every other file was read
        assert not watch_path("kbo").exists()  # an incomplete run never becomes the next update's starting point


def test_bruxelles_social_files_that_are_not_json_are_reported_with_their_name(app: Flask, tmp_path: Path) -> None:
    from directory.importing.social_brussels import social_brussels_importer

    folder = tmp_path / "sb"
    folder.mkdir()
    (folder / "index.json").write_text('[{"id": 7, "nameOfficialFr": "Maison de test"}, {"id": 8}]', encoding="utf-8")
    (folder / "organisation-7.json").write_text('{"id": 7, "nameOfficialFr": "Maison de te', encoding="utf-8")
    with app.app_context():
        assert run_import(social_brussels_importer(), folder, dry_run=True).created == 1
        assert db.session.scalar(select(func.count()).select_from(Service)) == 0
        report = run_import(social_brussels_importer(), folder)
        problems = sorted((i.field, i.level) for i in report.issues)
        assert problems == [("index.json", "error"), ("organisation-7.json", "error")]  # 8: no name; 7: cut short
        assert report.created == 1  # organisation 7 from its entry in the index
        assert db.session.scalar(select(Service.name_fr)) == "Maison de test"
        assert run_import(social_brussels_importer(), folder).unchanged == 1
        (folder / "index.json").write_text("[{", encoding="utf-8")
        report = run_import(social_brussels_importer(), folder)
        assert [(i.field, i.line) for i in report.issues] == [("index.json", 0)] and report.created == 0
