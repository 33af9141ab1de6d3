"""The default dataset loaded by `make run`: the OpenStreetMap points and hospital sites of ../shared/data."""

from __future__ import annotations

from pathlib import Path

from directory.importing.run import run_import
from importers.hospitals import HospitalsImporter
from importers.osm import OsmImporter

DEFAULT_FILES = (
    (OsmImporter, "osm_health_social_pois_bxl.geojson", "osm"),
    (HospitalsImporter, "hospitals_bxl_eurostat_2020.csv", "eurostat-hospitals"),
)


def import_default_dataset(data_dir: Path) -> str:
    """Import (or refresh, idempotently) each default file; return one summary line per file."""
    lines = []
    for importer, name, source in DEFAULT_FILES:
        report = run_import(importer(), data_dir / name, source=source)
        lines.append(report.summary())
    return "\n".join(lines)
