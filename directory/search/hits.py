"""Lean searches for maps and paper: the same query and filters as the result list, without facets, only the
attributes asked for, up to `limit` documents in rank order."""

from __future__ import annotations

from dataclasses import replace

from directory.search import get_client, index_name
from directory.search.query import SearchParams, build_queries


def _search(params: SearchParams, limit: int, strategy: str, attributes: list[str]) -> dict:
    uid = index_name()
    lean = replace(params, page=1, per_page=limit)
    body = build_queries(lean, uid, attributes=attributes, strategy=strategy)[0]
    for key in ("indexUid", "facets"):
        body.pop(key, None)
    return get_client().search(uid, body)


def search_hits(params: SearchParams, limit: int, attributes: list[str]) -> tuple[int, list[dict]]:
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
