"""Load the orientation layers (public transport, water, parks) from the reference files (../shared/data, see
its PROVENANCE.md, section "Orientation layers"). The rows are replaced as a whole: a second run gives the same
rows. Small features are left out here, once, so that maps and paper never have to filter them."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import delete, inspect

from directory.extensions import db
from directory.models import MapFeature, TransitStop

LINE_FILES = {"transit": "transit_lines_bxl_osm.geojson", "bus": "bus_lines_bxl_osm.geojson"}
WATER_FILE = "water_bxl_osm.geojson"
PARKS_FILE = "parks_bxl_osm.geojson"
STOPS_FILE = "transit_stops_bxl_osm.geojson"
MIN_WATER_M2 = 2_000  # ponds smaller than a tennis court orient nobody
WATER_LINES = {"canal", "river"}  # streams are mostly invisible on the ground
MIN_PARK_M2 = 10_000  # 1 ha; smaller named squares crowd the map


def _features(path: Path) -> list[dict]:
    from directory.geo.loader import GeographyDataError

    if not path.is_file():
        raise GeographyDataError(f"missing reference file: {path}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))["features"]  # type: ignore[no-any-return]
    except (ValueError, KeyError) as exc:
        raise GeographyDataError(f"{path.name} is not a GeoJSON FeatureCollection: {exc}") from exc


def _names(props: dict) -> dict[str, str]:
    name = props.get("name") or ""
    return {"name_fr": props.get("name_fr") or name, "name_nl": props.get("name_nl") or name}


def _rows(data_dir: Path) -> list[MapFeature]:
    rows = []
    for layer, filename in LINE_FILES.items():
        for feature in _features(data_dir / filename):
            props = feature["properties"]
            rows.append(
                MapFeature(
                    layer=layer,
                    kind=props.get("mode") or "",
                    ref=props.get("ref") or "",
                    colour=props.get("colour") or "",
                    tunnel=bool(props.get("tunnel")),
                    geometry=json.dumps(feature["geometry"]),
                    **_names(props),
                )
            )
    for feature in _features(data_dir / WATER_FILE):
        props = feature["properties"]
        polygon = "Polygon" in feature["geometry"]["type"]
        if (polygon and (props.get("area_m2") or 0) < MIN_WATER_M2) or (
            not polygon and props.get("kind") not in WATER_LINES
        ):
            continue
        size = props.get("area_m2") if polygon else props.get("length_m")
        rows.append(
            MapFeature(
                layer="water",
                kind=props.get("kind") or "",
                size=float(size or 0),
                geometry=json.dumps(feature["geometry"]),
                **_names(props),
            )
        )
    for feature in _features(data_dir / PARKS_FILE):
        props = feature["properties"]
        area = float(props.get("area_ha") or 0) * 10_000
        if area < MIN_PARK_M2:
            continue
        rows.append(
            MapFeature(
                layer="park",
                kind=props.get("kind") or "",
                size=area,
                geometry=json.dumps(feature["geometry"]),
                **_names(props),
            )
        )
    return rows


def _stops(data_dir: Path) -> list[TransitStop]:
    stops = []
    for feature in _features(data_dir / STOPS_FILE):
        props = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"][:2]
        stops.append(
            TransitStop(
                lat=round(lat, 6),
                lon=round(lon, 6),
                modes=props.get("modes") or "",
                metro_lines=props.get("metro_lines") or "",
                tram_lines=props.get("tram_lines") or "",
                **_names(props),
            )
        )
    return stops


# Bumped by each load, so that readers' caches (directory.maps.orientation) see that the layers changed.
generation = 0


def load_orientation(data_dir: Path) -> str:
    """Replace the orientation layers with those of `data_dir`; return a one-line summary. A database whose schema
    predates the layers (before `flask db upgrade`) is left alone."""
    if not inspect(db.session.connection()).has_table(MapFeature.__tablename__):
        return "orientation: skipped (the database has no map_feature table yet: upgrade its schema)"
    rows = _rows(data_dir)
    stops = _stops(data_dir)
    db.session.execute(delete(MapFeature))
    db.session.execute(delete(TransitStop))
    db.session.add_all(rows)
    db.session.add_all(stops)
    db.session.flush()
    global generation
    generation += 1
    counts = {layer: sum(1 for r in rows if r.layer == layer) for layer in ("transit", "bus", "water", "park")}
    return "orientation: " + ", ".join(f"{n} {layer}" for layer, n in counts.items()) + f", {len(stops)} stops"
