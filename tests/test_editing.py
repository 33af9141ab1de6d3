"""The edit form: FR/NL fields, structured hours, contacts, map pin, validation that keeps what was typed;
editors' changes wait for review unless the organisation is trusted; availability is published at once."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from directory.extensions import db
from directory.models import Organization, Service
from directory.models.moderation import ChangeRequest, ChangeStatus, Revision
from directory.operations import accounts
from directory.search.sync import wait_until_indexed
from tests.account_helpers import Team, edit_form_data, page_text, reload, sign_in
from tests.factories import ANDERLECHT


def _trust(app: Flask, team: Team) -> None:
    with app.app_context():
        organization = db.session.get(Service, team.own).organization
        accounts.set_trusted(organization, True, db.session.get(accounts.User, team.admin))
        db.session.commit()


def _post(app: Flask, client: FlaskClient, service_id: int, lang: str = "fr", **fields):
    with app.app_context():
        data = edit_form_data(db.session.get(Service, service_id), **fields)
    return client.post(f"/{lang}/edit/services/{service_id}", data=data)


def test_the_form_shows_fr_and_nl_fields_side_by_side(client: FlaskClient, team: Team) -> None:
    sign_in(client, team.editor)
    page = client.get(f"/nl/edit/services/{team.own}").data.decode()
    for name in ("name", "description", "cost_details", "access_details", "hours_note", "accessibility_note"):
        assert f'name="{name}_fr"' in page and f'name="{name}_nl"' in page, name
    assert 'value="Maison médicale du Nord"' in page


def test_posting_the_form_unchanged_changes_nothing(app: Flask, client: FlaskClient, team: Team) -> None:
    sign_in(client, team.editor)
    response = _post(app, client, team.own)
    assert response.status_code == 302
    assert "Rien n'a été modifié." in page_text(client.get(response.headers["Location"]))
    with app.app_context():
        assert db.session.scalars(select(ChangeRequest)).all() == []


def test_an_editors_change_waits_for_review_and_is_shown_back_as_a_draft(
    app: Flask, client: FlaskClient, team: Team
) -> None:
    sign_in(client, team.editor)
    response = _post(app, client, team.own, name_nl="Medisch huis Noord", note="Nieuwe naam")
    assert response.status_code == 302
    with app.app_context():
        assert reload(db.session.get(Service, team.own)).name_nl == ""
        proposal = db.session.scalars(select(ChangeRequest)).one()
        assert (proposal.status, proposal.changes, proposal.note) == (
            ChangeStatus.PENDING,
            {"name_nl": "Medisch huis Noord"},
            "Nieuwe naam",
        )
    assert 'value="Medisch huis Noord"' in client.get(f"/fr/edit/services/{team.own}").data.decode()


def test_a_second_submission_replaces_the_editors_draft(app: Flask, client: FlaskClient, team: Team) -> None:
    sign_in(client, team.editor)
    _post(app, client, team.own, name_nl="Eerste")
    _post(app, client, team.own, name_nl="Tweede")
    with app.app_context():
        statuses = db.session.execute(select(ChangeRequest.status, ChangeRequest.changes).order_by(ChangeRequest.id))
        assert [tuple(row) for row in statuses] == [
            (ChangeStatus.SUPERSEDED, {"name_nl": "Eerste"}),
            (ChangeStatus.PENDING, {"name_nl": "Tweede"}),
        ]


def test_a_trusted_organisation_publishes_directly_and_search_follows(
    app: Flask, client: FlaskClient, team: Team
) -> None:
    _trust(app, team)
    sign_in(client, team.editor)
    response = _post(app, client, team.own, description_fr="Consultations de kinésithérapie sans rendez-vous")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(ChangeRequest)).all() == []
        assert [r.kind for r in db.session.scalars(select(Revision).order_by(Revision.number))] == ["baseline", "edit"]
        wait_until_indexed()
    hits = client.get("/api/v1/services", query_string={"q": "kinésithérapie"}).get_json()["hits"]
    assert [hit["service_id"] for hit in hits] == [team.own]


def test_all_parts_of_the_fiche_can_be_edited(app: Flask, client: FlaskClient, team: Team) -> None:
    _trust(app, team)
    sign_in(client, team.editor)
    response = _post(
        app,
        client,
        team.own,
        phones="02 345 67 89\n0470 12 34 56",
        email="accueil@Nord.BE",
        website="nord.be",
        cost="reduced",
        cost_details_nl="Volgens inkomen",
        access="appointment",
        access_details_fr="Sur rendez-vous",
        languages=["fr", "ar"],
        other_languages="tr",
        wheelchair="yes",
        accessibility_note_nl="Oprit aan de zijkant",
        lat=str(ANDERLECHT[0]),
        lon=str(ANDERLECHT[1]),
        postcode="1070",
    )
    assert response.status_code == 302, response.data.decode()
    with app.app_context():
        service = reload(db.session.get(Service, team.own))
        location = service.locations[0]
        assert [p.number for p in service.phones] == ["+3223456789", "+32470123456"]
        assert (service.email, service.website) == ("accueil@nord.be", "https://nord.be")
        assert (service.cost, service.cost_details_nl) == ("reduced", "Volgens inkomen")
        assert (service.access, service.access_details_fr) == ("appointment", "Sur rendez-vous")
        assert sorted(service.languages) == ["ar", "fr", "tr"]
        assert (location.wheelchair, location.accessibility_note_nl) == ("yes", "Oprit aan de zijkant")
        assert (location.lat, location.lon, location.geocode_precision) == (*ANDERLECHT, "manual")
        assert location.commune.nis == "21001"  # the moved pin re-tags the commune (Anderlecht)
        assert service.field_provenance["email"]["human"] is True


def test_structured_hours_with_holidays_and_exceptions(app: Flask, client: FlaskClient, team: Team) -> None:
    _trust(app, team)
    sign_in(client, team.editor)
    response = _post(
        app,
        client,
        team.own,
        hours_mode="grid",
        hours_Mo="09:00-12:00, 13:00-17:00",
        hours_Tu="09:00-12:00, 13:00-17:00",
        hours_Sa="10:00-12:00",
        holidays="off",
        **{"exceptions-0-start": "2026-12-24", "exceptions-0-hours": "09:00-12:00"},
        **{"exceptions-1-start": "2026-07-15", "exceptions-1-end": "2026-07-31"},
    )
    assert response.status_code == 302, response.data.decode()
    with app.app_context():
        hours = reload(db.session.get(Service, team.own)).opening_hours
    assert hours == (
        "Mo-Tu 09:00-12:00,13:00-17:00; Sa 10:00-12:00; PH off; 2026 Jul 15-2026 Jul 31 off; 2026 Dec 24 09:00-12:00"
    )
    page = client.get(f"/fr/edit/services/{team.own}").data.decode()
    assert 'name="exceptions-0-start" type="date" value="2026-07-15"' in page
    assert 'value="10:00-12:00"' in page


@pytest.mark.parametrize(
    "lang, messages",
    [
        (
            "fr",
            [
                "9999 n'est pas un code postal de la Région de Bruxelles-Capitale.",
                "« 9h-midi » n'est pas une plage horaire comme 09:00-12:30.",
                "Donnez la latitude et la longitude, ou aucune des deux.",
                "Adresse e-mail invalide « accueil@ ».",
                "La date de fin précède la date de début.",
            ],
        ),
        (
            "nl",
            [
                "9999 is geen postcode van het Brussels Hoofdstedelijk Gewest.",
                "‘9h-midi’ is geen tijdvak zoals 09:00-12:30.",
                "Geef zowel breedte- als lengtegraad, of geen van beide.",
                "Ongeldig e-mailadres ‘accueil@’.",
                "De einddatum ligt voor de begindatum.",
            ],
        ),
    ],
)
def test_invalid_input_is_explained_in_the_page_language_and_kept(
    app: Flask, client: FlaskClient, team: Team, lang: str, messages: list[str]
) -> None:
    sign_in(client, team.editor)
    response = _post(
        app,
        client,
        team.own,
        lang,
        name_nl="Mijn getypte naam",
        description_fr="Texte tapé à garder",
        postcode="9999",
        hours_mode="grid",
        hours_Mo="9h-midi",
        lat="50.85",
        lon="",
        email="accueil@",
        **{"exceptions-0-start": "2026-12-31", "exceptions-0-end": "2026-12-01", "exceptions-0-hours": "10:00-12:00"},
    )
    page = page_text(response)
    assert response.status_code == 400
    for message in messages:
        assert message in page, message
    assert 'value="Mijn getypte naam"' in page and "Texte tapé à garder" in page
    assert 'value="9999"' in page and 'value="9h-midi"' in page and 'value="50.85"' in page
    assert 'value="accueil@"' in page and 'value="2026-12-31"' in page and 'value="10:00-12:00"' in page
    with app.app_context():
        assert db.session.scalars(select(ChangeRequest)).all() == []


def test_a_pin_outside_brussels_is_refused(app: Flask, client: FlaskClient, team: Team) -> None:
    sign_in(client, team.editor)
    response = _post(app, client, team.own, "nl", lat="51.2194", lon="4.4025")  # Antwerp
    assert response.status_code == 400
    assert "Dit punt ligt buiten het Brussels Hoofdstedelijk Gewest." in response.data.decode()


def test_availability_is_published_at_once_and_filters_the_api(app: Flask, client: FlaskClient, team: Team) -> None:
    sign_in(client, team.editor)
    response = client.post(
        f"/fr/edit/services/{team.own}/availability",
        data={"availability": "waiting_list", "availability_delay_days": "45"},
    )
    assert response.status_code == 302
    with app.app_context():
        service = reload(db.session.get(Service, team.own))
        assert (service.availability, service.availability_delay_days) == ("waiting_list", 45)
        assert service.availability_updated_at is not None
        assert db.session.scalars(select(ChangeRequest)).all() == []
        wait_until_indexed()
    result = client.get("/api/v1/services", query_string={"availability": "waiting_list"}).get_json()
    assert [hit["service_id"] for hit in result["hits"]] == [team.own]
    assert result["hits"][0]["availability"] == "waiting_list"
    assert client.get("/api/v1/services", query_string={"availability": "full"}).get_json()["total"] == 0
    fiche = page_text(client.get(f"/fr/services/{team.own}", follow_redirects=True))
    assert "Liste d'attente" in fiche and "45" in fiche


def test_availability_from_the_edit_form_also_skips_the_queue(app: Flask, client: FlaskClient, team: Team) -> None:
    sign_in(client, team.editor)
    response = _post(app, client, team.own, availability="full")
    assert response.status_code == 302
    with app.app_context():
        assert reload(db.session.get(Service, team.own)).availability == "full"
        assert db.session.scalars(select(Revision.kind).order_by(Revision.number)).all() == [
            "baseline",
            "availability",
        ]


def test_an_invalid_waiting_time_is_not_saved(app: Flask, client: FlaskClient, team: Team) -> None:
    sign_in(client, team.editor)
    response = client.post(
        f"/nl/edit/services/{team.own}/availability",
        data={"availability": "waiting_list", "availability_delay_days": "-3"},
        follow_redirects=True,
    )
    assert "De beschikbaarheid is niet opgeslagen: kijk de wachttijd na." in page_text(response)
    with app.app_context():
        assert reload(db.session.get(Service, team.own)).availability == "unknown"


def test_an_editor_of_two_organisations_sees_both(app: Flask, client: FlaskClient, team: Team) -> None:
    with app.app_context():
        other = db.session.scalars(select(Organization).where(Organization.name_fr == "ASBL Sud")).one()
        db.session.add(accounts.Membership(user_id=team.editor, organization_id=other.id))
        db.session.commit()
    sign_in(client, team.editor)
    assert client.get(f"/fr/edit/services/{team.other}").status_code == 200


@pytest.mark.parametrize("lang, message", [("fr", "N'est pas une date valide."), ("nl", "Ongeldige datum.")])
def test_an_invalid_exception_date_is_explained_in_the_page_language(
    app: Flask, client: FlaskClient, team: Team, lang: str, message: str
) -> None:
    sign_in(client, team.editor)
    response = _post(app, client, team.own, lang, hours_mode="grid", **{"exceptions-0-start": "2026-13-45"})
    assert response.status_code == 400
    assert message in page_text(response) and 'value="2026-13-45"' in page_text(response)


def _stale_form(client: FlaskClient, app: Flask, service_id: int, **fields) -> dict:
    """The edit form as a browser holds it after loading the page: the fields, then `fields` typed, and the hidden
    `base` (the published values the page was built from)."""
    page = client.get(f"/fr/edit/services/{service_id}").data.decode()
    found = re.search(r'name="base" type="hidden" value="([^"]*)"', page) or re.search(
        r'type="hidden" name="base" value="([^"]*)"', page
    )
    assert found, "no base field in the form"
    with app.app_context():
        data = edit_form_data(db.session.get(Service, service_id), **fields)
    return {**data, "base": html.unescape(found.group(1))}


def test_two_editors_saving_the_same_fiche_keep_both_changes(app: Flask, client: FlaskClient, team: Team) -> None:
    first, second = sign_in(app.test_client(), team.moderator), sign_in(app.test_client(), team.admin)
    first_form = _stale_form(first, app, team.own, name_fr="Maison médicale du Nord-Est")
    second_form = _stale_form(second, app, team.own, description_fr="Consultations sans rendez-vous le matin.")
    assert first.post(f"/fr/edit/services/{team.own}", data=first_form).status_code == 302
    assert second.post(f"/fr/edit/services/{team.own}", data=second_form).status_code == 302  # its form is stale
    with app.app_context():
        fiche = db.session.get(Service, team.own)
        assert fiche.name_fr == "Maison médicale du Nord-Est"  # not reverted by the second, older form
        assert fiche.description_fr == "Consultations sans rendez-vous le matin."


def test_two_editors_changing_the_same_field_get_a_clear_conflict(app: Flask, team: Team) -> None:
    first, second = sign_in(app.test_client(), team.moderator), sign_in(app.test_client(), team.admin)
    first_form = _stale_form(first, app, team.own, name_fr="Maison médicale du Nord-Est")
    second_form = _stale_form(second, app, team.own, name_fr="Maison médicale Nord", phones="02 218 45 61")
    assert first.post(f"/fr/edit/services/{team.own}", data=first_form).status_code == 302
    conflict = second.post(f"/fr/edit/services/{team.own}", data=second_form)
    text = page_text(conflict)
    assert conflict.status_code == 409 and "Quelqu'un d'autre a enregistré cette fiche" in text
    assert 'value="Maison médicale Nord"' in text and "02 218 45 61" in text  # the second editor's input is kept
    with app.app_context():
        assert db.session.get(Service, team.own).name_fr == "Maison médicale du Nord-Est"  # nothing saved yet
    again = _stale_form(second, app, team.own, name_fr="Maison médicale Nord")  # checked, saved again
    assert second.post(f"/fr/edit/services/{team.own}", data=again).status_code == 302
    with app.app_context():
        assert db.session.get(Service, team.own).name_fr == "Maison médicale Nord"
