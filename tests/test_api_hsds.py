"""The HSDS read API's list filters (the specification's openapi.json parameters) and its UUID lookups."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from directory.extensions import db
from directory.models import Service
from directory.operations.hsds import organization_uuid, service_uuid, uid
from tests.factories import make_service
from tests.hsds_schema import errors as hsds_errors

SERVICES = "/api/v1/hsds/services"


@pytest.fixture
def ids(app: Flask) -> dict[str, Any]:
    with app.app_context():
        pharmacy = make_service("Pharmacie Botanique", ("pharmacy",), description_fr="Préparations magistrales")
        medical = make_service("Maison médicale Helmet", ("medical_house",), name_nl="Wijkgezondheidscentrum Helmet")
        make_service("Pharmacie fermée", ("pharmacy",), status="inactive")
        db.session.commit()
        return {
            "pharmacy": service_uuid(pharmacy),
            "medical": service_uuid(medical),
            "medical_org": organization_uuid(medical.organization),
            "medical_id": medical.id,
        }


def _names(client: FlaskClient, query: str) -> list[str]:
    answer = client.get(f"{SERVICES}?{query}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    contents = answer.json["contents"]
    assert answer.json["total_items"] == len(contents)
    return sorted(s["name"] for s in contents)


def test_search_matches_every_word_in_either_language(client: FlaskClient, ids: dict) -> None:
    assert _names(client, "search=pharmacie") == ["Pharmacie Botanique"]
    assert _names(client, "search=wijkgezondheidscentrum helmet") == ["Maison médicale Helmet"]
    assert _names(client, "search=magistrales") == ["Pharmacie Botanique"]
    assert _names(client, "search=helmet pharmacie") == []
    assert _names(client, "search=100%25") == []  # LIKE wildcards are taken literally


def test_taxonomy_terms_and_taxonomies_filter(client: FlaskClient, ids: dict) -> None:
    term = uid("taxonomy_term", "qfq-sectors", "medical_house")
    assert _names(client, f"taxonomy_term_id={term}") == ["Maison médicale Helmet"]
    assert _names(client, "taxonomy_term_id=pharmacy") == ["Pharmacie Botanique"]
    assert _names(client, f"taxonomy_term_id={uid('taxonomy_term', 'qfq-sectors', 'nothing')}") == []
    both = ["Maison médicale Helmet", "Pharmacie Botanique"]
    assert _names(client, f"taxonomy_id={uid('taxonomy', 'qfq-sectors')}") == both
    assert _names(client, "taxonomy_id=qfq-publics") == []  # no fiche declares a public
    served = client.get(f"{SERVICES}?taxonomy_term_id={term}").json["contents"][0]
    assert term in {a["taxonomy_term_id"] for a in served["attributes"]}  # the id the answer itself carries


def test_organization_and_modified_after_filter(app: Flask, client: FlaskClient, ids: dict) -> None:
    assert _names(client, f"organization_id={ids['medical_org']}") == ["Maison médicale Helmet"]
    assert _names(client, "organization_id=00000000-0000-4000-8000-000000000000") == []
    later = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    assert _names(client, "modified_after=2020-01-01") == ["Maison médicale Helmet", "Pharmacie Botanique"]
    assert _names(client, f"modified_after={later.replace('+00:00', 'Z')}") == []
    bad = client.get(f"{SERVICES}?modified_after=yesterday", headers={"Accept-Language": "fr"})
    assert bad.status_code == 400 and bad.json["error"]["field"] == "modified_after"
    assert bad.json["error"]["message"] == "Valeur invalide pour le paramètre modified_after."


def test_minimal_and_flat_forms(client: FlaskClient, ids: dict) -> None:
    minimal = client.get(f"{SERVICES}?minimal=true&per_page=1000").json
    assert sorted(s["id"] for s in minimal["contents"]) == sorted([ids["pharmacy"], ids["medical"]])
    assert all(set(s) == {"id", "modified_date"} for s in minimal["contents"])
    assert client.get(f"{SERVICES}?per_page=1000").status_code == 400  # 1000 per page only for minimal lists
    flat = client.get(f"{SERVICES}?full=false&search=helmet").json["contents"][0]
    assert hsds_errors("service", flat) == [] and "organization" not in flat and "phones" not in flat
    full = client.get(f"{SERVICES}?search=helmet").json["contents"][0]
    assert full["phones"] and full["organization"]["id"] == ids["medical_org"]
    assert client.get(f"{SERVICES}?full=maybe").status_code == 400


def test_ndjson_streams_every_match(client: FlaskClient, ids: dict) -> None:
    answer = client.get(f"{SERVICES}?format=ndjson&taxonomy_id=qfq-sectors")
    assert answer.mimetype == "application/x-ndjson"
    lines = [json.loads(line) for line in answer.get_data(as_text=True).splitlines()]
    assert sorted(s["id"] for s in lines) == sorted([ids["pharmacy"], ids["medical"]])
    assert [hsds_errors("service", s) for s in lines] == [[], []]
    assert client.get(f"{SERVICES}?format=xml").status_code == 400


def test_organizations_filter_and_nest(client: FlaskClient, ids: dict) -> None:
    found = client.get("/api/v1/hsds/organizations?search=helmet").json
    assert found["total_items"] == 1 and found["contents"][0]["id"] == ids["medical_org"]
    assert len(found["contents"][0]["services"]) == 1
    bare = client.get("/api/v1/hsds/organizations?search=helmet&full=false").json["contents"][0]
    assert "services" not in bare and hsds_errors("organization", bare) == []
    flat = client.get(f"/api/v1/hsds/organizations/{ids['medical_org']}?full_service=false").json
    assert "phones" not in flat["services"][0] and flat["services"][0]["id"] == ids["medical"]


def test_uuids_resolve_after_changes(app: Flask, client: FlaskClient, ids: dict) -> None:
    """The UUID map is topped up: a new fiche, and a fiche whose source changed (so its UUID), resolve at once;
    the old UUID answers 404."""
    assert client.get(f"{SERVICES}/{ids['medical']}").json["name"] == "Maison médicale Helmet"
    assert client.get(f"{SERVICES}/{ids['medical'].upper()}").status_code == 200
    with app.app_context():
        added = make_service("Service social Nouveau", ("pharmacy",))
        db.session.commit()
        new_uuid = service_uuid(added)
        medical = db.session.get(Service, ids["medical_id"])
        medical.source, medical.source_id = "social-brussels", "sb-42"
        db.session.commit()
        moved = service_uuid(medical)
    assert client.get(f"{SERVICES}/{new_uuid}").json["name"] == "Service social Nouveau"
    assert client.get(f"{SERVICES}/{moved}").json["name"] == "Maison médicale Helmet"
    assert client.get(f"{SERVICES}/{ids['medical']}").status_code == 404
