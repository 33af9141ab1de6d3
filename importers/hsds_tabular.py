"""HSDS 3.0 tabular form: the compiled services flattened into one CSV per table (named as in the specification's
`tabular.json`), and back.

`flatten` and `compile_tables` are inverse. Nested objects already carry their parent's id (see
`directory.operations.hsds`), so a row is the object's scalar properties; the extension object `x_qfq` travels as
a JSON column. Empty cells are left out of the compiled objects, except the properties the schema requires.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

EXTENSION = X = "x_qfq"  # our extension object (docs/hsds.md)
#: our vocabularies as HSDS taxonomies: list field → (taxonomy name, attribute link_type, description)
TAXONOMIES = {
    "sectors": ("qfq-sectors", "sector", "Qui fait quoi / Wie doet wat: sectors and service types"),
    "publics": ("qfq-publics", "audience", "Qui fait quoi / Wie doet wat: publics (target groups)"),
}


def compact(obj: dict[str, Any], *required: str) -> dict[str, Any]:
    """`obj` without empty values ("", None, [], {}), except the `required` properties."""
    return {k: v for k, v in obj.items() if k in required or v not in ("", None, [], {})}


#: file stem → columns
TABLES: dict[str, tuple[str, ...]] = {
    "organizations": ("id", "name", "description", "email", "website", X),
    "organization_identifiers": ("id", "organization_id", "identifier_scheme", "identifier_type", "identifier"),
    "services": (
        *("id", "organization_id", "name", "description", "url", "email", "status", "fees_description"),
        *("application_process", "accreditations", "assured_date", X),
    ),
    "phones": ("id", "service_id", "number", "type"),
    "languages": ("id", "service_id", "code"),
    "schedules": ("id", "service_id", "freq", "byday", "opens_at", "closes_at"),
    "required_documents": ("id", "service_id", "document"),
    "taxonomies": ("id", "name", "description"),
    "taxonomy_terms": ("id", "code", "name", "description", "taxonomy", "taxonomy_id"),
    "attributes": ("id", "link_id", "link_entity", "link_type", "taxonomy_term_id"),
    "locations": ("id", "location_type", "latitude", "longitude", X),
    "addresses": (
        *("id", "location_id", "address_type", "address_1", "city", "state_province", "postal_code", "country"),
    ),
    "accessibility": ("id", "location_id", "description", "details"),
    "service_at_location": ("id", "service_id", "location_id"),
}
#: properties the schema requires (kept even when empty)
REQUIRED = {
    "organizations": ("name", "description"),
    "services": ("name", "status"),
    "taxonomies": ("name", "description"),
    "taxonomy_terms": ("name", "description"),
    "locations": ("location_type",),
    "addresses": TABLES["addresses"][2:],
}
NUMBERS = frozenset({"latitude", "longitude"})
SERVICE_LISTS = ("phones", "languages", "schedules", "required_documents")
LOCATION_LISTS = ("addresses", "accessibility")


def _row(obj: dict, table: str) -> dict:
    return {k: json.dumps(obj[k], ensure_ascii=False) if k == X else obj[k] for k in TABLES[table] if k in obj}


def flatten(services: list[dict]) -> dict[str, list[dict]]:
    """Compiled HSDS services → rows per table."""
    tables: dict[str, list[dict]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()

    def add(table: str, obj: dict, once: bool = False) -> None:
        if not once or (table, obj["id"]) not in seen:
            seen.add((table, obj["id"]))
            tables[table].append(_row(obj, table))

    descriptions = {taxonomy: description for taxonomy, _, description in TAXONOMIES.values()}
    for service in services:
        org = service["organization"]
        add("organizations", org, once=True)
        for identifier in org.get("organization_identifiers") or []:
            add("organization_identifiers", identifier, once=True)
        add("services", service)
        for table in SERVICE_LISTS:
            for item in service.get(table) or []:
                add(table, item)
        for attribute in service.get("attributes") or []:
            term = attribute["taxonomy_term"]
            taxonomy = {"id": term["taxonomy_id"], "name": term["taxonomy"]}
            add("taxonomies", taxonomy | {"description": descriptions.get(term["taxonomy"], "")}, once=True)
            add("taxonomy_terms", term, once=True)
            add("attributes", attribute)
        for link in service.get("service_at_locations") or []:
            location = link["location"]
            add("locations", location, once=True)
            for table in LOCATION_LISTS:
                for item in location.get(table) or []:
                    add(table, item, once=True)
            add("service_at_location", link)
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
    """The rows of each table present in `folder` (a missing file is an empty table)."""
    tables: dict[str, list[dict]] = {}
    for table in TABLES:
        path = folder / f"{table}.csv"
        if not path.exists():
            tables[table] = []
            continue
        with path.open(newline="", encoding="utf-8-sig") as fh:
            tables[table] = list(csv.DictReader(fh))
    return tables


def typed(row: dict, table: str) -> dict[str, Any]:
    """A CSV row as an HSDS object: numbers as numbers, the extension as an object, empty cells left out."""
    obj: dict[str, Any] = {}
    for key, value in row.items():
        if key is None or value in ("", None):
            if key in REQUIRED.get(table, ()):
                obj[key] = ""
            continue
        obj[key] = float(value) if key in NUMBERS else json.loads(value) if key == X else value
    return obj


def _by(rows: list[dict], key: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row.get(key) or ""].append(row)
    return grouped


def compile_tables(tables: dict[str, list[dict]]) -> list[dict]:
    """Rows per table → compiled HSDS services (the inverse of `flatten`)."""
    objects = {table: [typed(row, table) for row in rows] for table, rows in tables.items()}
    terms = {term["id"]: term for term in objects["taxonomy_terms"]}
    identifiers = _by(objects["organization_identifiers"], "organization_id")
    organizations = {
        o["id"]: compact(o | {"organization_identifiers": identifiers[o["id"]]}, *REQUIRED["organizations"])
        for o in objects["organizations"]
    }
    per_location = {table: _by(objects[table], "location_id") for table in LOCATION_LISTS}
    locations = {
        loc["id"]: compact(loc | {table: per_location[table][loc["id"]] for table in LOCATION_LISTS})
        for loc in objects["locations"]
    }
    per_service = {table: _by(objects[table], "service_id") for table in SERVICE_LISTS}
    attributes = _by(objects["attributes"], "link_id")
    links = _by(objects["service_at_location"], "service_id")
    services = []
    for row in objects["services"]:
        sid = row["id"]
        service = row | {table: per_service[table][sid] for table in SERVICE_LISTS}
        service["organization"] = organizations[row["organization_id"]]
        service["attributes"] = [a | {"taxonomy_term": terms[a["taxonomy_term_id"]]} for a in attributes[sid]]
        service["service_at_locations"] = [link | {"location": locations[link["location_id"]]} for link in links[sid]]
        services.append(compact(service, *REQUIRED["services"]))
    return services
