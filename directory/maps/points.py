"""Marker data for a search: the same query and filters as the result list, only the fields a marker needs.

One lean Meilisearch query (no facets, only FIELDS) returns up to MAX_POINTS documents; the answer is a
compact list of rows so that 10,000 markers stay a small download.
"""

from __future__ import annotations

from directory.i18n import localized
from directory.maps.needs import need_of
from directory.search import hits
from directory.search.query import SearchParams

MAX_POINTS = 10_000
FIELDS = ["id", "service_id", "_geo", "name_fr", "name_nl", "sector"]
COLUMNS = ["lat", "lng", "id", "name", "need"]


def search_hits(
    params: SearchParams, limit: int = MAX_POINTS, attributes: list[str] = FIELDS
) -> tuple[int, list[dict]]:
    """(total, hits) of the search for markers (see `directory.search.hits`)."""
    return hits.search_hits(params, limit, attributes)


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
