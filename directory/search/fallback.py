"""Search without Meilisearch: the same parameters answered from the SQL database, marked as reduced.

When Meilisearch is down, too slow (MEILI_SEARCH_TIMEOUT) or its index is missing, `degrade` answers from SQL
(the full-text table of `textindex`: SQLite FTS5 or PostgreSQL full-text search) with the same filters,
disjunctive facet counts, distance order and paging, and the page shows a "reduced search" note
(`g.search_degraded`). After a failure Meilisearch is left alone for SEARCH_FALLBACK_PAUSE seconds, so a dead
or hanging server does not cost every request its timeout; the first request after the pause tries it again,
so search recovers by itself. What the reduced search lacks: typo tolerance, synonyms beyond the sectors' own
terms, Meilisearch's ranking rules; the text of other kinds is searched in both languages.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g, has_request_context

from directory.extensions import db
from directory.search.client import MeiliError
from directory.search.settings import FACETS
from directory.search.sqlsearch import (  # noqa: F401 (search_hits, search_page and document: the reduced mode's other answers)
    build_hits,
    count_rows,
    document,
    facet_counts,
    in_order,
    matching_documents,
    matching_terms,
    search_hits,
    search_page,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


class Breaker:
    """Remembers a recent Meilisearch failure for `pause` seconds (one per application, shared by threads)."""

    def __init__(self) -> None:
        self.down_until = 0.0
        self.lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self.down_until

    def trip(self, pause: float) -> None:
        with self.lock:
            self.down_until = time.monotonic() + pause

    def reset(self) -> None:
        self.down_until = 0.0


def breaker() -> Breaker:
    """The application's breaker."""
    return current_app.extensions.setdefault("search_breaker", Breaker())  # type: ignore[no-any-return]


def degrade(meili: Callable[[], T], sql: Callable[[], T]) -> T:
    """`meili()`, or `sql()` when Meilisearch fails or failed less than SEARCH_FALLBACK_PAUSE seconds ago."""
    state = breaker()
    if not state.is_open():
        try:
            return meili()
        except MeiliError as exc:
            state.trip(current_app.config["SEARCH_FALLBACK_PAUSE"])
            log.warning("search degraded to SQL: %s (%s)", exc, exc.code or exc.status)
    if has_request_context():
        g.search_degraded = True
    return sql()


def run_search(params):  # SearchParams → SearchResult (imported lazily: query imports this module)
    """The reduced search: the same answer shape as `directory.search.query.run_search`, with the fiches of other
    kinds whose text holds the kind's words after the true matches, and labelled alternatives when nothing
    matched (directory/search/fallback_related.py)."""
    from directory.search import fallback_related
    from directory.search.query import RETRIEVED, SearchResult, _facet_list

    terms, total = matching_terms(params)
    ordered = in_order(matching_documents(params, terms), params, terms)
    offset = (params.page - 1) * params.per_page
    rows = db.session.execute(ordered.offset(offset).limit(params.per_page)).all()
    hits = build_hits(rows, RETRIEVED, params.near)
    if (other := fallback_related.other_kinds(params)) is not None:
        stmt, other_terms = other
        other_total = count_rows(stmt)  # as Meilisearch's totalHits of the text query
        if (room := params.per_page - len(rows)) > 0:
            start = max(0, offset - total)
            other_rows = db.session.execute(in_order(stmt, params, other_terms).offset(start).limit(room)).all()
            hits += build_hits(other_rows, RETRIEVED, params.near)
        total += other_total
    facets = {name: _facet_list(name, facet_counts(params, terms, name), params) for name in FACETS}
    result = SearchResult(
        total=total,
        page=params.page,
        pages=math.ceil(total / params.per_page) if total else 0,
        per_page=params.per_page,
        hits=hits,
        facets=facets,
        params=params,
        degraded=True,
    )
    if not total and params.page == 1:
        result.alternatives = fallback_related.alternatives(params, RETRIEVED)
    return result
