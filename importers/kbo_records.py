"""Turn the rows the KBO importer kept (importers/kbo.py) into candidate records.

Codes (code.csv, seen in public notes reproducing it; docs/sources.md): Language 1 = French, 2 = Dutch,
0 = unknown; TypeOfDenomination 001 = name, 002 = abbreviation, 003 = commercial name; TypeOfAddress REGO = seat,
BAET = establishment unit; ContactType TEL, EMAIL, WEB; Classification MAIN, SECO, ANCI.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from importers.base import RowError, ServiceRecord
from importers.leads import CandidateGone, CandidateRecord

LICENCE = "KBO/BCE open data licence (FPS Economy)"
SECTORS_TABLE = Path(__file__).resolve().parent.parent / "directory" / "data" / "nace_sectors.csv"
# Which record fields (and details keys) each KBO file feeds: an update replaces exactly these.
TABLE_FIELDS = {
    "denomination": ("name_fr", "name_nl", "organization_fr", "organization_nl", "official_names"),
    "address": ("street_fr", "street_nl", "house_number", "postcode", "address_extra"),
    "contact": ("phones", "email", "website"),
    "activity": ("sectors", "activities"),
    "enterprise": ("legal_form",),
}


@dataclass
class KboData:
    """What the passes kept, keyed by entity number."""

    snapshot: str = ""
    extract: str = ""
    update: bool = False
    codes: dict[tuple[str, str], dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    activities: dict[str, dict[tuple[str, str], list]] = field(default_factory=dict)  # → (version, code) → [main, line]
    establishments: dict[str, str] = field(default_factory=dict)  # unit → enterprise
    with_units: set[str] = field(default_factory=set)  # enterprises that have at least one unit
    addresses: dict[str, list[str]] = field(default_factory=dict)
    names: dict[str, list[list[str]]] = field(default_factory=lambda: defaultdict(list))
    contacts: dict[str, list[list[str]]] = field(default_factory=lambda: defaultdict(list))
    enterprises: dict[str, list[str]] = field(default_factory=dict)
    known: dict[str, str | None] = field(default_factory=dict)  # update: candidate entity → its enterprise
    touched: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # update: entity → files
    deleted: set[str] = field(default_factory=set)
    inserted: set[str] = field(default_factory=set)


def snapshot_date(text: str) -> str:
    """KBO dates are dd-mm-yyyy; candidates keep ISO dates ("2025-05-30")."""
    try:
        day, month, year = (int(p) for p in text.split("-"))
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


def _sector_table() -> dict[str, str]:
    with SECTORS_TABLE.open(encoding="utf-8") as fh:
        return {row["nace_prefix"]: row["sector"] for row in csv.DictReader(fh)}


def _names(rows: list[list[str]], kinds: tuple[str, ...]) -> dict[str, str]:
    """FR and NL name of the first type in `kinds` that has one; a name of unknown language serves both."""
    for kind in kinds:
        found = {"1": "", "2": "", "0": ""}
        for _entity, language, type_, text in rows:
            if type_ == kind and language in found and not found[language]:
                found[language] = text.strip()
        if any(found.values()):
            return {"fr": found["1"] or found["0"] or found["2"], "nl": found["2"] or found["0"] or found["1"]}
    return {"fr": "", "nl": ""}


def _contacts(rows: list[list[str]]) -> dict:
    values: dict[str, list[str]] = defaultdict(list)
    for _entity, _level, kind, value in rows:
        values[kind].append(value.strip())
    return {
        "phones": values["TEL"][:3],
        "email": next(iter(values["EMAIL"]), ""),
        "website": next(iter(values["WEB"]), ""),
    }


def _activities(data: KboData, entity: str, errors: list[RowError]) -> list[dict]:
    """Selected activities with their FR/NL labels; an unknown code is reported with its line."""
    result = []
    for (version, code), (main, line) in data.activities.get(entity, {}).items():
        labels = data.codes.get((f"Nace{version}", code))
        if labels is None:
            errors.append(
                RowError(
                    line,
                    "activity.csv",
                    "Unknown NACE-BEL %(version)s code %(code)s.",
                    {"version": version, "code": code},
                )
            )
            labels = {}
        result.append({"version": version, "code": code, "main": main, **labels})
    return sorted(result, key=lambda a: (not a["main"], a["version"] != "2025", a["code"]))


def _record(data: KboData, entity: str, sectors: dict[str, str], errors: list[RowError]) -> CandidateRecord:
    enterprise = data.establishments.get(entity) or data.known.get(entity) or entity
    unit = entity != enterprise
    official = _names(data.names.get(enterprise, []), ("001",))
    own = _names(data.names.get(entity, []), ("003", "001")) if unit else {"fr": "", "nl": ""}
    commercial = _names(data.names.get(enterprise, []), ("003",))
    name = own if any(own.values()) else (commercial if any(commercial.values()) else official)
    address = data.addresses.get(entity) or [""] * 13
    contacts = _contacts(data.contacts.get(entity) or data.contacts.get(enterprise, []))
    activities = _activities(data, entity, errors) or _activities(data, enterprise, errors)
    codes = [a["code"] for a in activities]
    found_sectors = sorted({sector for prefix, sector in sectors.items() for code in codes if code.startswith(prefix)})
    legal = data.enterprises.get(enterprise)
    legal_form = data.codes.get(("JuridicalForm", legal[4]), {}) if legal and legal[4] else {}
    house = address[9] + (f" bte {address[10]}" if address[10] else "")
    record = ServiceRecord(
        source_id=f"{'est' if unit else 'ent'}:{entity}",
        line=0,
        name_fr=name["fr"],
        name_nl=name["nl"],
        organization_fr=official["fr"],
        organization_nl=official["nl"],
        sectors=found_sectors,
        phones=contacts["phones"],
        email=contacts["email"],
        website=contacts["website"],
        street_fr=address[8],
        street_nl=address[7],
        house_number=house[:20],
        postcode=address[4],
        bce_number=enterprise,
        licence=LICENCE,
    )
    details = {
        "official_names": official,
        "activities": activities,
        "legal_form": legal_form,
        "address_extra": address[11],
        "kbo_extract": data.extract,
    }
    partial = None
    if data.update and entity in data.known:
        touched = data.touched.get(entity, set()) | data.touched.get(enterprise, set())
        partial = tuple(f for table in sorted(touched) for f in TABLE_FIELDS.get(table, ()))
    return CandidateRecord(
        record=record,
        source_date=snapshot_date(data.snapshot),
        licence=LICENCE,
        details=details,
        partial=partial,
    )


def _gone(data: KboData, entity: str) -> bool:
    """In an update: deleted upstream, moved out of Brussels, or no longer in a selected activity."""
    touched = data.touched.get(entity, set())
    moved = "address" in touched and entity not in data.addresses
    dropped = "activity" in touched and not data.activities.get(entity)
    return (entity in data.deleted and entity not in data.inserted) or moved or dropped


def build_records(data: KboData) -> Iterator[CandidateRecord | CandidateGone | RowError]:
    """One record per establishment unit in Brussels, and per enterprise seated in Brussels without any unit;
    in an update, a record with only the changed fields for each known candidate, or its removal."""
    sectors, errors = _sector_table(), list[RowError]()
    units = {e for e in data.addresses if e in data.establishments}
    seats = {e for e in data.addresses if e not in data.establishments and e not in data.with_units}
    new = {e for e in units | seats if e not in data.known and _selected(data, e)}
    changed = set()
    for entity, enterprise in data.known.items():
        if _gone(data, entity):
            yield CandidateGone(f"{'est' if enterprise else 'ent'}:{entity}", 0)
        elif data.touched.get(entity) or (enterprise and data.touched.get(enterprise)):
            changed.add(entity)
    for entity in sorted(new | changed):
        yield _record(data, entity, sectors, errors)
        yield from errors
        errors.clear()


def _selected(data: KboData, entity: str) -> bool:
    return bool(data.activities.get(entity) or data.activities.get(data.establishments.get(entity, entity)))
