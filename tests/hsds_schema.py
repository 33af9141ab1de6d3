"""The official HSDS 3.0 schemas (../shared/hsds-3.0, not copied into the repo) as JSON Schema 2020-12 validators,
with format checks (uuid, email, uri, date)."""

from __future__ import annotations

import csv
import functools
import json
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from directory.config import REPO_ROOT
from importers.hsds_tabular import typed

SCHEMAS = REPO_ROOT.parent / "shared" / "hsds-3.0"


def _validator(schema: dict) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@functools.cache
def _compiled(name: str) -> Draft202012Validator:
    """The compiled (self-contained) schema `name`, else the single object's schema, its references (`metadata.json`,
    `taxonomy.json`…) read from the same folder."""
    compiled = SCHEMAS / "compiled" / f"{name}.json"
    if compiled.exists():
        return _validator(json.loads(compiled.read_text(encoding="utf-8")))
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text(encoding="utf-8")), DRAFT202012))
        for path in SCHEMAS.glob("*.json")
    ]
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    registry: Registry = Registry().with_resources(resources)
    return Draft202012Validator(
        {"$id": f"{name}.json", **schema}, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@functools.cache
def _tables() -> dict[str, Draft202012Validator]:
    """CSV file stem (as the specification names it) → the validator of one row."""
    schema = json.loads((SCHEMAS / "compiled" / "tabular.json").read_text(encoding="utf-8"))
    items = (table["items"] for table in schema["properties"].values())
    return {item["path"].removesuffix(".csv"): _validator(item) for item in items}


def errors(name: str, obj: dict) -> list[str]:
    """Every violation of `obj` against the compiled schema `name` ("service", "organization"…) or, for an object
    without one ("taxonomy", "taxonomy_term"), its own schema."""
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _compiled(name).iter_errors(obj)]


def tabular_errors(folder: Path) -> list[str]:
    """Every violation in a folder of HSDS CSV tables: each file must be a table of the specification, each row
    (typed as its schema says: numbers, no empty cells) valid against it."""
    found = []
    for path in sorted(folder.glob("*.csv")):
        validator = _tables().get(path.stem)
        if validator is None:
            found.append(f"{path.name}: not a table of the specification")
            continue
        with path.open(newline="", encoding="utf-8") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                found += [f"{path.name}:{line} {e.message}" for e in validator.iter_errors(typed(row, path.stem))]
    return found
