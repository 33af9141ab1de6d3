"""Services declare the coordination functions they offer and their conditions (edit form, moderation, import,
HSDS); the search facet and API filter "function", search by any name of a function; the glossary page."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from directory.extensions import db
from directory.importing.run import run_import
from directory.models import ChangeRequest, Service
from directory.operations.hsds import service_to_hsds
from directory.search.sync import wait_until_indexed
from importers.hsds import record_from_service
from importers.template import TemplateImporter
from tests.account_helpers import Team, edit_form_data, page_text, sign_in
from tests.factories import ANDERLECHT, make_service

CONDITIONS = ["adult", "asked_by_carer", "asked_by_person", "asked_by_professional", "has_network"]
CONDITIONS += ["insurance_not_required", "lives_in_region", "not_in_other_scheme"]


def api(client: FlaskClient, **params) -> dict:
    response = client.get("/api/v1/services", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_declared_function_goes_through_moderation_to_the_fiche_search_and_api(
    app: Flask, client: FlaskClient, team: Team
) -> None:
    sign_in(client, team.editor)
    with app.app_context():
        data = edit_form_data(
            db.session.get(Service, team.own), functions=["concertation_organiser"], function_conditions=CONDITIONS
        )
    assert client.post(f"/fr/edit/services/{team.own}", data=data).status_code == 302
    with app.app_context():
        change = db.session.scalars(select(ChangeRequest).where(ChangeRequest.status == "pending")).one()
        assert change.changes == {"functions": ["concertation_organiser"], "function_conditions": CONDITIONS}
        assert db.session.get(Service, team.own).functions == []  # waits for review
    sign_in(client, team.moderator)
    review = page_text(client.get(f"/nl/moderation/changes/{change.id}"))
    assert "Overlegorganisator" in review and "Een mantelzorger mag de vraag stellen" in review
    assert client.post(f"/fr/moderation/changes/{change.id}/approve").status_code == 302
    with app.app_context():
        wait_until_indexed()
    fiche = page_text(client.get(f"/fr/services/{team.own}"))
    assert "Organisateur de concertation" in fiche and "Majeur (18 ans ou plus)" in fiche
    assert "Un aidant proche peut faire la demande" in fiche

    found = api(client, function="concertation_organiser")
    assert [hit["service_id"] for hit in found["hits"]] == [team.own]
    assert {f["value"]: f["count"] for f in found["facets"]["function"]} == {"concertation_organiser": 1}
    for name in ("tiers concertateur", "overlegorganisator", "organisateur de concertation"):
        assert team.own in [hit["service_id"] for hit in api(client, q=name)["hits"]], name
    assert api(client, function="case_manager")["total"] == 0


def test_a_function_is_never_guessed_from_a_name(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_service("Organisateur de concertation imaginaire", ["social_work_centre"])
        db.session.commit()
        wait_until_indexed()
    assert api(client, function="concertation_organiser")["total"] == 0
    page = page_text(client.get("/fr/coordination/"))
    assert "Organisateur de concertation imaginaire" not in page
    assert "Aucun service n’a encore déclaré cette fonction ici." in page


def test_the_import_template_takes_names_in_both_languages_and_suggests_on_a_typo(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "functions.csv"
    path.write_text(
        "source_id;name_fr;sectors;postcode;functions;function_conditions\n"
        "f-1;Service A;social_work_centre;1030;Overlegorganisator|RAQ;adult|asked_by_carer\n"
        "f-2;Service B;social_work_centre;1030;organisatuer de concertation;\n",
        encoding="utf-8",
    )
    with app.app_context():
        report = run_import(TemplateImporter(), path, source="coordtest")
        by_source = {s.source_id: s for s in db.session.scalars(select(Service).where(Service.source == "coordtest"))}
        assert by_source["f-1"].functions == ["concertation_organiser", "neighbourhood_relay"]
        assert by_source["f-1"].function_conditions == ["adult", "asked_by_carer"]
        assert by_source["f-2"].functions == []
        warning = next(i for i in report.issues if i.field == "functions")
        assert warning.level == "warning" and warning.params["suggestion"] == "concertation_organiser"


def test_hsds_carries_the_functions_in_its_extension(app: Flask) -> None:
    with app.app_context():
        service = make_service("Relais", ["social_work_centre"], functions=["helpdesk"], function_conditions=["adult"])
        db.session.commit()
        item = service_to_hsds(service)
        assert item["x_qfq"]["functions"] == ["helpdesk"]
        record = record_from_service(item, 1)
        assert (record.functions, record.function_conditions) == (["helpdesk"], ["adult"])


def test_the_glossary_lists_the_services_of_the_chosen_area_and_answers_the_guide(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        offers = {"functions": ["concertation_organiser"]}
        schaerbeek = make_service("Concertation Schaerbeek", ["social_work_centre"], **offers)
        anderlecht = make_service(
            "Concertation Anderlecht", ["social_work_centre"], at=ANDERLECHT, functions=["concertation_organiser"]
        )
        db.session.commit()
        commune = schaerbeek.locations[0].commune_nis
        ids = (schaerbeek.id, anderlecht.id)
    whole = client.get("/fr/coordination/")
    assert whole.status_code == 200
    text = page_text(whole)
    assert "Qui fait quoi dans la coordination ?" in text
    assert "Concertation Schaerbeek" in text and "Concertation Anderlecht" in text
    assert "tiers concertateur" in text  # other names are shown

    local = page_text(client.get("/fr/coordination/", query_string={"area": f"commune:{commune}"}))
    assert "Concertation Schaerbeek" in local and "Concertation Anderlecht" not in local
    guided = client.get("/nl/coordination/", query_string={"situation": "hospital"}).data.decode()
    assert "Wie doet wat in de coördinatie?" in guided
    assert "Vraag naar: Ziekenhuisreferent" in guided
    assert "Voir toute la Région" in page_text(client.get("/fr/coordination/", query_string={"area": "bassin:sud"}))
    assert client.get("/fr/coordination/", query_string={"area": "commune:99999"}).status_code == 404
    search_page = page_text(client.get("/nl/search", query_string={"function": "concertation_organiser"}))
    assert "Coördinatiefunctie" in search_page and "Concertation Schaerbeek" in search_page
    fiche = client.get(f"/fr/services/{ids[0]}").data.decode()
    assert "/fr/coordination/#concertation_organiser" in fiche
