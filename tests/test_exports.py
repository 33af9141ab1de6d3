"""Downloads of a search: the results page's parameters give the same fiches in every format; formulas are
neutralised; HSDS downloads are valid HSDS; the results page and the map link to them."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from directory.api.exports import neutral
from directory.extensions import db
from directory.search.sync import wait_until_indexed
from tests.factories import ANDERLECHT, make_service
from tests.hsds_schema import errors, tabular_errors

EXPORT = "/api/v1/export/services."


@pytest.fixture
def fiches(app: Flask) -> dict[str, int]:
    """Two pharmacies (one named like a formula) and a maison médicale, indexed."""
    with app.app_context():
        formula = make_service('=HYPERLINK("http://evil.example")', ("pharmacy",), description_fr="@SUM(A1)")
        other = make_service("Pharmacie du Midi", ("pharmacy",), at=ANDERLECHT)
        make_service("Maison médicale Helmet", ("medical_house",))
        db.session.commit()
        wait_until_indexed()
        return {"formula": formula.id, "other": other.id}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+32 2", "'+32 2"), ("-2", "'-2"), ("@A1", "'@A1"), ("Pharmacie", "Pharmacie"), (3, 3)],
)
def test_cells_that_would_run_as_formulas_are_neutralised(value: Any, expected: Any) -> None:
    assert neutral(value) == expected


def _csv(client: FlaskClient, query: str) -> list[dict]:
    response = client.get(f"{EXPORT}csv?{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))


def test_csv_has_the_searchs_fiches_with_formulas_neutralised(client: FlaskClient, fiches: dict) -> None:
    rows = _csv(client, "sector=pharmacy&lang=fr")
    assert sorted(int(r["service_id"]) for r in rows) == sorted(fiches.values())
    evil = next(r for r in rows if int(r["service_id"]) == fiches["formula"])
    assert evil["name_fr"] == '\'=HYPERLINK("http://evil.example")' and evil["description_fr"] == "'@SUM(A1)"
    assert evil["phones"] == "'+3222220000" and evil["commune"] == "21015"
    assert len(_csv(client, "q=helmet")) == 1
    assert len(_csv(client, "")) == 3


def test_xlsx_holds_the_same_rows_as_text(client: FlaskClient, fiches: dict, tmp_path: Path) -> None:
    response = client.get(f"{EXPORT}xlsx?sector=pharmacy")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert len(table) == 3 and table[0][0] == "service_id"
    names = {row[2] for row in table[1:]}
    assert names == {'\'=HYPERLINK("http://evil.example")', "Pharmacie du Midi"}


def test_geojson_has_one_point_per_place(client: FlaskClient, fiches: dict) -> None:
    response = client.get(f"{EXPORT}geojson?sector=pharmacy")
    assert response.mimetype == "application/geo+json"
    collection = json.loads(response.data)
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 2
    midi = next(f for f in collection["features"] if f["properties"]["service_id"] == fiches["other"])
    assert midi["geometry"] == {"type": "Point", "coordinates": [ANDERLECHT[1], ANDERLECHT[0]]}


def test_hsds_downloads_are_valid_hsds(client: FlaskClient, fiches: dict, tmp_path: Path) -> None:
    services = json.loads(client.get(f"{EXPORT}hsds.json?sector=pharmacy").data)
    assert len(services) == 2 and [errors("service", s) for s in services] == [[], []]
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{EXPORT}hsds.zip?sector=pharmacy").data))
    archive.extractall(tmp_path / "tables")
    assert tabular_errors(tmp_path / "tables") == []
    with (tmp_path / "tables" / "services.csv").open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 2


def test_an_invalid_search_is_a_translated_json_400(client: FlaskClient) -> None:
    answer = client.get(f"{EXPORT}csv?cost=nope", headers={"Accept-Language": "nl"})
    assert answer.status_code == 400 and answer.json["error"]["field"] == "cost"
    assert "Onbekende waarde" in answer.json["error"]["message"]


@pytest.mark.parametrize("page", ["/fr/search?sector=pharmacy&page=1", "/nl/map?sector=pharmacy"])
def test_the_results_page_and_the_map_link_to_the_download(client: FlaskClient, fiches: dict, page: str) -> None:
    html = client.get(page).get_data(as_text=True)
    for fmt in ("csv", "xlsx", "geojson", "hsds.json", "hsds.zip"):
        assert f'href="{EXPORT}{fmt}?' in html
    assert "services.csv?sector=pharmacy&amp;lang=" in html or "services.csv?lang=" in html


def test_the_hsds_download_is_what_the_export_writes_for_each_fiche(
    app: Flask, client: FlaskClient, fiches: dict
) -> None:
    """The downloads read fiches as plain records, not ORM objects: the HSDS objects must not differ."""
    from directory.models import Service
    from directory.models.services import whole_service
    from directory.operations.hsds import service_to_hsds

    served = json.loads(client.get(f"{EXPORT}hsds.json?sector=pharmacy").data)
    with app.app_context():
        expected = {}
        for service_id in fiches.values():
            query = select(Service).where(Service.id == service_id).options(*whole_service())
            expected[service_id] = service_to_hsds(db.session.scalars(query).one())
    assert sorted(served, key=lambda s: s["id"]) == sorted(expected.values(), key=lambda s: s["id"])


def test_the_list_is_read_a_page_of_the_search_at_a_time(app: Flask, fiches: dict) -> None:
    from directory.api.exports import service_ids
    from directory.search.hits import search_hits
    from directory.search.pages import hit_pages
    from directory.search.query import parse_search_args

    with app.test_request_context():
        make_service("Pharmacie de la Gare", ("pharmacy",), at=ANDERLECHT)
        db.session.commit()
        wait_until_indexed()
        params = parse_search_args(MultiDict({"sector": "pharmacy"}), "fr")
        pages = list(hit_pages(params, ["service_id"], size=2))
        assert [len(page) for page in pages] == [2, 1]
        _total, whole = search_hits(params, 100, ["service_id"])
        assert [hit["service_id"] for page in pages for hit in page] == [hit["service_id"] for hit in whole]
        assert [len(ids) for ids in service_ids(params)] == [3]


def test_a_download_is_conditional_on_the_data(app: Flask, client: FlaskClient, fiches: dict) -> None:
    first = client.get(f"{EXPORT}csv?sector=pharmacy")
    etag = first.headers["ETag"]
    assert first.data.count(b"\n") == 3
    again = client.get(f"{EXPORT}csv?sector=pharmacy", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    for other in ("geojson?sector=pharmacy", "csv?sector=pharmacy&q=midi"):
        answer = client.get(EXPORT + other, headers={"If-None-Match": etag})
        assert answer.status_code == 200 and answer.data
    with app.app_context():
        make_service("Pharmacie Nouvelle", ("pharmacy",))
        db.session.commit()
        wait_until_indexed()
    changed = client.get(f"{EXPORT}csv?sector=pharmacy", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag and changed.data.count(b"\n") == 4


def test_a_large_list_streams_in_every_format(app: Flask, client: FlaskClient) -> None:
    """More fiches than one batch: every format holds each once, in the search's order, and the XLSX and zip open."""
    from directory.api import exports

    with app.app_context():
        ids = [make_service(f"Pharmacie {n}", ("pharmacy",)).id for n in range(exports.BATCH + 20)]
        db.session.commit()
        wait_until_indexed()
    rows = _csv(client, "sector=pharmacy")
    assert sorted(int(r["service_id"]) for r in rows) == sorted(ids)
    sheet = load_workbook(io.BytesIO(client.get(f"{EXPORT}xlsx?sector=pharmacy").data), read_only=True).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [int(r["service_id"]) for r in rows]
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{EXPORT}hsds.zip?sector=pharmacy").data))
    assert archive.testzip() is None
    with archive.open("services.csv") as fh:
        assert len(list(csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8")))) == len(ids)


def test_the_hsds_zip_writes_shared_rows_once_across_batches(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Fiches sharing an organisation and a place, in batches of two: each organisation, place, address and term is
    written once, every reference resolves, and the tables read back as the same services."""
    from directory.api import exports
    from importers.hsds_tabular import compile_tables, read_tables

    monkeypatch.setattr(exports, "BATCH", 2)
    with app.app_context():
        first = make_service("Pharmacie Centrale", ("pharmacy",))
        for n in range(4):
            other = make_service(f"Pharmacie {n}", ("pharmacy",), at=ANDERLECHT)
            other.organization = first.organization
            if n % 2:
                other.locations.append(first.locations[0])  # a second place, the first fiche's
        db.session.commit()
        wait_until_indexed()
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{EXPORT}hsds.zip?sector=pharmacy").data))
    archive.extractall(tmp_path)
    assert tabular_errors(tmp_path) == []
    tables = read_tables(tmp_path)
    for table in ("organizations", "locations", "addresses", "taxonomies", "taxonomy_terms"):
        ids = [row["id"] for row in tables[table]]
        assert ids and len(ids) == len(set(ids)), table
    assert len(tables["organizations"]) == 1
    places = {row["location_id"] for row in tables["service_at_location"]}
    assert places == {row["id"] for row in tables["locations"]} and len(places) == 5  # one each, one shared
    services = compile_tables(tables)  # every reference resolves
    assert len(services) == 5 and sum(len(s["service_at_locations"]) for s in services) == 7
