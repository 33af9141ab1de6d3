"""KBO/BCE open data (Crossroads Bank for Enterprises): the monthly full ZIP and the update ZIPs.

Layout (Cookbook KBO Open data R018.00, docs/sources.md): comma-separated, double-quoted CSV files with a header;
dates dd-mm-yyyy; entity numbers "0403.199.702" (enterprise) or "2.000.000.339" (establishment unit). An update ZIP
holds `<file>_delete.csv` (entity numbers whose rows of that file are removed) and `<file>_insert.csv` (their rows
as they are now). The importer streams each member once or twice and keeps only the selected entities in memory:

1. activity: entities with a NACE-BEL code starting with a selected prefix (divisions 86, 87, 88 and the
   configured codes);
2. establishment: the establishment units of selected enterprises, and the enterprise of selected units;
3. address: addresses with a Brussels postcode (not struck off) of those entities;
4. denomination, contact, enterprise: for the entities that are in Brussels.

Each establishment unit in Brussels becomes a candidate ("est:…"); an enterprise becomes one ("ent:…") when its
seat is in Brussels and it has no establishment unit. Activity labels (FR/NL) come from code.csv.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from importers.base import Importer, RowError
from importers.kbo_records import KboData, build_records
from importers.leads import CandidateGone, CandidateRecord

LICENCE = "KBO/BCE open data licence (FPS Economy)"
DIVISIONS = ("86", "87", "88")
HEADERS = {
    "meta": ["Variable", "Value"],
    "code": ["Category", "Code", "Language", "Description"],
    "enterprise": [
        "EnterpriseNumber",
        "Status",
        "JuridicalSituation",
        "TypeOfEnterprise",
        "JuridicalForm",
        "JuridicalFormCAC",
        "StartDate",
    ],
    "establishment": ["EstablishmentNumber", "StartDate", "EnterpriseNumber"],
    "denomination": ["EntityNumber", "Language", "TypeOfDenomination", "Denomination"],
    "address": [
        "EntityNumber",
        "TypeOfAddress",
        "CountryNL",
        "CountryFR",
        "Zipcode",
        "MunicipalityNL",
        "MunicipalityFR",
        "StreetNL",
        "StreetFR",
        "HouseNumber",
        "Box",
        "ExtraAddressInfo",
        "DateStrikingOff",
    ],
    "contact": ["EntityNumber", "EntityContact", "ContactType", "Value"],
    "activity": ["EntityNumber", "ActivityGroup", "NaceVersion", "NaceCode", "Classification"],
}
CODE_CATEGORIES = frozenset({"Nace2003", "Nace2008", "Nace2025", "JuridicalForm"})
DELETE_KEYS = {"enterprise": "EnterpriseNumber", "establishment": "EstablishmentNumber"}


class BrokenFile(Exception):
    """A member that cannot be read to its end; carries the RowError to report."""

    def __init__(self, error: RowError):
        super().__init__(error.reason)
        self.error = error


class KboImporter(Importer):
    """`flask import kbo KboOpenData_…_Full.zip` (or `…_Update.zip`): candidates, never fiches."""

    name = "kbo"
    description = "KBO/BCE open data ZIP (full or update)"
    licence = LICENCE
    suffixes = (".zip",)
    candidates = True

    def __init__(
        self,
        postcodes: Iterable[str] = (),
        prefixes: Iterable[str] = DIVISIONS,
        known: dict[str, str | None] | None = None,
    ):
        self.postcodes = frozenset(postcodes)
        self.prefixes = tuple(prefixes)
        # Update files: entity numbers that already are candidates → their enterprise (None for an enterprise).
        self.known = dict(known or {})
        self.errors: list[RowError] = []

    # -- reading ----------------------------------------------------------------------------------------------
    def _rows(
        self, archive: zipfile.ZipFile, member: str, kind: str, keep: re.Pattern[bytes] | None = None
    ) -> Iterator[tuple[int, list[str]]]:
        """(line, row) of one member after checking its header; BrokenFile when it cannot be read.

        `keep`: only lines where it matches are parsed as CSV (the 36 million activity lines, whose fields are
        codes without line breaks, are mostly skipped this way)."""
        line = 1
        try:
            with archive.open(member) as raw:
                if keep is not None:
                    buffered = io.BufferedReader(raw, buffer_size=1 << 20)  # type: ignore[arg-type,type-var]
                    reader = csv.reader([buffered.readline().decode("utf-8-sig")])
                else:
                    reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
                header = next(reader, [])
                expected = (
                    HEADERS[kind] if not member.endswith("_delete.csv") else [DELETE_KEYS.get(kind, "EntityNumber")]
                )
                if header != expected:
                    raise BrokenFile(
                        RowError(
                            1,
                            member,
                            "The header of %(file)s changed: expected %(expected)s, found %(found)s.",
                            {"file": member, "expected": ",".join(expected), "found": ",".join(header)},
                        )
                    )
                if keep is None:
                    for line, row in enumerate(reader, start=2):
                        yield line, row
                    return
                for line, data in enumerate(buffered, start=2):
                    if keep.search(data):
                        yield line, next(csv.reader([data.decode("utf-8")]))
        except (zipfile.BadZipFile, zlib.error, EOFError, UnicodeDecodeError, csv.Error) as exc:
            raise BrokenFile(
                RowError(
                    line + 1,
                    member,
                    "%(file)s cannot be read after line %(line)s: %(error)s",
                    {"file": member, "line": line, "error": str(exc)[:200]},
                )
            ) from exc

    def _each(
        self,
        archive: zipfile.ZipFile,
        names: set[str],
        kind: str,
        part: str = "",
        keep: re.Pattern[bytes] | None = None,
    ) -> Iterator[tuple[int, list[str]]]:
        """Rows of `kind.csv` (or `kind_<part>.csv`); a broken member is reported and stops there."""
        member = f"{kind}_{part}.csv" if part else f"{kind}.csv"
        if member not in names:
            if not part:
                self.errors.append(RowError(0, member, "%(file)s is missing from the archive.", {"file": member}))
            return
        try:
            yield from self._rows(archive, member, kind, keep)
        except BrokenFile as broken:
            self.errors.append(broken.error)

    def parse(self, path: Path) -> Iterator[CandidateRecord | CandidateGone | RowError]:  # type: ignore[override]
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            yield RowError(
                0,
                path.name,
                "%(file)s is not a readable ZIP archive: %(error)s",
                {"file": path.name, "error": str(exc)},
            )
            return
        with archive:
            names = {Path(n).name: n for n in archive.namelist()}
            archive_names = set(names)
            meta = {row[0]: row[1] for _line, row in self._each(archive, archive_names, "meta") if len(row) >= 2}
            update = "activity_insert.csv" in archive_names
            data = KboData(
                snapshot=meta.get("SnapshotDate", ""),
                extract=meta.get("ExtractNumber", ""),
                update=update,
                known=self.known if update else {},
            )
            self._read(archive, archive_names, data)
        yield from self.errors
        yield from build_records(data)

    # -- the passes ---------------------------------------------------------------------------------------------
    def _read(self, archive: zipfile.ZipFile, names: set[str], data: KboData) -> None:
        part = "insert" if data.update else ""
        known = data.known
        for _line, row in self._each(archive, names, "code"):
            wanted_code = len(row) == 4 and row[0] in CODE_CATEGORIES and row[2] in ("FR", "NL")
            if wanted_code and (row[0] == "JuridicalForm" or row[1].startswith(self.prefixes)):
                data.codes[(row[0], row[1])][row[2].lower()] = row[3]
        if data.update:
            for kind in ("enterprise", "establishment", "denomination", "address", "contact", "activity"):
                for _line, row in self._each(archive, names, kind, "delete"):
                    if row and row[0] in known:
                        data.touched[row[0]].add(kind)
                        if kind in DELETE_KEYS:
                            data.deleted.add(row[0])
        # entity → (NACE version, code) → [main?, first line]: one entry per code, however many groups list it
        selected: dict[str, dict[tuple[str, str], list]] = defaultdict(dict)
        codes = "|".join(re.escape(p) for p in self.prefixes)
        keep = re.compile(f',"?(?:{codes})'.encode())  # a NACE code field starting with a selected prefix
        for line, row in self._each(archive, names, "activity", part, keep):
            # NACE-BEL 2008 and 2025 codes; 2003 codes (division 85 then) are left aside
            if len(row) == 5 and row[2] != "2003" and row[3].startswith(self.prefixes):
                entry = selected[row[0]].setdefault((row[2], row[3]), [False, line])
                entry[0] = entry[0] or row[4] == "MAIN"
        data.activities = dict(selected)
        wanted = set(selected) | set(known) | {e for e in known.values() if e}
        for _line, row in self._each(archive, names, "establishment", part):
            if len(row) == 3 and (row[0] in wanted or row[2] in wanted):
                data.establishments[row[0]] = row[2]
                data.with_units.add(row[2])
                if row[0] in known:
                    data.inserted.add(row[0])
        wanted |= set(data.establishments)
        for _line, row in self._each(archive, names, "address", part):
            if len(row) == 13 and row[0] in wanted:
                if row[0] in known:
                    data.touched[row[0]].add("address")
                if row[4] in self.postcodes and not row[12] and not row[2]:
                    data.addresses[row[0]] = row
        located = set(data.addresses) | {data.establishments.get(e, e) for e in data.addresses}
        located |= set(known) | {e for e in known.values() if e}
        for kind, store in (("denomination", data.names), ("contact", data.contacts)):
            for _line, row in self._each(archive, names, kind, part):
                if len(row) == 4 and row[0] in located:
                    store[row[0]].append(row)
                    if row[0] in known:
                        data.touched[row[0]].add(kind)
        for _line, row in self._each(archive, names, "enterprise", part):
            if len(row) == 7 and row[0] in located:
                data.enterprises[row[0]] = row
                if row[0] in known:
                    data.inserted.add(row[0])
