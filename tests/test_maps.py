"""The map of a search, its marker data and boundaries, and the easy-read screens for citizens."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from directory.extensions import db
from directory.search.sync import wait_until_indexed
from tests.factories import ANDERLECHT, make_service

SCHAERBEEK_NIS = "21015"


@pytest.fixture
def fiches(app: Flask) -> dict[str, int]:
    with app.app_context():
        pharmacy = make_service("Pharmacie Josaphat", ("pharmacy",), opening_hours="Mo-Fr 09:00-18:00", cost="paid")
        food = make_service("Épicerie sociale Colignon", ("food_aid",), cost="free", access="unconditional")
        far = make_service("Restaurant social Clemenceau", ("food_aid",), at=ANDERLECHT, postcode="1070")
        nowhere = make_service("Colis alimentaires sans adresse", ("food_aid",), at=None, postcode="1030")
        db.session.commit()
        wait_until_indexed()
        return {"pharmacy": pharmacy.id, "food": food.id, "far": far.id, "nowhere": nowhere.id}


def _config(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="map-config">(.*?)</script>', page, re.S)
    assert match, "the map page carries its configuration"
    return json.loads(match.group(1))


def test_map_page_uses_only_local_assets(client: FlaskClient, fiches: dict) -> None:
    page = client.get("/fr/map?q=pharmacie").get_data(as_text=True)
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assets = [s for s in sources if s.endswith((".js", ".css"))]
    assert any("leaflet.markercluster" in s for s in assets)
    assert assets and all(s.startswith("/static/") for s in assets), assets
    assert "cdn" not in page.lower()
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:json|ld\+json))([^>]*)>", page)
    assert inline and all("nonce=" in attributes for attributes in inline)  # allowed by the CSP, nothing else
    assert "Pharmacie Josaphat" in page  # the list below the map


def test_points_follow_the_search_and_its_filters(client: FlaskClient, fiches: dict) -> None:
    config = _config(client.get("/fr/map?sector=food_aid").get_data(as_text=True))
    data = client.get(config["points_url"]).get_json()
    names = sorted(p[3] for p in data["points"])
    assert data["total"] == 3  # the one without a position counts but has no marker
    assert names == ["Restaurant social Clemenceau", "Épicerie sociale Colignon"]
    assert {p[4] for p in data["points"]} == {"eat"}  # the pictogram of the need
    narrowed = client.get(f"/fr/map/points.json?sector=food_aid&commune={SCHAERBEEK_NIS}").get_json()
    assert [p[3] for p in narrowed["points"]] == ["Épicerie sociale Colignon"]


def test_points_are_gzipped_and_bad_filters_are_400(client: FlaskClient, fiches: dict) -> None:
    zipped = client.get("/fr/map/boundaries/commune.json", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(zipped.data))["features"]) == 19
    bad = client.get("/nl/map/points.json?cost=gratis")
    assert bad.status_code == 400
    assert "gratis" in bad.get_json()["error"]
    page = client.get("/nl/map?cost=gratis")
    assert page.status_code == 400


def test_popup_of_a_marker(client: FlaskClient, fiches: dict) -> None:
    data = client.get("/fr/map/points.json?q=josaphat").get_json()
    doc_id = data["points"][0][2]
    popup = client.get(f"/fr/map/popup/{doc_id}").get_data(as_text=True)
    assert "Pharmacie Josaphat" in popup and f"ids={fiches['pharmacy']}" in popup
    assert client.get("/fr/map/popup/1-999999").status_code == 404
    assert client.get("/fr/map/popup/not-an-id").status_code == 404
    assert client.get("/fr/map/popup/1-2%0A").status_code == 404  # a trailing newline is not an id


@pytest.mark.parametrize(("level", "count"), [("commune", 19), ("bassin", 5)])
def test_boundaries(client: FlaskClient, level: str, count: int) -> None:
    data = client.get(f"/nl/map/boundaries/{level}.json").get_json()
    assert len(data["features"]) == count
    names = {f["properties"]["name"] for f in data["features"]}
    if level == "commune":
        assert "Schaarbeek" in names  # Dutch names on the Dutch page


def test_near_a_postcode_redirects_to_a_radius_search(client: FlaskClient, fiches: dict) -> None:
    response = client.get("/fr/map?sector=food_aid&address=1030&radius=&_external=1")  # as the form sends it
    assert response.status_code == 302
    assert "near=50." in response.location and "radius=1000" in response.location
    page = client.get("/fr/map?address=1300").get_data(as_text=True)  # Wavre
    assert "pas dans la Région de Bruxelles-Capitale" in page


def test_print_link_only_for_one_area(client: FlaskClient, fiches: dict) -> None:
    assert "/print/map" not in client.get("/fr/map?sector=food_aid").get_data(as_text=True)
    assert "/print/map" in client.get(f"/fr/map?sector=food_aid&commune={SCHAERBEEK_NIS}").get_data(as_text=True)


# Easy-read mode


@pytest.mark.parametrize(
    ("lang", "path", "title"), [("fr", "facile", "De quoi avez-vous besoin"), ("nl", "eenvoudig", "Wat heb je nodig")]
)
def test_easy_start_has_nine_pictogram_buttons(client: FlaskClient, lang: str, path: str, title: str) -> None:
    page = client.get(f"/{lang}/{path}/").get_data(as_text=True)
    assert title in page
    buttons = re.findall(r'class="need-button" href="([^"]+)"><img class="picto" src="([^"]+)"', page)
    assert len(buttons) == 9
    assert all(href.startswith(f"/{lang}/{path}/") for href, _src in buttons)


def test_easy_path_follows_the_language(client: FlaskClient) -> None:
    assert client.get("/nl/facile/").location.endswith("/nl/eenvoudig/")
    page = client.get("/fr/facile/eat").get_data(as_text=True)
    assert 'href="/nl/eenvoudig/eat"' in page  # the language switch keeps the screen
    assert page.count('class="easy-commune" href="/fr/facile/eat/list?commune=21') == 19  # one tap each
    assert client.get("/fr/facile/unknown-need").status_code == 404


def test_easy_results_in_a_commune(client: FlaskClient, fiches: dict) -> None:
    page = client.get(f"/fr/facile/eat/list?commune={SCHAERBEEK_NIS}").get_data(as_text=True)
    assert "Épicerie sociale Colignon" in page
    assert "Pharmacie Josaphat" not in page  # another need
    assert "Restaurant social Clemenceau" not in page  # another commune
    assert "Gratuit" in page and "Sans rendez-vous" in page  # facts as words beside the icons
    config = _config(page)
    assert config["big_markers"] and [p[5] for p in config["points"]["points"]] == ["1"]


def test_easy_results_near_me_sorted_by_distance(client: FlaskClient, fiches: dict) -> None:
    page = client.get("/nl/eenvoudig/eat/list?near=50.8676,4.3737").get_data(as_text=True)
    assert "Épicerie sociale Colignon" in page
    assert "Restaurant social Clemenceau" not in page  # 5 km away, outside the 2 km circle


def test_easy_results_without_a_place_ask_again(client: FlaskClient) -> None:
    response = client.get("/fr/facile/eat/list?commune=nope")
    assert response.status_code == 400
    assert "Choisissez votre commune" in response.get_data(as_text=True)
