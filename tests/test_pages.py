"""Pages in both languages: search, facets, fiche, fallbacks, errors, no third-party host."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from directory.extensions import db
from directory.search.sync import wait_until_indexed
from tests.factories import ANDERLECHT, make_service


@pytest.fixture
def fiches(app: Flask) -> dict[str, int]:
    with app.app_context():
        pharmacy = make_service(
            "Pharmacie Josaphat",
            ("pharmacy",),
            opening_hours="Mo-Fr 09:00-18:00; PH off",
            languages=["fr", "ar"],
            cost="paid",
        )
        only_nl = make_service(
            "",
            ("medical_house",),
            at=ANDERLECHT,
            postcode="1070",
            name_nl="Wijkgezondheidscentrum De Brug",
            cost="free",
        )
        db.session.commit()
        wait_until_indexed()
        return {"pharmacy": pharmacy.id, "only_nl": only_nl.id}


@pytest.mark.parametrize(("lang", "text"), [("fr", "Que cherchez-vous"), ("nl", "Wat zoek je")])
def test_home_in_both_languages(client: FlaskClient, lang: str, text: str) -> None:
    page = client.get(f"/{lang}/").get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert text in page
    assert 'hreflang="fr"' in page and 'hreflang="nl"' in page


def test_root_redirects_to_the_browser_language(client: FlaskClient) -> None:
    response = client.get("/", headers={"Accept-Language": "nl-BE,nl;q=0.9"})
    assert response.status_code == 302
    assert response.location.endswith("/nl/")


def test_search_page_lists_results_and_counts(client: FlaskClient, fiches: dict) -> None:
    page = client.get("/fr/search?q=pharmacie").get_data(as_text=True)
    assert "1 service trouvé" in page
    assert "Pharmacie Josaphat" in page
    assert "arabe" in page  # language spoken, named in the page language


def test_facet_filter_narrows_results(client: FlaskClient, fiches: dict) -> None:
    all_page = client.get("/fr/search").get_data(as_text=True)
    assert "2 services trouvés" in all_page
    free_page = client.get("/fr/search?cost=free").get_data(as_text=True)
    assert "1 service trouvé" in free_page
    assert "De Brug" in free_page and "Pharmacie Josaphat" not in free_page
    assert 'value="free" checked' in free_page  # the chosen filter stays ticked


def test_language_switch_keeps_page_and_query(client: FlaskClient, fiches: dict) -> None:
    page = client.get("/fr/search?q=pharmacie&cost=paid").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" hreflang="nl" lang="nl">', page)
    assert link is not None
    assert link.group(1).replace("&amp;", "&") == "/nl/search?q=pharmacie&cost=paid"


def test_missing_translation_falls_back_with_a_visible_marker(client: FlaskClient, fiches: dict) -> None:
    page = client.get(f"/fr/services/{fiches['only_nl']}").get_data(as_text=True)
    assert '<span lang="nl" class="fallback">Wijkgezondheidscentrum De Brug' in page
    assert 'title="Disponible seulement en néerlandais">NL</abbr>' in page
    nl_page = client.get(f"/nl/services/{fiches['only_nl']}").get_data(as_text=True)
    assert 'class="fallback"' not in nl_page.split("<main")[1].split("</h1>")[0]


def test_fiche_shows_structured_information(client: FlaskClient, fiches: dict) -> None:
    page = client.get(f"/nl/services/{fiches['pharmacy']}").get_data(as_text=True)
    for expected in (
        "Pharmacie Josaphat",
        "Schaarbeek",
        "Noord-Oost",
        "Openingsuren",
        "09:00–18:00",
        "Betalend",
        "Arabisch",
        "Nooit nagekeken door een persoon",
        "02 222 00 00",
    ):
        assert expected in page, expected


def test_unknown_fiche_and_language_are_404(client: FlaskClient) -> None:
    assert client.get("/fr/services/999999").status_code == 404
    response = client.get("/de/")
    assert response.status_code == 404
    assert client.get("/nl/services/999999").get_data(as_text=True).count("Pagina niet gevonden") >= 1


def test_invalid_search_parameters_keep_the_query(client: FlaskClient) -> None:
    response = client.get("/fr/search?q=dentiste&near=abc")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'value="dentiste"' in page
    assert "near doit contenir deux nombres" in page


@pytest.mark.parametrize("path", ["/fr/", "/nl/search?q=apotheek", "/fr/about-data"])
def test_no_third_party_assets(client: FlaskClient, fiches: dict, path: str) -> None:
    page = client.get(path).get_data(as_text=True)
    assets = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', page)
    assert assets, "the page loads at least its stylesheet"
    assert all(a.startswith("/") for a in assets), assets
    csp = client.get(path).headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "http" not in csp  # tiles disabled in tests: no remote origin at all
