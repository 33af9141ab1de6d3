"""Mixed load on loopback: the development server against the production server (gunicorn), then degraded.

    .venv/bin/python bench/load.py [--fiches 10000] [--clients 32] [--seconds 20] [--max-requests 20000]

Generates fiches in a temporary SQLite database with its own Meilisearch (bench/search.py's set-up), then for
each scenario starts the site as its own process on 127.0.0.1 and runs N concurrent clients for a bounded time
and number of requests: search pages 35%, API with facets 25%, fiche pages 20%, map points of a commune 17%,
edits by a moderator 3% (form, then a published change: revision, outbox, index push). Scenarios:
development server (`flask run`, threaded), production server (gunicorn), and the production server with
Meilisearch stopped (search answered from SQL). Prints req/s, p50/p95/p99 and errors side by side, and the
cores each used while loaded: the site's processes, Meilisearch and the load generator (from /proc), with the
site's CPU time per request. `--variants 2x4:gthread 5x1:sync` adds other gunicorn set-ups to the same run.
Targets on 2 cores: 0 errors at 32 clients, production ≥ 3 × development, degraded answers every request.

On a machine shared with other jobs, Linux's autogroup scheduling gives each session (each server started here,
each test run of another user) an equal share of the cores: three gunicorn workers then get no more CPU than the
development server's one process, and the throughput ratio says nothing about the servers. Compare the "cores
used" lines, and read the ratio only from a run on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.search import bench_app, populate, random_args
from directory.config import REPO_ROOT, DefaultConfig
from directory.search.server import free_port

RESULTS = REPO_ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
LOOPBACK = "127.0.0.1"
LOG = open(os.environ.get("LOAD_LOG", os.devnull), "a")  # noqa: SIM115
MIX = (("search", 35), ("api", 25), ("fiche", 20), ("points", 17), ("edit", 3))
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Tally:
    """Latencies (ms) and errors of one scenario."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


def environment(app, secret: str, search_timeout: float) -> dict[str, str]:
    """The site's configuration for a child process, through DIRECTORY_* variables."""
    env = dict(os.environ)
    env.update(
        {
            "DIRECTORY_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "DIRECTORY_MEILI_URL": app.config["MEILI_URL"],
            "DIRECTORY_MEILI_MASTER_KEY": app.config["MEILI_MASTER_KEY"],
            "DIRECTORY_MEILI_INDEX_PREFIX": app.config["MEILI_INDEX_PREFIX"],
            "DIRECTORY_SECRET_KEY": secret,
            "DIRECTORY_TILE_URL": "",
            "DIRECTORY_LOG_LEVEL": "WARNING",
            "DIRECTORY_RATE_LIMIT_PDF": "[1000000, 1]",
            "DIRECTORY_RATE_LIMIT_API": "[1000000, 1]",  # every client of the bench has the same loopback address
            "DIRECTORY_MEILI_SEARCH_TIMEOUT": str(search_timeout),
        }
    )
    return env


def start_server(
    kind: str, env: dict[str, str], port: int, workers: int, threads: int, worker_class: str = "gthread"
) -> subprocess.Popen:
    """`dev`: Flask's development server (threaded); `prod`: gunicorn with `workers` × `threads`."""
    if kind == "dev":
        command = [str(BIN / "flask"), "--app", "directory", "run", "--host", LOOPBACK, "--port", str(port)]
    else:
        command = [
            *(str(BIN / "gunicorn"), "--bind", f"{LOOPBACK}:{port}", "--workers", str(workers)),
            *("--threads", str(threads), "--worker-class", worker_class, "--keep-alive", "5", "--log-level", "warning"),
            # as `flask serve`: gunicorn's default 30 s would kill a worker starved of CPU on a loaded machine
            *(
                "--timeout",
                str(DefaultConfig.SERVE_TIMEOUT),
                "--graceful-timeout",
                str(DefaultConfig.SERVE_GRACEFUL_TIMEOUT),
            ),
            "directory:create_app()",
        ]
    return subprocess.Popen(
        command, env=env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=LOG, start_new_session=True
    )


def cpu_seconds(group: int | None = None, pid: int | None = None) -> float:
    """CPU time (user + system, seconds) of the processes of a process group, or of one process (Linux /proc)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or (pid is not None and int(entry.name) != pid):
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if pid is not None or int(fields[2]) == group:  # fields[2]: the process group
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def wait_ready(base: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{base} did not start")


def session_cookie(app, user_id: int) -> str:
    """A signed session of the moderator (the bench owns the secret key of its throw-away site)."""
    return app.session_interface.get_signing_serializer(app).dumps({"user_id": user_id})


def prepare(app, n: int) -> dict:
    """A moderator and what requests pick from: fiche ids, communes, an edit form per fiche (from the app)."""
    from sqlalchemy import select

    from directory.extensions import db
    from directory.models import Commune, Service
    from directory.models.accounts import Role
    from tests.account_helpers import edit_form_data, make_user

    with app.app_context():
        moderator = make_user("bench-moderator@example.org", Role.MODERATOR)
        db.session.commit()
        communes = list(db.session.scalars(select(Commune.nis)))
        editable = list(db.session.scalars(select(Service.id).order_by(Service.id).limit(50)))
        forms = {sid: edit_form_data(db.session.get(Service, sid)) for sid in editable}
        return {"moderator": moderator.id, "ids": list(range(1, n + 1)), "communes": communes, "forms": forms}


def pick(rnd: random.Random) -> str:
    roll, total = rnd.uniform(0, 100), 0
    for kind, weight in MIX:
        total += weight
        if roll < total:
            return kind
    return MIX[0][0]


async def one_request(
    http: httpx.AsyncClient, kind: str, rnd: random.Random, data: dict, cookie: str, tally: Tally, client: int
) -> None:
    """One request of `kind` (an edit is two: the form, then the post); records latency or error."""
    lang = rnd.choice(["fr", "nl"])
    if kind == "search":
        args = random_args(rnd)
        args.pop("lang")
        requests = [("GET", f"/{lang}/search?{urlencode(args)}", None)]
    elif kind == "api":
        requests = [("GET", f"/api/v1/services?{urlencode(random_args(rnd))}", None)]
    elif kind == "fiche":
        requests = [("GET", f"/{lang}/services/{rnd.choice(data['ids'])}", None)]
    elif kind == "points":
        requests = [("GET", f"/{lang}/map/points.json?commune={rnd.choice(data['communes'])}", None)]
    else:
        sid = list(data["forms"])[client % len(data["forms"])]  # one fiche per client: no edit conflicts
        requests = [("GET", f"/fr/edit/services/{sid}", None), ("POST", f"/fr/edit/services/{sid}", sid)]
    session, token = cookie, ""
    for method, path, sid in requests:
        headers = {"Cookie": f"session={session}"} if kind == "edit" else {}
        body = None
        if sid is not None:
            body = {**data["forms"][sid], "name_fr": f"Fiche {sid} {rnd.randrange(10**6)}", "csrf_token": token}
        started = time.perf_counter()
        try:
            response = await http.request(method, path, headers=headers, data=body)
        except httpx.HTTPError as exc:
            tally.error(f"{kind}: {type(exc).__name__}")
            return
        tally.latencies.append((time.perf_counter() - started) * 1000)
        tally.kinds[kind] = tally.kinds.get(kind, 0) + 1
        if response.status_code >= 400:
            tally.error(f"{kind}: HTTP {response.status_code}")
            LOG.write(f"{method} {path} -> {response.status_code}\n{response.text[:3000]}\n")
            LOG.flush()
            return
        if kind == "edit" and method == "GET":
            match = CSRF.search(response.text)
            token = match.group(1) if match else ""
            session = response.cookies.get("session") or session


async def run_load(base: str, clients: int, seconds: float, max_requests: int, data: dict, cookie: str) -> dict:
    """`clients` concurrent loops until `seconds` or `max_requests` are reached; returns the figures."""
    tally = Tally()
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits, follow_redirects=False) as http:

        async def client_loop(number: int) -> None:
            rnd = random.Random(number)
            while time.monotonic() < deadline and len(tally.latencies) + sum(tally.errors.values()) < max_requests:
                await one_request(http, pick(rnd), rnd, data, cookie, tally, number)

        started = time.monotonic()
        await asyncio.gather(*(client_loop(i) for i in range(clients)))
        elapsed = time.monotonic() - started
    values = sorted(tally.latencies)
    quantiles = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else [0.0] * 99
    return {
        "requests": len(values),
        "seconds": round(elapsed, 1),
        "rps": round(len(values) / elapsed, 1),
        "p50": round(quantiles[49], 1),
        "p95": round(quantiles[94], 1),
        "p99": round(quantiles[98], 1),
        "errors": sum(tally.errors.values()),
        "error_kinds": tally.errors,
        "kinds": tally.kinds,
    }


def scenario(
    name: str, kind: str, env: dict, args: argparse.Namespace, data: dict, cookie: str, meili_pid: int | None
) -> dict:
    """One server, warmed up, then loaded; its figures, with the CPU time used by the site, Meilisearch and the
    load generator itself while it ran (they share the machine's cores)."""
    port = free_port()
    server = start_server(kind, env, port, args.workers, args.threads, args.worker_class)
    base = f"http://{LOOPBACK}:{port}"
    try:
        wait_ready(base)
        asyncio.run(run_load(base, min(args.clients, 4), 2, 200, data, cookie))  # warm-up, not counted
        before = (cpu_seconds(group=server.pid), cpu_seconds(pid=meili_pid) if meili_pid else 0.0, time.process_time())
        figures = asyncio.run(run_load(base, args.clients, args.seconds, args.max_requests, data, cookie))
        after = (cpu_seconds(group=server.pid), cpu_seconds(pid=meili_pid) if meili_pid else 0.0, time.process_time())
        used = [round((b - a) / figures["seconds"], 2) for a, b in zip(before, after, strict=True)]
        figures["cores_site"], figures["cores_meili"], figures["cores_bench"] = used
        figures["site_cpu_ms_per_request"] = round((after[0] - before[0]) * 1000 / max(figures["requests"], 1), 1)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    figures["loadavg_after"] = round(os.getloadavg()[0], 1)
    print(
        f"  {name:<28} {figures['rps']:>7.1f} req/s  p50 {figures['p50']:>7.1f} ms  p95 {figures['p95']:>7.1f} ms  "
        f"p99 {figures['p99']:>7.1f} ms  errors {figures['errors']} / {figures['requests']}  "
        f"(load average {figures['loadavg_after']})\n  {'':<28} cores used: site {figures['cores_site']}, Meilisearch "
        f"{figures['cores_meili']}, load generator {figures['cores_bench']}; site CPU "
        f"{figures['site_cpu_ms_per_request']} ms per request",
        flush=True,
    )
    return {"scenario": name, **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fiches", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per process")
    parser.add_argument("--worker-class", choices=["gthread", "sync"], default="gthread", help="gunicorn workers")
    parser.add_argument(
        "--search-timeout", type=float, default=2.0, help="MEILI_SEARCH_TIMEOUT: slower searches go to SQL"
    )
    parser.add_argument(
        "--variants",
        nargs="*",
        default=[],
        metavar="WxT:CLASS",
        help="more production servers to compare, e.g. 2x4:gthread 4x8:gthread 5x1:sync",
    )
    parser.add_argument("--only", nargs="*", choices=["dev", "prod", "degraded"], default=["dev", "prod", "degraded"])
    args = parser.parse_args()
    secret = secrets.token_urlsafe(32)
    rows = []
    with tempfile.TemporaryDirectory() as tmp, bench_app(tmp, SECRET_KEY=secret) as app:
        populate(app, args.fiches)
        data = prepare(app, args.fiches)
        cookie = session_cookie(app, data["moderator"])
        env = environment(app, secret, args.search_timeout)
        meili_pid = app.extensions["bench_meili"].process.pid
        print(f"{args.clients} clients, {args.seconds:.0f} s or {args.max_requests} requests per scenario:", flush=True)
        if "dev" in args.only:
            rows.append(scenario("development server", "dev", env, args, data, cookie, meili_pid))
        if "prod" in args.only:
            label = f"gunicorn {args.workers}×{args.threads} {args.worker_class}"
            rows.append(scenario(label, "prod", env, args, data, cookie, meili_pid))
        for variant in args.variants:
            size, worker_class = variant.split(":")
            workers, threads = (int(n) for n in size.split("x"))
            other = argparse.Namespace(**{**vars(args), "workers": workers, "threads": threads})
            other.worker_class = worker_class
            label = f"gunicorn {workers}×{threads} {worker_class}"
            rows.append(scenario(label, "prod", env, other, data, cookie, meili_pid))
        if "degraded" in args.only:
            meili = app.extensions["bench_meili"]
            meili.stop()
            rows.append(scenario("gunicorn, Meilisearch down", "prod", env, args, data, cookie, None))
    if len(rows) >= 2 and rows[0]["scenario"].startswith("development"):
        print(f"  production / development throughput: {rows[1]['rps'] / max(rows[0]['rps'], 0.1):.1f}×")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"load-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps({"args": vars(args), "cpus": os.cpu_count(), "rows": rows}, indent=2))
    print(f"  details: {out.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
