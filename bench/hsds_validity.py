"""How much of the HSDS export the official HSDS 3.0 schemas accept (../shared/hsds-3.0, JSON Schema 2020-12).

    .venv/bin/python bench/hsds_validity.py

Exports the configured database (after `flask --app directory setup`: the default dataset) as JSON and as CSV
tables into a temporary folder, then counts the valid services and the CSV rows with errors.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    from directory import create_app
    from directory.operations.hsds import export_services
    from importers.hsds_tabular import TABLES, flatten, read_tables, write_tables
    from tests.hsds_schema import errors, tabular_errors

    with create_app().app_context():
        services = list(export_services())
    valid = sum(1 for service in services if not errors("service", service))
    with tempfile.TemporaryDirectory() as folder:
        write_tables(flatten(services), Path(folder))
        rows = sum(len(read_tables(Path(folder))[table]) for table in TABLES)
        found = tabular_errors(Path(folder))
    print(f"JSON: {valid} of {len(services)} services valid")
    print(f"CSV tables: {rows} rows, {len(found)} errors")


if __name__ == "__main__":
    main()
