"""The default dataset loaded by `make run`: the OpenStreetMap points and hospital sites of ../shared/data as
fiches, and the services read on public pages in 2026 as candidates for coordinators (never as fiches)."""

from __future__ import annotations

from pathlib import Path

from directory.importing.candidates import load_candidates
from directory.importing.run import run_import
from importers.hospitals import HospitalsImporter
from importers.leads import LeadsImporter
from importers.osm import OsmImporter

# The shared OpenStreetMap extract carries no check_date: its points are dated by the extract, built on
# 2026-05-16 from the regional OSM extract of that day (../shared/data/PROVENANCE.md §1 and §7).
OSM_EXTRACT_DATE = "2026-05-16"
DEFAULT_FILES = (
    (lambda: OsmImporter(extract_date=OSM_EXTRACT_DATE), "osm_health_social_pois_bxl.geojson", "osm"),
    (HospitalsImporter, "hospitals_bxl_eurostat_2020.csv", "eurostat-hospitals"),
)
DEFAULT_CANDIDATES = ((LeadsImporter, "candidates_bxl_2026.csv", "leads-2026"),)


def import_default_dataset(data_dir: Path) -> str:
    """Import (or refresh, idempotently) each default file; return one summary line per file."""
    lines = []
    for importer, name, source in DEFAULT_FILES:
        report = run_import(importer(), data_dir / name, source=source)
        lines.append(report.summary())
    for leads, name, source in DEFAULT_CANDIDATES:
        path = data_dir / name
        lines.append(load_candidates(leads().parse(path), source, path).summary())
    return "\n".join(lines)
