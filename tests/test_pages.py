"""Pages in both languages: search, facets, fiche, fallbacks, errors, no third-party host."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from directory.extensions import db
from directory.search.client import MeiliClient
from directory.search.server import free_port
from directory.search.sync import wait_until_indexed
from tests.factories import ANDERLECHT, GRAND_PLACE, make_service


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


@pytest.mark.parametrize("path", ["/fr/", "/nl/search?q=apotheek", "/fr/about-data", "/nl/services/{pharmacy}"])
def test_no_third_party_assets(client: FlaskClient, fiches: dict, path: str) -> None:
    path = path.format(**fiches)
    page = client.get(path).get_data(as_text=True)
    assets = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', page)
    assert assets, "the page loads at least its stylesheet"
    assert all(a.startswith("/") for a in assets), assets
    csp = client.get(path).headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "http" not in csp  # tiles disabled in tests: no remote origin at all


def _html(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_fiche_links_carry_a_slug_and_a_stale_slug_redirects(client: FlaskClient, fiches: dict) -> None:
    pharmacy = fiches["pharmacy"]
    assert f'href="/fr/services/{pharmacy}/pharmacie-josaphat"' in _html(client, "/fr/search?q=josaphat")
    fiche = _html(client, f"/fr/services/{pharmacy}")
    assert f'<link rel="alternate" hreflang="nl" href="/nl/services/{pharmacy}/pharmacie-josaphat">' in fiche
    response = client.get(f"/fr/services/{pharmacy}/old-name")
    assert response.status_code == 301
    assert response.location.endswith(f"/fr/services/{pharmacy}/pharmacie-josaphat")


def test_removing_a_chip_keeps_the_other_filters(client: FlaskClient, fiches: dict) -> None:
    page = _html(client, "/fr/search?q=pharmacie&cost=paid&sector=pharmacy")
    chips = re.findall(r'<a class="chip chip-remove" href="([^"]+)"', page)
    assert sorted(c.replace("&amp;", "&") for c in chips) == [
        "/fr/search?q=pharmacie&cost=paid",
        "/fr/search?q=pharmacie&sector=pharmacy",
    ]


def test_pagination_keeps_the_search(client: FlaskClient, fiches: dict) -> None:
    first = _html(client, "/nl/search?per_page=1")
    assert "Pagina 1 van 2" in first
    assert 'rel="next" href="/nl/search?per_page=1&amp;page=2"' in first
    second = _html(client, "/nl/search?per_page=1&page=2")
    names = {"Pharmacie Josaphat", "De Brug"}
    assert sum(n in first.split("</form>")[0] for n in names) == 1
    assert sum(n in second.split("</form>")[0] for n in names) == 1
    assert [n for n in names if n in first] != [n for n in names if n in second]


def test_hit_phone_is_a_tel_link(client: FlaskClient, fiches: dict) -> None:
    assert '<a href="tel:+3222220000">02 222 00 00</a>' in _html(client, "/fr/search?q=josaphat")


@pytest.mark.parametrize(
    ("lang", "message"),
    [("fr", "Recherche réduite"), ("nl", "Beperkte zoekfunctie")],
)
def test_search_down_answers_from_the_database_with_a_translated_note(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, lang: str, message: str
) -> None:
    dead = MeiliClient(f"http://127.0.0.1:{free_port()}", timeout=1.0)  # nothing listens there
    monkeypatch.setitem(app.extensions, "meili", dead)
    try:
        response = client.get(f"/{lang}/search?q=dentiste")
    finally:
        dead.close()
    assert response.status_code == 200  # directory.search.fallback; tests/test_degraded.py checks the results
    assert message in response.get_data(as_text=True)


def test_fiche_shows_closure_wheelchair_bce_source_and_json_ld(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        service = make_service(
            "Service social Saint-Gilles",
            ("social_work_centre",),
            bce="0123456789",
            wheelchair="limited",
            status="temporarily_closed",
            closed_from=date(2027, 3, 1),
            closed_until=date(2027, 4, 15),
            source="osm",
            source_id="node/42",
            source_licence="ODbL 1.0",
            verified_by="Fédération des services sociaux",
        )
        db.session.commit()
        service_id = service.id
    page = _html(client, f"/fr/services/{service_id}")
    for expected in (
        "Fermé temporairement du 1 mars 2027 au 15 avril 2027",
        "Accès limité en fauteuil roulant",
        "0123.456.789",
        "OpenStreetMap · licence : ODbL 1.0",
        "<code>node/42</code>",
    ):
        assert expected in page, expected
    assert "Fédération des services sociaux" not in page  # "by whom" only goes with a verification date
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert ld["name"] == "Service social Saint-Gilles"
    assert ld["url"].endswith(f"/fr/services/{service_id}/service-social-saint-gilles")


def test_uncertain_bassin_is_marked_to_check(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        service = make_service("Maison d'accueil Grand-Place", at=GRAND_PLACE, postcode="1000")
        db.session.commit()
        wait_until_indexed()
        service_id = service.id
    assert "zone à vérifier" in _html(client, "/fr/search?q=accueil")
    assert "na te kijken" in _html(client, f"/nl/services/{service_id}")
