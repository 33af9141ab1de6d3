"""Orientation layers (transport, water, parks) loaded with the geography, drawn on maps, and nearest stops."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from directory.extensions import db
from directory.maps.builder import build_map
from directory.maps.orientation import nearest_stops
from directory.models import MapFeature, TransitStop

GRAND_PLACE = (50.8467, 4.3524)
FOREST_EDGE = (50.7700, 4.4700)  # south-east corner of the region: no rail stop within a kilometre


def test_layers_are_loaded_with_the_geography(app: Flask) -> None:
    with app.app_context():
        counts = dict(db.session.execute(select(MapFeature.layer, func.count()).group_by(MapFeature.layer)).all())
        assert counts["transit"] == 92 and counts["bus"] == 61  # every line of the reference files
        assert counts["water"] > 100 and counts["park"] > 300  # small ponds and squares left out
        assert db.session.scalar(select(func.count()).select_from(TransitStop)) == 364
        metro = db.session.scalar(select(MapFeature).where(MapFeature.kind == "metro", MapFeature.ref == "1"))
        assert metro.colour.startswith("#") and "Stockel" in metro.name_fr


def test_loading_twice_gives_the_same_rows(app: Flask) -> None:
    from directory.geo.orientation import load_orientation

    with app.app_context():
        first = load_orientation(Path(app.config["SHARED_DATA_DIR"]))
        second = load_orientation(Path(app.config["SHARED_DATA_DIR"]))
        db.session.commit()
        assert first == second
        assert db.session.scalar(select(func.count()).select_from(TransitStop)) == 364


def test_orientation_json_is_gzipped_with_names_in_the_page_language(client: FlaskClient) -> None:
    answer = client.get("/nl/map/orientation.json", headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200 and answer.headers["Content-Encoding"] == "gzip"
    assert len(answer.data) < 150_000  # a cheap phone downloads it once a day
    data = json.loads(gzip.decompress(answer.data))
    kinds = {f["properties"]["t"] for f in data["features"]}
    assert {"park", "water", "metro", "tram", "train", "stop", "label"} <= kinds
    stops = {f["properties"]["name"] for f in data["features"] if f["properties"]["t"] == "stop"}
    assert "Zuidstation" in stops and "Gare du Midi" not in stops
    labels = {f["properties"]["ref"] for f in data["features"] if f["properties"]["t"] == "label"}
    assert {"1", "2", "81"} <= labels


def test_bus_lines_come_apart_for_a_map_zoomed_in(client: FlaskClient) -> None:
    """The bus lines are not in orientation.json (every map loads it): /map/bus.json is fetched only close in."""
    everyday = json.loads(
        gzip.decompress(client.get("/fr/map/orientation.json", headers={"Accept-Encoding": "gzip"}).data)
    )
    assert "bus" not in {f["properties"]["t"] for f in everyday["features"]}
    answer = client.get("/fr/map/bus.json", headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200 and len(answer.data) < 100_000
    data = json.loads(gzip.decompress(answer.data))
    lines = [f for f in data["features"] if f["properties"]["t"] == "bus"]
    assert len(lines) >= 50 and {"12", "71"} <= {f["properties"]["ref"] for f in lines}
    assert any(f["properties"]["t"] == "bus_label" for f in data["features"])


def test_no_third_party_tiles_by_default(app: Flask, client: FlaskClient) -> None:
    from directory.config import DefaultConfig

    assert DefaultConfig.TILE_URL == ""
    page = client.get("/fr/map").get_data(as_text=True)
    assert "tile.openstreetmap.org" not in page and "L.tileLayer" not in page
    assert "/fr/map/orientation.json" in page


def test_orientation_layer_is_shown_without_tiles_and_hidden_with_them(app: Flask) -> None:
    for tiles, shown in (("", True), ("http://127.0.0.1:9/{z}/{x}/{y}.png", False)):
        app.config["TILE_URL"] = tiles
        with app.test_request_context("/fr/map"):
            doc = build_map()
        assert "orientation" in doc.layers
        name = doc.layers["orientation"]
        assert (f"{name}.addTo(" in doc.script) is shown


def test_nearest_stops_give_names_lines_and_a_walk(app: Flask) -> None:
    with app.app_context():
        near = nearest_stops(*GRAND_PLACE)
        assert [n.distance_m for n in near[:2]] == sorted(n.distance_m for n in near[:2])
        first = near[0]
        assert first.stop.name_fr == "Bourse" and ("tram", "4") in first.lines()
        assert first.walk_m >= first.distance_m and first.walk_min >= first.walk_m / 80
        assert any("train" in n.stop.modes or "metro" in n.stop.modes for n in near)  # a heavy stop within reach
        assert nearest_stops(*FOREST_EDGE) == []
