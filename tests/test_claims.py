"""Claim a fiche: proved by e-mail when the address matches the fiche, else reviewed by a moderator."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import Service
from directory.models.accounts import AuditLog, Membership, User
from directory.models.selfserve import Claim
from tests.account_helpers import Team, links, mails_to, page_text, sign_in

FORM = {"name": "Anna Peeters", "role": "Coordinatrice", "bce": "", "phone_note": ""}


def _site(app: Flask, service_id: int, website: str = "https://www.nord.example.org", email: str = "") -> None:
    with app.app_context():
        service = db.session.get(Service, service_id)
        service.organization.website, service.organization.email = website, email
        db.session.commit()


def _claim(client: FlaskClient, service_id: int, email: str, lang: str = "fr", **extra: str):
    return client.post(f"/{lang}/services/{service_id}/claim", data={**FORM, "email": email, **extra})


def _actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_every_fiche_offers_the_claim_and_the_report_links(client: FlaskClient, team: Team) -> None:
    french, dutch = page_text(client.get(f"/fr/services/{team.own}")), page_text(client.get(f"/nl/services/{team.own}"))
    assert "Ceci est mon organisation" in french and f"/fr/services/{team.own}/claim" in french
    assert "Signaler un problème" in french and f"/fr/services/{team.own}/report" in french
    assert "Dit is mijn organisatie" in dutch and "Een probleem melden" in dutch


def test_a_matching_domain_is_granted_by_a_single_use_link(app: Flask, client: FlaskClient, team: Team) -> None:
    _site(app, team.other)
    response = _claim(client, team.other, "anna@nord.example.org")
    assert response.status_code == 200
    with app.app_context():
        [message] = mails_to("anna@nord.example.org")
        link = links(message)[0]
        token = link.rsplit("/", 1)[1]
        claim = db.session.scalars(select(Claim)).one()
        assert claim.status == "awaiting_email" and claim.token_hash and token not in claim.token_hash
    assert client.get(link).status_code == 200  # opening the link (a mail scanner) does not use it
    confirmed = client.post(link)
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == f"/fr/edit/services/{team.other}"
    assert client.get(f"/fr/edit/services/{team.other}").status_code == 200
    assert client.get(f"/fr/edit/services/{team.own}").status_code == 404  # never another organisation's fiche
    assert client.post(link).status_code == 410  # single use
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == "anna@nord.example.org")).one()
        assert [m.organization_id for m in user.memberships] == [db.session.get(Service, team.other).organization_id]
        assert user.name == "Anna Peeters" and user.role == "editor"
    assert {"claim", "claim_grant"} <= set(_actions(app))


@pytest.mark.parametrize(
    ("fiche_email", "claimant", "proved"),
    [
        ("nord.asbl@gmail.com", "someone.else@gmail.com", False),  # a public mailbox domain proves nothing
        ("nord.asbl@gmail.com", "nord.asbl@gmail.com", True),  # the fiche's own address does
        ("", "anna@other.example.org", False),
    ],
)
def test_what_counts_as_proof(
    app: Flask, client: FlaskClient, team: Team, fiche_email: str, claimant: str, proved: bool
) -> None:
    _site(app, team.other, website="", email=fiche_email)
    _claim(client, team.other, claimant)
    with app.app_context():
        assert db.session.scalars(select(Claim.status)).one() == ("awaiting_email" if proved else "pending")


def test_a_claim_without_proof_goes_to_a_moderator_who_grants_it(app: Flask, client: FlaskClient, team: Team) -> None:
    _claim(client, team.other, "anna@elsewhere.example.org", bce="0123.456.789", phone_note="Call the front desk")
    with app.app_context():
        [received] = mails_to("anna@elsewhere.example.org")
        assert "Un modérateur" in received.body and links(received) == []
        claim_id = db.session.scalars(select(Claim.id)).one()
    sign_in(client, team.editor)
    assert client.get(f"/fr/moderation/claims/{claim_id}").status_code == 403
    sign_in(client, team.moderator)
    page = page_text(client.get(f"/fr/moderation/claims/{claim_id}"))
    assert "0123.456.789" in page and "Call the front desk" in page and "ne correspond pas" in page
    assert client.post(f"/fr/moderation/claims/{claim_id}", data={"action": "grant"}).status_code == 302
    with app.app_context():
        granted = mails_to("anna@elsewhere.example.org")[-1]
        assert "ASBL Sud" in granted.body
        link = links(granted)[0]
    anna = FlaskClient(app)  # the claimant's own browser
    response = anna.post(link)
    assert response.status_code == 302 and response.headers["Location"] == f"/fr/edit/services/{team.other}"
    assert anna.get(f"/fr/edit/services/{team.own}").status_code == 404
    assert "claim_grant" in _actions(app)


def test_existing_editors_are_told_and_a_moderator_decides(app: Flask, client: FlaskClient, team: Team) -> None:
    _site(app, team.own)
    _claim(client, team.own, "anna@nord.example.org")  # matches, but the organisation has an editor already
    with app.app_context():
        assert db.session.scalars(select(Claim.status)).one() == "pending"
        [told] = mails_to("editor@example.org")
        assert "Anna Peeters (Coordinatrice, anna@nord.example.org)" in told.body


def test_a_refusal_needs_a_word_which_the_claimant_receives(app: Flask, client: FlaskClient, team: Team) -> None:
    _claim(client, team.other, "anna@elsewhere.example.org", lang="nl")
    sign_in(client, team.moderator)
    with app.app_context():
        claim_id = db.session.scalars(select(Claim.id)).one()
    client.post(f"/fr/moderation/claims/{claim_id}", data={"action": "refuse", "comment": ""})
    with app.app_context():
        assert db.session.get(Claim, claim_id).status == "pending"
    client.post(f"/fr/moderation/claims/{claim_id}", data={"action": "refuse", "comment": "Personne inconnue"})
    with app.app_context():
        refused = mails_to("anna@elsewhere.example.org")[-1]
        assert "Personne inconnue" in refused.body and "De moderator legt uit" in refused.body
        assert db.session.scalar(select(func.count()).select_from(Membership)) == 1  # the team editor only
    assert "claim_refuse" in _actions(app)


def test_the_answer_is_the_same_whether_the_address_has_an_account_or_not(
    app: Flask, client: FlaskClient, team: Team
) -> None:
    known = _claim(client, team.other, "editor@example.org").data.replace(b"editor@example.org", b"X")
    unknown = _claim(client, team.other, "nobody@example.org").data.replace(b"nobody@example.org", b"X")
    assert known == unknown


def test_a_bot_filling_the_honeypot_is_thanked_and_nothing_is_kept(app: Flask, client: FlaskClient, team: Team) -> None:
    response = _claim(client, team.own, "bot@example.org", website="http://spam.example")
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Claim)) == 0
        assert mails_to("bot@example.org") == []


def test_claims_are_rate_limited_per_address_and_per_email(app: Flask, client: FlaskClient, team: Team) -> None:
    limit = app.config["RATE_LIMIT_CLAIM"][0]
    codes = [_claim(client, team.own, f"p{i}@example.org").status_code for i in range(limit + 1)]
    assert codes == [200] * limit + [429]
    codes = [
        client.post(
            f"/fr/services/{team.own}/claim",
            data={**FORM, "email": "same@example.org"},
            environ_base={"REMOTE_ADDR": f"10.0.1.{i}"},
        ).status_code
        for i in range(limit + 1)
    ]
    assert codes[-1] == 429


def test_an_expired_or_unknown_claim_link_is_refused(app: Flask, client: FlaskClient, team: Team) -> None:
    _site(app, team.other)
    _claim(client, team.other, "anna@nord.example.org")
    with app.app_context():
        link = links(mails_to("anna@nord.example.org")[0])[0]
        from directory.models.base import utcnow

        db.session.scalars(select(Claim)).one().token_expires_at = utcnow()
        db.session.commit()
    assert client.get(link).status_code == 410
    assert client.post(link).status_code == 410
    assert client.post("/fr/claims/not-a-token").status_code == 410
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Membership)) == 1


def test_the_claim_mail_is_in_dutch_for_a_dutch_request(app: Flask, client: FlaskClient, team: Team) -> None:
    _site(app, team.other)
    _claim(client, team.other, "anna@nord.example.org", lang="nl")
    with app.app_context():
        [message] = mails_to("anna@nord.example.org")
        assert "Je adres komt overeen met de fiche" in message.body and "/nl/claims/" in message.body


def test_the_page_for_services_explains_the_way_in(client: FlaskClient) -> None:
    assert "Dit is mijn organisatie" in page_text(client.get("/nl/for-services"))


def test_a_deactivated_account_gets_nothing_from_a_claim_link(app: Flask, client: FlaskClient, team: Team) -> None:
    _site(app, team.other)
    with app.app_context():
        db.session.add(User(email="anna@nord.example.org", active=False))
        db.session.commit()
    _claim(client, team.other, "anna@nord.example.org")
    with app.app_context():
        link = links(mails_to("anna@nord.example.org")[0])[0]
    assert client.post(link).status_code == 410
    assert client.get(f"/fr/edit/services/{team.other}").status_code == 302  # not signed in
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Membership)) == 1
