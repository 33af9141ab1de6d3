"""Tag a location with its commune, quartier and bassin: point-in-polygon when there are coordinates,
postcode → commune otherwise. Anything uncertain is flagged `area_to_review` with a note, never guessed silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union
from shapely.prepared import PreparedGeometry, prep
from sqlalchemy import select

from directory.extensions import db
from directory.geo.loader import SPLIT_COMMUNE
from directory.i18n import N_
from directory.models import Bassin, Commune, Location, PostalCode, Quartier

NEAREST_TOLERANCE_DEG = 0.0007  # ~50 m: the OSM commune polygons leave m²-sized gaps between neighbours
GUESSED_BASSINS = {"centre-ouest", "sud"}  # their Brussels-City parts are a guess (PROVENANCE.md §4)


@dataclass
class _Layer:
    codes: list[str]
    geometries: np.ndarray  # prepared (`shapely.prepare`): a point-in-polygon test 10–20 times faster
    tree: STRtree

    def intersecting(self, points: object) -> tuple[np.ndarray, np.ndarray]:
        """(index of the point, index of the polygon) of each polygon a point is in or on, in the order of
        `STRtree.query(points, predicate="intersects")`: the tree gives the candidates by their boxes and the
        prepared polygons decide (the tree's own predicate does not use them)."""
        inputs, hits = self.tree.query(points)
        keep = shapely.intersects(self.geometries[hits], np.asarray(points)[inputs])
        return inputs[keep], hits[keep]

    def find(self, point: Point) -> str | None:
        """Code of the polygon containing `point`, else of the nearest one within the tolerance."""
        for i in self.intersecting([point])[1]:
            return self.codes[int(i)]
        i = self.tree.query_nearest(point, max_distance=NEAREST_TOLERANCE_DEG)
        return self.codes[int(i[0])] if len(i) else None


@dataclass
class _Index:
    communes: _Layer
    quartiers: _Layer
    bassins: _Layer
    region: BaseGeometry
    prepared_region: PreparedGeometry


_cache: dict[str, _Index] = {}  # the polygons, built once per process; `load_geography` invalidates it


def invalidate_cache() -> None:
    """Forget the polygons (after `load_geography`)."""
    _cache.clear()


Area = type[Bassin] | type[Commune] | type[Quartier]


def _layer(model: Area, key: str) -> _Layer:
    rows = db.session.execute(select(getattr(model, key), model.geometry).where(model.geometry.is_not(None))).all()
    geometries = np.array([shape(json.loads(geometry)) for _, geometry in rows], dtype=object)
    shapely.prepare(geometries)
    return _Layer([code for code, _ in rows], geometries, STRtree(geometries))


def _index() -> _Index:
    index = _cache.get("index")
    if index is None:
        communes = _layer(Commune, "nis")
        region = unary_union(communes.geometries)
        shapely.prepare(region)  # contains_xy and the vectorised tests of areas_many use it
        index = _Index(communes, _layer(Quartier, "code"), _layer(Bassin, "code"), region, prep(region))
        if communes.codes:  # never cache an empty geography (before `flask geo load`)
            _cache["index"] = index
    return index


def _in_region(index: _Index, point: Point) -> bool:
    return index.prepared_region.contains(point) or index.region.distance(point) <= NEAREST_TOLERANCE_DEG


def point_in_region(lat: float, lon: float) -> bool:
    """True when the point lies in the Brussels-Capital Region (with the 50 m tolerance)."""
    index = _index()
    if shapely.contains_xy(index.region, lon, lat):  # the usual answer, without building a Point
        return True
    return _in_region(index, Point(lon, lat))


def commune_for_postcode(code: str) -> Commune | None:
    """The commune of a Brussels postcode (the main one when several communes share it)."""
    postal = db.session.get(PostalCode, (code or "").strip())
    return postal.commune if postal else None


def tag_location(location: Location) -> None:
    """Set commune_nis, quartier_code, bassin_code, area_to_review and area_note on `location`."""
    for name, value in areas(location.lat, location.lon, location.postcode).items():
        setattr(location, name, value)


def areas(lat: float | None, lon: float | None, postcode: str | None) -> dict:
    """commune_nis, quartier_code, bassin_code, area_to_review and area_note for a point, else a postcode.

    `area_note` holds an English msgid, translated when displayed (`_(location.area_note)`)."""
    result: dict = {
        "commune_nis": None,
        "quartier_code": None,
        "bassin_code": None,
        "area_to_review": False,
        "area_note": "",
    }
    if lat is not None and lon is not None:
        result.update(_point_areas(Point(lon, lat)))
    else:
        result.update(_postcode_areas((postcode or "").strip()))
    return result


def _point_areas(point: Point) -> dict[str, str | bool | None]:
    index = _index()
    if not _in_region(index, point):
        return {"area_to_review": True, "area_note": N_("The position is outside the Brussels-Capital Region.")}
    found: dict[str, str | bool | None] = {
        "commune_nis": index.communes.find(point),
        "quartier_code": index.quartiers.find(point),
        "bassin_code": index.bassins.find(point),
    }
    if found["commune_nis"] == SPLIT_COMMUNE and found["bassin_code"] in GUESSED_BASSINS:
        found.update(
            area_to_review=True,
            area_note=N_("The bassin of central Brussels-City is not officially published; it is a guess."),
        )
    return found


def areas_many(places: list[tuple[float | None, float | None, str | None]]) -> list[dict]:
    """`areas(lat, lon, postcode)` of many places at once (an import's batch): the same answers, with the
    point-in-polygon tests of all the points done in a few vectorised calls."""
    results: list[dict | None] = [None] * len(places)
    located = [i for i, (lat, lon, _postcode) in enumerate(places) if lat is not None and lon is not None]
    for i, (lat, lon, postcode) in enumerate(places):
        if lat is None or lon is None:
            results[i] = areas(lat, lon, postcode)
    if located:
        index = _index()
        points = shapely.points([places[i][1] for i in located], [places[i][0] for i in located])
        inside = shapely.contains(index.region, points)
        outside = [k for k in range(len(located)) if not inside[k]]  # the distance only where it decides
        distances = shapely.distance(index.region, points[outside])
        near = dict(zip(outside, distances <= NEAREST_TOLERANCE_DEG, strict=True))
        codes = {name: _first_many(getattr(index, name), points) for name in ("communes", "quartiers", "bassins")}
        for k, i in enumerate(located):
            if not (inside[k] or near.get(k)):
                results[i] = areas(places[i][0], places[i][1], places[i][2])
                continue
            found = {
                "commune_nis": codes["communes"][k],
                "quartier_code": codes["quartiers"][k],
                "bassin_code": codes["bassins"][k],
                "area_to_review": False,
                "area_note": "",
            }
            if found["commune_nis"] == SPLIT_COMMUNE and found["bassin_code"] in GUESSED_BASSINS:
                found.update(
                    area_to_review=True,
                    area_note=N_("The bassin of central Brussels-City is not officially published; it is a guess."),
                )
            results[i] = found
    return [r for r in results if r is not None]


def _first_many(layer: _Layer, points: object) -> list[str | None]:
    """`layer.find` of each point: a point inside exactly one polygon is answered from one vectorised query; the
    others (none, or on a boundary) ask `find` itself, so the answer is always the same."""
    inputs, hits = layer.intersecting(points)
    counts: dict[int, int] = {}
    first: dict[int, int] = {}
    for k, hit in zip(inputs.tolist(), hits.tolist(), strict=True):
        counts[k] = counts.get(k, 0) + 1
        first.setdefault(k, hit)
    return [
        layer.codes[first[k]] if counts.get(k) == 1 else layer.find(points[k])  # type: ignore[index]
        for k in range(len(points))  # type: ignore[arg-type]
    ]


def _postcode_areas(postcode: str) -> dict:
    postal = db.session.get(PostalCode, postcode)
    if postal is None:
        return {"area_to_review": True, "area_note": N_("No position and no Brussels postcode: the area is unknown.")}
    bassin = postal.bassin_code or (postal.commune.bassin_code if postal.commune else None)
    found: dict = {"commune_nis": postal.commune_nis, "bassin_code": bassin}
    if postal.shared:
        found.update(
            area_to_review=True, area_note=N_("This postcode is shared by several communes: check the commune.")
        )
    elif bassin is None:
        found.update(
            area_to_review=True,
            area_note=N_("Brussels-City is split between bassins: the bassin needs the exact address."),
        )
    return found


def boundaries_geojson(level: str) -> dict:
    """Boundaries of one level ("bassin", "commune" or "quartier") as a FeatureCollection with FR/NL names."""
    levels: dict[str, tuple[Area, str]] = {
        "bassin": (Bassin, "code"),
        "commune": (Commune, "nis"),
        "quartier": (Quartier, "code"),
    }
    model, key = levels[level]
    rows = db.session.execute(
        select(getattr(model, key), model.name_fr, model.name_nl, model.geometry).where(model.geometry.is_not(None))
    ).all()
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": code, "name_fr": fr, "name_nl": nl},
                "geometry": json.loads(geometry),
            }
            for code, fr, nl, geometry in rows
        ],
    }
