"""Brussels geography as data: loading, point and postcode tagging, uncertainty flagged, never guessed silently."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from directory.extensions import db
from directory.geo.loader import bassin_code, dutch_title, load_geography
from directory.geo.tagging import boundaries_geojson, point_in_region, tag_location
from directory.models import Bassin, Commune, Location, PostalCode, Quartier


def test_loaded_counts_and_idempotence(app: Flask) -> None:
    with app.app_context():
        counts = [
            db.session.scalar(select(func.count()).select_from(m)) for m in (Bassin, Commune, Quartier, PostalCode)
        ]
        assert counts == [5, 19, 145, 22]
        summary = load_geography(Path(app.config["SHARED_DATA_DIR"]))
        assert "(0 rows changed)" in summary
        assert db.session.get(Commune, "21004").bassin_code is None  # Brussels-City is split
        assert db.session.get(Commune, "21015").bassin.name_nl == "Noord-Oost"


def test_names_and_codes() -> None:
    assert bassin_code("Centre-Ouest") == bassin_code("Ouest") == "centre-ouest"
    assert bassin_code("Sud (guess: Bruxelles-centre split)") == "sud"
    assert dutch_title("BEGIJNHOF - DIKSMUIDE") == "Begijnhof - Diksmuide"
    assert dutch_title("SINT-JANS-MOLENBEEK CENTRUM VAN DE STAD") == "Sint-Jans-Molenbeek Centrum van de Stad"


@pytest.mark.parametrize(
    ("lat", "lon", "commune", "bassin", "review"),
    [
        (50.8676, 4.3737, "21015", "nord-est", False),  # Schaerbeek, place Colignon
        (50.8847, 4.3560, "21004", "nord", False),  # Laeken: Brussels-City, but bassin Nord is confirmed
        (50.8467, 4.3525, "21004", "centre-ouest", True),  # Grand-Place: the split of the centre is a guess
        (50.8366, 4.3078, "21001", "centre-ouest", False),  # Anderlecht
        (50.808416, 4.438362, "21002", "sud-est", False),  # Auderghem
    ],
)
def test_point_tagging(app: Flask, lat: float, lon: float, commune: str, bassin: str, review: bool) -> None:
    with app.app_context():
        location = Location(lat=lat, lon=lon)
        tag_location(location)
        assert (location.commune_nis, location.bassin_code, location.area_to_review) == (commune, bassin, review)
        assert location.quartier_code is not None


def test_point_outside_the_region_is_flagged(app: Flask) -> None:
    with app.app_context():
        location = Location(lat=51.2194, lon=4.4025)  # Antwerp
        tag_location(location)
        assert location.commune_nis is None and location.area_to_review
        assert location.area_note == "The position is outside the Brussels-Capital Region."
        assert not point_in_region(51.2194, 4.4025) and point_in_region(50.85, 4.35)


@pytest.mark.parametrize(
    ("postcode", "commune", "bassin", "review"),
    [
        ("1030", "21015", "nord-est", False),
        ("1020", "21004", "nord", False),  # Laeken
        ("1000", "21004", None, True),  # central Brussels-City: bassin unknown without the address
        ("1040", "21005", "sud-est", True),  # shared by Etterbeek and Brussels-City
        ("9999", None, None, True),
    ],
)
def test_postcode_tagging(app: Flask, postcode: str, commune: str | None, bassin: str | None, review: bool) -> None:
    with app.app_context():
        location = Location(postcode=postcode)
        tag_location(location)
        assert (location.commune_nis, location.bassin_code, location.area_to_review) == (commune, bassin, review)
        assert bool(location.area_note) == review


def test_boundaries_have_bilingual_names(app: Flask) -> None:
    with app.app_context():
        bassins = boundaries_geojson("bassin")
        assert len(bassins["features"]) == 5
        names = {f["properties"]["name_nl"] for f in bassins["features"]}
        assert names == {"Noord", "Noord-Oost", "Centrum-West", "Zuid", "Zuid-Oost"}
        assert len(boundaries_geojson("quartier")["features"]) == 145
