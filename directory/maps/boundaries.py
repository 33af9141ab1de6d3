"""Boundaries of bassins, communes and quartiers, simplified for screens and paper.

The polygons come from `directory.geo.tagging.boundaries_geojson` (full precision, for tagging); maps get them
simplified to about 10 m with coordinates rounded to 5 decimals (≈1 m), which divides their size by five.
"""

from __future__ import annotations

from typing import Any

from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from directory.geo.tagging import boundaries_geojson
from directory.i18n import localized

TOLERANCE_DEG = 0.0001  # ≈ 10 m at the latitude of Brussels
LEVELS = ("bassin", "commune", "quartier")

_shapes: dict[str, list[tuple[str, dict, BaseGeometry]]] = {}


def clear_cache() -> None:
    """Forget the simplified polygons (in tests). A running site keeps them until it restarts: restart it after
    `flask geo load`."""
    _shapes.clear()


def area_shapes(level: str) -> list[tuple[str, dict, BaseGeometry]]:
    """(code, properties with name_fr/name_nl, simplified shapely geometry) for each area of `level`."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    if level not in _shapes:
        result = []
        for feature in boundaries_geojson(level)["features"]:
            geometry = shape(feature["geometry"]).simplify(TOLERANCE_DEG, preserve_topology=True)
            result.append((feature["properties"]["code"], feature["properties"], geometry))
        if result:  # never cache an empty geography (before `flask geo load`)
            _shapes[level] = result
        return result
    return _shapes[level]


def _rounded(coords: Any) -> Any:
    """GeoJSON coordinates (nested lists of [lng, lat]) rounded to 5 decimals (about a metre)."""
    if isinstance(coords, (tuple, list)) and coords and isinstance(coords[0], float | int):
        return [round(coords[0], 5), round(coords[1], 5)]
    return [_rounded(c) for c in coords]


def feature_collection(level: str, lang: str) -> dict:
    """A GeoJSON FeatureCollection of `level` with `code` and `name` (in `lang`, else the other language)."""
    features = []
    for code, props, geometry in area_shapes(level):
        geo = mapping(geometry)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": code,
                    "name": localized(props, "name", lang).text,
                    # where the name is written on the map: a point surely inside the area
                    "label": _rounded(list(geometry.representative_point().coords[0])),
                },
                "geometry": {"type": geo["type"], "coordinates": _rounded(geo["coordinates"])},
            }
        )
    return {"type": "FeatureCollection", "features": features}
