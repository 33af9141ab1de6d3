"""Exports of any search (the results page's parameters) as CSV, XLSX, GeoJSON, HSDS JSON and HSDS tabular zip.

Memory stays bounded and the first bytes leave at once: the search gives the ordered service ids a page at a time
(directory/search/pages.py), the fiches are loaded from SQL 500 at a time (one query per relation, no area
boundaries) and each batch is written out before the next one is read. The XLSX sheet is written as XML into a
zip that is streamed as it grows; the HSDS tables go to temporary files, then are zipped while they are sent.
Spreadsheet cells that would run as formulas are neutralised (`neutral`)."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from xml.sax.saxutils import escape

from sqlalchemy import func, select, true
from sqlalchemy import inspect as sa_inspect
from werkzeug.datastructures import MultiDict

from directory.api.objects import plain
from directory.extensions import db
from directory.models import Commune, Location, Organization, Phone, Public, Sector, Service, ServiceFunction
from directory.models.services import service_at_location, service_public, service_sector
from directory.operations.hsds import service_to_hsds
from directory.presenters import fiche_url
from directory.search.pages import hit_pages, index_version
from directory.search.query import SearchParams
from importers.hsds_tabular import TABLES, flatten

BATCH = 500
EXPORT_REVISION = 2  # raise when the files' layout changes: clients' copies are then stale
CHUNK = 64 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DIRECT = "services"  # the table of the tabular form zipped as it is written (the others are shared or small)
COLUMNS = (
    "service_id", "url", "name_fr", "name_nl", "organization_fr", "organization_nl", "bce_number", "sectors",
    "publics", "street_fr", "street_nl", "house_number", "postcode", "commune", "quartier", "bassin", "lat", "lon",
    "wheelchair", "phones", "email", "website", "opening_hours", "hours_note_fr", "hours_note_nl", "languages",
    "cost", "access", "availability", "status", "description_fr", "description_nl", "verified_at", "source",
    "source_licence", "updated_at",
)  # fmt: skip


OWN_COLUMNS = tuple(name for name in COLUMNS if hasattr(Service, name))
LOCATION_COLUMNS = ("street_fr", "street_nl", "house_number", "postcode", "lat", "lon", "wheelchair")


def neutral(value: Any) -> Any:
    """A cell a spreadsheet shows as text: a leading =, +, -, @, tab or carriage return gets a quote before it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def data_version() -> str:
    """Changes whenever a fiche, an organisation or a place is added, changed or removed: the last change of the
    fiches and organisations, their counts, and the index's last change (which every published edit reaches)."""
    parts: list[object] = [db.session.scalar(select(func.max(m.updated_at))) for m in (Service, Organization)]
    parts += [db.session.scalar(select(func.count(m.id))) for m in (Service, Organization, Location)]
    return "|".join(str(part) for part in [*parts, index_version()])


def etag(fmt: str, lang: str, args: Mapping[str, Any]) -> str:
    """The download's entity tag: its format, language and search, and the data's version."""
    pairs = sorted((key, value) for key, values in MultiDict(args).lists() for value in values)
    key = json.dumps([fmt, lang, pairs, data_version(), EXPORT_REVISION])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class IdSet:
    """Database ids (non-negative integers) already met, one bit each: a table's ids are dense, so 400,000 places
    take 50 KiB, where a Python set of them takes some 30 MiB."""

    def __init__(self) -> None:
        self.bits = bytearray()

    def add(self, value: int) -> bool:
        """Remember `value`; whether it is new."""
        byte, mask = value >> 3, 1 << (value & 7)
        if byte >= len(self.bits):
            self.bits.extend(bytes(byte + 1 - len(self.bits) + len(self.bits) // 2))
        if self.bits[byte] & mask:
            return False
        self.bits[byte] |= mask
        return True


def service_ids(params: SearchParams) -> Iterator[list[int]]:
    """The matching service ids in the results page's order (each once), a page of the search at a time."""
    seen = IdSet()
    for hits in hit_pages(params, ["service_id"]):
        yield [hit["service_id"] for hit in hits if seen.add(hit["service_id"])]


class Record(SimpleNamespace):
    """A fiche, organisation, place or phone read as plain values (the attributes of its model, no session): the
    exports read a batch of fiches in a handful of queries without building ORM objects."""


def _columns(model: Any) -> tuple[list[str], list[Any]]:
    keys = [attr.key for attr in sa_inspect(model).column_attrs]
    return keys, [getattr(model, key) for key in keys]


def _read(model: Any, where: Any, *extra: Any, order: Any = None) -> Iterator[tuple[Any, ...]]:
    """(extra values..., Record) per row of `model` matching `where`."""
    keys, columns = _columns(model)
    query = select(*extra, *columns).where(where)
    for row in db.session.execute(query.order_by(order) if order is not None else query):
        values = tuple(row)
        yield *values[: len(extra)], Record(**dict(zip(keys, values[len(extra) :], strict=True)))


class Loader:
    """Reads fiches by batch of ids with everything the exports write: the fiche's columns, its organisation,
    sectors, publics, phones, functions per place and places (with the commune's names, not its boundary), one
    query each."""

    def __init__(self) -> None:
        self.sectors = {row.code: row for (row,) in _read(Sector, true())}
        self.publics = {row.code: row for (row,) in _read(Public, true())}
        names = select(Commune.nis, Commune.name_fr, Commune.name_nl)
        self.communes = {nis: Record(nis=nis, name_fr=fr, name_nl=nl) for nis, fr, nl in db.session.execute(names)}

    def batch(self, ids: list[int]) -> dict[int, Record]:
        found = {row.id: row for (row,) in _read(Service, Service.id.in_(ids) & (Service.status != "inactive"))}
        if not found:
            return found
        wanted = list(found)
        orgs = {
            row.id: row
            for (row,) in _read(Organization, Organization.id.in_({s.organization_id for s in found.values()}))
        }
        for service in found.values():
            service.organization = orgs[service.organization_id]
            service.sectors, service.publics, service.phones, service.locations = [], [], [], []
            service.function_offers = []
        links = select(service_sector.c.service_id, service_sector.c.sector_code)
        for sid, code in db.session.execute(
            links.where(service_sector.c.service_id.in_(wanted)).order_by(service_sector.c.sector_code)
        ):
            found[sid].sectors.append(self.sectors[code])
        links = select(service_public.c.service_id, service_public.c.public_code)
        for sid, code in db.session.execute(
            links.where(service_public.c.service_id.in_(wanted)).order_by(service_public.c.public_code)
        ):
            found[sid].publics.append(self.publics[code])
        for (phone,) in _read(Phone, Phone.service_id.in_(wanted), order=Phone.id):
            found[phone.service_id].phones.append(phone)
        for (offer,) in _read(ServiceFunction, ServiceFunction.service_id.in_(wanted), order=ServiceFunction.id):
            found[offer.service_id].function_offers.append(offer)
        at = service_at_location.c.service_id
        for sid, place in _read(
            Location, at.in_(wanted) & (service_at_location.c.location_id == Location.id), at, order=Location.id
        ):
            place.commune = self.communes.get(place.commune_nis)
            found[sid].locations.append(place)
        return found


def services(id_pages: Iterable[list[int]]) -> Iterator[Any]:
    """The published fiches of the id pages (as Records), in that order, read BATCH at a time: memory holds one
    batch."""
    loader = Loader()
    for ids in id_pages:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            found = loader.batch(chunk)
            yield from (found[i] for i in chunk if i in found)


def rows(fiches: Iterable[Any], lang: str) -> Iterator[list[Any]]:
    """One row per fiche and place (a fiche without a place gives one row), in COLUMNS order."""
    for service in fiches:
        base = {name: plain(getattr(service, name)) for name in OWN_COLUMNS}
        base |= {"service_id": service.id, "url": fiche_url(service, lang, _external=True)}
        org = service.organization
        base |= {"organization_fr": org.name_fr, "organization_nl": org.name_nl, "bce_number": org.bce_number}
        base |= {"sectors": " | ".join(s.code for s in service.sectors)}
        base |= {"publics": " | ".join(p.code for p in service.publics)}
        base |= {"phones": " | ".join(p.number for p in service.phones), "languages": " ".join(service.languages)}
        locations: list[Any] = [*service.locations] or [None]
        for location in locations:
            row = dict(base)
            if location is not None:
                row |= {name: plain(getattr(location, name)) for name in LOCATION_COLUMNS}
                row |= {"commune": location.commune_nis, "quartier": location.quartier_code}
                row |= {"bassin": location.bassin_code}
            yield [row.get(name) for name in COLUMNS]


def csv_stream(fiches: Iterable[Any], lang: str) -> Iterator[str]:
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


def geojson_stream(fiches: Iterable[Any]) -> Iterator[str]:
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


def hsds_stream(fiches: Iterable[Any]) -> Iterator[str]:
    """A JSON array of compiled HSDS services (as `flask export hsds` writes)."""
    yield "["
    for index, service in enumerate(fiches):
        yield ("," if index else "") + json.dumps(service_to_hsds(service), ensure_ascii=False)
    yield "]"


class _Sink:
    """A write-only byte buffer that a ZipFile writes into (unseekable: entries carry data descriptors) and the
    download empties as it goes."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.sent = False

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        self.size, self.sent = 0, self.sent or bool(data)
        return data

    def ready(self) -> bool:
        """Whether to send what the buffer holds: a CHUNK, or anything at all before the first send (the client
        sees the download start at once, not after the first 64 KiB of compressed output)."""
        return self.size >= CHUNK or (not self.sent and self.size > 0)


XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="services" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        '<Relationship Id="rId2" Target="styles.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/></Relationships>'
    ),
    "xl/styles.xml": (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: characters XML 1.0 cannot hold (a spreadsheet refuses the file): removed from cells
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_CELL = 32_767  # the longest text a spreadsheet cell holds


def _cell(value: Any) -> str:
    """One cell of the sheet: numbers as numbers, everything else as inline text."""
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"<c><v>{value!r}</v></c>"
    text = escape(XML_ILLEGAL.sub("", str(value))[:MAX_CELL])
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def xlsx_stream(fiches: Iterable[Any], lang: str) -> Iterator[bytes]:
    """A workbook of one sheet, written as it is sent: the sheet's XML row by row into a zip that is streamed
    (no temporary file, no workbook in memory; cells as inline text)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, compresslevel=5) as book:  # type: ignore[call-overload]
        for name, xml in XLSX_PARTS.items():
            book.writestr(name, XML_HEAD + xml)
        yield sink.take()  # the workbook's small parts leave before the first fiche is read
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            head = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            sheet.write((XML_HEAD + head).encode())
            lines = ["<row>" + "".join(_cell(name) for name in COLUMNS) + "</row>"]
            for row in rows(fiches, lang):
                lines.append("<row>" + "".join(_cell(neutral(cell)) for cell in row) + "</row>")
                if len(lines) >= 200:
                    sheet.write("".join(lines).encode())
                    lines.clear()
                    if sink.ready():
                        yield sink.take()
            sheet.write(("".join(lines) + "</sheetData></worksheet>").encode())
    yield sink.take()


def hsds_zip_stream(fiches: Iterable[Any]) -> Iterator[bytes]:
    """The HSDS tabular form (one CSV per table of the specification) zipped; shared rows written once. The
    services table is compressed and sent as the fiches are read; the other tables go to temporary files a batch
    at a time and are zipped after it."""
    folder = Path(tempfile.mkdtemp(prefix="export-"))
    try:
        sink = _Sink()
        with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, compresslevel=5) as archive:  # type: ignore[call-overload]
            with archive.open(f"{DIRECT}.csv", "w") as entry:
                text = io.TextIOWrapper(entry, encoding="utf-8", newline="")
                for _ in _write_tables(fiches, folder, text):
                    if sink.ready():
                        yield sink.take()
                text.detach()  # flushed; the entry closes with its block
            for table in TABLES:
                if table == DIRECT:
                    continue
                with (folder / f"{table}.csv").open("rb") as source, archive.open(f"{table}.csv", "w") as entry:
                    while chunk := source.read(CHUNK):
                        entry.write(chunk)
                        if sink.ready():
                            yield sink.take()
        yield sink.take()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class SharedRows:
    """Which shared rows of the tabular form are already written: organisations and places by their database id
    (one bit each, IdSet), taxonomies and terms by UUID (a few hundred). The rows of an organisation (its
    identifiers) and of a place (its address and accessibility) are written with it, in the same batch."""

    #: shared table → the property holding its owner's UUID
    OWNER = {"organizations": "id", "organization_identifiers": "organization_id", "locations": "id"}
    OWNER |= {"addresses": "location_id", "accessibility": "location_id"}

    def __init__(self) -> None:
        self.organizations, self.places, self.terms = IdSet(), IdSet(), set[str]()

    def fresh(self, batch: list[Any], compiled: list[dict]) -> set[str]:
        """The UUIDs of the organisations and places of `batch` (fiches and their compiled form) not yet written;
        they count as written from now on."""
        new = set()
        for service, hsds in zip(batch, compiled, strict=True):
            if self.organizations.add(service.organization.id):
                new.add(hsds["organization"]["id"])
            for place, link in zip(service.locations, hsds.get("service_at_locations") or [], strict=True):
                if self.places.add(place.id):
                    new.add(link["location_id"])
        return new

    def keep(self, table: str, row: dict, new: set[str]) -> bool:
        """Whether to write `row` of `table` (rows of other tables always are)."""
        if table in self.OWNER:
            return row[self.OWNER[table]] in new
        if table in {"taxonomies", "taxonomy_terms"}:
            if row["id"] in self.terms:
                return False
            self.terms.add(row["id"])
        return True


def _write_tables(fiches: Iterable[Any], folder: Path, direct: Any) -> Iterator[None]:
    """One CSV per HSDS table: the DIRECT table to the text stream `direct`, the others to files in `folder`; a
    batch of fiches at a time (yields after each)."""
    handles = {t: (folder / f"{t}.csv").open("w", newline="", encoding="utf-8") for t in TABLES if t != DIRECT}
    try:
        outputs = {**handles, DIRECT: direct}
        writers = {t: csv.DictWriter(outputs[t], fieldnames=cols, extrasaction="ignore") for t, cols in TABLES.items()}
        for writer in writers.values():
            writer.writeheader()
        shared, batch = SharedRows(), []
        for service in itertools.chain(fiches, [None]):
            if service is not None:
                batch.append(service)
                if len(batch) < BATCH:
                    continue
            compiled = [service_to_hsds(s) for s in batch]
            new = shared.fresh(batch, compiled)
            for table, table_rows in flatten(compiled).items():
                for row in table_rows:
                    if shared.keep(table, row, new):
                        writers[table].writerow(row)
            batch.clear()
            yield None
    finally:
        for handle in handles.values():
            handle.close()
