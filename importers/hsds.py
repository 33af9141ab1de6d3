"""Open Referral HSDS 3.0: JSON (a list of compiled service objects, or {"contents": [...]} as the API pages it),
or the tabular form (a folder of CSV files, see importers/hsds_tabular.py).

Reads the core properties of any HSDS file, and our extension `x_qfq` when present (every declared field of a
fiche in both languages, see docs/hsds.md), so that our own export imports back unchanged. Without the extension,
the core texts are taken as French, sectors and publics come from the terms of our taxonomies, and opening hours
are rebuilt from weekly schedules.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from directory.fields import FIELDS, owned_by
from importers.base import Importer, RowError, ServiceRecord
from importers.hsds_tabular import TAXONOMIES

OSM_DAYS = {"MO": "Mo", "TU": "Tu", "WE": "We", "TH": "Th", "FR": "Fr", "SA": "Sa", "SU": "Su"}
STATUS = {"active": "active", "temporarily closed": "temporarily_closed", "inactive": "inactive", "defunct": "inactive"}
#: declared fields read from a core property (the French text of a pair)
CORE = tuple(field for field in owned_by("service") if field.hsds and field.kind != "choice")
TAXONOMY_LISTS = {taxonomy: name for name, (taxonomy, _, _) in TAXONOMIES.items()}


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


def _core(item: dict, location: dict) -> dict[str, Any]:
    """What the core HSDS properties say, as `ServiceRecord` attributes (French texts)."""
    org = item.get("organization") or {}
    address = (location.get("addresses") or [{}])[0]
    access = (location.get("accessibility") or [{}])[0]
    wheelchair = str(access.get("description") or "")
    terms: dict[str, list[str]] = {"sectors": [], "publics": []}
    for attribute in item.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        if term.get("taxonomy") in TAXONOMY_LISTS and term.get("code"):
            terms[TAXONOMY_LISTS[term["taxonomy"]]].append(term["code"])
    bce = [
        i.get("identifier")
        for i in org.get("organization_identifiers") or []
        if i.get("identifier_scheme") == "BE-BCE_KBO"
    ]
    return {
        **{field.record_names[0]: item.get(field.hsds) for field in CORE},
        "status": STATUS.get(str(item.get("status") or "").lower(), ""),
        "documents_fr": "\n".join(d["document"] for d in item.get("required_documents") or [] if d.get("document")),
        "languages": [lang["code"] for lang in item.get("languages") or [] if lang.get("code")],
        "phones": [p["number"] for p in item.get("phones") or [] if p.get("number")],
        "opening_hours": hours_from_schedules(item.get("schedules") or []),
        "organization_fr": (org.get("x_qfq") or {}).get("name_fr", org.get("name")),
        "organization_nl": (org.get("x_qfq") or {}).get("name_nl"),
        "bce_number": bce[0] if bce else "",
        "street_fr": address.get("address_1"),
        "postcode": address.get("postal_code"),
        "lat": location.get("latitude"),
        "lon": location.get("longitude"),
        "wheelchair": wheelchair.removeprefix("wheelchair: ") if wheelchair.startswith("wheelchair: ") else "",
        "accessibility_note_fr": access.get("details"),
        **terms,
    }


def _raw(value: Any, kind: str) -> Any:
    """A value as a `ServiceRecord` holds it: lists and coordinates as they are, anything else as a string."""
    if kind in ("codes", "terms", "phones", "languages", "number"):
        return value if value not in ("", None) else ([] if kind != "number" else None)
    return "" if value is None else str(value)


def offers_at(offers: list[dict], location_id: Any) -> str:
    """The extension's `function_offers` at one location, in the template's syntax (`location_functions`):
    "concertation_organiser[adult;asked_by_person]|case_manager"."""
    return "|".join(
        f"{o['function']}[{';'.join(o.get('conditions') or ())}]"
        for o in offers
        if isinstance(o, dict) and o.get("function") and location_id and o.get("location_id") == location_id
    )


def record_from_service(item: dict, number: int) -> ServiceRecord | RowError:
    """One compiled HSDS service → a record: the extension's value of each declared field, else the core's."""
    ext = item.get("x_qfq") or {}
    if not item.get("id") or not (item.get("name") or ext.get("name_nl")):
        return RowError(number, "id", "A service needs an id and a name.")
    location = ((item.get("service_at_locations") or [{}])[0]).get("location") or {}
    core = _core(item, location)
    extensions = {"service": ext, "list": ext, "location": location.get("x_qfq") or {}}
    values: dict[str, Any] = {}
    for field in FIELDS:
        for name, attribute in zip(field.names, field.record_names, strict=True):
            ours = extensions.get(field.owner)  # when present, it holds every non-empty value
            value = ours.get(name, field.empty) if ours else core.get(attribute)
            values[attribute] = _raw(value, field.kind)
    values.update(source_id=str(item["id"]), licence=str(ext.get("licence") or ""))
    values["location_functions"] = offers_at(ext.get("function_offers") or [], location.get("id"))
    return ServiceRecord(line=number, **values)


class HsdsImporter(Importer):
    name = "hsds"
    description = "Open Referral HSDS 3.0 JSON (compiled service objects) or tabular CSV folder"
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
