"""Report a problem: reachable from every fiche, map popup and easy-read card; the reporter is told the outcome."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from directory.extensions import db
from directory.models.moderation import ProblemReport
from directory.search.sync import wait_until_indexed
from tests.account_helpers import Team, links, mails_to, page_text, sign_in
from tests.factories import make_service

SCHAERBEEK_NIS = "21015"


@pytest.fixture
def food(app: Flask) -> int:
    with app.app_context():
        service = make_service("Épicerie sociale Colignon", ("food_aid",), cost="free", access="unconditional")
        db.session.commit()
        wait_until_indexed()
        return service.id


def test_the_map_popup_links_to_the_report_form(client: FlaskClient, food: int) -> None:
    points = client.get("/fr/map/points.json").get_json()
    doc_id = points["points"][0][2]
    popup = client.get(f"/nl/map/popup/{doc_id}").get_data(as_text=True)
    assert f'href="/nl/services/{food}/report"' in popup and "Een probleem melden" in popup


def test_each_easy_read_card_links_to_the_report_form(client: FlaskClient, food: int) -> None:
    page = page_text(client.get(f"/fr/facile/eat/list?commune={SCHAERBEEK_NIS}"))
    assert f'href="/fr/services/{food}/report"' in page and "Signaler un problème" in page


@pytest.mark.parametrize(
    ("action", "expected"),
    [("resolve", "de fiche is verbeterd"), ("dismiss", "heeft de fiche gelaten zoals ze was")],
)
def test_the_reporter_is_told_the_outcome_in_their_language(
    app: Flask, client: FlaskClient, team: Team, action: str, expected: str
) -> None:
    client.post(
        f"/nl/services/{team.other}/report",
        data={"category": "contact", "message": "Het nummer werkt niet", "email": "prof@example.org"},
    )
    with app.app_context():
        report_id = db.session.scalars(select(ProblemReport.id)).one()
    sign_in(client, team.moderator)
    client.post(f"/fr/moderation/reports/{report_id}", data={"action": action, "note": "Nouveau numéro ajouté"})
    with app.app_context():
        [message] = mails_to("prof@example.org")
        assert expected in message.body and "Nouveau numéro ajouté" in message.body
        assert links(message) == [f"/nl/services/{team.other}"]


def test_a_report_without_e_mail_sends_nothing(app: Flask, client: FlaskClient, team: Team) -> None:
    client.post(f"/fr/services/{team.own}/report", data={"category": "hours", "message": "Fermé le lundi"})
    sign_in(client, team.moderator)
    with app.app_context():
        report_id = db.session.scalars(select(ProblemReport.id)).one()
    client.post(f"/fr/moderation/reports/{report_id}", data={"action": "resolve"})
    with app.app_context():
        from directory.models.accounts import MailMessage

        assert db.session.scalars(select(MailMessage)).all() == []
