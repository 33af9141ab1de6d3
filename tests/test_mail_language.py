"""Every e-mail body is in the recipient's language: their preference, else the language of the request."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from directory.extensions import db
from directory.models import Organization, Service
from directory.models.accounts import User
from tests.account_helpers import Team, edit_form_data, mails_to, sign_in


@pytest.mark.parametrize(
    ("lang", "expected", "absent"),
    [("nl", "Open deze link om je aan te melden", "Open this link"), ("fr", "Ouvrez ce lien", "Open this link")],
)
def test_the_sign_in_mail_is_in_the_language_of_the_request(
    app: Flask, client: FlaskClient, team: Team, lang: str, expected: str, absent: str
) -> None:
    client.post(f"/{lang}/account/sign-in", data={"email": "editor@example.org"})
    with app.app_context():
        [message] = mails_to("editor@example.org")
        assert expected in message.body and absent not in message.body
        assert f"/{lang}/account/sign-in/" in message.body


def test_an_invitation_to_a_dutch_speaking_colleague_is_in_dutch(app: Flask, client: FlaskClient, team: Team) -> None:
    with app.app_context():
        db.session.add(User(email="an@example.org", lang="nl"))
        organization = db.session.scalars(db.select(Organization).where(Organization.name_fr == "ASBL Nord")).one()
        db.session.commit()
        organization_id = organization.id
    sign_in(client, team.editor)
    client.post("/fr/account/", data={"email": "an@example.org", "organization": organization_id, "role": "editor"})
    with app.app_context():
        [message] = mails_to("an@example.org")
        assert "nodigt je uit om de fiches van ASBL Nord actueel te houden" in message.body
        assert "/nl/account/sign-in/" in message.body


def test_a_moderation_outcome_reaches_a_dutch_speaking_author_in_dutch(
    app: Flask, client: FlaskClient, team: Team
) -> None:
    with app.app_context():
        db.session.get(User, team.editor).lang = "nl"
        db.session.commit()
        data = edit_form_data(db.session.get(Service, team.own), name_nl="Wijkgezondheidscentrum")
    sign_in(client, team.editor)
    client.post(f"/nl/edit/services/{team.own}", data=data)
    sign_in(client, team.moderator)
    with app.app_context():
        from directory.models.moderation import ChangeRequest

        proposal = db.session.scalars(db.select(ChangeRequest)).one()
    client.post(f"/fr/moderation/changes/{proposal.id}/reject", data={"comment": "Nom incomplet"})
    with app.app_context():
        [message] = mails_to("editor@example.org")
        assert message.subject == "Je wijzigingen zijn niet gepubliceerd"
        assert "zijn niet gepubliceerd. De moderator legt uit:" in message.body
        assert "Nom incomplet" in message.body
