"""Source trees side by side on one index: each tree's /api/v1/services and raw Meilisearch, interleaved.

    .venv/bin/python bench/search_ab.py DATA_DIR [--populate N] [--queries 400] TREE [TREE ...]

A tree is a copy of this repository (`git archive main | tar -x -C /tmp/main`, plus the compiled translations
`translations/*/LC_MESSAGES/messages.mo`). DATA_DIR keeps the SQLite database and the Meilisearch index between
runs, so the 100k index is built once (`--populate 100000`, bench/search.py's generator). Each tree's site runs in
a process of its own (this script with `--serve`). Prints p50/p95 of each tree and of the raw multi-search
(`query.plan`'s body, as bench/search.py sends), the ratios, and each site's CPU time per request, which a
loaded machine inflates far less than wall times.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import httpx
from werkzeug.datastructures import MultiDict

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KEY = "bench-master-key-0123456789"


def serve(tree: str, data: str, url: str, port: str) -> None:
    """Child process: `tree`'s app on `port`, on DATA_DIR's database and the running Meilisearch."""
    sys.path.insert(0, tree)  # the tree's own code, not this checkout's
    from werkzeug.serving import make_server

    from directory import create_app
    from directory.serving import QuietKeepAliveHandler

    app = create_app(config(Path(data), url))
    make_server("127.0.0.1", int(port), app, threaded=True, request_handler=QuietKeepAliveHandler).serve_forever()


def config(data: Path, url: str) -> dict:
    from directory.config import REPO_ROOT

    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data}/bench.sqlite3",
        "MEILI_URL": url,
        "MEILI_MASTER_KEY": KEY,
        "MEILI_INDEX_PREFIX": "bench_",
        "SEARCH_SYNC_ON_COMMIT": False,
        "RATE_LIMIT_API": (1_000_000, 1),  # the sites share one database and the bench one loopback address
        "SHARED_DATA_DIR": str(REPO_ROOT.parent / "shared" / "data"),
    }


def cpu_ms(pid: int) -> float:
    """User + system CPU time of a process (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def main() -> None:
    from bench.search import percentile, populate, random_args, wait_http
    from directory import create_app
    from directory.config import REPO_ROOT
    from directory.search.client import transport
    from directory.search.query import parse_search_args, plan
    from directory.search.server import MeiliProcess, free_port, install_binary

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data")
    parser.add_argument("trees", nargs="+")
    parser.add_argument("--populate", type=int, default=0)
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    binary = install_binary(REPO_ROOT / "instance" / "meilisearch" / "meilisearch")
    meili = MeiliProcess(binary, data / "meili", free_port(), KEY).start()
    sites: list[subprocess.Popen] = []
    try:
        app = create_app(config(data, meili.url))
        if args.populate:
            populate(app, args.populate)
        clients = []
        for tree in args.trees:
            port = free_port()
            command = [sys.executable, __file__, "--serve", tree, str(data), meili.url, str(port)]
            sites.append(subprocess.Popen(command))
            client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Accept-Encoding": "identity"})
            wait_http(client, 60)
            clients.append(client)
        raw = httpx.Client(
            transport=transport(),
            base_url=meili.url,
            headers={"Accept-Encoding": "identity", "Authorization": f"Bearer {KEY}"},
            timeout=30,
        )
        rnd = random.Random(7)
        times: list[list[float]] = [[] for _ in range(len(clients) + 1)]
        started: list[float] = []
        for i in range(args.queries + 20):
            query = random_args(rnd)
            if i == 20:  # after the warm-up
                started = [cpu_ms(site.pid) for site in sites]
            with app.test_request_context():
                body = {"queries": plan(parse_search_args(MultiDict(query), query["lang"]), "bench_services").queries}
            order = list(range(len(times)))
            for which in order[i % len(order) :] + order[: i % len(order)]:  # each goes first in turn
                t = time.perf_counter()
                if which < len(clients):
                    response = clients[which].get("/api/v1/services", params=query)
                else:
                    response = raw.post("/multi-search", json=body)
                response.raise_for_status()
                if i >= 20:
                    times[which].append((time.perf_counter() - t) * 1000)
        cpus = [(cpu_ms(site.pid) - before) / args.queries for site, before in zip(sites, started, strict=True)]
    finally:
        for site in sites:
            site.terminate()
            site.wait()
        meili.stop()
    raw50, raw95 = percentile(times[-1], 50), percentile(times[-1], 95)
    print(f"{args.queries} queries, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}; times in ms")
    print(f"{'raw':>40} | p50 {raw50:6.1f} p95 {raw95:6.1f}")
    for tree, values, cpu in zip(args.trees, times[:-1], cpus, strict=True):
        p50, p95 = percentile(values, 50), percentile(values, 95)
        print(
            f"{tree[-40:]:>40} | p50 {p50:6.1f} p95 {p95:6.1f} | ratio p50 {p50 / raw50:.2f}x p95 {p95 / raw95:.2f}x"
            f" | site CPU {cpu:.2f} ms/request"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(*sys.argv[2:6])
    else:
        main()
