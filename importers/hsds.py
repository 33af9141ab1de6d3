"""Open Referral HSDS 3.0: JSON (a list of compiled service objects, or {"contents": [...]} as the API pages it),
or the tabular form (a folder of CSV files, see importers/hsds_tabular.py).

Reads the core fields, and our extension `x_qfq` when present (Dutch texts, sectors, OSM opening hours…), so
that our own export imports back unchanged. Without the extension, sectors come from taxonomy term codes and
opening hours are rebuilt from weekly schedules.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from importers.base import Importer, RowError, ServiceRecord

OSM_DAYS = {"MO": "Mo", "TU": "Tu", "WE": "We", "TH": "Th", "FR": "Fr", "SA": "Sa", "SU": "Su"}


def hours_from_schedules(schedules: list[dict]) -> str:
    """ "Mo 09:00-12:00,13:00-17:00; Tu …" from weekly HSDS schedules (others are ignored)."""
    by_day: dict[str, list[str]] = {}
    for row in schedules:
        if (row.get("freq") or "WEEKLY").upper() != "WEEKLY" or not row.get("opens_at") or not row.get("closes_at"):
            continue
        for day in str(row.get("byday") or "").split(","):
            if day.strip().upper() in OSM_DAYS:
                by_day.setdefault(OSM_DAYS[day.strip().upper()], []).append(
                    f"{row['opens_at'][:5]}-{row['closes_at'][:5]}"
                )
    return "; ".join(
        f"{day} {','.join(sorted(spans))}"
        for day, spans in sorted(by_day.items(), key=lambda kv: list(OSM_DAYS.values()).index(kv[0]))
    )


def record_from_service(item: dict, number: int) -> ServiceRecord | RowError:
    if not item.get("id") or not (item.get("name") or (item.get("x_qfq") or {}).get("name_nl")):
        return RowError(number, "id", "A service needs an id and a name.")
    ext = item.get("x_qfq") or {}
    org = item.get("organization") or {}
    sal = (item.get("service_at_locations") or [{}])[0]
    location = sal.get("location") or {}
    address = (location.get("addresses") or [{}])[0]
    loc_ext = location.get("x_qfq") or {}
    wheelchair = ""
    for access in location.get("accessibility") or []:
        text = str(access.get("description") or "")
        if text.startswith("wheelchair: "):
            wheelchair = text.removeprefix("wheelchair: ")
    bce = next(
        (
            i.get("identifier", "")
            for i in org.get("organization_identifiers") or []
            if i.get("identifier_scheme") == "BE-BCE_KBO"
        ),
        "",
    )
    house = loc_ext.get("house_number", "")
    street = str(address.get("address_1") or "")
    if house and street.endswith(f" {house}"):
        street = street[: -len(house) - 1]
    return ServiceRecord(
        source_id=str(item["id"]),
        line=number,
        name_fr=ext.get("name_fr", item.get("name", "")),
        name_nl=ext.get("name_nl", ""),
        organization_fr=org.get("name", ""),
        organization_nl=(org.get("x_qfq") or {}).get("name_nl", ""),
        description_fr=item.get("description") or "",
        description_nl=ext.get("description_nl", ""),
        sectors=ext.get("sectors")
        or [
            a["taxonomy_term"]["code"]
            for a in item.get("attributes") or []
            if (a.get("taxonomy_term") or {}).get("code")
        ],
        publics=ext.get("publics") or [],
        languages=[lang["code"] for lang in item.get("languages") or [] if lang.get("code")],
        phones=[p["number"] for p in item.get("phones") or [] if p.get("number")],
        email=item.get("email") or "",
        website=item.get("url") or "",
        opening_hours=ext.get("opening_hours") or hours_from_schedules(item.get("schedules") or []),
        hours_note_fr=ext.get("hours_note_fr", ""),
        hours_note_nl=ext.get("hours_note_nl", ""),
        cost=ext.get("cost", ""),
        access=ext.get("access", ""),
        documents_fr=((item.get("required_documents") or [{}])[0]).get("document") or "",
        documents_nl=ext.get("documents_nl", ""),
        wheelchair=wheelchair,
        street_fr=street,
        street_nl=loc_ext.get("street_nl", ""),
        house_number=house,
        postcode=str(address.get("postal_code") or ""),
        lat=location.get("latitude"),
        lon=location.get("longitude"),
        bce_number=bce or "",
        licence=ext.get("licence", ""),
    )


class HsdsImporter(Importer):
    name = "hsds"
    description = "Open Referral HSDS 3.0 JSON (compiled service objects)"
    suffixes = (".json",)

    def parse(self, path: Path) -> Iterator[ServiceRecord | RowError]:
        """`path` is a JSON file, or a folder of HSDS tabular CSV files (services.csv, organizations.csv, …)."""
        if path.is_dir():
            from importers.hsds_tabular import compile_tables, read_tables

            for number, item in enumerate(compile_tables(read_tables(path)), start=1):
                yield record_from_service(item, number)
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            yield RowError(0, "file", "The file is not valid JSON: %(error)s", {"error": str(exc)})
            return
        items = data.get("contents", data.get("services")) if isinstance(data, dict) else data
        if not isinstance(items, list):
            yield RowError(0, "file", "Expected a list of HSDS services.")
            return
        for number, item in enumerate(items, start=1):
            yield record_from_service(item, number)
