"""`flask backup` and `flask restore`: an empty instance restored from a backup has the same fiches, accounts,
revisions and search results, and its own secrets back. On SQLite (the online backup API) by default, on PostgreSQL
(pg_dump and pg_restore into a second, empty database of the same server) when TEST_DATABASE_URL names one."""

from __future__ import annotations

import io
import os
import stat
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from directory.extensions import db
from directory.models import Revision, Service, User
from directory.search import get_client, index_name
from directory.search.sync import wait_until_indexed
from tests.account_helpers import Team, edit_form_data, sign_in
from tests.factories import ANDERLECHT, make_service

EXTERNAL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    bool(EXTERNAL) and not EXTERNAL.startswith("postgresql"), reason="backups know SQLite and PostgreSQL only"
)
QUERIES = [{"q": "pharmacie"}, {"q": "maison"}, {"commune": "21001"}, {}]


def snapshot(app: Flask) -> dict:
    """What a restore must give back: fiches, accounts, revisions and search answers."""
    client = app.test_client()
    with app.app_context():
        wait_until_indexed()
        return {
            "fiches": [(s.id, s.name_fr, s.status) for s in db.session.scalars(select(Service).order_by(Service.id))],
            "accounts": [(u.email, str(u.role)) for u in db.session.scalars(select(User).order_by(User.id))],
            "revisions": [(r.service_id, r.id) for r in db.session.scalars(select(Revision).order_by(Revision.id))],
            "search": [client.get("/api/v1/services", query_string=q).get_json() for q in QUERIES],
        }


@pytest.fixture
def filled(app: Flask, team: Team, tmp_path: Path) -> Flask:
    """The test app with fiches, accounts, a published edit (a revision) and instance secrets of its own."""
    app.instance_path = str(tmp_path / "instance-a")
    Path(app.instance_path).mkdir()
    (Path(app.instance_path) / "secret-key").write_text("s" * 48)
    (Path(app.instance_path) / "config.py").write_text("PUBLIC_URL = 'https://qfq.example.org'\n")
    with app.app_context():
        make_service("Pharmacie Clemenceau", ("pharmacy",), at=ANDERLECHT, postcode="1070")
        make_service("Pharmacie Josaphat", ("pharmacy",))
        db.session.commit()
        data = edit_form_data(db.session.get(Service, team.own), name_fr="Maison médicale du Nord-Est")
    client = sign_in(app.test_client(), team.moderator)
    assert client.post(f"/fr/edit/services/{team.own}", data=data).status_code in (200, 302, 303)
    return app


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database to restore into: a new SQLite file, or a new database on the PostgreSQL server
    of TEST_DATABASE_URL (dropped afterwards)."""
    if not EXTERNAL:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    server = make_url(EXTERNAL)
    name = f"restored_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_restore_into_an_empty_instance_gives_back_everything(
    filled: Flask, make_app: Callable[..., Flask], empty_database: str, tmp_path: Path
) -> None:
    before = snapshot(filled)
    assert before["revisions"] and len(before["accounts"]) == 3
    archive = tmp_path / "backup.tar.gz"
    result = filled.test_cli_runner().invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    dump = "database.pgdump" if EXTERNAL else "database.sqlite3"  # pg_dump's custom format, or the SQLite file
    assert {"manifest.json", dump, "instance/secret-key", "instance/config.py"} <= names
    assert not any(name.startswith("instance/meili") for name in names)

    empty = make_app(SQLALCHEMY_DATABASE_URI=empty_database, MEILI_INDEX_PREFIX=f"r{uuid.uuid4().hex[:12]}_")
    empty.instance_path = str(tmp_path / "instance-b")
    result = empty.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert "search index rebuilt" in result.output
    after = snapshot(empty)
    assert after == before
    secret = Path(empty.instance_path) / "secret-key"
    assert secret.read_text() == "s" * 48 and stat.S_IMODE(secret.stat().st_mode) == 0o600
    with empty.app_context():
        get_client().delete_index(index_name())


def test_restore_refuses_to_overwrite_fiches_and_a_damaged_archive(filled: Flask, tmp_path: Path) -> None:
    archive = tmp_path / "backup.tar.gz"
    assert filled.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    refused = filled.test_cli_runner().invoke(args=["restore", str(archive)])
    assert refused.exit_code == 1 and "--force" in refused.output

    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            handle = source.extractfile(member)
            if member.name == "instance/config.py":
                content = b"PUBLIC_URL = 'https://evil.example'\n"
                member.size = len(content)
                handle = io.BytesIO(content)
            target.addfile(member, handle)
    result = filled.test_cli_runner().invoke(args=["restore", "--force", str(damaged)])
    assert result.exit_code == 1 and "damaged" in result.output
    with filled.app_context():
        assert db.session.scalar(select(Service.name_fr).where(Service.name_fr == "Pharmacie Josaphat"))
