"""Geocoding with geopy on recorded Nominatim responses (never the live service), cache and fallback."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderUnavailable
from sqlalchemy import func, select

from directory.extensions import db
from directory.importing.run import run_import
from directory.models import GeocodeCache, Service
from importers.template import TemplateImporter

RECORDED = json.loads((Path(__file__).parent / "data" / "geocoder" / "nominatim.json").read_text(encoding="utf-8"))


class RecordedNominatim(BaseSyncAdapter):
    """Answers geopy's HTTP calls from the recorded responses and counts them."""

    calls: list[str] = []

    def get_json(self, url: str, *, timeout: float, headers: dict) -> list:
        query = parse_qs(urlsplit(url).query)["q"][0]
        RecordedNominatim.calls.append(query)
        return RECORDED[query]

    def get_text(self, url: str, *, timeout: float, headers: dict) -> str:
        raise NotImplementedError


class Offline(BaseSyncAdapter):
    def get_json(self, url: str, *, timeout: float, headers: dict) -> list:
        raise GeocoderUnavailable("no network")

    def get_text(self, url: str, *, timeout: float, headers: dict) -> str:
        raise GeocoderUnavailable("no network")


def write(tmp_path: Path) -> Path:
    path = tmp_path / "addresses.csv"
    path.write_text(
        "source_id,name_fr,sectors,street_fr,house_number,postcode\n"
        "a,Service Royale,cpas,Rue Royale,1,1000\n"
        "b,Service Haecht,cpas,Chaussée de Haecht,800,1030\n"
        "c,Service Nulle part,cpas,Nulle part,1,1030\n",
        encoding="utf-8",
    )
    return path


def located(source_id: str) -> tuple:
    location = db.session.scalar(select(Service).where(Service.source_id == source_id)).locations[0]
    return location.geocode_precision, location.commune_nis, location.area_to_review


def test_addresses_are_geocoded_with_precision_and_cached(app: Flask, tmp_path: Path) -> None:
    app.config.update(GEOCODER="nominatim", GEOCODER_MIN_DELAY=0)
    path = write(tmp_path)
    RecordedNominatim.calls = []
    with app.app_context():
        report = run_import(TemplateImporter(), path, source="geo", geocoder_adapter=RecordedNominatim)
        assert report.created == 3
        assert located("a") == ("address", "21004", True)  # central Brussels-City: bassin still a guess, flagged
        assert located("b") == ("street", "21015", False)
        assert located("c") == (None, "21015", False)  # not found: the commune comes from the postcode
        assert [i.line for i in report.issues if i.field == "geocoding"] == [4]
        assert db.session.scalar(select(func.count()).select_from(GeocodeCache)) == 3  # misses are cached too

        run_import(TemplateImporter(), path, source="geo2", geocoder_adapter=RecordedNominatim)
        assert len(RecordedNominatim.calls) == 3  # the second import asked nothing


def test_unreachable_geocoder_falls_back_to_postcodes_and_says_so(app: Flask, tmp_path: Path) -> None:
    app.config.update(GEOCODER="nominatim", GEOCODER_MIN_DELAY=0)
    with app.app_context():
        report = run_import(TemplateImporter(), write(tmp_path), source="geo", geocoder_adapter=Offline)
        assert report.created == 3
        notes = [i for i in report.issues if i.field == "geocoding"]
        assert [i.line for i in notes] == [2]  # said once, then geocoding stops for the run
        assert "code postal" in notes[0].message("fr") and "postcode" in notes[0].message("nl")
        assert located("b") == (None, "21015", False)
        assert db.session.scalar(select(func.count()).select_from(GeocodeCache)) == 0
