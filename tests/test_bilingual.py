"""FR and NL in step: per field and language, when written; a marker and a queue when one language is behind."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from directory.extensions import db
from directory.models import Service
from directory.models.bilingual import TextStamp
from tests.account_helpers import Team, edit_form_data, page_text, sign_in


def _publish(app: Flask, client: FlaskClient, team: Team, **changes: str):
    sign_in(client, team.moderator)  # moderators publish directly
    with app.app_context():
        data = edit_form_data(db.session.get(Service, team.own), **changes)
    return client.post(f"/fr/edit/services/{team.own}", data=data, follow_redirects=True)


def test_both_languages_written_together_are_in_step(app: Flask, client: FlaskClient, team: Team) -> None:
    _publish(app, client, team, description_fr="Consultations", description_nl="Consultaties")
    with app.app_context():
        stamps = db.session.scalars(db.select(TextStamp).where(TextStamp.field == "description")).all()
        assert {s.lang for s in stamps} == {"fr", "nl"}
        assert all(s.written_at == s.other_written_at for s in stamps)
    assert "plus ancienne" not in page_text(client.get(f"/fr/services/{team.own}"))


def test_a_newer_french_text_marks_the_dutch_one_and_queues_it(app: Flask, client: FlaskClient, team: Team) -> None:
    _publish(app, client, team, description_fr="Consultations", description_nl="Consultaties")
    page = page_text(_publish(app, client, team, description_fr="Consultations sans rendez-vous"))
    assert "Vous n'avez modifié qu'une langue : mettez aussi à jour « Description (néerlandais) »" in page
    french, dutch = page_text(client.get(f"/fr/services/{team.own}")), page_text(client.get(f"/nl/services/{team.own}"))
    assert "La version néerlandaise est plus ancienne" in french
    assert "De Franse versie is recenter" in dutch and "Beschrijving (Nederlands)" in dutch
    assert "Maison médicale du Nord" in page_text(client.get("/fr/moderation/translations"))
    sign_in(client, team.editor)
    assert "Description (néerlandais)" in page_text(client.get(f"/fr/edit/services/{team.own}"))

    _publish(app, client, team, description_nl="Consultaties zonder afspraak")
    assert "plus ancienne" not in page_text(client.get(f"/fr/services/{team.own}"))
    assert "Maison médicale du Nord" not in page_text(client.get("/fr/moderation/translations"))


def test_a_first_text_in_one_language_is_not_a_late_translation(app: Flask, client: FlaskClient, team: Team) -> None:
    _publish(app, client, team, description_fr="Consultations")
    assert "plus ancienne" not in page_text(client.get(f"/fr/services/{team.own}"))
