"""Freshness: reminders after 6 months with a one-click "still correct" link, stale fiches after 12 months."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from directory.extensions import db
from directory.models import Service
from directory.models.accounts import AuditLog, Membership
from directory.models.base import utcnow
from directory.operations.accounts import as_utc
from directory.search.sync import wait_until_indexed
from tests.account_helpers import Team, links, mails_to, page_text, reload, sign_in


def _checked(app: Flask, service_id: int, days_ago: int) -> None:
    with app.app_context():
        db.session.get(Service, service_id).verified_at = utcnow() - timedelta(days=days_ago)
        db.session.commit()


def _remind(runner: FlaskCliRunner) -> str:
    result = runner.invoke(args=["freshness", "remind"])
    assert result.exit_code == 0, result.output
    return result.output


def test_editors_are_reminded_after_six_months_once(app: Flask, runner: FlaskCliRunner, team: Team) -> None:
    _checked(app, team.own, 200)
    assert "1 editors reminded about 1 fiches" in _remind(runner)
    assert "0 editors reminded about 0 fiches" in _remind(runner)  # not again before FRESHNESS_REMIND_EVERY_DAYS
    with app.app_context():
        [message] = mails_to("editor@example.org")
        assert "Maison médicale du Nord" in message.body
        assert [link.split("/")[2:4] for link in links(message)] == [["edit", "verify"], ["edit", "services"]]


def test_a_recently_checked_fiche_brings_no_reminder(app: Flask, runner: FlaskCliRunner, team: Team) -> None:
    _checked(app, team.own, 100)
    assert "0 editors reminded" in _remind(runner)
    with app.app_context():
        assert mails_to("editor@example.org") == []


def test_the_reminder_delay_is_configurable(app: Flask, runner: FlaskCliRunner, team: Team) -> None:
    app.config["FRESHNESS_REMIND_AFTER_DAYS"] = 30
    _checked(app, team.own, 40)
    assert "1 editors reminded about 1 fiches" in _remind(runner)


def _reminder_link(app: Flask, runner: FlaskCliRunner, team: Team) -> str:
    _checked(app, team.own, 200)
    _remind(runner)
    with app.app_context():
        return links(mails_to("editor@example.org")[-1])[0]


def test_the_one_click_link_confirms_without_signing_in(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, team: Team
) -> None:
    link = _reminder_link(app, runner, team)
    assert client.get(link).status_code == 200  # opening the link (a mail scanner) changes nothing
    with app.app_context():
        assert utcnow() - as_utc(reload(db.session.get(Service, team.own)).verified_at) > timedelta(days=199)
    response = client.post(link)
    assert response.status_code == 200 and "marquée comme vérifiée" in page_text(response)
    with app.app_context():
        service = reload(db.session.get(Service, team.own))
        assert utcnow() - as_utc(service.verified_at) < timedelta(minutes=1)
        assert service.verified_by == "@example.org"
        assert db.session.scalars(select(AuditLog.action).where(AuditLog.action == "verify")).all() == ["verify"]
    assert client.get("/fr/edit/").status_code == 302  # the link did not open a session
    fiche = page_text(client.get(f"/fr/services/{team.own}", follow_redirects=True))
    assert "Vérifiée le" in fiche and "par @example.org" in fiche


def test_a_tampered_or_revoked_link_is_refused(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, team: Team
) -> None:
    link = _reminder_link(app, runner, team)
    assert client.post(link[:-3] + "xyz").status_code == 410
    with app.app_context():
        db.session.execute(Membership.__table__.delete().where(Membership.user_id == team.editor))
        db.session.commit()
    assert client.post(link).status_code == 410


def test_still_correct_button_on_the_dashboard(app: Flask, client: FlaskClient, team: Team) -> None:
    _checked(app, team.own, 400)
    sign_in(client, team.editor)
    assert client.post(f"/fr/edit/services/{team.own}/verify").status_code == 302
    with app.app_context():
        service = reload(db.session.get(Service, team.own))
        assert utcnow() - as_utc(service.verified_at) < timedelta(minutes=1)


def test_the_dashboard_marks_stale_fiches(app: Flask, client: FlaskClient, team: Team) -> None:
    _checked(app, team.own, 400)
    sign_in(client, team.editor)
    assert "Pas vérifiée depuis plus d'un an" in page_text(client.get("/fr/edit/"))
    client.post(f"/fr/edit/services/{team.own}/verify")
    assert "Pas vérifiée depuis plus d'un an" not in page_text(client.get("/fr/edit/"))


def test_the_public_fiche_marks_a_stale_fiche(app: Flask, client: FlaskClient, team: Team) -> None:
    _checked(app, team.own, 400)
    _checked(app, team.other, 10)
    stale = page_text(client.get(f"/nl/services/{team.own}", follow_redirects=True))
    fresh = page_text(client.get(f"/nl/services/{team.other}", follow_redirects=True))
    marker = "Al meer dan een jaar niet nagekeken"
    assert (marker in stale, marker in fresh) == (True, False)


def test_search_results_mark_stale_fiches(app: Flask, client: FlaskClient, team: Team) -> None:
    _checked(app, team.own, 400)
    _checked(app, team.other, 10)
    with app.app_context():
        wait_until_indexed()
    page = page_text(client.get("/fr/search", query_string={"q": "Maison médicale du Nord"}))
    assert "Maison médicale du Nord" in page and "Pas vérifiée depuis plus d'un an" in page


def test_search_documents_carry_the_check_date(app: Flask, client: FlaskClient, team: Team) -> None:
    _checked(app, team.own, 400)
    with app.app_context():
        expected = int(db.session.get(Service, team.own).verified_at.timestamp())
        wait_until_indexed()
    hits = client.get("/api/v1/services", query_string={"q": "Maison médicale du Nord"}).get_json()["hits"]
    assert abs(hits[0]["verified_at"] - expected) <= 1


def test_moderators_list_stale_fiches_per_bassin(app: Flask, client: FlaskClient, team: Team) -> None:
    _checked(app, team.own, 400)
    _checked(app, team.other, 10)
    with app.app_context():
        bassin = db.session.get(Service, team.own).locations[0].bassin
        code, name = bassin.code, bassin.name_fr
    sign_in(client, team.moderator)
    overview = page_text(client.get("/fr/moderation/stale"))
    assert f"?bassin={code}" in overview and name in overview
    listed = page_text(client.get("/fr/moderation/stale", query_string={"bassin": code}))
    assert "Maison médicale du Nord" in listed and "Centre de santé du Sud" not in listed
    assert client.get("/fr/moderation/stale", query_string={"bassin": "nope"}).status_code == 404


def test_the_stale_delay_is_configurable(app: Flask, client: FlaskClient, team: Team) -> None:
    app.config["FRESHNESS_STALE_AFTER_DAYS"] = 30
    _checked(app, team.own, 40)
    sign_in(client, team.editor)
    assert "Pas vérifiée depuis plus d'un an" in page_text(client.get("/fr/edit/"))
