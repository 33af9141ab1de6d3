"""Import throughput and memory: rows per second and peak memory importing generated template rows.

    .venv/bin/python bench/import.py [--sizes 10000 100000]

Each size runs in its own process (fresh SQLite file, geocoding off, coordinates given, search sync off so the
outbox just fills), so its peak RSS is its own. Target: ≥ 2,000 rows/s, memory flat with file size (streaming).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SECTORS = [
    "general_practitioner",
    "medical_house",
    "cpas",
    "food_aid",
    "mental_health",
    "pharmacy",
    "dentist",
    "community_centre",
    "family_planning",
    "night_shelter",
    "debt_mediation",
    "legal_aid",
]


def write_rows(path: Path, n: int, seed: int = 1) -> None:
    """A template CSV with `n` plausible rows spread over the region (quartier representative points)."""
    rnd = random.Random(seed)
    with (
        Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "quartiers_monitoring_145.csv"
    ).open() as fh:
        points = [(float(r["repr_lat"]), float(r["repr_lon"])) for r in csv.DictReader(fh)]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "source_id",
                "name_fr",
                "name_nl",
                "sectors",
                "languages",
                "phones",
                "opening_hours",
                "cost",
                "street_fr",
                "house_number",
                "lat",
                "lon",
            ]
        )
        for i in range(n):
            lat, lon = rnd.choice(points)
            writer.writerow(
                [
                    f"b-{i}",
                    f"Service {i}",
                    f"Dienst {i}",
                    rnd.choice(SECTORS),
                    "fr|nl",
                    f"02 {rnd.randint(200, 799)} {rnd.randint(10, 99)} {rnd.randint(10, 99)}",
                    "Mo-Fr 09:00-17:00",
                    rnd.choice(["free", "paid"]),
                    "Rue Haute",
                    str(i % 300 + 1),
                    f"{lat + rnd.uniform(-2e-4, 2e-4):.6f}",
                    f"{lon + rnd.uniform(-2e-4, 2e-4):.6f}",
                ]
            )


def run_one(n: int) -> dict:
    """Import `n` rows in this process; return rows/s and peak RSS."""
    from directory import create_app
    from directory.extensions import db
    from directory.geo.loader import load_geography
    from directory.importing.run import run_import
    from directory.operations.vocabulary import load_vocabularies
    from importers.template import TemplateImporter

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "rows.csv"
        write_rows(csv_path, n)
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "SEARCH_SYNC_ON_COMMIT": False,
                "GEOCODER": "none",
                "MEILI_URL": "http://127.0.0.1:9",
                "MEILI_MASTER_KEY": "unused",
            }
        )
        with app.app_context():
            db.create_all()
            load_geography(Path(app.config["SHARED_DATA_DIR"]))
            load_vocabularies()
            db.session.commit()
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            started = time.perf_counter()
            report = run_import(TemplateImporter(), csv_path, source="bench")
            elapsed = time.perf_counter() - started
            assert report.created == n, report.summary()
            started = time.perf_counter()
            again = run_import(TemplateImporter(), csv_path, source="bench")
            rerun = time.perf_counter() - started
            assert again.unchanged == n, again.summary()
    return {
        "rows": n,
        "seconds": elapsed,
        "rows_per_s": n / elapsed,
        "rerun_rows_per_s": n / rerun,
        "rss_before_mib": rss_before / 1024,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    results = []
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], check=True, capture_output=True, text=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print("template CSV import, geocoding off, coordinates given (point-in-polygon tagging on), batches of 500")
    print(
        f"{'rows':>8} | {'seconds':>8} | {'rows/s':>8} | {'re-run rows/s':>13} | {'RSS before':>10} | {'peak RSS':>8}"
    )
    for r in results:
        print(
            f"{r['rows']:>8} | {r['seconds']:8.1f} | {r['rows_per_s']:8.0f} | {r['rerun_rows_per_s']:13.0f} | "
            f"{r['rss_before_mib']:7.0f} MiB | {r['peak_rss_mib']:5.0f} MiB"
        )


if __name__ == "__main__":
    main()
