"""The map page with thousands of services in the result, in headless Chromium: time to markers and transfer size.

    .venv/bin/python bench/map.py [--sizes 1000 10000] [--runs 5] [--path /fr/map]

Reuses bench/search.py: generated bilingual fiches in a temporary SQLite database, indexed with the real reindex
path in a real Meilisearch process, the app served in its own process on loopback (without a tile layer: tiles
are the one remote resource and the benchmark must not leave the machine). For each size, after one unrecorded load
(the site process is new), each run opens a fresh browser context (empty cache) and loads the page cold, then loads
it again in the same context (warm cache: points.json is cached for 60 s, static files are revalidated). It
records, from navigation start: DOMContentLoaded, the first marker or cluster in the DOM, and `data-markers` on
<html> (static/js/map.js sets it when every marker is in the cluster layer: "interactive"); the long tasks; the
bytes received (Chromium's encodedDataLength: headers and compressed bodies) and the requests; then the time of
one zoom-in (map.setZoom without animation, until the frame after 'zoomend').

Target: with 10,000 services, under 1.5 s to interactive. Any request to a host other than loopback is a failure
(exit status 1). Results go to bench/results/map-<time>.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.search import bench_app, populate, start_site, wait_http
from directory.config import REPO_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
TARGET_MS = 1500
TIMEOUT_MS = 60_000
RESULTS = REPO_ROOT / "bench" / "results"

# Runs before any script of the page (<html> may not exist yet: it observes the document): timestamps (ms since
# navigation start) of the first marker or cluster element and of `data-markers`, and the long tasks.
PROBE = """
(() => {
  const probe = (window.__bench = { firstMarker: null, markers: null, longTasks: [] });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) probe.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch (e) {}
  new MutationObserver((records, observer) => {
    if (document.documentElement.hasAttribute("data-markers")) {
      probe.markers = performance.now();
      observer.disconnect();
    }
  }).observe(document, { attributes: true, attributeFilter: ["data-markers"], subtree: true });
  new MutationObserver((records, observer) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType === 1 && node.matches(".svc-marker, .marker-cluster")) {
          probe.firstMarker = performance.now();
          observer.disconnect();
          return;
        }
      }
    }
  }).observe(document, { childList: true, subtree: true });
})();
"""

COLLECT = """
() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const probe = window.__bench;
  return {
    dcl: nav.domContentLoadedEventEnd,
    load: nav.loadEventEnd,
    firstMarker: probe.firstMarker,
    markersAt: probe.markers,
    markers: Number(document.documentElement.getAttribute("data-markers")),
    status: (document.getElementById("map-status") || {}).textContent || "",
    longTasks: probe.longTasks,
    resources: [nav, ...performance.getEntriesByType("resource")].map((e) => ({
      url: e.name,
      start: e.startTime,
      requestStart: e.requestStart,
      responseStart: e.responseStart,
      end: e.responseEnd,
      transfer: e.transferSize,
      encoded: e.encodedBodySize,
      decoded: e.decodedBodySize,
    })),
  };
}
"""

ZOOM = """
() => new Promise((resolve) => {
  const map = window[JSON.parse(document.getElementById("map-config").textContent).map];
  const zoom = map.getZoom();
  const t0 = performance.now();
  map.once("zoomend", () =>
    requestAnimationFrame(() =>
      setTimeout(() => resolve({ ms: performance.now() - t0, from: zoom, to: map.getZoom() }), 0)
    )
  );
  map.setZoom(zoom + 1, { animate: false });
})
"""


class PageBroken(RuntimeError):
    """The map page did not get its markers: the message says what the page showed."""


class Recorder:
    """Every request of one page load as Chromium's network stack saw it (CDP), including cache hits."""

    def __init__(self, cdp) -> None:
        self.requests: dict[str, dict] = {}
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.requestServedFromCache", self._cached)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)
        cdp.send("Network.enable")

    def reset(self) -> None:
        self.requests = {}

    def _entry(self, request_id: str) -> dict:
        return self.requests.setdefault(request_id, {"url": "", "status": None, "bytes": 0, "cache": False})

    def _sent(self, event: dict) -> None:
        request_id = event["requestId"]
        redirect = event.get("redirectResponse")
        if redirect:  # the same id goes on with the new URL: keep the redirect as a request of its own
            hop = self.requests.pop(request_id, {"cache": False})
            hop.update(status=redirect["status"], bytes=int(redirect.get("encodedDataLength", 0)))
            self.requests[f"{request_id}/{len(self.requests)}"] = hop
        self._entry(request_id)["url"] = event["request"]["url"]

    def _cached(self, event: dict) -> None:
        self._entry(event["requestId"])["cache"] = True

    def _response(self, event: dict) -> None:
        entry = self._entry(event["requestId"])
        entry["status"] = event["response"]["status"]
        entry["cache"] = entry["cache"] or bool(event["response"].get("fromDiskCache"))
        entry["mime"] = event["response"].get("mimeType", "")

    def _finished(self, event: dict) -> None:
        self._entry(event["requestId"])["bytes"] = int(event["encodedDataLength"])

    def _failed(self, event: dict) -> None:
        self._entry(event["requestId"])["error"] = event.get("errorText", "failed")

    def network(self) -> list[dict]:
        """The requests over the network (data: and blob: URLs are not requests)."""
        return [r for r in self.requests.values() if r["url"] and not r["url"].startswith(("data:", "blob:"))]


def load(page, recorder: Recorder, url: str, errors: list[str]) -> dict:
    """Navigate to `url` and wait for the markers and a quiet network; the figures of this load."""
    recorder.reset()
    errors.clear()
    page.goto(url, wait_until="commit")
    try:
        page.wait_for_selector("html[data-markers]", state="attached", timeout=TIMEOUT_MS)
    except Exception as exc:
        status = page.evaluate("(document.getElementById('map-status') || {}).textContent || ''")
        failed = [f"{r['status']} {r['url']}" for r in recorder.network() if (r["status"] or 0) >= 400]
        raise PageBroken(
            f"no data-markers on <html> after {TIMEOUT_MS} ms ({type(exc).__name__}); #map-status: {status!r}; "
            f"failed requests: {failed}; page errors: {errors}"
        ) from exc
    page.wait_for_load_state("networkidle")
    figures = page.evaluate(COLLECT)
    figures["zoom"] = page.evaluate(ZOOM)
    page.wait_for_timeout(100)  # the CDP events of the last responses
    requests = recorder.network()
    long_tasks = figures.pop("longTasks")
    markers_at = figures["markersAt"]
    timing = {r["url"]: r for r in figures.pop("resources")}
    for r in requests:
        t = timing.get(r["url"])
        if t:
            r["timing"] = {k: round(v, 1) for k, v in t.items() if k != "url"}
    points = next((r.get("timing", {}) for r in requests if "/points.json" in r["url"]), {})
    return {
        **figures,
        "points_url": next((r["url"] for r in requests if "/points.json" in r["url"]), None),
        "points_ttfb_ms": round(points.get("responseStart", 0) - points.get("requestStart", 0), 1),
        "points_end_ms": points.get("end"),
        "long_tasks_ms": round(sum(d for _, d in long_tasks), 1),
        "long_tasks_before_markers_ms": round(sum(d for s, d in long_tasks if s < markers_at), 1),
        "longest_task_ms": round(max((d for _, d in long_tasks), default=0.0), 1),
        "last_long_task_end_ms": round(max((s + d for s, d in long_tasks), default=0.0), 1),
        "bytes": sum(r["bytes"] for r in requests),
        "requests": len(requests),
        "from_cache": sum(1 for r in requests if r["cache"]),
        "foreign": sorted({r["url"] for r in requests if urlsplit(r["url"]).hostname not in LOOPBACK}),
        "http_errors": sorted(
            {f"{r['status']} {urlsplit(r['url']).path}" for r in requests if (r["status"] or 0) >= 400}
        ),
        "page_errors": list(errors),
        "detail": sorted(requests, key=lambda r: -r["bytes"]),
    }


def run_size(browser, base: str, path: str, runs: int, foreign: set[str]) -> list[dict]:
    """`runs` pairs of (cold, warm) loads of `path`, each pair in a fresh browser context."""
    # One load first, not recorded: the site process is new (templates to compile, first queries).
    context = browser.new_context()
    context.new_page().goto(base + path, wait_until="networkidle")
    context.close()
    results = []
    for i in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-BE")
        context.add_init_script(PROBE)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: None if urlsplit(r.url).hostname in LOOPBACK | {None} else foreign.add(r.url))
        recorder = Recorder(context.new_cdp_session(page))
        try:
            cold = load(page, recorder, base + path, errors)
            warm = load(page, recorder, base + path, errors)
        finally:
            context.close()
        results.append({"run": i + 1, "cold": cold, "warm": warm})
        print(
            f"    run {i + 1}: {cold['markers']} markers, cold {cold['markersAt']:.0f} ms "
            f"({cold['bytes'] / 1024:.0f} KiB, {cold['requests']} req), warm {warm['markersAt']:.0f} ms "
            f"({warm['bytes'] / 1024:.0f} KiB), zoom {cold['zoom']['ms']:.0f} ms",
            flush=True,
        )
    return results


def time_points(client: httpx.Client, url: str | None, times: int) -> dict:
    """points.json fetched `times` times in a row with nothing else running: the server's share of the time."""
    if not url:
        return {"median": 0.0, "max": 0.0, "all": []}
    ms = []
    for _ in range(times):
        t = time.perf_counter()
        client.get(url, headers={"Accept-Encoding": "gzip", "Accept": "application/json"}).raise_for_status()
        ms.append((time.perf_counter() - t) * 1000)
    return {"median": statistics.median(ms), "max": max(ms), "all": ms}


def summary(n: int, runs: list[dict]) -> dict:
    def values(kind: str, key: str) -> list[float]:
        return [r[kind][key] for r in runs]

    def stats(kind: str, key: str) -> dict:
        v = values(kind, key)
        return {"median": statistics.median(v), "max": max(v)}

    return {
        "n": n,
        "markers": runs[0]["cold"]["markers"],
        "dcl_cold": stats("cold", "dcl"),
        "first_marker_cold": stats("cold", "firstMarker"),
        "markers_cold": stats("cold", "markersAt"),
        "markers_warm": stats("warm", "markersAt"),
        "long_tasks_cold": stats("cold", "long_tasks_ms"),
        "longest_task_cold": stats("cold", "longest_task_ms"),
        "zoom": {
            "median": statistics.median(r[k]["zoom"]["ms"] for r in runs for k in ("cold", "warm")),
            "max": max(r[k]["zoom"]["ms"] for r in runs for k in ("cold", "warm")),
        },
        "kib_cold": statistics.median(values("cold", "bytes")) / 1024,
        "kib_warm": statistics.median(values("warm", "bytes")) / 1024,
        "requests_cold": statistics.median(values("cold", "requests")),
        "requests_warm": statistics.median(values("warm", "requests")),
        "cached_warm": statistics.median(values("warm", "from_cache")),
        "points_ttfb_cold": stats("cold", "points_ttfb_ms"),
    }


def verdict(s: dict) -> str:
    if s["markers_cold"]["max"] < TARGET_MS and s["markers_warm"]["max"] < TARGET_MS:
        return "met"
    if s["markers_cold"]["median"] < TARGET_MS:
        return "median only"
    return "NOT met"


def print_table(rows: list[dict], runs: int) -> None:
    print(
        f"\nMap page, headless Chromium, {runs} runs per size (fresh context = cold, then reload = warm); "
        "times in ms from navigation start, median / max"
    )
    head = (
        f"{'fiches':>7} {'markers':>7} | {'DCL cold':>9} | {'1st mark':>9} | {'markers cold':>13} | "
        f"{'markers warm':>13} | {'long tasks':>11} | {'longest':>9} | {'zoom-in':>9} | {'KiB cold':>8} {'warm':>6} | "
        f"{'req cold':>8} {'warm':>4} | {'points TTFB':>11} {'alone':>7} | target < {TARGET_MS} ms"
    )
    print(head)
    print("-" * len(head))

    def mm(d: dict) -> str:
        return f"{d['median']:.0f}/{d['max']:.0f}"

    for s in rows:
        print(
            f"{s['n']:>7} {s['markers']:>7} | {mm(s['dcl_cold']):>9} | {mm(s['first_marker_cold']):>9} | "
            f"{mm(s['markers_cold']):>13} | {mm(s['markers_warm']):>13} | {mm(s['long_tasks_cold']):>11} | "
            f"{mm(s['longest_task_cold']):>9} | {mm(s['zoom']):>9} | {s['kib_cold']:8.0f} {s['kib_warm']:6.0f} | "
            f"{s['requests_cold']:8.0f} {s['requests_warm']:4.0f} | {mm(s['points_ttfb_cold']):>11} "
            f"{mm(s['points_alone']):>7} | {verdict(s)}"
        )
    print("'markers' = data-markers set by static/js/map.js (all markers in the cluster layer: interactive);")
    print("'long tasks' = total of the tasks > 50 ms in the cold load, 'longest' = the longest of them (input delay);")
    print("'zoom-in' = map.setZoom(+1) to the next frame, markers in; KiB = bytes received (headers + bodies).")
    print("'points TTFB' = points.json request to first byte in the cold loads; 'alone' = the same URL fetched with")
    print("nothing else running (server time: Meilisearch query, rows, JSON, gzip).")
    print("target: 'met' = every load, cold and warm, had its markers in under the target; 'median only' = the cold")
    print("median did but not every load; 'NOT met' = the cold median did not.")


def print_breakdown(n: int, run: dict) -> None:
    """Where the bytes and the time of one cold load went."""
    cold = run["cold"]
    print(f"\nRequests of the first cold load at {n} fiches (bytes received, ms from navigation start):")
    print(f"  {'KiB':>7} {'body KiB':>8} {'start':>6} {'TTFB':>6} {'end':>6}  status  path")
    for r in cold["detail"]:
        t = r.get("timing", {})
        parts = urlsplit(r["url"])
        shown = parts.path + ("?" + parts.query if parts.query else "")
        print(
            f"  {r['bytes'] / 1024:7.1f} {t.get('decoded', 0) / 1024:8.1f} {t.get('start', 0):6.0f} "
            f"{t.get('responseStart', 0) - t.get('requestStart', 0):6.0f} {t.get('end', 0):6.0f}  "
            f"{r['status'] or '-':>6}  {shown[:70]}"
        )
    print(
        f"  DOMContentLoaded {cold['dcl']:.0f} ms, load {cold['load']:.0f} ms, first marker "
        f"{cold['firstMarker']:.0f} ms, data-markers {cold['markersAt']:.0f} ms; "
        f"long tasks {cold['long_tasks_ms']:.0f} ms "
        f"(longest {cold['longest_task_ms']:.0f} ms, last ends at {cold['last_long_task_end_ms']:.0f} ms)"
    )
    if cold["http_errors"]:
        print(f"  HTTP errors: {', '.join(cold['http_errors'])}")
    if cold["page_errors"]:
        print(f"  page errors: {cold['page_errors']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--path", default="/fr/map", help="page and query string (default: every service)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    rows, raw, foreign = [], {}, set()
    broken = None
    with tempfile.TemporaryDirectory() as tmp, bench_app(tmp, TILE_URL="") as app, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for n in args.sizes:
                populate(app, n)
                server, port = start_site(app)
                load_before = os.getloadavg()
                try:
                    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
                        wait_http(client)
                        runs = run_size(browser, f"http://127.0.0.1:{port}", args.path, args.runs, foreign)
                        alone = time_points(client, runs[0]["cold"]["points_url"], args.runs)
                except PageBroken as exc:  # the page itself is broken: say what, keep what was measured
                    broken = f"{n} fiches: {type(exc).__name__}: {exc}"
                    break
                finally:
                    server.terminate()
                    server.join()
                raw[n] = runs
                loadavg = {"before": load_before, "after": os.getloadavg()}
                rows.append({**summary(n, runs), "points_alone": alone, "loadavg": loadavg})
                print_breakdown(n, runs[0])
                print(
                    f"  points.json alone (no browser, gzip): {alone['median']:.0f} ms median, {alone['max']:.0f} max; "
                    f"load average {load_before[0]:.1f} before, {loadavg['after'][0]:.1f} after ({os.cpu_count()} CPUs)"
                )
        finally:
            version = browser.version
            browser.close()

    if rows:
        print_table(rows, args.runs)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"map-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": {"platform": platform.platform(), "python": platform.python_version(), "chromium": version},
                "args": vars(args),
                "target_ms": TARGET_MS,
                "summary": [{**s, "target": verdict(s)} for s in rows],
                "runs": raw,
                "foreign_requests": sorted(foreign),
                "broken": broken,
            },
            indent=1,
        )
    )
    print(f"\nresults: {out.relative_to(REPO_ROOT)}")
    if broken:
        print(f"FAILED: the map page is broken at {broken}", file=sys.stderr)
    if foreign:
        print(f"FAILED: requests to hosts other than loopback: {sorted(foreign)}", file=sys.stderr)
    if broken or foreign:
        sys.exit(1)


if __name__ == "__main__":
    main()
