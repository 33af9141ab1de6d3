"""Neighbouring communes, computed from the commune polygons (shapely) once per set of geometries."""

from __future__ import annotations

import hashlib
import json

from shapely.geometry import shape
from sqlalchemy import select

from directory.extensions import db

# Shared borders of the OpenStreetMap polygons leave sub-metre gaps: touching within ~30 m counts as neighbours.
TOLERANCE_DEGREES = 0.0003
_cache: dict[str, dict[str, list[str]]] = {}


def compute_neighbours(geometries: dict[str, dict]) -> dict[str, list[str]]:
    """code → sorted codes of the areas whose polygon touches its own (within TOLERANCE_DEGREES)."""
    shapes = {code: shape(geometry) for code, geometry in geometries.items()}
    grown = {code: polygon.buffer(TOLERANCE_DEGREES) for code, polygon in shapes.items()}
    result: dict[str, list[str]] = {code: [] for code in shapes}
    codes = sorted(shapes)
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            if grown[a].intersects(shapes[b]):
                result[a].append(b)
                result[b].append(a)
    return result


def commune_neighbours() -> dict[str, list[str]]:
    """NIS code → neighbouring communes' NIS codes, from the geometries stored in the database (cached)."""
    from directory.models import Commune

    rows = db.session.execute(select(Commune.nis, Commune.geometry).where(Commune.geometry.is_not(None))).all()
    digest = hashlib.sha1("".join(f"{nis}{geometry}" for nis, geometry in rows).encode()).hexdigest()
    if digest not in _cache:
        _cache[digest] = compute_neighbours({nis: json.loads(geometry) for nis, geometry in rows})
    return _cache[digest]
