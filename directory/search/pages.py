"""The whole result list of a search, page after page: what the downloads of a search stream (directory/api/exports.py).

The results page's query and order, without facets, only the attributes asked for, asked from Meilisearch
`size` documents at a time, so that no answer holds the whole region; the fiches of other kinds (at most
MAX_OTHER) follow, as on the list. When Meilisearch is down the reduced SQL search answers, also page by page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from flask import current_app

from directory.search import get_client, index_name
from directory.search.client import MeiliError
from directory.search.query import SearchParams, build_queries

PAGE = 5_000
PAGE_TIMEOUT = 30.0  # seconds a page of a download may take (a results page gives up after MEILI_SEARCH_TIMEOUT)
RETRIES = 2  # a page that fails is asked again (the download is already under way: no fallback then)


def hit_pages(params: SearchParams, attributes: list[str], size: int = PAGE) -> Iterator[list[dict]]:
    """Lists of at most `size` hits, in the results page's order, until the list (up to MAX_TOTAL_HITS) ends."""
    from directory.search import fallback

    limit = current_app.config["MAX_TOTAL_HITS"]
    first = fallback.degrade(lambda: _meili_page(params, 1, size, attributes), lambda: None)
    if first is None:
        yield from _sql_pages(params, attributes, size, limit)
        return
    main, other = first
    yield main
    page, sent = 1, len(main)
    while len(main) == size and sent < limit:
        page += 1
        main = _retried(params, page, size, attributes)
        if main:
            yield main
        sent += len(main)
    if other:
        yield other


def index_version() -> str:
    """When the index last changed (Meilisearch's `updatedAt`): every published change of a fiche, its places or
    phones reaches it. Empty when Meilisearch does not answer."""
    try:
        return str(get_client().request("GET", f"/indexes/{index_name()}").get("updatedAt", ""))
    except MeiliError:
        return ""


def _retried(params: SearchParams, page: int, size: int, attributes: list[str]) -> list[dict]:
    for attempt in range(RETRIES + 1):
        try:
            return _meili_page(params, page, size, attributes)[0]
        except MeiliError:
            if attempt == RETRIES:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _meili_page(params: SearchParams, page: int, size: int, attributes: list[str]) -> tuple[list[dict], list[dict]]:
    """(main kind's hits of page `page`, the other kinds' hits — asked only with the first page)."""
    lean = replace(params, page=page, per_page=size)
    queries = build_queries(lean, index_name(), attributes=attributes, facets=False)
    if page > 1:
        queries = queries[:1]
    answer = get_client().request("POST", "/multi-search", {"queries": queries}, timeout=PAGE_TIMEOUT)
    results = answer["results"]
    return results[0]["hits"], [hit for result in results[1:] for hit in result["hits"]]


def _sql_pages(params: SearchParams, attributes: list[str], size: int, limit: int) -> Iterator[list[dict]]:
    """The reduced SQL search's list, `size` rows at a time."""
    from directory.search import fallback

    offset = 0
    while offset < limit:
        hits = fallback.search_page(params, offset, min(size, limit - offset), attributes)
        if hits:
            yield hits
        if len(hits) < size:
            return
        offset += size
