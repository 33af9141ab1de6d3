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


def search_hits(
    params: SearchParams, limit: int = MAX_POINTS, attributes: list[str] = FIELDS
) -> tuple[int, list[dict]]:
    """(total, hits) of the search without facets, in rank order (by distance with `near`); like the list, only
    true matches (no "some of the words" fallback); answered from SQL when Meilisearch fails."""
    from directory.search import fallback

    return fallback.degrade(
        lambda: _meili_hits(params, limit, attributes), lambda: fallback.search_hits(params, limit, attributes)
    )


def _meili_hits(params: SearchParams, limit: int, attributes: list[str]) -> tuple[int, list[dict]]:
    uid = index_name()
    lean = replace(params, page=1, per_page=limit)
    queries = build_queries(lean, uid, attributes=attributes, facets=False)  # the kind, then other kinds' text
    results = get_client().request("POST", "/multi-search", {"queries": queries})["results"]
    hits = [hit for result in results for hit in result["hits"]][:limit]
    return sum(result.get("totalHits", 0) for result in results), hits


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
