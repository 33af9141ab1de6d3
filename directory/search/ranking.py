"""Last touches on a page of hits: the distance to the place searched, and duplicates of one place moved down."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_000
SAME_PLACE_METRES = 60


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> int:
    """Great-circle distance in metres (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(math.sqrt(h)))


def _point(hit: dict) -> tuple[float, float] | None:
    geo = hit.get("_geo")
    return (geo["lat"], geo["lng"]) if geo else None


def _name(hit: dict) -> str:
    return " ".join((hit.get("name_fr") or hit.get("name_nl") or "").lower().split())


def arrange(hits: list[dict], params) -> list[dict]:
    """Add `_geoDistance` (metres) from the searched place when Meilisearch did not, and move the second fiche of
    a place after the others of the page, marked `duplicate`, so that copies never fill the top of the list."""
    origin = params.origin
    for hit in hits:
        point = _point(hit)
        if origin and point and "_geoDistance" not in hit:
            hit["_geoDistance"] = distance_m(origin, point)
    # Two fiches of one place: the same name within SAME_PLACE_METRES (another service of the same organisation
    # at the same address has another name and stays).
    kept: list[dict] = []
    moved: list[dict] = []
    places: dict[str, list[tuple[tuple[float, float], object]]] = {}
    for hit in hits:
        point, name = _point(hit), _name(hit)
        same = places.setdefault(name, [])
        if point and any(sid != hit.get("service_id") and distance_m(point, p) <= SAME_PLACE_METRES for p, sid in same):
            hit["duplicate"] = True
            moved.append(hit)
        else:
            kept.append(hit)
            if point:
                same.append((point, hit.get("service_id")))
    return kept + moved
