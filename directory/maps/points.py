"""Marker data for a search: the same query and filters as the result list, only the fields a marker needs.

One lean Meilisearch query (no facets, only FIELDS) returns up to MAX_POINTS documents; the answer is a
compact list of rows so that 10,000 markers stay a small download.
"""

from __future__ import annotations

from dataclasses import replace

from directory.i18n import localized
from directory.maps.needs import need_of
from directory.search import get_client, index_name
from directory.search.query import SearchParams, build_queries

MAX_POINTS = 10_000
FIELDS = ["id", "service_id", "_geo", "name_fr", "name_nl", "sector"]
COLUMNS = ["lat", "lng", "id", "name", "need"]


def _search(params: SearchParams, limit: int, strategy: str, attributes: list[str]) -> dict:
    uid = index_name()
    lean = replace(params, page=1, per_page=limit)
    body = build_queries(lean, uid, attributes=attributes, strategy=strategy)[0]
    for key in ("indexUid", "facets"):
        body.pop(key, None)
    return get_client().search(uid, body)  # type: ignore[no-any-return]


def search_hits(
    params: SearchParams, limit: int = MAX_POINTS, attributes: list[str] = FIELDS
) -> tuple[int, list[dict]]:
    """(total, hits) of the search without facets, in rank order (by distance with `near`); like the list, falls
    back to matching some words when no service matches all of them; answered from SQL when Meilisearch fails."""
    from directory.search import fallback

    return fallback.degrade(
        lambda: _meili_hits(params, limit, attributes), lambda: fallback.search_hits(params, limit, attributes)
    )


def _meili_hits(params: SearchParams, limit: int, attributes: list[str]) -> tuple[int, list[dict]]:
    answer = _search(params, limit, "all", attributes)
    if not answer.get("totalHits") and len(params.q.split()) > 1:
        answer = _search(params, limit, "last", attributes)
    return answer.get("totalHits", 0), answer["hits"]


def map_points(params: SearchParams, limit: int = MAX_POINTS) -> dict:
    """`{"total", "columns", "points"}`: one row per hit that has coordinates, names in `params.lang`."""
    total, hits = search_hits(params, limit)
    points = []
    for hit in hits:
        geo = hit.get("_geo")
        if not geo:
            continue
        name = localized(hit, "name", params.lang).text
        points.append([round(geo["lat"], 5), round(geo["lng"], 5), hit["id"], name, need_of(hit.get("sector"))])
    return {"total": total, "columns": COLUMNS, "points": points}
