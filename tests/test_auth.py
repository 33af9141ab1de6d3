"""Password-less sign-in by single-use expiring links, invitations, sign-out, the first admin, the outbox, SMTP."""

from __future__ import annotations

import hashlib
import socketserver
import threading
from datetime import timedelta

from sqlalchemy import func, select

from directory.extensions import db
from directory.models.accounts import AuditLog, LoginToken, MailMessage, Membership, Role, User
from directory.models.base import utcnow
from directory.operations import mail
from tests.account_helpers import SMTPRecorder, links, mails_to, make_user, sign_in
from tests.factories import make_service


def _request_link(client, email: str) -> str:
    response = client.post("/fr/account/sign-in", data={"email": email})
    assert response.status_code == 200
    with client.application.app_context():
        return links(mails_to(email)[-1])[0]


def test_sign_in_link_is_mailed_and_only_its_hash_is_stored(app, client):
    with app.app_context():
        make_user("ana@example.org")
        db.session.commit()
    link = _request_link(client, "ana@example.org")
    raw = link.rsplit("/", 1)[1]
    with app.app_context():
        stored = db.session.scalars(select(LoginToken.token_hash)).all()
    assert stored == [hashlib.sha256(raw.encode()).hexdigest()]


def test_unknown_address_gets_the_same_answer_and_no_mail(app, client):
    response = client.post("/fr/account/sign-in", data={"email": "nobody@example.org"})
    assert response.status_code == 200 and b"nobody@example.org" in response.data
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 0


def test_opening_the_link_does_not_use_it_and_the_button_signs_in(app, client):
    with app.app_context():
        make_user("ana@example.org")
        db.session.commit()
    link = _request_link(client, "ana@example.org")
    assert client.get(link).status_code == 200  # a mail scanner opening the link does not burn it
    response = client.post(link)
    assert response.status_code == 302 and response.headers["Location"].endswith("/fr/edit/")
    assert client.get("/fr/edit/").status_code == 200
    with app.app_context():
        actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["sign_in_requested", "sign_in"]


def test_a_link_works_only_once(app, client):
    with app.app_context():
        make_user("ana@example.org")
        db.session.commit()
    link = _request_link(client, "ana@example.org")
    client.post(link)
    other = app.test_client()
    assert other.post(link).status_code == 410
    assert other.get("/fr/edit/").status_code == 302


def test_an_expired_link_is_refused(app, client):
    with app.app_context():
        make_user("ana@example.org")
        db.session.commit()
    link = _request_link(client, "ana@example.org")
    with app.app_context():
        token = db.session.scalars(select(LoginToken)).one()
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get(link).status_code == 410
    assert client.post(link).status_code == 410


def test_a_deactivated_user_cannot_sign_in(app, client):
    with app.app_context():
        user_id = make_user("ana@example.org").id
        db.session.commit()
    link = _request_link(client, "ana@example.org")
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    assert client.post(link).status_code == 410


def test_sign_out_ends_the_session(app, client):
    with app.app_context():
        user_id = make_user("ana@example.org").id
        db.session.commit()
    sign_in(client, user_id)
    assert client.get("/fr/edit/").status_code == 200
    client.post("/fr/account/sign-out")
    assert client.get("/fr/edit/").status_code == 302


def test_admin_invites_an_editor_who_signs_in_and_sees_the_organisation_fiches(app, client):
    with app.app_context():
        fiche = make_service("Maison médicale du Nord")
        admin_id = make_user("admin@example.org", Role.ADMIN).id
        org_id, fiche_id = fiche.organization_id, fiche.id
        db.session.commit()
    sign_in(client, admin_id)
    response = client.post(
        "/nl/account/", data={"email": "Nieuwe@Example.org", "organization": org_id, "role": "editor"}
    )
    assert response.status_code == 302
    with app.app_context():
        invited = db.session.scalars(select(User).where(User.email == "nieuwe@example.org")).one()
        assert [m.organization_id for m in invited.memberships] == [org_id]
        message = mails_to("nieuwe@example.org")[-1]
        assert invited.lang == "nl"
    newcomer = app.test_client()
    newcomer.post(links(message)[0])
    assert f"/nl/edit/services/{fiche_id}".encode() in newcomer.get("/nl/edit/").data


def test_an_editor_invites_to_their_own_organisation_only(app, client):
    with app.app_context():
        own, other = make_service("Eigen dienst"), make_service("Andere dienst")
        editor_id = make_user("ed@example.org", organizations=(own.organization,)).id
        own_org, other_org = own.organization_id, other.organization_id
        db.session.commit()
    sign_in(client, editor_id)
    assert (
        client.post(
            "/fr/account/", data={"email": "a@example.org", "organization": own_org, "role": "editor"}
        ).status_code
        == 302
    )
    refused = client.post("/fr/account/", data={"email": "b@example.org", "organization": other_org, "role": "editor"})
    assert refused.status_code == 400  # not among the choices offered to this editor
    promoted = client.post("/fr/account/", data={"email": "c@example.org", "organization": own_org, "role": "admin"})
    assert promoted.status_code == 400
    with app.app_context():
        emails = set(db.session.scalars(select(User.email)))
        assert db.session.scalar(select(func.count()).select_from(Membership)) == 2
    assert "a@example.org" in emails and "b@example.org" not in emails and "c@example.org" not in emails


def test_cli_creates_the_first_admin(app, runner):
    result = runner.invoke(args=["users", "create-admin", "Boss@Example.org"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalars(select(User.role).where(User.email == "boss@example.org")).one() == Role.ADMIN
    assert runner.invoke(args=["users", "create-admin", "not-an-address"]).exit_code != 0


def test_outbox_page_shows_mails_in_testing_only(app, client, make_app):
    with app.app_context():
        make_user("ana@example.org")
        db.session.commit()
    _request_link(client, "ana@example.org")
    assert b"ana@example.org" in client.get("/fr/dev/outbox").data
    production = make_app(TESTING=False, DEBUG=False)
    assert production.test_client().get("/fr/dev/outbox").status_code == 404


def test_the_development_outbox_shows_a_body_once_then_empties_it(app, client):
    with app.app_context():
        make_user("ana@example.org")
        db.session.commit()
    link = _request_link(client, "ana@example.org")
    first = client.get("/fr/dev/outbox").get_data(as_text=True)
    second = client.get("/fr/dev/outbox").get_data(as_text=True)
    assert link in first
    assert link not in second and "Texte supprimé" in second and "ana@example.org" in second
    with app.app_context():
        message = db.session.scalars(select(MailMessage).where(MailMessage.to == "ana@example.org")).one()
        assert message.body == "" and message.sent_at is not None


def test_the_development_outbox_empties_bodies_older_than_its_limit(app, client):
    with app.app_context():
        make_user("ana@example.org")
        make_user("bob@example.org")
        db.session.commit()
    _request_link(client, "ana@example.org")
    with app.app_context():
        old = db.session.scalars(select(MailMessage).where(MailMessage.to == "ana@example.org")).one()
        old.created_at = utcnow() - timedelta(minutes=app.config["DEV_OUTBOX_KEEP_MINUTES"] + 1)
        db.session.commit()
    fresh_link = _request_link(client, "bob@example.org")  # queuing a message purges the old bodies
    with app.app_context():
        bodies = dict(db.session.execute(select(MailMessage.to, MailMessage.body)).tuples().all())
    assert bodies["ana@example.org"] == ""
    assert fresh_link in bodies["bob@example.org"]


def test_mail_goes_out_by_smtp_after_commit_and_waits_when_the_server_is_down(app, make_app):
    server = socketserver.TCPServer(("127.0.0.1", 0), SMTPRecorder)
    port = server.server_address[1]
    smtp_app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
    with smtp_app.app_context():
        make_user("ana@example.org")
        db.session.commit()
    server.server_close()  # down: the message stays queued
    smtp_app.test_client().post("/fr/account/sign-in", data={"email": "ana@example.org"})
    assert mail.worker.wait()
    with smtp_app.app_context():
        queued = db.session.scalars(select(MailMessage)).one()
        assert queued.sent_at is None and queued.error
    server = socketserver.TCPServer(("127.0.0.1", port), SMTPRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = smtp_app.test_cli_runner().invoke(args=["mail", "send"])
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0 and "1 messages sent" in result.output
    assert b"To: ana@example.org" in SMTPRecorder.received[-1]
    with smtp_app.app_context():
        assert db.session.scalars(select(MailMessage)).one().sent_at is not None
