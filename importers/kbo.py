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

The watch list: an update ZIP only holds the files that changed, so an entity with a selected activity outside
Brussels that moves in has an address row in the update but no activity row. Each run therefore leaves `watch_out`:
the selected activities (with their labels), the units of those entities and their names, everywhere in Belgium;
the caller keeps it (not on a dry run) and gives it back to the next run, which applies the update's deletions and
insertions to it before selecting. An entity that becomes eligible through an update is then added at once.
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
        watch: dict | None = None,
    ):
        self.postcodes = frozenset(postcodes)
        self.prefixes = tuple(prefixes)
        # Update files: entity numbers that already are candidates → their enterprise (None for an enterprise).
        self.known = dict(known or {})
        self.watch = watch or {}  # the previous run's watch list (see the module docstring)
        self.watch_out: dict | None = None  # this run's, when every file could be read
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
        if not self.errors:
            self.watch_out = watch_list(data)
        yield from self.errors
        yield from build_records(data)

    def _seed(self, data: KboData, selected: dict[str, dict[tuple[str, str], list]]) -> None:
        """An update starts from the previous run's watch list: activities, units and names of watched entities."""
        for key, labels in self.watch.get("codes", {}).items():
            category, _, code = key.partition("|")
            for language, label in labels.items():
                data.codes[(category, code)].setdefault(language, label)
        for entity, activities in self.watch.get("activities", {}).items():
            selected[entity] = {(version, code): [main, 0] for version, code, main in activities}
        for unit, enterprise in self.watch.get("units", {}).items():
            data.establishments[unit] = enterprise
            data.with_units.add(enterprise)
        for entity, rows in self.watch.get("names", {}).items():
            data.names[entity] = [[entity, *row] for row in rows]

    # -- the passes ---------------------------------------------------------------------------------------------
    def _read(self, archive: zipfile.ZipFile, names: set[str], data: KboData) -> None:
        part = "insert" if data.update else ""
        known = data.known
        for _line, row in self._each(archive, names, "code"):
            wanted_code = len(row) == 4 and row[0] in CODE_CATEGORIES and row[2] in ("FR", "NL")
            if wanted_code and (row[0] == "JuridicalForm" or row[1].startswith(self.prefixes)):
                data.codes[(row[0], row[1])][row[2].lower()] = row[3]
        # entity → (NACE version, code) → [main?, first line]: one entry per code, however many groups list it
        selected: dict[str, dict[tuple[str, str], list]] = defaultdict(dict)
        if data.update:
            self._seed(data, selected)
            for kind in ("enterprise", "establishment", "denomination", "address", "contact", "activity"):
                for _line, row in self._each(archive, names, kind, "delete"):
                    if not row:
                        continue
                    _forget(data, selected, kind, row[0])
                    if row[0] in known:
                        data.touched[row[0]].add(kind)
                        if kind in DELETE_KEYS:
                            data.deleted.add(row[0])
        codes = "|".join(re.escape(p) for p in self.prefixes)
        keep = re.compile(f',"?(?:{codes})'.encode())  # a NACE code field starting with a selected prefix
        for line, row in self._each(archive, names, "activity", part, keep):
            # NACE-BEL 2008 and 2025 codes; 2003 codes (division 85 then) are left aside
            if len(row) == 5 and row[2] != "2003" and row[3].startswith(self.prefixes):
                entry = selected[row[0]].setdefault((row[2], row[3]), [False, line])
                entry[0] = entry[0] or row[4] == "MAIN"
        data.activities = {entity: codes for entity, codes in selected.items() if codes}
        wanted = set(data.activities) | set(known) | {e for e in known.values() if e}
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
        watched = _watched(data)
        for kind, store in (("denomination", data.names), ("contact", data.contacts)):
            for _line, row in self._each(archive, names, kind, part):
                if len(row) == 4 and (row[0] in located or (kind == "denomination" and row[0] in watched)):
                    store[row[0]].append(row)
                    if row[0] in known:
                        data.touched[row[0]].add(kind)
        for _line, row in self._each(archive, names, "enterprise", part):
            if len(row) == 7 and row[0] in located:
                data.enterprises[row[0]] = row
                if row[0] in known:
                    data.inserted.add(row[0])


def _forget(data: KboData, selected: dict[str, dict[tuple[str, str], list]], kind: str, entity: str) -> None:
    """An update deletes every row of `entity` in the file `kind` (its current rows follow in the insert file)."""
    if kind == "activity":
        selected.pop(entity, None)
    elif kind == "denomination":
        data.names.pop(entity, None)
    elif kind == "establishment":
        data.establishments.pop(entity, None)


def _watched(data: KboData) -> set[str]:
    """Entities whose names the watch list keeps: those with a selected activity, their units and enterprises."""
    return set(data.activities) | set(data.establishments) | set(data.establishments.values())


def watch_list(data: KboData) -> dict:
    """The watch list this run leaves (JSON-ready): selected activities with labels, units, names."""
    watched = _watched(data)
    units = {u: e for u, e in data.establishments.items() if u in data.activities or e in data.activities}
    codes = {(f"Nace{version}", code) for found in data.activities.values() for version, code in found}
    return {
        "extract": data.extract,
        "codes": {f"{c}|{code}": dict(data.codes[(c, code)]) for c, code in sorted(codes) if (c, code) in data.codes},
        "activities": {
            entity: [[version, code, main] for (version, code), (main, _line) in sorted(found.items())]
            for entity, found in sorted(data.activities.items())
        },
        "units": dict(sorted(units.items())),
        "names": {e: [row[1:] for row in data.names[e]] for e in sorted(watched) if data.names.get(e)},
    }
