"""Benchmark: the bassin dashboard of the whole region at 100,000 fiches, cold (computed) and warm (cached).

    .venv/bin/python bench/dashboard.py [--sizes 10000 100000] [--repeat 5]

Generates the fiches with bench/search.py's generator (one sector, one location, one phone each) in a temporary
SQLite database, adds pending candidates and this month's unmet searches, then times side by side, in one run:

- `compute`: the figures computed from the database (what a cold cache costs);
- `cold page`: GET /fr/bassins/ right after the cache was emptied (figures, gaps map, unmet searches, HTML);
- `warm page`: the same page again (the cache key checked, the figures reused);
- `warm csv`: GET /fr/bassins/region.csv with a warm cache;
- `after an edit`: the page right after a fiche changed (the previous figures, while a thread recomputes).
CPU seconds of this process are printed beside the wall times, which a loaded machine stretches.
Target: the region's dashboard under one second at 100,000 fiches.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.search import generate
from directory import create_app
from directory.extensions import db
from directory.models import Candidate, Commune, Quartier, UnmetSearch
from directory.operations import dashboard as figures
from directory.operations.hours import BRUSSELS


def extras(n: int, seed: int = 7) -> None:
    """Pending candidates (one per 20 fiches) and unmet searches of this month (one per 50 fiches)."""
    rnd = random.Random(seed)
    communes = db.session.execute(select(Commune.nis, Commune.bassin_code)).all()
    quartiers = [code for (code,) in db.session.execute(select(Quartier.code))]
    candidates = []
    for i in range(n // 20):
        nis, bassin = rnd.choice(communes)
        candidates.append(
            {
                "source": "bench",
                "source_id": str(i),
                "name_fr": f"Candidat {i}",
                "status": "pending",
                "record": {"sectors": []},
                "details": {},
                "duplicate_reasons": [],
                "commune_nis": nis,
                "bassin_code": bassin,
            }
        )
    db.session.execute(insert(Candidate.__table__), candidates)
    today = datetime.now(BRUSSELS).date()
    unmet = []
    for i in range(n // 50):
        kind, code = rnd.choice([("understood_commune", rnd.choice(communes)[0]), ("quartier", rnd.choice(quartiers))])
        unmet.append(
            {
                "day": today.replace(day=rnd.randint(1, today.day)),
                "lang": rnd.choice(["fr", "nl"]),
                "query": f"recherche {i}",
                "filters": json.dumps({kind: [code]}),
                "alternatives": 0,
                "count": rnd.randint(1, 9),
            }
        )
    db.session.execute(insert(UnmetSearch.__table__), unmet)
    db.session.commit()


def get(client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code}")


def timed(action, cpu: list[float] | None = None) -> float:
    """Wall seconds of `action`; its CPU seconds (this process) appended to `cpu`."""
    t0, c0 = time.perf_counter(), time.process_time()
    action()
    if cpu is not None:
        cpu.append(time.process_time() - c0)
    return time.perf_counter() - t0


def touch_one_fiche(app) -> None:
    """Change one fiche as an edit would (the cache key changes)."""
    from directory.models import Service

    with app.app_context():
        service = db.session.get(Service, 1)
        service.name_fr += " ·"
        db.session.commit()


def measure(tmp: str, n: int, repeat: int) -> dict[str, list[float]]:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/dash{n}.sqlite3",
            "SEARCH_SYNC_ON_COMMIT": False,
            "MEILI_URL": "http://127.0.0.1:9",  # never called: the dashboard reads SQL only
            "DASHBOARD_REFRESH_IN_BACKGROUND": True,
        }
    )
    with app.app_context():
        db.create_all()
        from directory.geo.loader import load_geography
        from directory.operations.vocabulary import load_vocabularies

        load_geography(Path(app.config["SHARED_DATA_DIR"]))
        load_vocabularies()
        db.session.commit()
        t0 = time.perf_counter()
        generate(n)
        extras(n)
        print(f"  {n:>7} fiches generated in {time.perf_counter() - t0:.1f}s", flush=True)
    client = app.test_client()
    get(client, "/fr/bassins/nord")  # the process's one-time costs (templates, simplified boundaries, labels)
    names = ("compute", "cold page", "warm page", "warm csv", "after an edit")
    results: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(repeat):
        with app.app_context():
            results["compute"].append(timed(lambda: figures.compute(""), cpu["compute"]))
        figures.clear_cache()
        results["cold page"].append(timed(lambda: get(client, "/fr/bassins/"), cpu["cold page"]))
        results["warm page"].append(timed(lambda: get(client, "/fr/bassins/"), cpu["warm page"]))
        results["warm csv"].append(timed(lambda: get(client, "/fr/bassins/region.csv"), cpu["warm csv"]))
        touch_one_fiche(app)  # the previous figures are served while a thread recomputes
        results["after an edit"].append(timed(lambda: get(client, "/fr/bassins/")))
        while figures._refreshing:  # let the refresh finish before the next round
            time.sleep(0.1)
    return {name: results[name] for name in names} | {f"{name} cpu": cpu[name] for name in names if cpu[name]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            results = measure(tmp, n, args.repeat)
            for name, values in results.items():
                print(
                    f"  {n:>7} {name:<10} median {statistics.median(values):.3f}s  max {max(values):.3f}s", flush=True
                )
            ratio = statistics.median(results["cold page"]) / statistics.median(results["warm page"])
            print(f"  {n:>7} cold/warm page ratio {ratio:.1f}x", flush=True)


if __name__ == "__main__":
    main()
