"""Fetch Bruxelles Social / Sociaal Brussel politely into a folder that the importer reads (and a re-run resumes).

1. `GET {base}/search/organisation/*` (the list of organisations) → `index.json`, once;
2. `GET {base}/organisation/{id}` for each organisation not yet in the folder → `organisation-<id>.json`, with
   SOCIAL_BRUSSELS_DELAY seconds between requests. An interrupted run starts again where it stopped; an answer that
   is not 200 or not JSON is reported and skipped (the next run asks again).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from flask import current_app

from importers.social_brussels import SocialBrusselsImporter


@dataclass
class FetchReport:
    fetched: int = 0
    kept: int = 0  # already in the folder
    problems: list[str] = field(default_factory=list)


def social_brussels_importer() -> SocialBrusselsImporter:
    """The importer with the configured licence note."""
    return SocialBrusselsImporter(licence=current_app.config["SOCIAL_BRUSSELS_LICENCE"])


def fetch(folder: Path, limit: int | None = None, transport: httpx.BaseTransport | None = None) -> FetchReport:
    """Fill `folder` (see the module docstring); `transport` replaces the network (recorded answers in tests)."""
    config = current_app.config
    base, delay = config["SOCIAL_BRUSSELS_BASE_URL"].rstrip("/"), float(config["SOCIAL_BRUSSELS_DELAY"])
    folder.mkdir(parents=True, exist_ok=True)
    report = FetchReport()
    headers = {"User-Agent": config["SOCIAL_BRUSSELS_USER_AGENT"], "Accept": "application/json"}
    with httpx.Client(headers=headers, timeout=30.0, transport=transport) as client:
        index_path = folder / "index.json"
        if not index_path.exists():
            answer = _get(client, f"{base}/search/organisation/*", report)
            if answer is None:
                return report
            index_path.write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
            time.sleep(delay)
        index = json.loads(index_path.read_text(encoding="utf-8"))
        items = (index.get("organisations", index.get("results", [])) if isinstance(index, dict) else index) or []
        for item in items:
            key = str(item.get("id")) if isinstance(item, dict) else ""
            if not key:
                continue
            target = folder / f"organisation-{key}.json"
            if target.exists():
                report.kept += 1
                continue
            if limit is not None and report.fetched >= limit:
                break
            answer = _get(client, f"{base}/organisation/{key}", report)
            if answer is not None:
                target.write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
                report.fetched += 1
            time.sleep(delay)
    return report


def _get(client: httpx.Client, url: str, report: FetchReport) -> object | None:
    try:
        response = client.get(url)
        if response.status_code != 200:
            report.problems.append(f"{url}: HTTP {response.status_code}")
            return None
        return response.json()
    except (httpx.HTTPError, ValueError) as exc:
        report.problems.append(f"{url}: {exc}")
        return None
