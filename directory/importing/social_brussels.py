"""Fetch Bruxelles Social / Sociaal Brussel politely into a folder that the importer reads (and a re-run resumes).

1. `GET {base}/search/organisation/*` (the list of organisations) → `index.json`, once;
2. the lookups `GET {base}/agreements`, `{base}/actionzones` and `{base}/sectors` → `agreements.json`,
   `actionzones.json`, `sectors.json`, once each (sectors.json is what a deployment reads to fill
   directory/data/social_brussels_sectors.csv; the importer never reads it);
3. `GET {base}/organisation/{id}` for each organisation not yet in the folder → `organisation-<id>.json`;
4. `GET {base}/search/organisation?agreements={id}` for each agreement of the lookup → `agreement-<id>.json`
   (the organisations that agreement covers: the filter is the one public reuse code calls).

SOCIAL_BRUSSELS_DELAY seconds pass between requests. An interrupted run starts again where it stopped; an answer
that is not 200 or not JSON is reported and skipped (the next run asks again). `limit` caps the organisations and
agreement searches asked in one run.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from flask import current_app

from importers.social_brussels import SocialBrusselsImporter, by_id, read_list


@dataclass
class FetchReport:
    fetched: int = 0
    kept: int = 0  # already in the folder
    problems: list[str] = field(default_factory=list)


LOOKUPS = ("agreements", "actionzones", "sectors")


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

        def save(target: Path, url: str) -> bool:
            """Ask `url` unless `target` is there; False when the answer could not be kept."""
            if target.exists():
                report.kept += 1
                return True
            answer = _get(client, url, report)
            time.sleep(delay)
            if answer is None:
                return False
            target.write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
            report.fetched += 1
            return True

        if not save(folder / "index.json", f"{base}/search/organisation/*"):
            return report
        for lookup in LOOKUPS:
            save(folder / f"{lookup}.json", f"{base}/{lookup}")
        queue = [
            (folder / f"organisation-{key}.json", f"{base}/organisation/{key}") for key in _ids(folder / "index.json")
        ]
        queue += [
            (
                folder / f"agreement-{key}.json",
                str(httpx.URL(f"{base}/search/organisation", params={"agreements": key})),
            )
            for key in _ids(folder / "agreements.json")
        ]
        asked = 0
        for target, url in queue:
            if not target.exists():
                if limit is not None and asked >= limit:
                    break
                asked += 1
            save(target, url)
    return report


def _ids(file: Path) -> list[str]:
    """The ids of the items a saved answer lists (an index, a lookup); [] when it is absent or unreadable (the
    importer reports that)."""
    return list(by_id(read_list(file, [])))


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
