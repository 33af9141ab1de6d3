"""Lean searches for maps and paper: the same query and filters as the result list, without facets, only the
attributes asked for, up to `limit` documents in rank order."""

from __future__ import annotations

from dataclasses import replace

from directory.search import get_client, index_name
from directory.search.query import SearchParams, build_queries


def search_hits(params: SearchParams, limit: int, attributes: list[str]) -> tuple[int, list[dict]]:
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
