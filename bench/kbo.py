"""KBO/BCE import: rows per second, peak memory and the time extrapolated to the real monthly extract.

    .venv/bin/python bench/kbo.py [--enterprises 100000 400000]

Each size runs in its own process: it writes a generated full extract in the real layout (Cookbook R018.00) with
the proportions of a real one (per enterprise: 0.86 establishment units, 1.7 names, 1.5 addresses, 0.36 contacts,
18.7 activity rows; ~10 % in Brussels, ~5 % in NACE-BEL 86–88), then runs the importer into a fresh SQLite file
(candidates, no search index involved). Peak RSS is the process's, measured before and after the import.
The real extract has about 1.94 million enterprises and 36.3 million activity rows.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

REAL_ENTERPRISES = 1_940_000
BRUSSELS = ["1000", "1030", "1050", "1060", "1070", "1080", "1180", "1190", "1200", "1210"]
ELSEWHERE = ["2000", "3000", "4000", "5000", "6000", "7000", "8000", "9000", "1300", "1400"]
HEALTH = ["86210", "86220", "86230", "86901", "87100", "88990", "88101"]
OTHER = ["47110", "56101", "62010", "68201", "70220", "43210", "41101", "96021", "49410", "85599"]


def _number(i: int) -> str:
    digits = f"{200_000_000 + i:010d}"
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def _unit(i: int) -> str:
    digits = f"{2_100_000_000 + i:010d}"
    return f"{digits[0]}.{digits[1:4]}.{digits[4:7]}.{digits[7:]}"


def write_extract(path: Path, n: int, seed: int = 1) -> int:
    """A full extract of `n` enterprises; returns the number of CSV rows written."""
    from importers.kbo import HEADERS

    rnd = random.Random(seed)
    rows = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        writers, handles = {}, []
        for kind, header in HEADERS.items():
            handle = io.TextIOWrapper(archive.open(f"{kind}.csv", "w", force_zip64=True), encoding="utf-8", newline="")
            writers[kind] = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
            writers[kind].writerow(header)
            handles.append(handle)
            # zipfile writes one member at a time: finish each before opening the next
            if kind == "meta":
                writers[kind].writerows(
                    [["SnapshotDate", "07-11-2026"], ["ExtractType", "full"], ["ExtractNumber", "1"]]
                )
            elif kind == "code":
                for code in HEALTH + OTHER:
                    for lang in ("FR", "NL"):
                        writers[kind].writerow(["Nace2025", code, lang, f"label {code} {lang}"])
            else:
                rows += _fill(kind, writers[kind], n, rnd)
            handle.close()
    return rows


def _fill(kind: str, writer: csv.writer, n: int, rnd: random.Random) -> int:
    """Rows of one file; every file draws the same per-enterprise facts from a seed of its own index."""
    count = 0
    unit = 0
    for i in range(n):
        local = random.Random(i)
        brussels = local.random() < 0.10
        health = local.random() < 0.05
        units = 1 if local.random() < 0.6 else 0
        number = _number(i)
        zipcode = local.choice(BRUSSELS if brussels else ELSEWHERE)
        ids = [number] + [_unit(unit + k) for k in range(units)]
        if kind == "enterprise":
            writer.writerow([number, "AC", "000", "2", "017", "", "01-01-2000"])
            count += 1
        elif kind == "establishment":
            for k in range(units):
                writer.writerow([_unit(unit + k), "01-01-2000", number])
                count += 1
        elif kind == "denomination":
            writer.writerow([number, "1", "001", f"Entreprise {i}"])
            count += 1
            if local.random() < 0.7:
                writer.writerow([number, "2", "003", f"Onderneming {i}"])
                count += 1
        elif kind == "address":
            for entity in ids:
                writer.writerow(
                    [
                        entity,
                        "BAET" if entity != number else "REGO",
                        "",
                        "",
                        zipcode,
                        "Gemeente",
                        "Commune",
                        "Straat",
                        "Rue",
                        str(i % 300 + 1),
                        "",
                        "",
                        "",
                    ]
                )
                count += 1
        elif kind == "contact":
            if local.random() < 0.36:
                writer.writerow([number, "ENT", "TEL", f"02 {200 + i % 600} {10 + i % 89} {10 + i % 89}"])
                count += 1
        elif kind == "activity":
            codes = HEALTH if health else OTHER
            for entity in ids:
                for _ in range(int(18.7 / (1 + units)) + (1 if rnd.random() < 0.35 else 0)):
                    writer.writerow([entity, "003", "2025", rnd.choice(codes), "MAIN"])
                    count += 1
        unit += units
    return count


def run_one(n: int) -> dict:
    from directory import create_app
    from directory.extensions import db
    from directory.geo.loader import load_geography
    from directory.importing.candidate_sources import import_candidates
    from directory.operations.vocabulary import load_vocabularies

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "KboOpenData_Full.zip"
        started = time.perf_counter()
        rows = write_extract(path, n)
        written = time.perf_counter() - started
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "SEARCH_SYNC_ON_COMMIT": False,
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
            report = import_candidates("kbo", path)
            elapsed = time.perf_counter() - started
    return {
        "enterprises": n,
        "csv_rows": rows,
        "write_s": written,
        "seconds": elapsed,
        "rows_per_s": rows / elapsed,
        "candidates": report.created,
        "rss_before_mib": rss_before / 1024,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "extrapolated_min": elapsed * REAL_ENTERPRISES / n / 60,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, nargs="+", default=[100_000, 400_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    results = []
    for n in args.enterprises:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], check=True, capture_output=True, text=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print("KBO full extract → candidates (streamed ZIP, SQLite), one process per size")
    print(
        f"{'enterprises':>11} | {'CSV rows':>10} | {'seconds':>7} | {'rows/s':>9} | {'candidates':>10} | "
        f"{'RSS before':>10} | {'peak RSS':>8} | {'2M extrapolated':>15}"
    )
    for r in results:
        print(
            f"{r['enterprises']:>11} | {r['csv_rows']:>10} | {r['seconds']:7.1f} | {r['rows_per_s']:9.0f} | "
            f"{r['candidates']:>10} | {r['rss_before_mib']:7.0f} MiB | {r['peak_rss_mib']:5.0f} MiB | "
            f"{r['extrapolated_min']:11.1f} min"
        )


if __name__ == "__main__":
    main()
