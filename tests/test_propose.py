"""Add a service: the public form, its validation, duplicate hints, the moderator's review, publication."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import Service
from directory.models.accounts import AuditLog
from directory.models.candidates import Candidate, CandidateStatus
from directory.models.selfserve import ServiceProposal
from directory.search.sync import wait_until_indexed
from tests.account_helpers import Team, links, mails_to, page_text, sign_in

PROPOSAL = {
    "name_fr": "Bibliothèque d'outils solidaire",
    "name_nl": "Solidaire gereedschapsbibliotheek",
    "description_fr": "Prêt d'outils aux habitants du quartier.",
    "street_fr": "Rue Josaphat",
    "house_number": "12",
    "postcode": "1030",
    "phones": "02 555 12 34",
    "sectors": ["food_aid"],
    "hours_mode": "grid",
    "hours_We": "14:00-18:00",
    "cost": "free",
    "access": "unconditional",
    "wheelchair": "unknown",
    "proposer_name": "Sam",
    "proposer_email": "sam@example.org",
}


def _propose(client: FlaskClient, lang: str = "fr", **changes: object):
    return client.post(f"/{lang}/services/new", data={**PROPOSAL, **changes})


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize(("lang", "title"), [("fr", "Ajouter un service"), ("nl", "Een dienst toevoegen")])
def test_the_form_is_bilingual(client: FlaskClient, lang: str, title: str) -> None:
    page = page_text(client.get(f"/{lang}/services/new"))
    assert title in page and 'name="name_fr"' in page and 'name="name_nl"' in page and 'name="hours_Mo"' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"postcode": "2000"}, "2000 n'est pas un code postal de la Région de Bruxelles-Capitale"),
        ({"lat": "51.2194", "lon": "4.4025"}, "hors de la Région de Bruxelles-Capitale"),
        ({"phones": "12"}, "Numéro de téléphone invalide « 12 »"),
        ({"hours_We": "after lunch"}, "n'est pas une plage horaire"),
        ({"sectors": ["not-a-sector"]}, "n'est pas un choix valide"),
        ({"name_fr": "", "name_nl": ""}, "Donnez un nom en français ou en néerlandais"),
        ({"proposer_email": ""}, "Ce champ est requis"),
    ],
)
def test_the_same_validation_as_the_edit_form(app: Flask, client: FlaskClient, changes: dict, message: str) -> None:
    response = _propose(client, **changes)
    assert response.status_code == 400
    assert message in page_text(response)
    with app.app_context():
        assert _count(ServiceProposal) == 0


def test_a_proposal_is_reviewed_then_published_and_searchable(app: Flask, client: FlaskClient, team: Team) -> None:
    assert _propose(client, lang="nl").status_code == 200
    with app.app_context():
        proposal = db.session.scalars(select(ServiceProposal)).one()
        assert proposal.values["location.postcode"] == "1030" and proposal.values["phones"] == ["+3225551234"]
        assert proposal.values["opening_hours"] == "We 14:00-18:00"
        assert _count(Service) == 2  # nothing published yet
        [received] = mails_to("sam@example.org")
        assert "Bedankt om" in received.body
    sign_in(client, team.editor)
    assert client.get(f"/fr/moderation/proposals/{proposal.id}").status_code == 403
    sign_in(client, team.moderator)
    review = page_text(client.get(f"/fr/moderation/proposals/{proposal.id}"))
    assert "Bibliothèque d'outils solidaire" in review and "Sam" in review
    response = client.post(f"/fr/moderation/proposals/{proposal.id}", data={"action": "publish"})
    assert response.status_code == 302
    with app.app_context():
        service = db.session.scalars(select(Service).where(Service.source == "proposal")).one()
        assert service.organization.name_fr == "Bibliothèque d'outils solidaire"
        assert service.locations[0].commune_nis == "21015" and [p.number for p in service.phones] == ["+3225551234"]
        assert response.headers["Location"] == f"/fr/services/{service.id}"
        published = mails_to("sam@example.org")[-1]
        assert links(published)[0] == f"/nl/services/{service.id}"
        actions = set(db.session.scalars(select(AuditLog.action)))
        assert {"propose_service", "proposal_publish", "publish"} <= actions
        wait_until_indexed()
    hits = client.get("/api/v1/services", query_string={"q": "gereedschapsbibliotheek"}).get_json()["hits"]
    assert [hit["service_id"] for hit in hits] == [service.id]


def test_a_close_duplicate_is_shown_before_anything_is_kept(app: Flask, client: FlaskClient, team: Team) -> None:
    same = {"name_fr": "Maison medicale du Nord", "name_nl": "", "phones": ""}
    first = _propose(client, **same)
    assert first.status_code == 200 and "Déjà dans le répertoire" in page_text(first)
    assert f"/fr/services/{team.own}/claim" in page_text(first)
    with app.app_context():
        assert _count(ServiceProposal) == 0
    _propose(client, **same, not_duplicate="y")
    with app.app_context():
        assert _count(ServiceProposal) == 1


def test_similar_json_finds_a_fiche_by_phone_or_name_while_typing(client: FlaskClient, team: Team) -> None:
    by_phone = client.get("/fr/services/similar.json", query_string={"phones": "02 222 00 00"}).get_json()
    assert {m["id"] for m in by_phone["matches"]} == {team.own, team.other}  # both factory fiches share it
    by_name = client.get("/nl/services/similar.json", query_string={"name": "centre sante sud"}).get_json()
    assert [m["id"] for m in by_name["matches"]] == [team.other]
    assert by_name["matches"][0]["claim_url"] == f"/nl/services/{team.other}/claim"
    assert client.get("/fr/services/similar.json", query_string={"name": "zzzz qqqq"}).get_json()["matches"] == []


def test_similar_json_names_a_waiting_candidate_without_its_private_details(app: Flask, client: FlaskClient) -> None:
    record = {"name_fr": "Outilthèque solidaire", "phones": ["02 555 98 76"], "email": "contact@outils.example"}
    with app.app_context():
        for source_id, status in (("waiting", CandidateStatus.PENDING), ("dismissed", CandidateStatus.DISMISSED)):
            db.session.add(
                Candidate(
                    source="t",
                    source_id=source_id,
                    status=status,
                    name_fr="Outilthèque solidaire Josaphat",
                    name_nl="Solidaire gereedschapsbib Josaphat",
                    postcode="1030",
                    commune_nis="21015",
                    record=record,
                    source_url="https://outils.example/contact",
                )
            )
        db.session.commit()
    asked = {"name": "outilthèque solidaire", "postcode": "1030"}
    answer = client.get("/fr/services/similar.json", query_string=asked)
    assert answer.get_json() == {
        "matches": [],
        "known": [{"name": "Outilthèque solidaire Josaphat", "commune": "Schaerbeek"}],
    }
    assert not any(private in answer.text for private in ("555", "contact@", "outils.example"))
    dutch = client.get("/nl/services/similar.json", query_string=asked).get_json()["known"]
    assert dutch == [{"name": "Solidaire gereedschapsbib Josaphat", "commune": "Schaarbeek"}]
    assert client.get("/fr/services/similar.json", query_string={"name": "zzzz qqqq"}).get_json()["known"] == []
    assert "Een gelijkaardige dienst is al bekend en wacht op nazicht:" in client.get("/nl/services/new").text


def test_a_new_site_joins_the_organisation_of_the_listed_service(app: Flask, client: FlaskClient, team: Team) -> None:
    page = page_text(client.get(f"/fr/services/new?site_of={team.own}"))
    assert "nouveau site de « Maison médicale du Nord »" in page
    _propose(client, site_of=str(team.own), name_fr="Maison médicale du Nord — antenne Josaphat")
    sign_in(client, team.moderator)
    with app.app_context():
        proposal_id = db.session.scalars(select(ServiceProposal.id)).one()
    client.post(f"/fr/moderation/proposals/{proposal_id}", data={"action": "publish"})
    with app.app_context():
        new = db.session.scalars(select(Service).where(Service.source == "proposal")).one()
        assert new.organization_id == db.session.get(Service, team.own).organization_id


def test_a_refusal_needs_a_word_which_the_proposer_receives(app: Flask, client: FlaskClient, team: Team) -> None:
    _propose(client)
    sign_in(client, team.moderator)
    with app.app_context():
        proposal_id = db.session.scalars(select(ServiceProposal.id)).one()
    client.post(f"/fr/moderation/proposals/{proposal_id}", data={"action": "refuse"})
    client.post(f"/fr/moderation/proposals/{proposal_id}", data={"action": "refuse", "comment": "Hors Bruxelles"})
    with app.app_context():
        assert db.session.get(ServiceProposal, proposal_id).status == "refused"
        assert "Hors Bruxelles" in mails_to("sam@example.org")[-1].body
        assert _count(Service) == 2
        assert "proposal_refuse" in set(db.session.scalars(select(AuditLog.action)))


def test_a_bot_filling_the_honeypot_is_thanked_and_nothing_is_kept(app: Flask, client: FlaskClient) -> None:
    assert _propose(client, url="http://spam.example").status_code == 200
    with app.app_context():
        assert _count(ServiceProposal) == 0 and mails_to("sam@example.org") == []


def test_proposals_are_rate_limited(app: Flask, client: FlaskClient) -> None:
    limit = app.config["RATE_LIMIT_CLAIM"][0]
    codes = [_propose(client, proposer_email=f"p{i}@example.org").status_code for i in range(limit + 1)]
    assert codes == [200] * limit + [429]
