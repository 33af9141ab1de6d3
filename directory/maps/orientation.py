"""Orientation layers on maps and paper (parks, water, metro/tram/train lines and stops), and the nearest stops of
a place ("how to get there").

The rows come from the `map_feature` and `transit_stop` tables (`directory.geo.orientation`, loaded with the
geography); they are read once per process and kept simplified in memory, like the boundaries.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge
from sqlalchemy import select

from directory.extensions import db
from directory.maps.boundaries import _rounded

TOLERANCE_DEG = 0.00008  # ≈ 6–9 m: finer than a line's width on screen or paper
LABEL_EVERY_M = 2500  # a line number every 2.5 km along each metro and tram line
BUS_LABEL_EVERY_M = 1500  # bus numbers are only shown close in (zoom 16): closer together
WALK_DETOUR = 1.25  # streets are longer than the straight line (a usual urban factor)
WALK_M_PER_MIN = 75  # 4.5 km/h
METRES_PER_DEG = 111_320


@dataclass(frozen=True)
class Feature:
    layer: str
    kind: str
    ref: str
    colour: str
    name_fr: str
    name_nl: str
    tunnel: bool
    geometry: BaseGeometry


@dataclass(frozen=True)
class Stop:
    name_fr: str
    name_nl: str
    lat: float
    lon: float
    modes: tuple[str, ...]
    metro_lines: tuple[str, ...]
    tram_lines: tuple[str, ...]


@dataclass(frozen=True)
class NearStop:
    """A stop near a place: straight-line `distance_m`, and the estimated walk (`walk_m`, `walk_min`)."""

    stop: Stop
    distance_m: int
    walk_m: int
    walk_min: int

    def lines(self) -> list[tuple[str, str]]:
        """(mode, line) pairs: ("metro", "2"), ("tram", "81"); a train stop without lines gives ("train", "")."""
        pairs = [("metro", ref) for ref in self.stop.metro_lines] + [("tram", ref) for ref in self.stop.tram_lines]
        if "train" in self.stop.modes:
            pairs.append(("train", ""))
        return pairs


@dataclass
class _Cache:
    features: list[Feature] = field(default_factory=list)
    stops: list[Stop] = field(default_factory=list)
    loaded: bool = False
    generation: int = 0  # directory.geo.orientation.generation when loaded


_cache = _Cache()


def clear_cache() -> None:
    """Forget the layers (after `flask geo load`, in tests)."""
    global _cache
    _cache = _Cache()


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in (value or "").split(";") if v)


def _load() -> _Cache:
    from directory.geo import orientation as source

    if _cache.loaded and _cache.generation == source.generation:
        return _cache
    clear_cache()
    _cache.generation = source.generation
    from directory.models import MapFeature, TransitStop

    for row in db.session.scalars(select(MapFeature).order_by(MapFeature.id)):
        geometry = shape(json.loads(row.geometry)).simplify(TOLERANCE_DEG, preserve_topology=True)
        if row.layer in ("transit", "bus") and geometry.geom_type == "MultiLineString":
            geometry = linemerge(geometry)
        _cache.features.append(
            Feature(row.layer, row.kind, row.ref, row.colour, row.name_fr, row.name_nl, row.tunnel, geometry)
        )
    for stop in db.session.scalars(select(TransitStop).order_by(TransitStop.id)):
        _cache.stops.append(
            Stop(
                stop.name_fr,
                stop.name_nl,
                stop.lat,
                stop.lon,
                _split(stop.modes),
                _split(stop.metro_lines),
                _split(stop.tram_lines),
            )
        )
    _cache.loaded = bool(_cache.features or _cache.stops)  # never cache an empty set (before `flask geo load`)
    return _cache


def features(layers: tuple[str, ...] = ("park", "water", "transit")) -> list[Feature]:
    """The simplified features of `layers`, parks and water first (drawn below the lines)."""
    order = {"park": 0, "water": 1, "bus": 2, "transit": 3}
    return sorted((f for f in _load().features if f.layer in layers), key=lambda f: order[f.layer])


def stops() -> list[Stop]:
    """Every named metro, tram and train stop."""
    return list(_load().stops)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Straight-line distance in metres (equirectangular: exact to a few metres within the region)."""
    dx = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    dy = lat2 - lat1
    return math.hypot(dx, dy) * METRES_PER_DEG


def nearest_stops(lat: float, lon: float, limit: int = 2, within_m: int = 1000) -> list[NearStop]:
    """The `limit` nearest stops within `within_m` (straight line), and the nearest metro or train stop too when
    it is within reach but not among them. The walk is an estimate: straight line × 1.25, at 4.5 km/h."""
    ranked = sorted((distance_m(lat, lon, s.lat, s.lon), s) for s in stops())
    ranked = [(d, s) for d, s in ranked if d <= within_m]
    chosen = ranked[:limit]
    heavy = next(((d, s) for d, s in ranked if {"metro", "train"} & set(s.modes)), None)
    if heavy and heavy not in chosen:
        chosen.append(heavy)
    result = []
    for d, stop in chosen:
        walk = round(d * WALK_DETOUR / 10) * 10
        result.append(NearStop(stop, round(d), walk, max(1, math.ceil(walk / WALK_M_PER_MIN))))
    return result


def _line_labels(feature: Feature, every_m: int = LABEL_EVERY_M) -> list[tuple[float, float]]:
    """Points every `every_m` along a line (its longest part), where its number is written."""
    geometry = feature.geometry
    parts = getattr(geometry, "geoms", [geometry])
    longest = max(parts, key=lambda g: g.length)
    length_m = longest.length * METRES_PER_DEG * 0.8  # rough: degrees mixed at ~50.8° N
    count = max(1, int(length_m // every_m))
    points = []
    for i in range(count):
        point = longest.interpolate((i + 0.5) / count, normalized=True)
        points.append((point.x, point.y))
    return points


def orientation_geojson(lang: str) -> dict:
    """One FeatureCollection for static/js/map.js: parks, water, metro/tram/train lines, stops and line numbers.
    Each feature has `t` (park, water, metro, tram, train, stop, label) and what its drawing needs."""
    name_key = "name_nl" if lang == "nl" else "name_fr"
    out: list[dict] = []

    def add(geometry: BaseGeometry, **props: object) -> None:
        geo = mapping(geometry)
        out.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": geo["type"], "coordinates": _rounded(geo["coordinates"])},
            }
        )

    for feature in features():
        name = getattr(feature, name_key)
        if feature.layer in ("park", "water"):
            add(feature.geometry, t=feature.layer, name=name)
        else:
            add(feature.geometry, t=feature.kind, ref=feature.ref, colour=feature.colour, tunnel=feature.tunnel)
    for feature in features(("transit",)):
        if feature.kind in ("metro", "tram") and feature.ref:
            for x, y in _line_labels(feature):
                props = {"t": "label", "mode": feature.kind, "ref": feature.ref, "colour": feature.colour}
                out.append(
                    {
                        "type": "Feature",
                        "properties": props,
                        "geometry": {"type": "Point", "coordinates": [round(x, 5), round(y, 5)]},
                    }
                )
    for stop in stops():
        out.append(
            {
                "type": "Feature",
                "properties": {"t": "stop", "name": getattr(stop, name_key), "modes": list(stop.modes)},
                "geometry": {"type": "Point", "coordinates": [round(stop.lon, 5), round(stop.lat, 5)]},
            }
        )
    return {"type": "FeatureCollection", "features": out}


def bus_geojson() -> dict:
    """The STIB bus lines for static/js/map.js, fetched only when the map is zoomed in (they are drawn thin, under
    the metro and trams, from zoom 15): `t` is "bus" for a line, "bus_label" for a point where its number goes."""
    out: list[dict] = []
    for feature in features(("bus",)):
        geo = mapping(feature.geometry)
        out.append(
            {
                "type": "Feature",
                "properties": {"t": "bus", "ref": feature.ref},
                "geometry": {"type": geo["type"], "coordinates": _rounded(geo["coordinates"])},
            }
        )
        if feature.ref:
            for x, y in _line_labels(feature, BUS_LABEL_EVERY_M):
                out.append(
                    {
                        "type": "Feature",
                        "properties": {"t": "bus_label", "ref": feature.ref},
                        "geometry": {"type": "Point", "coordinates": [round(x, 5), round(y, 5)]},
                    }
                )
    return {"type": "FeatureCollection", "features": out}
