"""Benchmark: downloads of a search (/api/v1/export/services.FORMAT) on generated fiches — time and the server
process's memory for each format.

The fiches are generated and indexed by bench/search.py's set-up; for each format a fresh server process (as in
production) streams the whole region's list to an HTTP client; the server's peak resident memory (VmHWM) is
compared with its resident memory just before the download. Each line is printed as soon as it is measured (a
run at 100,000 fiches is long on a loaded machine), the table at the end.

    .venv/bin/python bench/export.py [--sizes 10000 100000] [--formats csv xlsx geojson hsds.json hsds.zip]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.search import bench_app, populate, start_site, wait_http
from directory.api.openapi import EXPORT_FORMATS


def memory_kib(pid: int, key: str) -> int:
    """VmRSS or VmHWM (peak) of process `pid`, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise LookupError(key)


def measure(app, fmt: str) -> dict:
    """Download every fiche in `fmt` from a fresh server process: seconds, bytes, RSS before and peak (MiB)."""
    server, port = start_site(app)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=3600)
    try:
        wait_http(client)
        client.get("/api/v1/export/services.csv", params={"q": "zzzznothing"}).raise_for_status()  # warm-up
        before = memory_kib(server.pid, "VmRSS")
        size, t0 = 0, time.perf_counter()
        with client.stream("GET", f"/api/v1/export/services.{fmt}") as response:
            response.raise_for_status()
            first = None
            for chunk in response.iter_bytes():
                first = first or time.perf_counter() - t0
                size += len(chunk)
        seconds = time.perf_counter() - t0
        peak = memory_kib(server.pid, "VmHWM")
    finally:
        server.terminate()
        server.join()
        client.close()
    result = {"fmt": fmt, "seconds": seconds, "first": first or 0.0, "mib": size / 2**20}
    return result | {"before": before / 1024, "peak": peak / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--formats", nargs="+", default=list(EXPORT_FORMATS), choices=list(EXPORT_FORMATS))
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp, bench_app(tmp, RATE_LIMIT_API=(10_000, 60)) as app:
        for n in args.sizes:
            populate(app, n)
            for fmt in args.formats:
                results.append({"n": n} | measure(app, fmt))
                r = results[-1]
                print(
                    f"  {n:>7} {fmt:<10} {r['seconds']:7.1f}s  {r['mib']:7.1f} MiB  "
                    f"RSS {r['before']:.0f} → peak {r['peak']:.0f} MiB",
                    flush=True,
                )
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("\nWhole-region download of every generated fiche; server RSS before the request and its peak, in MiB")
    print(
        f"{'fiches':>8} | {'format':<10} | {'seconds':>7} | {'first byte':>10} | {'file MiB':>8} | "
        f"{'RSS before':>10} | {'peak RSS':>8}"
    )
    for r in results:
        print(
            f"{r['n']:>8} | {r['fmt']:<10} | {r['seconds']:7.1f} | {r['first']:10.2f} | {r['mib']:8.1f} | "
            f"{r['before']:10.0f} | {r['peak']:8.0f}"
        )


if __name__ == "__main__":
    main()
