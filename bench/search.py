"""Search latency: our /api/v1/services endpoint vs the same raw Meilisearch multi-search, side by side.

    .venv/bin/python bench/search.py [--sizes 10000 100000] [--queries 200]

Generates plausible bilingual fiches in a temporary SQLite database, indexes them with the real reindex
path, serves the app over HTTP on loopback, and times each query against both, interleaved, in one run.
Prints p50/p95 per size and the p95 ratio (target: ours ≤ 1.25 × raw at 100k, query understanding included:
the raw side is sent the same multi-search body the understood query produces, `query.plan`, with the
alternatives when they are asked along; a search that asks for them afterwards makes a second request on our
side only).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from flask import Flask
from sqlalchemy import insert, select
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from directory import create_app
from directory.config import REPO_ROOT
from directory.extensions import db
from directory.models import Location, Organization, Phone, Public, Quartier, Sector, Service
from directory.models.services import service_at_location, service_public, service_sector
from directory.search.client import transport
from directory.search.query import parse_search_args, plan
from directory.search.server import MeiliProcess, free_port, install_binary
from directory.serving import QuietKeepAliveHandler

STREETS = [
    "Rue Haute",
    "Chaussée de Haecht",
    "Avenue Louise",
    "Rue de Brabant",
    "Boulevard Lambermont",
    "Rue Gallait",
    "Chaussée de Mons",
    "Rue Blaes",
    "Avenue de la Couronne",
    "Rue Wayez",
]
STREETS_NL = [
    "Hoogstraat",
    "Haachtsesteenweg",
    "Louizalaan",
    "Brabantstraat",
    "Lambermontlaan",
    "Gallaitstraat",
    "Bergensesteenweg",
    "Blaesstraat",
    "Kroonlaan",
    "Wayezstraat",
]
ORG_WORDS = ["Entraide", "Solidarité", "Espace", "Centre", "Maison", "Antenne", "Relais", "Collectif"]
ORG_WORDS_NL = ["Hulp", "Solidariteit", "Ruimte", "Centrum", "Huis", "Antenne", "Relais", "Collectief"]
LANGS = ["fr", "nl", "en", "ar", "tr", "es", "pt", "ro", "pl", "ru", "uk", "ln"]
QUERIES = [
    "medecin generaliste schaerbeek",
    "wijkgezondheidscentrum",
    "OCMW Anderlecht",
    "aide alimentaire",
    "planing familial",
    "santé mentale",
    "voedselhulp",
    "huisarts",
    "pharmacie ixelles",
    "CPAS",
    "dentiste",
    "maison medicale molenbeek",
    "abri de nuit",
    "schuldbemiddeling",
    "centre",
    "entraide",
    "",
    "jeunes",
    "geestelijke gezondheid",
    "hôpital",
]


def generate(n: int, seed: int = 42) -> None:
    """Insert `n` services (each with an organization, a location and a phone) with Core bulk inserts."""
    rnd = random.Random(seed)
    sectors = db.session.execute(select(Sector.code, Sector.name_fr, Sector.name_nl)).all()
    publics = [c for (c,) in db.session.execute(select(Public.code))]
    quartiers = db.session.execute(
        select(Quartier.code, Quartier.commune_nis, Quartier.bassin_code, Quartier.lat, Quartier.lon)
    ).all()
    batch = 5000
    for start in range(0, n, batch):
        orgs, services, locations, sal, ssec, spub, phones = [], [], [], [], [], [], []
        for i in range(start, min(start + batch, n)):
            sid = i + 1
            code, sec_fr, sec_nl = rnd.choice(sectors)
            q = rnd.choice(quartiers)
            k = rnd.randrange(len(ORG_WORDS))
            street = rnd.randrange(len(STREETS))
            org_fr, org_nl = f"{ORG_WORDS[k]} {STREETS[street]} {sid}", f"{ORG_WORDS_NL[k]} {STREETS_NL[street]} {sid}"
            orgs.append({"id": sid, "name_fr": org_fr, "name_nl": org_nl, "source": "bench", "source_id": str(sid)})
            services.append(
                {
                    "id": sid,
                    "organization_id": sid,
                    "source": "bench",
                    "source_id": str(sid),
                    "name_fr": f"{sec_fr} — {org_fr}",
                    "name_nl": f"{sec_nl} — {org_nl}" if rnd.random() > 0.1 else "",
                    "description_fr": f"{sec_fr} pour les habitants du quartier. Accueil et orientation.",
                    "description_nl": f"{sec_nl} voor de buurtbewoners. Onthaal en doorverwijzing.",
                    "languages": rnd.sample(LANGS, rnd.randint(1, 4)),
                    "cost": rnd.choice(["free", "reduced", "paid", "unknown"]),
                    "access": rnd.choice(["unconditional", "appointment", "registration", "referral", "unknown"]),
                    "availability": rnd.choice(["accepting", "waiting_list", "full", "unknown"]),
                    "status": "active",
                    "opening_hours": rnd.choice([None, "Mo-Fr 09:00-17:00", "Mo,We,Fr 13:00-18:00", "24/7"]),
                    "field_provenance": {},
                }
            )
            locations.append(
                {
                    "id": sid,
                    "street_fr": STREETS[street],
                    "street_nl": STREETS_NL[street],
                    "house_number": str(rnd.randint(1, 250)),
                    "postcode": "1000",
                    "lat": (q.lat or 50.85) + rnd.uniform(-0.003, 0.003),
                    "lon": (q.lon or 4.35) + rnd.uniform(-0.004, 0.004),
                    "commune_nis": q.commune_nis,
                    "quartier_code": q.code,
                    "bassin_code": q.bassin_code,
                    "wheelchair": rnd.choice(["yes", "limited", "no", "unknown"]),
                }
            )
            sal.append({"service_id": sid, "location_id": sid})
            ssec.append({"service_id": sid, "sector_code": code})
            spub.extend({"service_id": sid, "public_code": p} for p in rnd.sample(publics, rnd.randint(0, 2)))
            phones.append({"service_id": sid, "number": f"+322{rnd.randint(2000000, 8999999)}"})
        for table, rows in (
            (Organization.__table__, orgs),
            (Service.__table__, services),
            (Location.__table__, locations),
            (service_at_location, sal),
            (service_sector, ssec),
            (service_public, spub),
            (Phone.__table__, phones),
        ):
            if rows:
                db.session.execute(insert(table), rows)
        db.session.commit()


def serve(app, port: int) -> None:
    """Child process: serve the app with a threaded, keep-alive WSGI server."""
    make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietKeepAliveHandler).serve_forever()


def wait_http(client: httpx.Client, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            client.get("/api/v1/services", params={"per_page": 1})
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("the site did not start")


def random_args(rnd: random.Random) -> dict:
    """A query mixing text, facets and geography, as a professional would."""
    args: dict = {"q": rnd.choice(QUERIES), "lang": rnd.choice(["fr", "nl"])}
    roll = rnd.random()
    if roll < 0.3:
        args["bassin"] = rnd.choice(["nord", "nord-est", "centre-ouest", "sud", "sud-est"])
    elif roll < 0.5:
        args["cost"] = "free"
        args["language"] = rnd.choice(["ar", "tr", "en"])
    elif roll < 0.65:
        args["near"] = f"{50.85 + rnd.uniform(-0.03, 0.03):.5f},{4.35 + rnd.uniform(-0.04, 0.04):.5f}"
        args["radius"] = "1500"
    return args


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def populate(app, n: int) -> str:
    """Recreate the database with the reference data and `n` generated fiches, index them with the real reindex
    path, print how long both took and return the index uid."""
    from directory.search import index_name
    from directory.search.sync import reindex

    with app.app_context():
        db.drop_all()
        db.create_all()
        from directory.geo.loader import load_geography
        from directory.operations.vocabulary import load_vocabularies

        load_geography(Path(app.config["SHARED_DATA_DIR"]))
        load_vocabularies()
        db.session.commit()
        t0 = time.perf_counter()
        generate(n)
        t1 = time.perf_counter()
        docs = reindex()
        t2 = time.perf_counter()
        uid = index_name()
    print(f"  {n:>7} fiches: generated in {t1 - t0:.1f}s, indexed {docs} documents in {t2 - t1:.1f}s", flush=True)
    return uid


def start_site(app) -> tuple[multiprocessing.Process, int]:
    """Serve `app` on a free loopback port in a forked process (stop it with terminate() then join())."""
    # The site runs in its own process, as in production: the timing client must not share its GIL.
    with app.app_context():
        db.engine.dispose()
    port = free_port()
    server = multiprocessing.get_context("fork").Process(target=serve, args=(app, port), daemon=True)
    server.start()
    return server, port


def measure(app, n: int, queries: int) -> dict:
    from werkzeug.datastructures import MultiDict

    uid = populate(app, n)
    server, port = start_site(app)
    ours_client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Accept-Encoding": "identity"})
    wait_http(ours_client)
    raw_client = httpx.Client(
        transport=transport(),
        base_url=app.config["MEILI_URL"],
        headers={"Accept-Encoding": "identity", "Authorization": f"Bearer {app.config['MEILI_MASTER_KEY']}"},
    )
    rnd = random.Random(7)
    ours, raw = [], []
    try:
        for i in range(queries + 20):
            args = random_args(rnd)
            with app.test_request_context():
                body = {"queries": plan(parse_search_args(MultiDict(args), args["lang"]), uid).queries}
            pair = []
            for which in (0, 1) if i % 2 else (1, 0):  # alternate order to share any drift fairly
                t = time.perf_counter()
                if which == 0:
                    r = ours_client.get("/api/v1/services", params=args)
                else:
                    r = raw_client.post("/multi-search", json=body)
                r.raise_for_status()
                pair.append((which, (time.perf_counter() - t) * 1000))
            if i >= 20:  # warm-up
                for which, ms in pair:
                    (ours if which == 0 else raw).append(ms)
    finally:
        server.terminate()
        server.join()
        ours_client.close()
        raw_client.close()
    return {
        "n": n,
        "ours_p50": percentile(ours, 50),
        "ours_p95": percentile(ours, 95),
        "raw_p50": percentile(raw, 50),
        "raw_p95": percentile(raw, 95),
    }


@contextmanager
def bench_app(tmp: str, **config: object) -> Iterator[Flask]:
    """The app on a SQLite database in `tmp` with its own Meilisearch process (data in `tmp` too), stopped on exit;
    `config` overrides or adds configuration keys."""
    binary = install_binary(REPO_ROOT / "instance" / "meilisearch" / "meilisearch")
    meili = MeiliProcess(binary, Path(tmp) / "meili", free_port(), "bench-master-key-0123456789").start()
    try:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "MEILI_URL": meili.url,
                "MEILI_MASTER_KEY": meili.master_key,
                "MEILI_INDEX_PREFIX": "bench_",
                "SEARCH_SYNC_ON_COMMIT": False,
                **config,
            }
        )
        app.extensions["bench_meili"] = meili  # bench/load.py stops it to measure the degraded mode
        yield app
    finally:
        meili.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    # one loopback address sends every query: the API's per-client limit would answer 429 past its quota
    with tempfile.TemporaryDirectory() as tmp, bench_app(tmp, RATE_LIMIT_API=(1_000_000, 1)) as app:
        rows = [measure(app, n, args.queries) for n in args.sizes]
    print(f"\n{args.queries} mixed queries (text, facets, geo), 20 hits + 10 facets each, interleaved; times in ms")
    print(f"{'fiches':>8} | {'ours p50':>8} {'ours p95':>8} | {'raw p50':>8} {'raw p95':>8} | {'p95 ratio':>9}")
    for r in rows:
        ratio = r["ours_p95"] / r["raw_p95"]
        print(
            f"{r['n']:>8} | {r['ours_p50']:8.1f} {r['ours_p95']:8.1f} | {r['raw_p50']:8.1f} {r['raw_p95']:8.1f} | "
            f"{ratio:8.2f}x"
        )


if __name__ == "__main__":
    main()
