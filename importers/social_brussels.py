"""Bruxelles Social / Sociaal Brussel: organisations as its public JSON interface returns them.

Field names as reused by public code (docs/sources.md): `id`, `nameOfficialFr/Nl`, `nameAlternativeFr/Nl`,
`descriptionFr/Nl`, `permanencyFr/Nl` (drop-in hours, free text), `telFr/Nl`, `emailFr/Nl`, `websiteOfficialFr/Nl`
(lists), `pmRp` (BCE/KBO numbers), `legalStatus.labelFr/Nl`, `lastUpdate` ("dd/mm/yy"), and `address` with
`streetFr/Nl`, `number`, `zipCode`, `municipalityFr/Nl`, `lat`, `lon`, `langStatus` ("FR-NL"). Sectors map
through the data table directory/data/social_brussels_sectors.csv (their sector id → our code), empty until a
deployment fills it; the linguistic status maps to the languages a service works in through
directory/data/social_brussels_values.csv (an unknown value is reported, never guessed).

The input is an export file (a JSON list, or {"organisations": [...]}) or the folder `fetch` filled
(`index.json` plus `organisation-<id>.json` per organisation, the detail winning over the index entry).
An organisation without id or without any name is reported with its file and position; the others are imported.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
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


def _sector_table() -> dict[str, str]:
    if not SECTORS_TABLE.exists():
        return {}
    with SECTORS_TABLE.open(encoding="utf-8") as fh:
        return {row["sector_id"]: row["code"] for row in csv.DictReader(fh) if row.get("code")}


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


def record_from_organisation(
    doc: dict,
    line: int,
    where: str,
    sectors: dict[str, str],
    licence: str,
    spoken: list[str] | None = None,
) -> ServiceRecord | RowError:
    """One organisation → a record, or a RowError naming the file and position when a key it needs is missing."""
    if not isinstance(doc, dict) or doc.get("id") in (None, ""):
        return RowError(line, where, "Organisation without id in %(file)s.", {"file": where})
    fr = _text(doc, "nameOfficialFr") or _text(doc, "nameAlternativeFr")
    nl = _text(doc, "nameOfficialNl") or _text(doc, "nameAlternativeNl")
    if not (fr or nl):
        return RowError(
            line, where, "Organisation %(id)s has no name in %(file)s.", {"id": str(doc["id"]), "file": where}
        )
    raw_address = doc.get("address")
    address: dict = raw_address if isinstance(raw_address, dict) else {}
    phones = list(dict.fromkeys(_list(doc.get("telFr")) + _list(doc.get("telNl"))))
    emails = _list(doc.get("emailFr")) + _list(doc.get("emailNl"))
    websites = _list(doc.get("websiteOfficialFr")) + _list(doc.get("websiteOfficialNl"))
    ids = {str(s.get("id")) for s in doc.get("sectorsObjects") or [] if isinstance(s, dict)}
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
        sectors=sorted({sectors[i] for i in ids if i in sectors}),
        languages=list(spoken or []),
        phones=phones[:3],
        email=emails[0] if emails else "",
        website=websites[0] if websites else "",
        hours_note_fr=_text(doc, "permanencyFr"),
        hours_note_nl=_text(doc, "permanencyNl"),
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
        sectors, values = _sector_table(), value_table()
        for item in _documents(path):
            if isinstance(item, RowError):
                yield item
                continue
            doc, position, where = item
            spoken = languages(doc, where, position, values) if isinstance(doc, dict) else []
            if isinstance(spoken, RowError):
                yield spoken
                spoken = []
            yield record_from_organisation(doc, position, where, sectors, self.licence_note, spoken)
