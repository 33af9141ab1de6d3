"""Completeness of a fiche: its score, what the service is told is missing, the coordinators' view per bassin."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from directory.extensions import db
from directory.models import Public, Service
from directory.operations import completeness
from tests.account_helpers import Team, page_text, sign_in
from tests.factories import ANDERLECHT, make_service

FULL = {
    "opening_hours": "Mo-Fr 09:00-17:00",
    "languages": ["fr", "nl"],
    "cost": "free",
    "access": "unconditional",
    "documents_fr": "Carte d'identité",
    "wheelchair": "yes",
    "description_fr": "Consultations",
    "description_nl": "Consultaties",
}


def test_a_bare_fiche_misses_what_professionals_need(app: Flask) -> None:
    with app.app_context():
        bare = completeness.of(make_service("Pharmacie"))
        assert bare.missing == (
            "hours",
            "languages",
            "cost",
            "access",
            "documents",
            "publics",
            "wheelchair",
            "description_fr",
            "description_nl",
        )
        assert bare.score == 18  # address and phone: 2 of 11


def test_a_complete_fiche_scores_100(app: Flask) -> None:
    with app.app_context():
        service = make_service("Maison médicale", **FULL)
        service.publics = [db.session.scalars(db.select(Public)).first()]
        assert completeness.of(service) == completeness.Completeness(100, ())


def test_the_service_sees_what_is_missing_while_editing(client: FlaskClient, team: Team) -> None:
    sign_in(client, team.editor)
    french = page_text(client.get(f"/fr/edit/services/{team.own}"))
    assert "Complétude : 18%" in french and "Description (néerlandais)" in french
    dutch = page_text(client.get(f"/nl/edit/services/{team.own}"))
    assert "Volledigheid: 18%" in dutch


def test_coordinators_see_scores_per_bassin(app: Flask, client: FlaskClient, team: Team) -> None:
    with app.app_context():
        make_service("Maison médicale d'Anderlecht", at=ANDERLECHT, postcode="1070", **FULL)
        db.session.commit()
        anderlecht = db.session.scalars(db.select(Service).where(Service.name_fr.like("%Anderlecht"))).one()
        code = anderlecht.locations[0].bassin_code
    sign_in(client, team.moderator)
    page = page_text(client.get("/fr/moderation/completeness"))
    assert "Nord-Est" in page and "18%" in page
    listed = page_text(client.get(f"/fr/moderation/completeness?bassin={code}"))
    assert "Maison médicale d'Anderlecht" in listed and "Centre de santé du Sud" not in listed
    assert client.get("/fr/moderation/completeness?bassin=nowhere").status_code == 404
