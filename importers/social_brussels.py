"""Bruxelles Social / Sociaal Brussel: organisations as its public JSON interface returns them.

Field names as reused by public code (docs/sources.md): `id`, `nameOfficialFr/Nl`, `nameAlternativeFr/Nl`,
`descriptionFr/Nl`, `permanencyFr/Nl` (drop-in hours, free text), `telFr/Nl`, `emailFr/Nl`, `websiteOfficialFr/Nl`
(lists), `pmRp` (BCE/KBO numbers), `legalStatus.labelFr/Nl`, `lastUpdate` ("dd/mm/yy"), `otherAgreementFr/Nl`
(lists of texts) and `address` with `streetFr/Nl`, `number`, `zipCode`, `municipalityFr/Nl`, `lat`, `lon`,
`langStatus` ("FR-NL").

The lookups are confirmed by saved answers (docs/sources.md): `/rest/agreements` items carry `id`, `labelFr/Nl`
(the authority included: "… - COCOM") and `agreementPower`; `/rest/actionzones` items `id`, `labelFr/Nl`
(the region, communes, neighbourhoods); `/rest/sectors` items `id`, `titleFr/Nl`. The search filter
`agreements=<id>` takes an id of `/rest/agreements`.

What is ASSUMED (no public answer shows it filled; docs/sources.md and the data tables say so): the items of
`sectorsObjects` (the key is seen, null) carry the sector `id`; an organisation may list `agreements` and
`actionZones` (named after the filter and the lookup), as objects labelled like the lookups or as their ids; the
answer of `search/organisation?agreements=<id>` lists organisations with their `id`, like `search/organisation/*`.

Sectors map through the data table directory/data/social_brussels_sectors.csv (their sector id → our code), the
linguistic status through directory/data/social_brussels_values.csv; a value a table lacks is a warning naming the
file and position, never guessed. Agreements (the organisation's own list, the agreements whose search returned it,
then the free texts `otherAgreementFr/Nl`) and action zones become the fiche's bilingual "Recognised by" and "Area
served" texts; an item without a label is a warning.

The input is an export file (a JSON list, or {"organisations": [...]}) or the folder `fetch` filled
(`index.json` plus `organisation-<id>.json` per organisation, the detail winning over the index entry; the lookups
`agreements.json` and `actionzones.json`; `agreement-<id>.json`, the organisations the search returns for one
agreement). An organisation without id or without any name is reported with its file and position; the others are
imported.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from importers.base import Importer, RowError, ServiceRecord

SECTORS_TABLE = Path(__file__).resolve().parent.parent / "directory" / "data" / "social_brussels_sectors.csv"
VALUES_TABLE = SECTORS_TABLE.with_name("social_brussels_values.csv")
DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")


def _list(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value).strip()] if value not in (None, "") else []


def _text(doc: dict, key: str) -> str:
    value = doc.get(key)
    return str(value).strip() if value not in (None, "") else ""


def iso_date(text: str) -> str:
    """ "08/11/18" → "2018-11-08"; "" when unreadable."""
    found = DATE.match((text or "").strip())
    if not found:
        return ""
    day, month, year = found.groups()
    return f"{int(year) + 2000 if len(year) == 2 else int(year):04d}-{int(month):02d}-{int(day):02d}"


def sector_table() -> dict[str, str]:
    """Their sector id → our sector code, from the data table ("" for a sector deliberately left unmapped)."""
    with SECTORS_TABLE.open(encoding="utf-8") as fh:
        return {row["sector_id"].strip(): row["code"].strip() for row in csv.DictReader(fh)}


def value_table() -> dict[tuple[str, str], list[str]]:
    """(their key, their value) → our codes, from the data table."""
    with VALUES_TABLE.open(encoding="utf-8") as fh:
        return {(row["key"], row["value"]): row["codes"].split("|") for row in csv.DictReader(fh)}


def languages(doc: dict, where: str, line: int, values: dict[tuple[str, str], list[str]]) -> list[str] | RowError:
    """The languages of `langStatus` ("FR-NL" → fr, nl); a RowError (warning) for a value the table lacks."""
    status = _text(doc, "langStatus").upper()
    if not status:
        return []
    if ("langStatus", status) not in values:
        return RowError(
            line,
            "langStatus",
            "Unknown langStatus “%(value)s” in %(file)s: no language recorded (see social_brussels_values.csv).",
            {"value": status, "file": where},
            level="warning",
        )
    return values[("langStatus", status)]


@dataclass
class Lookups:
    """The reference lists a fetch folder holds (id → item) and, per organisation id, the agreement ids whose
    search returned it."""

    agreements: dict[str, dict] = field(default_factory=dict)
    zones: dict[str, dict] = field(default_factory=dict)
    agreed: dict[str, list[str]] = field(default_factory=dict)


def _not_a_list(line: int, key: str, where: str) -> RowError:
    return RowError(line, key, "%(key)s in %(file)s is not a list: left out.", {"key": key, "file": where}, "warning")


def _label(item: dict, lang: str) -> str:
    return _text(item, f"label{lang.title()}") or _text(item, f"name{lang.title()}")


def _labels(
    items: object, lookup: dict[str, dict], key: str, where: str, line: int, problems: list[RowError]
) -> dict[str, list[str]]:
    """The FR and NL labels of `items` (objects, or ids of the lookup); an item without any label, or a value that
    is not a list, is a warning."""
    found: dict[str, list[str]] = {"fr": [], "nl": []}
    if items in (None, ""):
        return found
    if not isinstance(items, list):
        problems.append(_not_a_list(line, key, where))
        return found
    for item in items:
        own = item if isinstance(item, dict) else {}
        ident = str(own.get("id", "") if own else item).strip()
        labels = {lang: _label(own, lang) or _label(lookup.get(ident, {}), lang) for lang in found}
        if not any(labels.values()):
            params = {"key": key, "file": where, "value": ident}
            problems.append(
                RowError(line, key, "Item %(value)s of %(key)s in %(file)s has no label: left out.", params, "warning")
            )
        for lang, label in labels.items():
            if label and label not in found[lang]:
                found[lang].append(label)
    return found


def _sectors(doc: dict, where: str, line: int, table: dict[str, str], problems: list[RowError]) -> list[str]:
    """Our codes for `sectorsObjects[].id`; an id the table lacks is a warning."""
    raw, key = doc.get("sectorsObjects"), "sectorsObjects"
    if raw not in (None, "") and not isinstance(raw, list):
        problems.append(_not_a_list(line, key, where))
    codes = set()
    for item in raw if isinstance(raw, list) else []:
        ident = str(item.get("id", "")).strip() if isinstance(item, dict) else ""
        if not ident:
            continue
        if ident in table:
            codes.add(table[ident])  # "" for a sector the table leaves unmapped on purpose
        else:
            problems.append(
                RowError(
                    line,
                    key,
                    "Unknown sector id “%(value)s” in %(file)s: no sector recorded (see social_brussels_sectors.csv).",
                    {"file": where, "value": ident},
                    "warning",
                )
            )
    return sorted(codes - {""})


def record_from_organisation(
    doc: dict,
    line: int,
    where: str,
    sectors: dict[str, str],
    licence: str,
    spoken: list[str] | None = None,
    problems: list[RowError] | None = None,
    lookups: Lookups | None = None,
) -> ServiceRecord | RowError:
    """One organisation → a record, or a RowError naming the file and position when a key it needs is missing;
    the values it leaves out are added to `problems` as warnings."""
    if not isinstance(doc, dict) or doc.get("id") in (None, ""):
        return RowError(line, where, "Organisation without id in %(file)s.", {"file": where})
    fr = _text(doc, "nameOfficialFr") or _text(doc, "nameAlternativeFr")
    nl = _text(doc, "nameOfficialNl") or _text(doc, "nameAlternativeNl")
    if not (fr or nl):
        return RowError(
            line, where, "Organisation %(id)s has no name in %(file)s.", {"id": str(doc["id"]), "file": where}
        )
    problems = problems if problems is not None else []
    raw_address = doc.get("address")
    address: dict = raw_address if isinstance(raw_address, dict) else {}
    phones = list(dict.fromkeys(_list(doc.get("telFr")) + _list(doc.get("telNl"))))
    emails = _list(doc.get("emailFr")) + _list(doc.get("emailNl"))
    websites = _list(doc.get("websiteOfficialFr")) + _list(doc.get("websiteOfficialNl"))
    lookups = lookups or Lookups()
    own, agreed = doc.get("agreements"), lookups.agreed.get(str(doc["id"]), [])
    listed = [*(own or []), *agreed] if isinstance(own, list) or own in (None, "") else own
    agreements = _labels(listed, lookups.agreements, "agreements", where, line, problems)
    for lang in agreements:
        agreements[lang] = list(dict.fromkeys(agreements[lang] + _list(doc.get(f"otherAgreement{lang.title()}"))))
    zones = _labels(doc.get("actionZones"), lookups.zones, "actionZones", where, line, problems)
    lat, lon = address.get("lat"), address.get("lon")
    return ServiceRecord(
        source_id=str(doc["id"]),
        line=line,
        name_fr=fr,
        name_nl=nl,
        organization_fr=fr,
        organization_nl=nl,
        description_fr=_text(doc, "descriptionFr"),
        description_nl=_text(doc, "descriptionNl"),
        sectors=_sectors(doc, where, line, sectors, problems),
        languages=list(spoken or []),
        phones=phones[:3],
        email=emails[0] if emails else "",
        website=websites[0] if websites else "",
        hours_note_fr=_text(doc, "permanencyFr"),
        hours_note_nl=_text(doc, "permanencyNl"),
        agreements_fr="; ".join(agreements["fr"]),
        agreements_nl="; ".join(agreements["nl"]),
        area_served_fr=", ".join(zones["fr"]),
        area_served_nl=", ".join(zones["nl"]),
        street_fr=_text(address, "streetFr"),
        street_nl=_text(address, "streetNl"),
        house_number=_text(address, "number"),
        postcode=_text(address, "zipCode"),
        lat=float(lat) if isinstance(lat, int | float) and lat else None,
        lon=float(lon) if isinstance(lon, int | float) and lon else None,
        bce_number=next(iter(_list(doc.get("pmRp"))), ""),
        licence=licence,
        source_date=iso_date(_text(doc, "lastUpdate")),
    )


def _documents(path: Path) -> Iterator[tuple[dict, int, str] | RowError]:
    """(organisation, position, file name) from an export file or a fetch folder."""
    files = [path] if path.is_file() else [path / "index.json"]
    details = {}
    if path.is_dir():
        details = {p.stem.removeprefix("organisation-"): p for p in path.glob("organisation-*.json")}
    for file in files:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            yield RowError(0, file.name, "%(file)s cannot be read: %(error)s", {"file": file.name, "error": str(exc)})
            return
        items = data.get("organisations", data.get("results", [])) if isinstance(data, dict) else data
        for position, item in enumerate(items if isinstance(items, list) else [], start=1):
            key = str(item.get("id")) if isinstance(item, dict) else ""
            if key in details:
                try:
                    yield json.loads(details[key].read_text(encoding="utf-8")), 1, details[key].name
                    continue
                except ValueError as exc:
                    yield RowError(
                        0,
                        details[key].name,
                        "%(file)s cannot be read: %(error)s",
                        {"file": details[key].name, "error": str(exc)},
                    )
            yield item, position, file.name


def read_list(file: Path, problems: list[RowError]) -> list:
    """The JSON list a saved answer holds (a list, or {"organisations"|"results": [...]}; [] when absent); a file
    that cannot be read, or holds no list, is a warning."""
    if not file.exists():
        return []
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(
            RowError(
                0, file.name, "%(file)s cannot be read: %(error)s", {"file": file.name, "error": str(exc)}, "warning"
            )
        )
        return []
    if isinstance(data, dict):
        data = data.get("organisations", data.get("results"))
    if not isinstance(data, list):
        problems.append(RowError(0, file.name, "%(file)s holds no list: left out.", {"file": file.name}, "warning"))
        return []
    return data


def by_id(items: list) -> dict[str, dict]:
    """id → item of the items that have an id."""
    return {str(item["id"]): item for item in items if isinstance(item, dict) and item.get("id") not in (None, "")}


def lookups(folder: Path, problems: list[RowError]) -> Lookups:
    """The lookups and agreement searches of a fetch folder (empty for an export file)."""
    found = Lookups()
    if not folder.is_dir():
        return found
    found.agreements = by_id(read_list(folder / "agreements.json", problems))
    found.zones = by_id(read_list(folder / "actionzones.json", problems))
    for file in sorted(folder.glob("agreement-*.json")):
        agreement = file.stem.removeprefix("agreement-")
        for organisation in by_id(read_list(file, problems)):
            found.agreed.setdefault(organisation, []).append(agreement)
    return found


class SocialBrusselsImporter(Importer):
    """An export of Bruxelles Social organisations, or the folder filled by `flask data social-brussels-fetch`."""

    name = "social-brussels"
    description = "Bruxelles Social / Sociaal Brussel organisations (JSON export or fetched folder)"
    licence = ""  # set from the configuration (SOCIAL_BRUSSELS_LICENCE) by the caller
    suffixes = (".json",)

    def __init__(self, licence: str = ""):
        self.licence = licence  # type: ignore[misc]
        self.licence_note = licence

    def parse(self, path: Path) -> Iterator[ServiceRecord | RowError]:
        sectors, values, problems = sector_table(), value_table(), list[RowError]()
        found = lookups(path, problems)
        yield from problems
        for item in _documents(path):
            if isinstance(item, RowError):
                yield item
                continue
            doc, position, where = item
            spoken = languages(doc, where, position, values) if isinstance(doc, dict) else []
            if isinstance(spoken, RowError):
                yield spoken
                spoken = []
            problems = []
            record = record_from_organisation(doc, position, where, sectors, self.licence_note, spoken, problems, found)
            yield from problems
            yield record
