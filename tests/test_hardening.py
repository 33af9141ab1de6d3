"""The findings of the security probe (issue 13), each with the test that failed before its fix: forged sessions,
Host header poisoning, links kept readable, sessions outliving sign-out, mail timing, unlimited invitations, the
Meilisearch key in the process list, out-of-range ids."""

from __future__ import annotations

import socket
import socketserver
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from directory import create_app
from directory.config import InsecureConfig
from directory.extensions import db
from directory.models.accounts import AuditLog, LoginToken, MailMessage, Role
from directory.models.candidates import Candidate, CandidateStatus
from directory.operations import mail
from directory.search.server import MeiliProcess, free_port, install_binary
from tests.account_helpers import SMTPRecorder, Team, mails_to, make_user, sign_in
from tests.factories import make_service

# --- Secret key, instance folder and database file ---------------------------------------------------------------


@pytest.mark.parametrize("key", ["dev-only-change-me", "", "  "])
def test_production_refuses_a_known_or_empty_secret_key(app: Flask, key: str) -> None:
    with pytest.raises(InsecureConfig, match="SECRET_KEY"):
        create_app({**app.config, "TESTING": False, "DEBUG": False, "SECRET_KEY": key})


def test_a_missing_secret_key_is_generated_once_into_an_owner_only_file(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    path = tmp_path / "instance" / "secret-key"
    first = make_app(TESTING=False, SECRET_KEY=None, SECRET_KEY_FILE=str(path))
    second = make_app(TESTING=False, SECRET_KEY=None, SECRET_KEY_FILE=str(path))
    assert len(first.config["SECRET_KEY"]) >= 40
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_instance_folder_and_the_database_file_are_owner_only(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    database = tmp_path / "world-readable.sqlite3"
    database.touch(mode=0o644)
    database.chmod(0o644)
    application = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(Path(application.instance_path).stat().st_mode) == 0o700


# --- Links in e-mails ------------------------------------------------------------------------------------------


def test_a_request_for_an_unknown_host_is_refused(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_user("ana@example.org")
        db.session.commit()
    response = client.post("/fr/account/sign-in", data={"email": "ana@example.org"}, headers={"Host": "evil.example"})
    assert response.status_code == 400
    with app.app_context():
        assert mails_to("ana@example.org") == []


def test_links_in_mails_use_the_public_url_not_the_request_host(make_app: Callable[..., Flask]) -> None:
    site = make_app(PUBLIC_URL="https://annuaire.example.be", TRUSTED_HOSTS=["localhost", "alias.example.be"])
    with site.app_context():
        make_user("ana@example.org")
        db.session.commit()
    site.test_client().post(
        "/fr/account/sign-in", data={"email": "ana@example.org"}, headers={"Host": "alias.example.be"}
    )
    with site.app_context():
        body = mails_to("ana@example.org")[-1].body
    assert "https://annuaire.example.be/fr/account/sign-in/" in body
    assert "alias.example.be" not in body


# --- Mail: after the response, by a worker, bodies emptied once sent --------------------------------------------


@pytest.fixture
def smtp_port() -> Iterator[int]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_sent_mail_keeps_no_readable_link(make_app: Callable[..., Flask], smtp_port: int) -> None:
    site = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port, MAIL_USE_TLS=False)
    with site.app_context():
        make_user("ana@example.org")
        db.session.commit()
    site.test_client().post("/fr/account/sign-in", data={"email": "ana@example.org"})
    assert mail.worker.wait()
    delivered = SMTPRecorder.received[-1].decode()
    assert "/fr/account/sign-in/" in delivered
    with site.app_context():
        message = db.session.scalars(select(MailMessage)).one()
        token = db.session.scalars(select(LoginToken)).one()
        assert message.sent_at is not None and message.body == ""
        assert token.token_hash not in delivered  # the database keeps only the hash of the secret


def test_sign_in_takes_the_same_short_time_for_known_and_unknown_addresses_with_a_hung_smtp_server(
    make_app: Callable[..., Flask],
) -> None:
    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(8)  # connections are queued, never answered: smtplib would wait for its 10 s timeout
    site = make_app(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=hung.getsockname()[1], MAIL_USE_TLS=False, SIGN_IN_IN_BACKGROUND=True
    )
    with site.app_context():
        make_user("ana@example.org")
        db.session.commit()
    client = site.test_client()
    timings = {}
    try:
        for email in ("ana@example.org", "nobody@example.org"):
            start = time.perf_counter()
            assert client.post("/fr/account/sign-in", data={"email": email}).status_code == 200
            timings[email] = time.perf_counter() - start
    finally:
        hung.close()  # the queued connection is reset: the worker gives up at once
    assert mail.worker.wait()
    assert max(timings.values()) < 1.0, timings
    with site.app_context():
        message = db.session.scalars(select(MailMessage)).one()  # written after the response, for ana only
        assert message.to == "ana@example.org"
        assert message.sent_at is None and message.error  # kept for `flask mail send`
        audited = db.session.scalars(select(AuditLog).where(AuditLog.action == "sign_in_requested")).all()
        assert [(entry.details["known"], entry.ip) for entry in audited] == [(True, "127.0.0.1"), (False, "127.0.0.1")]


# --- Sessions -----------------------------------------------------------------------------------------------------


def test_sign_out_ends_a_copied_session_cookie_too(app: Flask, client: FlaskClient, team: Team) -> None:
    sign_in(client, team.editor)
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)  # type: ignore[union-attr]
    assert copy.get("/fr/edit/").status_code == 200
    client.post("/fr/account/sign-out")
    assert client.get("/fr/edit/").status_code == 302
    assert copy.get("/fr/edit/").status_code == 302


def test_a_role_change_ends_the_sessions_of_that_user(app: Flask, client: FlaskClient, team: Team) -> None:
    moderator = sign_in(app.test_client(), team.moderator)
    assert moderator.get("/fr/moderation/").status_code == 200
    sign_in(client, team.admin)
    client.post(f"/fr/account/users/{team.moderator}/role", data={"role": "editor"})
    assert moderator.get("/fr/moderation/").status_code == 302  # signed out, not a lingering moderator


# --- Invitations --------------------------------------------------------------------------------------------------


def test_invitations_are_rate_limited_per_inviting_account(app: Flask, client: FlaskClient) -> None:
    app.config["RATE_LIMIT_INVITE"] = (3, 3600)
    with app.app_context():
        fiche = make_service("Maison médicale du Nord")
        editor = make_user("ed@example.org", organizations=(fiche.organization,)).id
        organization = fiche.organization_id
        db.session.commit()
    sign_in(client, editor)
    codes = [
        client.post(
            "/fr/account/", data={"email": f"person{i}@example.org", "organization": organization, "role": "editor"}
        ).status_code
        for i in range(5)
    ]
    assert codes == [302, 302, 302, 429, 429]
    with app.app_context():
        assert [len(mails_to(f"person{i}@example.org")) for i in range(5)] == [1, 1, 1, 0, 0]


# --- Meilisearch key ----------------------------------------------------------------------------------------------


def test_the_meilisearch_master_key_is_not_on_its_command_line(tmp_path: Path) -> None:
    key = "process-list-secret-0123456789abcdef"
    binary = install_binary(Path(__file__).resolve().parent.parent / "instance" / "meilisearch" / "meilisearch")
    server = MeiliProcess(binary, tmp_path / "data", free_port(), key).start()
    try:
        assert server.process is not None
        command_line = Path(f"/proc/{server.process.pid}/cmdline").read_bytes()
        assert key.encode() not in command_line
        assert httpx.get(f"{server.url}/indexes").status_code == 401  # the key is in force all the same
        assert httpx.get(f"{server.url}/indexes", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    finally:
        server.stop()


# --- Ids ----------------------------------------------------------------------------------------------------------

TOO_LARGE = str(2**63)


@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("/fr/services/{id}", None),
        ("/fr/edit/services/{id}", "admin"),
        ("/fr/edit/services/{id}/history", "admin"),
        ("/fr/moderation/changes/{id}", "admin"),
        ("/fr/moderation/reports/{id}", "admin"),
    ],
)
@pytest.mark.parametrize("number", [TOO_LARGE, "99999999999999999999999", str(2**63 - 1), str(2**31)])
def test_an_out_of_range_id_is_not_found(
    app: Flask, client: FlaskClient, team: Team, path: str, who: str | None, number: str
) -> None:
    if who:
        sign_in(client, getattr(team, who))
    assert client.get(path.format(id=number)).status_code == 404


@pytest.fixture
def candidate_id(app: Flask) -> int:
    with app.app_context():
        candidate = Candidate(source="t", source_id="out-of-range", name_fr="Candidat de test")
        db.session.add(candidate)
        db.session.commit()
        return candidate.id


@pytest.mark.parametrize("number", [TOO_LARGE, str(2**31), "1_0", "-1"])
@pytest.mark.parametrize(
    ("method", "path", "field", "expected"),
    [
        ("post", "/fr/moderation/trusted", "organization_id", 404),
        ("get", "/fr/services/new", "site_of", 200),
        ("post", "/fr/services/new", "site_of", 400),
        ("post", "/fr/coordination/candidates/{candidate}/merge", "service_id", 404),
    ],
)
def test_an_id_out_of_range_in_a_query_or_form_is_not_looked_up(
    client: FlaskClient, team: Team, candidate_id: int, number: str, method: str, path: str, field: str, expected: int
) -> None:
    """PostgreSQL refuses a lookup beyond its 32-bit INTEGER (SQLite beyond 64 bits): such an id finds nothing."""
    sign_in(client, team.admin)
    url = path.format(candidate=candidate_id)
    response = (
        client.get(url, query_string={field: number}) if method == "get" else client.post(url, data={field: number})
    )
    assert response.status_code == expected


def test_ids_out_of_range_among_the_ticked_candidates_are_left_out(
    app: Flask, client: FlaskClient, team: Team, candidate_id: int
) -> None:
    sign_in(client, team.moderator)
    ids = [TOO_LARGE, str(2**31), str(candidate_id)]
    assert client.post("/fr/coordination/candidates/dismiss", data={"ids": ids, "note": "x"}).status_code == 302
    with app.app_context():
        assert db.session.get(Candidate, candidate_id).status == CandidateStatus.DISMISSED


def test_an_admin_role_form_for_an_out_of_range_user_is_not_found(app: Flask, client: FlaskClient, team: Team) -> None:
    sign_in(client, team.admin)
    assert client.post(f"/fr/account/users/{TOO_LARGE}/role", data={"role": Role.EDITOR.value}).status_code == 404
