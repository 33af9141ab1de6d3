"""HSDS 3.0 tabular form: the compiled services flattened into one CSV per table, and back.

`flatten` and `compile_tables` are inverse; the extension object `x_qfq` travels as a JSON column.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

TABLES: dict[str, tuple[str, ...]] = {
    "organizations": ("id", "name", "description", "email", "website", "x_qfq"),
    "organization_identifiers": ("id", "organization_id", "identifier_scheme", "identifier"),
    "services": (
        "id",
        "organization_id",
        "name",
        "description",
        "url",
        "email",
        "status",
        "fees_description",
        "application_process",
        "assured_date",
        "x_qfq",
    ),
    "phones": ("id", "service_id", "number", "type"),
    "languages": ("id", "service_id", "code"),
    "schedules": ("id", "service_id", "freq", "byday", "opens_at", "closes_at"),
    "required_documents": ("id", "service_id", "document"),
    "taxonomy_terms": ("id", "code", "name", "taxonomy"),
    "attributes": ("id", "link_id", "link_type", "taxonomy_term_id"),
    "locations": ("id", "latitude", "longitude", "x_qfq"),
    "addresses": ("id", "location_id", "address_type", "address_1", "postal_code", "city", "state_province", "country"),
    "accessibility": ("id", "location_id", "description"),
    "service_at_locations": ("id", "service_id", "location_id"),
}
SERVICE_LISTS = ("phones", "languages", "schedules", "required_documents")


def flatten(services: list[dict]) -> dict[str, list[dict]]:
    """Compiled HSDS services → rows per table."""
    tables: dict[str, list[dict]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()

    def once(table: str, row: dict) -> None:
        if (table, row["id"]) not in seen:
            seen.add((table, row["id"]))
            tables[table].append(row)

    for service in services:
        sid, org = service["id"], service["organization"]
        once("organizations", {**{k: org.get(k) for k in TABLES["organizations"]}, "x_qfq": json.dumps(org["x_qfq"])})
        for n, ident in enumerate(org.get("organization_identifiers") or []):
            once("organization_identifiers", {"id": f"{org['id']}#{n}", "organization_id": org["id"], **ident})
        row = {k: service.get(k) for k in TABLES["services"]}
        tables["services"].append({**row, "organization_id": org["id"], "x_qfq": json.dumps(service["x_qfq"])})
        for table in SERVICE_LISTS:
            for n, item in enumerate(service.get(table) or []):
                tables[table].append({"id": f"{sid}#{n}", "service_id": sid, **item})
        for n, attribute in enumerate(service.get("attributes") or []):
            term = attribute["taxonomy_term"]
            once("taxonomy_terms", {"id": f"{term['taxonomy']}/{term['code']}", **term})
            tables["attributes"].append(
                {
                    "id": f"{sid}#a{n}",
                    "link_id": sid,
                    "link_type": "service",
                    "taxonomy_term_id": f"{term['taxonomy']}/{term['code']}",
                }
            )
        for n, sal in enumerate(service.get("service_at_locations") or []):
            loc = sal["location"]
            once(
                "locations",
                {
                    "id": loc["id"],
                    "latitude": loc["latitude"],
                    "longitude": loc["longitude"],
                    "x_qfq": json.dumps(loc.get("x_qfq") or {}),
                },
            )
            for m, address in enumerate(loc.get("addresses") or []):
                once("addresses", {"id": f"{loc['id']}#{m}", "location_id": loc["id"], **address})
            for m, access in enumerate(loc.get("accessibility") or []):
                once("accessibility", {"id": f"{loc['id']}#x{m}", "location_id": loc["id"], **access})
            tables["service_at_locations"].append({"id": f"{sid}#l{n}", "service_id": sid, "location_id": loc["id"]})
    return tables


def write_tables(tables: dict[str, list[dict]], folder: Path) -> None:
    """One CSV per table (with its header even when empty)."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, columns in TABLES.items():
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(tables.get(table, []))


def read_tables(folder: Path) -> dict[str, list[dict]]:
    tables = {}
    for table in TABLES:
        path = folder / f"{table}.csv"
        if not path.exists():
            tables[table] = []
            continue
        with path.open(newline="", encoding="utf-8-sig") as fh:
            tables[table] = list(csv.DictReader(fh))
    return tables


def _number(value: str) -> float | None:
    return float(value) if value not in ("", None) else None


def compile_tables(tables: dict[str, list[dict]]) -> list[dict]:
    """Rows per table → compiled HSDS services (the inverse of `flatten`)."""
    by_service: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for table in SERVICE_LISTS:
        for row in tables[table]:
            item = {k: v for k, v in row.items() if k not in ("id", "service_id")}
            by_service[row["service_id"]][table].append(item)
    terms = {t["id"]: {k: t[k] for k in ("code", "name", "taxonomy")} for t in tables["taxonomy_terms"]}
    for row in tables["attributes"]:
        if row["link_type"] == "service":
            by_service[row["link_id"]]["attributes"].append({"taxonomy_term": terms[row["taxonomy_term_id"]]})
    identifiers: dict[str, list] = defaultdict(list)
    for row in tables["organization_identifiers"]:
        identifiers[row["organization_id"]].append(
            {"identifier_scheme": row["identifier_scheme"], "identifier": row["identifier"]}
        )
    organizations = {
        o["id"]: {**o, "x_qfq": json.loads(o["x_qfq"] or "{}"), "organization_identifiers": identifiers[o["id"]]}
        for o in tables["organizations"]
    }
    per_location: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for table in ("addresses", "accessibility"):
        for row in tables[table]:
            per_location[row["location_id"]][table].append(
                {k: v for k, v in row.items() if k not in ("id", "location_id")}
            )
    locations = {
        loc["id"]: {
            "id": loc["id"],
            "latitude": _number(loc["latitude"]),
            "longitude": _number(loc["longitude"]),
            "x_qfq": json.loads(loc["x_qfq"] or "{}"),
            **per_location[loc["id"]],
        }
        for loc in tables["locations"]
    }
    sals: dict[str, list] = defaultdict(list)
    for row in tables["service_at_locations"]:
        sals[row["service_id"]].append({"location": locations[row["location_id"]]})
    services = []
    for row in tables["services"]:
        service = {k: (v or None) if k == "assured_date" else v for k, v in row.items() if k != "organization_id"}
        service.update({table: [] for table in (*SERVICE_LISTS, "attributes")})
        service.update(
            by_service[row["id"]],
            organization=organizations[row["organization_id"]],
            service_at_locations=sals[row["id"]],
            x_qfq=json.loads(row["x_qfq"] or "{}"),
        )
        services.append(service)
    return services
