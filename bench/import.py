"""Import throughput and memory: rows per second and peak memory importing generated template rows.

    .venv/bin/python bench/import.py [--sizes 10000 100000] [--modes sync nosync]

Each size and mode runs in its own process (fresh SQLite file, geocoding off, coordinates given), so its peak RSS
is its own. Mode "sync" starts a real Meilisearch and keeps the index in step as `flask import` does by default,
and the clock stops when Meilisearch has indexed every document; mode "nosync" turns search sync off (the outbox
just fills). Target: ≥ 2,000 rows/s with sync at 100k rows, memory flat with file size (streaming).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
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


def run_one(n: int, sync: bool) -> dict:
    """Import `n` rows in this process; return rows/s and peak RSS. With `sync`, a real Meilisearch runs and the
    clock stops only when it has indexed everything (the index in step, as `flask import` runs by default)."""
    from directory import create_app
    from directory.config import REPO_ROOT
    from directory.extensions import db
    from directory.geo.loader import load_geography
    from directory.importing import run as _run
    from directory.operations.vocabulary import load_vocabularies
    from directory.search.server import MeiliProcess, free_port, install_binary
    from directory.search.sync import ensure_index, wait_until_indexed
    from importers.template import TemplateImporter

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "rows.csv"
        write_rows(csv_path, n)
        meili = None
        config = {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
            "SEARCH_SYNC_ON_COMMIT": sync,
            "GEOCODER": "none",
            "MEILI_URL": "http://127.0.0.1:9",
            "MEILI_MASTER_KEY": "unused-bench-key-0123456789",
        }
        if sync:
            binary = install_binary(REPO_ROOT / "instance" / "meilisearch" / "meilisearch")
            meili = MeiliProcess(binary, Path(tmp) / "meili", free_port(), config["MEILI_MASTER_KEY"]).start()
            config["MEILI_URL"] = meili.url
        app = create_app(config)
        try:
            with app.app_context():
                db.create_all()
                load_geography(Path(app.config["SHARED_DATA_DIR"]))
                load_vocabularies()
                db.session.commit()
                if sync:
                    ensure_index()
                rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                cpu_before, meili_before = _cpu(), _process_cpu(meili)
                started = time.perf_counter()
                report = _run.run_import(TemplateImporter(), csv_path, source="bench")
                if sync:
                    wait_until_indexed(timeout=3600)
                elapsed = time.perf_counter() - started
                cpu, meili_cpu = _cpu() - cpu_before, _process_cpu(meili) - meili_before
                assert report.created == n, report.summary()
                started = time.perf_counter()
                again = _run.run_import(TemplateImporter(), csv_path, source="bench")
                rerun = time.perf_counter() - started
                assert again.unchanged == n, again.summary()
                documents = _count_documents() if sync else None
        finally:
            app.extensions["meili"].close()
            if meili is not None:
                meili.stop()
    return {
        "rows": n,
        "sync": sync,
        "seconds": elapsed,
        "rows_per_s": n / elapsed,
        "cpu_s": cpu,
        "meili_cpu_s": meili_cpu,
        "rerun_rows_per_s": n / rerun,
        "documents": documents,
        "rss_before_mib": rss_before / 1024,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _process_cpu(process: object) -> float:
    """CPU seconds used so far by the Meilisearch child (0 without one), from /proc."""
    popen = getattr(process, "process", None)
    if popen is None:
        return 0.0
    fields = Path(f"/proc/{popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _count_documents() -> int:
    from directory.search import get_client, index_name

    return int(get_client().request("GET", f"/indexes/{index_name()}/stats")["numberOfDocuments"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--modes", nargs="+", choices=["sync", "nosync"], default=["sync", "nosync"])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sync", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.sync)))
        return
    results = []
    for mode in args.modes:
        for n in args.sizes:
            command = [sys.executable, __file__, "--one", str(n), *(["--sync"] if mode == "sync" else [])]
            out = subprocess.run(command, check=True, capture_output=True, text=True)
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print("template CSV import, geocoding off, coordinates given (point-in-polygon tagging on), batches of 500")
    print("sync: index kept in step (as `flask import` runs), timed until Meilisearch has indexed everything")
    print(
        f"{'mode':>6} | {'rows':>8} | {'seconds':>8} | {'rows/s':>8} | {'app CPU s':>9} | {'Meili CPU s':>11} | "
        f"{'re-run rows/s':>13} | {'documents':>9} | {'RSS before':>10} | {'peak RSS':>8}"
    )
    for r in results:
        documents = r["documents"] if r["documents"] is not None else "—"
        print(
            f"{'sync' if r['sync'] else 'off':>6} | {r['rows']:>8} | {r['seconds']:8.1f} | {r['rows_per_s']:8.0f} | "
            f"{r['cpu_s']:9.1f} | {r['meili_cpu_s']:11.1f} | {r['rerun_rows_per_s']:13.0f} | {documents:>9} | "
            f"{r['rss_before_mib']:7.0f} MiB | {r['peak_rss_mib']:5.0f} MiB"
        )


if __name__ == "__main__":
    main()
