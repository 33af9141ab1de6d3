"""Verification campaigns: selection, one mail per service in its language, one click, rhythm, reminders,
escalation to the coordinator, the counts per bassin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from directory.extensions import db
from directory.models import Service
from directory.models.accounts import AuditLog
from directory.models.base import utcnow
from directory.models.campaigns import Campaign, CampaignItem
from tests.account_helpers import Team, edit_form_data, links, mails_to, page_text, sign_in
from tests.factories import ANDERLECHT, make_service

NEW = {"name": "Printemps 2027", "bassin": "", "sector": "", "remind_every_days": "14", "escalate_after": "2"}


@pytest.fixture
def fiches(app: Flask, team: Team) -> dict[str, int]:
    """The team's two fiches with e-mail addresses, a Dutch-only fiche in Anderlecht, one without any address."""
    with app.app_context():
        db.session.get(Service, team.own).email = "nord@example.org"
        db.session.get(Service, team.other).email = "sud@example.org"
        dutch = make_service(
            "", name_nl="Wijkgezondheidscentrum", at=ANDERLECHT, postcode="1070", email="wgc@example.org"
        )
        make_service("Sans adresse e-mail")
        db.session.commit()
        return {"dutch": dutch.id, "bassin": dutch.locations[0].bassin_code}


def _send(client: FlaskClient, team: Team, **criteria: str):
    sign_in(client, team.moderator)
    return client.post("/fr/moderation/campaigns", data={**NEW, "action": "send", **criteria})


def test_a_preview_counts_the_selection_before_sending(app: Flask, client: FlaskClient, team: Team, fiches) -> None:
    sign_in(client, team.moderator)
    page = page_text(client.post("/fr/moderation/campaigns", data={**NEW, "action": "preview"}))
    assert "4 fiches correspondent ; 3 ont une adresse e-mail" in page
    with app.app_context():
        assert db.session.scalars(select(Campaign)).all() == []


def test_one_mail_per_service_in_its_language(app: Flask, client: FlaskClient, team: Team, fiches) -> None:
    response = _send(client, team)
    assert response.status_code == 302
    with app.app_context():
        [french] = mails_to("nord@example.org")
        [dutch] = mails_to("wgc@example.org")
        assert "Un clic suffit" in french.body and "/fr/check/" in french.body
        assert "Eén klik volstaat" in dutch.body and "/nl/check/" in dutch.body
        assert dutch.subject == "Is je fiche in Qui fait quoi / Wie doet wat nog juist?"
        assert "campaign_send" in set(db.session.scalars(select(AuditLog.action)))


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"bassin": "{bassin}"}, {"wgc@example.org"}),
        ({"never_verified": "y"}, {"nord@example.org", "sud@example.org", "wgc@example.org"}),
        ({"below_completeness": "10"}, set()),
    ],
)
def test_the_selection_criteria(app: Flask, client: FlaskClient, team: Team, fiches, criteria, expected) -> None:
    _send(client, team, **{k: v.format(**fiches) for k, v in criteria.items()})
    with app.app_context():
        assert {item.email for item in db.session.scalars(select(CampaignItem))} == expected


def test_still_correct_in_one_click_and_the_counts(app: Flask, client: FlaskClient, team: Team, fiches) -> None:
    _send(client, team)
    with app.app_context():
        link = links(mails_to("nord@example.org")[0])[0]
        opened_only = links(mails_to("sud@example.org")[0])[0]
    service_browser = FlaskClient(app)
    page = page_text(service_browser.get(link))
    assert "Tout est toujours correct" in page and f"/fr/services/{team.own}/claim" in page
    service_browser.post(link, data={"action": "confirm"})
    service_browser.get(opened_only)
    with app.app_context():
        service = db.session.get(Service, team.own)
        assert service.verified_at is not None and service.verified_by == "@example.org"
        campaign_id = db.session.scalars(select(Campaign.id)).one()
    report = page_text(client.get(f"/fr/moderation/campaigns/{campaign_id}"))
    assert "Nord-Est" in report
    with app.app_context():
        from directory.operations import campaigns

        counts = campaigns.counts(db.session.get(Campaign, campaign_id))
        total = {k: sum(getattr(row, k) for row in counts.values()) for k in ("sent", "opened", "confirmed", "silent")}
        assert total == {"sent": 3, "opened": 2, "confirmed": 1, "silent": 1}


def test_an_update_after_the_mail_counts_as_updated(app: Flask, client: FlaskClient, team: Team, fiches) -> None:
    _send(client, team)
    with app.app_context():
        data = edit_form_data(db.session.get(Service, team.own), name_nl="Wijkgezondheidscentrum Noord")
    client.post(f"/fr/edit/services/{team.own}", data=data)  # the moderator publishes directly
    with app.app_context():
        from directory.operations import campaigns

        counts = campaigns.counts(db.session.scalars(select(Campaign)).one())
        assert sum(row.updated for row in counts.values()) == 1


def test_reminders_follow_the_rhythm_then_the_coordinator_is_told(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, team: Team, fiches
) -> None:
    _send(client, team)
    with app.app_context():
        rhythm_link = links(mails_to("sud@example.org")[0])[0]
    FlaskClient(app).post(rhythm_link, data={"action": "rhythm", "rhythm_days": "30"})

    def later(days: int) -> str:
        with app.app_context():
            for item in db.session.scalars(select(CampaignItem)):
                item.sent_at = utcnow() - timedelta(days=days)
                item.last_reminded_at = item.last_reminded_at and item.last_reminded_at - timedelta(days=days)
            db.session.commit()
        result = runner.invoke(args=["campaigns", "remind"])
        assert result.exit_code == 0, result.output
        return result.output

    assert "2 reminders sent" in later(15)  # nord and wgc at 14 days; sud chose 30
    with app.app_context():
        assert "Nous vous avons écrit il y a quelque temps" in mails_to("nord@example.org")[-1].body
        assert len(mails_to("sud@example.org")) == 1
    later(15)
    assert "silent services reported" in later(15)
    with app.app_context():
        [told] = mails_to("moderator@example.org")
        assert "wgc@example.org" in told.body and "nord@example.org" in told.body


def test_a_forged_link_is_refused(client: FlaskClient) -> None:
    assert client.get("/fr/check/forged").status_code == 410


def test_the_rhythm_shown_is_the_campaigns_until_the_service_chooses(
    app: Flask, client: FlaskClient, team: Team, fiches
) -> None:
    _send(client, team)
    with app.app_context():
        link = links(mails_to("nord@example.org")[0])[0]
    service_browser = FlaskClient(app)
    assert '<option value="14" selected>' in service_browser.get(link).get_data(as_text=True)
    service_browser.post(link, data={"action": "rhythm", "rhythm_days": "90"})
    assert '<option value="90" selected>' in service_browser.get(link).get_data(as_text=True)
    assert service_browser.post(link, data={"action": "rhythm", "rhythm_days": "5"}).status_code == 400
