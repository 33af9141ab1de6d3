"""The API and its OpenAPI document agree: every /api/ route is documented, and every answer of every documented
route (found and not found) validates against the document; HSDS answers also against the official schemas."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

from directory.api.openapi import document
from directory.extensions import db
from directory.operations.hsds import link_uuid, location_uuid, organization_uuid, service_uuid, uid
from tests.factories import ANDERLECHT, make_service
from tests.hsds_schema import errors as hsds_errors

HSDS_SCHEMAS = {
    "HsdsService": "service",
    "HsdsOrganization": "organization",
    "HsdsServiceAtLocation": "service_at_location",
    "HsdsTaxonomy": "taxonomy",
    "HsdsTaxonomyTerm": "taxonomy_term",
}
#: the official schema of the items of each HSDS list
HSDS_ITEMS = {
    "services": "service",
    "organizations": "organization",
    "service_at_locations": "service_at_location",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
}


@pytest.fixture
def ids(app: Flask) -> dict[str, Any]:
    """Two published fiches (one with two publics and no position) and one inactive."""
    with app.app_context():
        first = make_service("Maison médicale du Nord", ("medical_house",), name_nl="Wijkgezondheidscentrum Noord")
        make_service("Pharmacie Sud", at=ANDERLECHT, opening_hours="Mo-Fr 09:00-18:00", email="info@example.org")
        make_service("Fermé", status="inactive")
        db.session.commit()
        return {
            "service": first.id,
            "organization": first.organization_id,
            "location": first.locations[0].id,
            "service_uuid": service_uuid(first),
            "service_at_location_uuid": link_uuid(service_uuid(first), location_uuid(first.locations[0].id)),
            "taxonomy_uuid": uid("taxonomy", "qfq-sectors"),
            "taxonomy_term_uuid": uid("taxonomy_term", "qfq-sectors", "medical_house"),
            "organization_uuid": organization_uuid(first.organization),
            "bassin": first.locations[0].bassin_code,
        }


def _url(path: str, ids: dict[str, Any], missing: bool = False) -> str:
    """A documented path with real (or unknown) values in place of its parameters."""
    if "{level}" in path:
        level = "streets" if missing and "{code}" not in path else "bassins"
        path = path.replace("{level}", level).replace("{code}", "nowhere" if missing else ids["bassin"])
    path = path.replace("{format}", "csv")
    kind = "hsds" if "/hsds/" in path else "api"
    plurals = {"taxonomy": "taxonomies"}
    for name in ("service", "organization", "location", "service_at_location", "taxonomy", "taxonomy_term"):
        if path.endswith(f"/{plurals.get(name, name + 's')}/{{id}}"):
            value = ids[f"{name}_uuid"] if kind == "hsds" else ids[name]
            unknown = "00000000-0000-4000-8000-000000000000" if kind == "hsds" else 999999
            path = path.replace("{id}", str(unknown if missing else value))
    return path


def _check(response: Any, operation: dict, spec: dict) -> None:
    status = str(response.status_code)
    assert status in operation["responses"], f"{status} is not documented: {response.get_data(as_text=True)[:300]}"
    content = operation["responses"][status].get("content")
    if content is None:
        return
    assert response.mimetype in content
    schema = content[response.mimetype]["schema"]
    if not response.is_json:
        return
    validator = Draft202012Validator({"components": spec["components"], **schema})
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(response.json)]
    assert problems == []
    name = schema.get("$ref", "").rsplit("/", 1)[-1]
    if name in HSDS_SCHEMAS:
        assert hsds_errors(HSDS_SCHEMAS[name], response.json) == []
    if name == "HsdsPage":
        item = HSDS_ITEMS[response.request.path.rsplit("/", 1)[-1]]
        assert [hsds_errors(item, obj) for obj in response.json["contents"]] == [[]] * len(response.json["contents"])


SPEC = document()
OPERATIONS = [(path, item["get"]) for path, item in SPEC["paths"].items()]


@pytest.mark.parametrize(("path", "operation"), OPERATIONS, ids=[p for p, _ in OPERATIONS])
def test_every_answer_matches_the_document(client: FlaskClient, ids: dict, path: str, operation: dict) -> None:
    response = client.get(_url(path, ids), headers={"Accept-Language": "nl"})
    assert response.status_code == 200
    _check(response, operation, SPEC)
    if "{id}" in path or "{level}" in path:
        missing = client.get(_url(path, ids, missing=True), headers={"Accept-Language": "nl"})
        assert missing.status_code == 404
        _check(missing, operation, SPEC)
        assert missing.json["error"]["message"] == "Niet gevonden."


def test_every_api_route_is_documented(app: Flask) -> None:
    def shape(path: str) -> str:
        return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)

    documented = {shape(path) for path in SPEC["paths"]}
    routes = {shape(rule.rule) for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")}
    assert routes - documented == set()
    assert documented - routes == set()


def test_the_document_is_valid_openapi_3_1(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"] == "3.1.0" and spec == SPEC
    for schema in spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    for item in spec["paths"].values():
        for parameter in item["get"]["parameters"]:
            assert {"name", "in", "schema"} <= parameter.keys()


def test_services_pages_walk_every_published_fiche(client: FlaskClient, ids: dict) -> None:
    first = client.get("/api/v1/hsds/services?per_page=1").json
    second = client.get("/api/v1/hsds/services?per_page=1&page=2").json
    assert (first["total_items"], first["total_pages"], first["first_page"], first["last_page"]) == (2, 2, True, False)
    assert second["last_page"] and first["contents"][0]["id"] != second["contents"][0]["id"]
    assert client.get("/api/v1/organizations").json["total"] == 2  # the inactive fiche's organisation is left out


def test_a_fiche_answer_holds_what_the_fiche_shows(client: FlaskClient, ids: dict) -> None:
    fiche = client.get(f"/api/v1/services/{ids['service']}").json
    assert (fiche["name_fr"], fiche["name_nl"]) == ("Maison médicale du Nord", "Wijkgezondheidscentrum Noord")
    assert [s["code"] for s in fiche["sectors"]] == ["medical_house"]
    assert fiche["phones"] == [{"number": "+3222220000", "kind": "voice"}]
    assert fiche["locations"][0]["commune"]["name_nl"] == "Schaarbeek"
    assert fiche["url_nl"].endswith(f"/nl/services/{ids['service']}/wijkgezondheidscentrum-noord")


def test_answers_are_conditional(client: FlaskClient, ids: dict) -> None:
    url = f"/api/v1/services/{ids['service']}"
    first = client.get(url)
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_reads_are_open_to_other_origins(client: FlaskClient, ids: dict) -> None:
    answer = client.get("/api/v1/sectors", headers={"Origin": "https://bassin.example"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/v1/hsds/services", headers={"Origin": "https://bassin.example"})
    assert preflight.status_code == 204 and "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert client.post("/api/v1/sectors").status_code == 405


def test_each_client_is_rate_limited_with_a_json_429(make_app: Any) -> None:
    client = make_app(RATE_LIMIT_API=(3, 60)).test_client()
    assert [client.get("/api/v1/sectors").status_code for _ in range(3)] == [200] * 3
    refused = client.get("/api/v1/services", headers={"Accept-Language": "fr"})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert refused.json["error"]["message"] == "Trop de demandes : attendez une minute et réessayez."
    other = client.get("/api/v1/sectors", environ_overrides={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_areas_give_their_boundaries(client: FlaskClient) -> None:
    bassins = client.get("/api/v1/areas/bassins?geometry=1").json["items"]
    assert len(bassins) == 5 and all(b["geometry"]["type"] in {"Polygon", "MultiPolygon"} for b in bassins)
    assert "geometry" not in client.get("/api/v1/areas/communes").json["items"][0]
    assert len(client.get("/api/v1/areas/communes").json["items"]) == 19


@pytest.mark.parametrize(("lang", "title"), [("fr", "API de données ouvertes"), ("nl", "API voor open data")])
def test_the_documentation_page_lists_every_route(client: FlaskClient, lang: str, title: str) -> None:
    page = client.get(f"/{lang}/api").get_data(as_text=True)
    assert title in page
    assert all(f"GET {path}" in page for path in SPEC["paths"])
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', page)


def test_the_hsds_api_round_trips_through_the_importer(
    client: FlaskClient, ids: dict, tmp_path: Path, seeded_database: Path, meili_server: Any
) -> None:
    import json

    from directory.importing.run import run_import
    from directory.operations.hsds import export_services
    from importers.hsds import HsdsImporter
    from tests.test_hsds import _close, _other_app

    served = client.get("/api/v1/hsds/services?per_page=100").json["contents"]
    path = tmp_path / "served.json"
    path.write_text(json.dumps(served), encoding="utf-8")
    other = _other_app(tmp_path, seeded_database, meili_server)
    with other.app_context():
        report = run_import(HsdsImporter(), path, source="hsds")
        assert (report.created, report.rejected) == (2, 0)
        again = list(export_services())
    _close(other)
    assert sorted(s["id"] for s in again) == sorted(s["id"] for s in served)
