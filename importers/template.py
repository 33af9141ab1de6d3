"""Our spreadsheet template (CSV or XLSX), the format a federation or a CPAS fills by hand.

Columns come from the declaration of a fiche's fields (`directory.fields`); docs/import-template.md documents
them in FR and NL (a test checks it against the declaration); docs/examples/ has a filled example.
CSV: the encoding (UTF-8 with or without BOM, else Windows-1252) and the delimiter (`,` `;` or tab, as
Excel writes it in Belgium) are detected. XLSX: the first sheet, read in streaming mode.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from directory.fields import FIELDS, template_columns
from importers.base import Importer, RowError, ServiceRecord

COLUMNS = template_columns()
REQUIRED = ("source_id",)
LIST_SEPARATOR = "|"
LISTS = ("codes", "terms", "phones", "languages")


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.replace(";", LIST_SEPARATOR).split(LIST_SEPARATOR) if item.strip()]


def _float(value: str) -> float | None:
    value = value.strip().replace(",", ".")
    return float(value) if value else None


def _plan() -> tuple[tuple[str, str, bool], ...]:
    """(template column, record attribute, is a list) of every column, the first declaration of a name winning."""
    plan: dict[str, tuple[str, str, bool]] = {}
    for field in FIELDS:
        for column, name in zip(field.columns, field.record_names, strict=True):
            plan.setdefault(name, (column, name, field.kind in LISTS))
    return tuple(plan.values())


PLAN = _plan()


def record_from_row(row: dict[str, str], line: int) -> ServiceRecord | RowError:
    """One template row → a record, or a RowError for what cannot even be read."""
    get = {k: (row.get(k) or "").strip() for k in COLUMNS}
    if not get["source_id"]:
        return RowError(line, "source_id", "Missing source_id: each row needs a stable identifier.")
    try:
        lat, lon = _float(get["lat"]), _float(get["lon"])
    except ValueError:
        return RowError(line, "lat", "Invalid coordinates.")
    values: dict[str, Any] = {"lat": lat, "lon": lon}
    for column, name, is_list in PLAN:
        if name not in values:
            values[name] = _list(get[column]) if is_list else get[column]
    return ServiceRecord(line=line, **values)


def documentation_table() -> str:
    """The columns table of docs/import-template.md, FR and NL, from the declaration (in an app context)."""
    from flask_babel import force_locale

    def cell(text: object) -> str:
        return str(text).replace("|", "\\|")

    rows = ["| colonne / kolom | obligatoire / verplicht | FR | NL |", "|---|---|---|---|"]
    for field in (f for f in FIELDS if f.columns):
        texts = []
        for lang in ("fr", "nl"):
            with force_locale(lang):
                texts.append((cell(field.help), cell(field.required)))
        required = f"{texts[0][1]} / {texts[1][1]}" if field.required else ""
        columns = ", ".join(f"`{column}`" for column in field.columns)
        rows.append(f"| {columns} | {required} | {texts[0][0]} | {texts[1][0]} |")
    return "\n".join(rows) + "\n"


def _decode(path: Path) -> io.TextIOBase:
    raw = path.open("rb")
    head = raw.read(1 << 16)
    raw.seek(0)
    try:
        head.decode("utf-8")
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1252"
    return io.TextIOWrapper(raw, encoding=encoding, newline="")


def _header_errors(header: list[str]) -> list[RowError]:
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c and c not in COLUMNS]
    errors = [RowError(1, c, "Missing column %(column)s.", {"column": c}) for c in missing]
    errors += [RowError(1, c, "Unknown column %(column)s (ignored).", {"column": c}, "warning") for c in unknown]
    return errors


class TemplateImporter(Importer):
    """CSV or XLSX following docs/import-template.md."""

    name = "template"
    description = "Qui fait quoi spreadsheet template (CSV or XLSX)"
    suffixes = (".csv", ".xlsx")

    def parse(self, path: Path) -> Iterator[ServiceRecord | RowError]:
        xlsx = path.suffix.lower() == ".xlsx"
        rows = self._xlsx_rows(path) if xlsx else ((values, []) for values in self._csv_rows(path))
        header = [h.strip().lower() for h in next(rows, ([], []))[0]]
        errors = _header_errors(header)
        yield from errors
        if any(e.reason.startswith("Missing column") for e in errors):
            return
        for line, (values, unsaved) in enumerate(rows, start=2):
            if not any(v.strip() for v in values) and not unsaved:
                continue
            for index in unsaved:
                column = header[index] if index < len(header) else str(index + 1)
                yield RowError(
                    line,
                    column,
                    "This cell holds a formula whose result was never saved: its value is left empty. Open the "
                    "file in a spreadsheet program and save it, or type the value.",
                    level="warning",
                )
            yield record_from_row(dict(zip(header, values, strict=False)), line)

    @staticmethod
    def _csv_rows(path: Path) -> Iterator[list[str]]:
        with _decode(path) as fh:
            sample = fh.read(1 << 15)
            fh.seek(0)
            try:
                dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
            yield from csv.reader(fh, dialect)

    @staticmethod
    def _xlsx_rows(path: Path) -> Iterator[tuple[list[str], list[int]]]:
        """(values, columns of formula cells without a saved result) per row. A formula's value is the result
        the spreadsheet program saved with it; a file written by a script may have none."""
        from openpyxl import load_workbook

        values = load_workbook(path, read_only=True, data_only=True)
        formulas = load_workbook(path, read_only=True, data_only=False)
        try:
            rows = zip(
                values.worksheets[0].iter_rows(values_only=True),
                formulas.worksheets[0].iter_rows(values_only=True),
                strict=False,
            )
            for saved, written in rows:
                unsaved = [
                    i
                    for i, (value, formula) in enumerate(zip(saved, written, strict=False))
                    if value is None and isinstance(formula, str) and formula.startswith("=")
                ]
                yield ["" if v is None else str(v) for v in saved], unsaved
        finally:
            values.close()
            formulas.close()
