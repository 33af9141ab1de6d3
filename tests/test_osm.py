"""OpenStreetMap tags → fields through the data table; categories are earned; twins in one file become one."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from importers.base import ServiceRecord
from importers.osm import TABLE, OsmImporter, publics_for, record_from_tags, sectors_for

DATA = Path(__file__).resolve().parent.parent / "directory" / "data"


@pytest.mark.parametrize(
    ("tags", "sectors"),
    [
        (
            {"amenity": "clinic", "healthcare:speciality": "community;addiction;general_practice;psychology"},
            ["addiction"],
        ),
        ({"amenity": "clinic", "healthcare": "alternative;counselling;laboratory;psychotherapist"}, []),
        ({"healthcare": "psychotherapist"}, ["mental_health"]),
        ({"amenity": "clinic", "healthcare:speciality": "psychiatry"}, ["mental_health"]),
        (
            {
                "amenity": "hospital",
                "healthcare:speciality": "general;cardiology;psychiatry;oncology;radiology;urology",
            },
            ["hospital"],
        ),
        ({"amenity": "social_facility", "social_facility": "food_bank"}, ["food_aid"]),
        ({"amenity": "social_facility"}, []),
        ({"amenity": "clinic", "name": "Maison médicale du Test"}, ["medical_house"]),
    ],
)
def test_a_category_must_be_earned(tags: dict, sectors: list[str]) -> None:
    assert sectors_for(tags) == sectors


def test_publics_and_fields_come_from_the_table() -> None:
    tags = {
        "name": "Banque alimentaire test",
        "amenity": "social_facility",
        "social_facility": "food_bank",
        "social_facility:for": "underprivileged;drug_addicted",
        "addr:street": "Rue de Test",
        "addr:housenumber": "3",
        "addr:postcode": "1030",
        "contact:phone": "+32 2 000 00 00;+32 2 000 00 01",
        "phone": "+32 2 999 99 99",
        "operator": "ASBL Test",
        "description": "Colis le mardi",
        "wheelchair": "limited",
    }
    record = record_from_tags(tags, 50.86, 4.37, 1, "node/1")
    assert isinstance(record, ServiceRecord)
    assert publics_for(tags) == record.publics == ["drug_users", "low_income"]
    assert (record.street_fr, record.street_nl, record.house_number, record.postcode) == (
        "Rue de Test",
        "Rue de Test",
        "3",
        "1030",
    )
    assert record.phones == ["+32 2 000 00 00", "+32 2 000 00 01"]  # contact:phone wins over phone
    assert (record.organization_fr, record.description_fr, record.wheelchair) == (
        "ASBL Test",
        "Colis le mardi",
        "limited",
    )


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_code_of_the_table_is_in_the_vocabularies() -> None:
    sectors = {r["code"] for r in _rows(DATA / "sectors.csv")}
    publics = {r["code"] for r in _rows(DATA / "publics.csv")}
    for row in _rows(TABLE):
        if row["target"] == "sector" and row["code"]:
            assert row["code"] in sectors, row
        if row["target"] == "public":
            assert row["code"] in publics, row


def _feature(lon: float, lat: float, **tags: str) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": tags}


def test_the_same_place_mapped_twice_becomes_one_record(tmp_path: Path) -> None:
    features = [
        _feature(4.38415, 50.87726, amenity="clinic", name="Centre Test", **{"contact:phone": "+32 2 245 00 00"}),
        _feature(4.38444, 50.87688, amenity="clinic", name="centre test", website="https://example.org"),  # 47 m
        _feature(4.38415, 50.87900, amenity="clinic", name="Centre Test"),  # same name, 193 m away: another place
        _feature(4.40447, 50.88009, amenity="community_centre", name="Centre Everna", phone="+32 2 247 00 00"),
        _feature(4.40443, 50.88001, amenity="community_centre", name="Maison de jeunes", phone="+32 2 247 00 00"),
    ]
    path = tmp_path / "points.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    records = [r for r in OsmImporter().parse(path) if isinstance(r, ServiceRecord)]
    assert [r.name_fr for r in records] == ["Centre Test", "Centre Test", "Centre Everna", "Maison de jeunes"]
    assert records[0].phones == ["+32 2 245 00 00"] and records[0].website == "https://example.org"


def test_a_point_is_dated_by_its_check_date_else_by_the_extract(tmp_path: Path) -> None:
    features = [
        _feature(4.37, 50.86, amenity="pharmacy", name="Checked", check_date="2025-03-01"),
        _feature(4.30, 50.83, amenity="pharmacy", name="Unchecked"),
    ]
    path = tmp_path / "points.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    records = [r for r in OsmImporter(extract_date="2026-05-16").parse(path) if isinstance(r, ServiceRecord)]
    assert [r.source_date for r in records] == ["2025-03-01", "2026-05-16"]
