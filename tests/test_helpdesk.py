"""The helpdesk view: who may use it, the search by commune and need, the sheet mailed in the caller's language,
and the note of the need (refused when it could identify the caller) in the needs record."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from directory.extensions import db
from directory.models import UnmetSearch
from directory.models.accounts import Role
from directory.operations.helpdesk import UnsafeNote, clean_note, resolve_place
from directory.search.sync import wait_until_indexed
from tests.account_helpers import mails_to, make_user, page_text, sign_in
from tests.factories import ANDERLECHT, make_service

CALLER = "appelant@example.org"


@pytest.fixture
def answerer(app: Flask, client: FlaskClient) -> dict[str, int]:
    """A signed-in helpdesk answerer and two services (Schaerbeek and Anderlecht), indexed."""
    with app.app_context():
        user = make_user("helpdesk@example.org", role=Role.HELPDESK)
        near = make_service("Aide familiale Nord", ("pharmacy",), opening_hours="24/7", cost="free")
        far = make_service("Aide familiale Sud", ("pharmacy",), at=ANDERLECHT, postcode="1070")
        ids = {"user": user.id, "near": near.id, "far": far.id}
        db.session.commit()
        wait_until_indexed()
    sign_in(client, ids["user"])
    return ids


def test_only_helpdesk_answerers_moderators_and_admins_use_it(app: Flask, client: FlaskClient) -> None:
    assert "/sign-in" in client.get("/fr/helpdesk/").headers["Location"]
    with app.app_context():
        editor = make_user("editor@example.org").id
        moderator = make_user("moderator@example.org", role=Role.MODERATOR).id
        db.session.commit()
    assert sign_in(client, editor).get("/fr/helpdesk/").status_code == 403
    assert client.post("/fr/helpdesk/send", data={"email": CALLER, "caller_lang": "fr"}).status_code == 403
    assert sign_in(client, moderator).get("/nl/helpdesk/").status_code == 200


def test_results_nearest_to_the_caller_with_phone_and_hours(client: FlaskClient, answerer: dict[str, int]) -> None:
    page = page_text(client.get("/fr/helpdesk/", query_string={"place": "1070", "q": "aide familiale"}))
    assert page.index("Aide familiale Sud") < page.index("Aide familiale Nord")  # Anderlecht first
    assert "Classés par distance depuis Anderlecht." in page
    assert '<a href="tel:+3222220000">02 222 00 00</a>' in page
    assert "Ouvert maintenant" in page and "Horaire inconnu" in page  # open 24/7, and hours unknown
    page = page_text(client.get("/nl/helpdesk/", query_string={"place": "Schaarbeek", "q": "aide familiale"}))
    assert page.index("Aide familiale Nord") < page.index("Aide familiale Sud")


def test_the_sheet_goes_by_mail_in_the_callers_language(app: Flask, client: FlaskClient, answerer) -> None:
    args = {"place": "1030", "q": "aide familiale", "ids": str(answerer["near"]), "add": str(answerer["far"])}
    page = page_text(client.get("/fr/helpdesk/", query_string=args))
    assert "Fiche d'orientation (2/5)" in page
    ids = f"{answerer['near']},{answerer['far']}"
    response = client.post("/fr/helpdesk/send", data={"ids": ids, "email": CALLER, "caller_lang": "nl"})
    assert response.status_code == 302
    with app.app_context():
        [message] = mails_to(CALLER)
    assert message.subject == "Diensten voor jou"
    body = message.body
    assert "1. Aide familiale Nord" in body and "2. Aide familiale Sud" in body
    assert "Kostprijs: Gratis" in body and "Openingsuren deze week: ma–zo 00:00–23:59" in body
    assert "Er geraken: Eenens · tram 92 · 3 minuten te voet" in body  # the nearest stops, Dutch names
    public = app.config["PUBLIC_URL"].rstrip("/")
    assert f"{public}/nl/services/{answerer['near']}\n" in body  # the caller's language (the slug follows)
    assert f"{public}/nl/sheet?ids={ids}" in body
    assert "Bonjour" not in body


def test_sending_needs_an_address_a_language_and_a_service(app: Flask, client: FlaskClient, answerer) -> None:
    response = client.post("/fr/helpdesk/send", data={"ids": "", "email": "nope", "caller_lang": "de"})
    assert response.status_code == 400
    page = page_text(response)
    assert "Tapez l’adresse e-mail de l’appelant." in page and "Choisissez la langue de l’appelant." in page
    assert "Ajoutez au moins un service à la fiche (touches 1 à 9)." in page
    with app.app_context():
        assert mails_to("nope") == []


@pytest.mark.parametrize(
    "note",
    ["rappeler au 0470 12 34 56", "contact +32 2 123 45 67", "écrire à jean@example.org", "pour Mme Dupont", "naam: X"],
)
def test_a_note_that_could_identify_the_caller_is_refused(note: str, app: Flask) -> None:
    with app.test_request_context("/fr/"), pytest.raises(UnsafeNote):
        clean_note(note)


@pytest.mark.parametrize("note", ["aide à domicile, personne de 85 ans à 1030", "thuishulp voor moeder alleen"])
def test_a_plain_note_is_kept_on_one_line(note: str, app: Flask) -> None:
    with app.test_request_context("/fr/"):
        assert clean_note(f"  {note}\n ") == note


def test_the_note_feeds_the_needs_record_and_a_phone_number_is_refused(app: Flask, client: FlaskClient, answerer):
    refused = client.post("/fr/helpdesk/send", data={"action": "note", "place": "1030", "note": "tel 0470123456"})
    assert refused.status_code == 400
    assert "Retirez le numéro de téléphone" in page_text(refused)
    response = client.post(
        "/fr/helpdesk/send", data={"action": "note", "place": "1030", "note": "Garde de nuit pour personne âgée"}
    )
    assert response.status_code == 302
    with app.app_context():
        [row] = db.session.scalars(select(UnmetSearch)).all()
        assert row.query == "garde de nuit pour personne agee"
        assert json.loads(row.filters) == {"commune": ["21015"], "origin": ["helpdesk"]}
    with app.app_context():
        moderator = make_user("mod@example.org", role=Role.MODERATOR).id
        db.session.commit()
    listing = page_text(sign_in(client, moderator).get("/fr/moderation/unmet-searches"))
    assert "garde de nuit" in listing and "noté par le helpdesk" in listing.lower()


def test_a_commune_is_found_by_postcode_or_name_in_both_languages(app: Flask) -> None:
    with app.test_request_context("/nl/"):
        assert resolve_place("1030", "nl").name == "Schaarbeek"  # type: ignore[union-attr]
        assert resolve_place("schaerbeek", "fr").nis == resolve_place("Schaarbeek", "nl").nis  # type: ignore[union-attr]
        assert resolve_place("Elsene", "fr").name == "Ixelles"  # type: ignore[union-attr]
        assert resolve_place("Paris", "fr") is None


def test_a_search_without_result_is_counted_unless_it_could_identify_the_caller(app: Flask, client, answerer):
    client.get("/fr/helpdesk/", query_string={"place": "1030", "q": "garde de nuit"}).close()
    client.get("/fr/helpdesk/", query_string={"place": "1030", "q": "garde pour Mme Dupont"}).close()
    with app.app_context():
        assert [row.query for row in db.session.scalars(select(UnmetSearch))] == ["garde de nuit"]
