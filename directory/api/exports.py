"""Exports of any search (the results page's parameters) as CSV, XLSX, GeoJSON, HSDS JSON and HSDS tabular zip.

Memory stays bounded: the search gives only the ordered service ids, the fiches are loaded from SQL 500 at a time
and each batch is written out before the next one is read; XLSX and the zip are written to a temporary file,
then streamed. Spreadsheet cells that would run as formulas are neutralised (`neutral`)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from directory.api.objects import plain
from directory.extensions import db
from directory.models import Location, Service
from directory.models.services import whole_service
from directory.operations.hsds import service_to_hsds
from directory.presenters import fiche_url
from directory.search.hits import search_hits
from directory.search.query import SearchParams
from importers.hsds_tabular import TABLES, flatten

BATCH = 500
CHUNK = 64 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: tables of the tabular form whose rows several services share: written once each
SHARED = frozenset({"organizations", "organization_identifiers", "taxonomies", "taxonomy_terms", "locations"})
SHARED |= {"addresses", "accessibility"}
COLUMNS = (
    "service_id", "url", "name_fr", "name_nl", "organization_fr", "organization_nl", "bce_number", "sectors",
    "publics", "street_fr", "street_nl", "house_number", "postcode", "commune", "quartier", "bassin", "lat", "lon",
    "wheelchair", "phones", "email", "website", "opening_hours", "hours_note_fr", "hours_note_nl", "languages",
    "cost", "access", "availability", "status", "description_fr", "description_nl", "verified_at", "source",
    "source_licence", "updated_at",
)  # fmt: skip


LOCATION_COLUMNS = ("street_fr", "street_nl", "house_number", "postcode", "lat", "lon", "wheelchair")


def neutral(value: Any) -> Any:
    """A cell a spreadsheet shows as text: a leading =, +, -, @, tab or carriage return gets a quote before it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def service_ids(params: SearchParams) -> list[int]:
    """Every matching service id in the results page's order (each once), up to MAX_TOTAL_HITS documents."""
    _total, hits = search_hits(params, current_app.config["MAX_TOTAL_HITS"], ["service_id"])
    return list(dict.fromkeys(hit["service_id"] for hit in hits))


def services(ids: list[int]) -> Iterator[Service]:
    """The published fiches of `ids`, in that order, loaded a batch at a time (the session is emptied between)."""
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        query = select(Service).where(Service.id.in_(chunk), Service.status != "inactive").options(*whole_service())
        found = {service.id: service for service in db.session.scalars(query)}
        yield from (found[i] for i in chunk if i in found)
        db.session.expunge_all()


def rows(fiches: Iterable[Service], lang: str) -> Iterator[list[Any]]:
    """One row per fiche and place (a fiche without a place gives one row), in COLUMNS order."""
    for service in fiches:
        base = {name: plain(getattr(service, name)) for name in COLUMNS if hasattr(Service, name)}
        base |= {"service_id": service.id, "url": fiche_url(service, lang, _external=True)}
        org = service.organization
        base |= {"organization_fr": org.name_fr, "organization_nl": org.name_nl, "bce_number": org.bce_number}
        base |= {"sectors": " | ".join(s.code for s in service.sectors)}
        base |= {"publics": " | ".join(p.code for p in service.publics)}
        base |= {"phones": " | ".join(p.number for p in service.phones), "languages": " ".join(service.languages)}
        locations: list[Location | None] = [*service.locations] or [None]
        for location in locations:
            row = dict(base)
            if location is not None:
                row |= {name: plain(getattr(location, name)) for name in LOCATION_COLUMNS}
                row |= {"commune": location.commune_nis, "quartier": location.quartier_code}
                row |= {"bassin": location.bassin_code}
            yield [row.get(name) for name in COLUMNS]


def csv_stream(fiches: Iterable[Service], lang: str) -> Iterator[str]:
    """UTF-8 CSV with a BOM (spreadsheets then read the accents right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for row in rows(fiches, lang):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([neutral(cell) for cell in row])
        yield buffer.getvalue()


def geojson_stream(fiches: Iterable[Service]) -> Iterator[str]:
    """A FeatureCollection: one Point per place with a position; properties are the fiche's names and ids."""
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for service in fiches:
        for location in service.locations:
            if location.lat is None or location.lon is None:
                continue
            properties = {"service_id": service.id, "name_fr": service.name_fr, "name_nl": service.name_nl}
            properties |= {"sectors": [s.code for s in service.sectors], "postcode": location.postcode}
            properties |= {"commune": location.commune_nis, "bassin": location.bassin_code}
            geometry = {"type": "Point", "coordinates": [location.lon, location.lat]}
            feature = {"type": "Feature", "id": f"{service.id}-{location.id}", "geometry": geometry}
            yield ("" if first else ",") + json.dumps(feature | {"properties": properties}, ensure_ascii=False)
            first = False
    yield "]}"


def hsds_stream(fiches: Iterable[Service]) -> Iterator[str]:
    """A JSON array of compiled HSDS services (as `flask export hsds` writes)."""
    yield "["
    for index, service in enumerate(fiches):
        yield ("," if index else "") + json.dumps(service_to_hsds(service), ensure_ascii=False)
    yield "]"


def _file_stream(path: Path, folder: Path) -> Iterator[bytes]:
    """The bytes of `path` in chunks; `folder` is removed at the end."""
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def xlsx_stream(fiches: Iterable[Service], lang: str) -> Iterator[bytes]:
    """A workbook written row by row (openpyxl's write-only mode) to a temporary file, then streamed."""
    from openpyxl import Workbook

    folder = Path(tempfile.mkdtemp(prefix="export-"))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("services")
    sheet.append(list(COLUMNS))
    for row in rows(fiches, lang):
        sheet.append([neutral(cell) for cell in row])
    book.save(folder / "services.xlsx")
    return _file_stream(folder / "services.xlsx", folder)


def hsds_zip_stream(fiches: Iterable[Service]) -> Iterator[bytes]:
    """The HSDS tabular form (one CSV per table of the specification) zipped; shared rows written once."""
    folder = Path(tempfile.mkdtemp(prefix="export-"))
    handles = {table: (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") for table in TABLES}
    writers = {t: csv.DictWriter(handles[t], fieldnames=cols, extrasaction="ignore") for t, cols in TABLES.items()}
    for writer in writers.values():
        writer.writeheader()
    seen: set[tuple[str, str]] = set()
    batch: list[dict] = []

    def flush() -> None:
        for table, table_rows in flatten(batch).items():
            for row in table_rows:
                if table in SHARED:
                    if (table, row["id"]) in seen:
                        continue
                    seen.add((table, row["id"]))
                writers[table].writerow(row)
        batch.clear()

    for service in fiches:
        batch.append(service_to_hsds(service))
        if len(batch) == BATCH:
            flush()
    flush()
    for handle in handles.values():
        handle.close()
    with zipfile.ZipFile(folder / "hsds.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for table in TABLES:
            archive.write(folder / f"{table}.csv", f"{table}.csv")
    return _file_stream(folder / "hsds.zip", folder)
