"""Shared fixtures: a real Meilisearch process, a real SQLite database (PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import event
from sqlalchemy.engine import Engine

from directory import create_app
from directory.config import REPO_ROOT
from directory.search.server import MeiliProcess, free_port, install_binary
from tests.account_helpers import Team, make_team

MEILI_KEY = "test-master-key-0123456789abcdef"
# Meilisearch syncs its store to disk after every task: a test's index costs 5 tasks, about 0.75 s on a busy
# disk and 25 ms in memory. Its data lives in a RAM-backed directory when the machine has one (deleted after).
MEMORY_DIR = Path("/dev/shm")


@event.listens_for(Engine, "connect")
def _sqlite_no_sync_per_commit(dbapi_connection: Any, _record: Any) -> None:
    """Test databases do not wait for the disk at every commit (WAL with synchronous=NORMAL: a crash of the
    process loses nothing, a power cut the last commits): a test commits tens of times."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")


@contextmanager
def meili_process(fallback: Path) -> Iterator[MeiliProcess]:
    """A started Meilisearch on a free loopback port, its data in memory when possible (else under `fallback`);
    stopped and its data deleted at the end."""
    binary = install_binary(REPO_ROOT / "instance" / "meilisearch" / "meilisearch")
    memory = Path(tempfile.mkdtemp(prefix="qfq-test-meili-", dir=MEMORY_DIR)) if MEMORY_DIR.is_dir() else None
    process = MeiliProcess(binary, (memory or fallback) / "meili-data", free_port(), MEILI_KEY)
    try:
        yield process.start()
    finally:
        process.stop()
        if memory:
            shutil.rmtree(memory, ignore_errors=True)


@pytest.fixture(scope="session")
def meili_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MeiliProcess]:
    """One real Meilisearch server for the whole session (for each xdist worker)."""
    with meili_process(tmp_path_factory.mktemp("meili")) as process:
        yield process


@pytest.fixture
def own_meili(tmp_path: Path) -> Iterator[MeiliProcess]:
    """A Meilisearch process of this test only, to stop, kill or restart (tests of faults and of several
    processes)."""
    with meili_process(tmp_path) as process:
        yield process


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under `pytest -n N --dist loadgroup` (make test), the tests on the `make run` data go to one worker, which
    builds that data once; the others are spread test by test."""
    for item in items:
        if "run_app" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("run_app"))


def _config(database_url: str, meili: MeiliProcess, prefix: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MEILI_URL": meili.url,
        "MEILI_MASTER_KEY": MEILI_KEY,
        "MEILI_INDEX_PREFIX": prefix,
        "WTF_CSRF_ENABLED": False,
        "SIGN_IN_IN_BACKGROUND": False,  # links readable as soon as the request returns (on in test_hardening)
        "GEOCODER": "none",
        "TILE_URL": "",
        "SEARCH_RETRY_SECONDS": 0,  # tests drive directory.search.retry themselves
    }


def stamp_head() -> None:
    """A schema made by `db.create_all()` is the latest one: say so, or the CLI commands that upgrade the schema
    would take it for a database made before migrations and replay every later revision on it."""
    import flask_migrate

    from directory import schema

    flask_migrate.stamp(directory=str(schema.MIGRATIONS), revision="head")


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory: pytest.TempPathFactory, meili_server: MeiliProcess) -> Path:
    """A SQLite file with the schema, the Brussels geography and the vocabularies, built once and copied per test."""
    from directory import schema
    from directory.extensions import db
    from directory.geo.loader import load_geography
    from directory.operations.vocabulary import load_vocabularies

    path = tmp_path_factory.mktemp("seed") / "seed.sqlite3"
    app = create_app(_config(f"sqlite:///{path}", meili_server, "seed_"))
    with app.app_context():
        schema.upgrade_database()  # as `flask setup` makes it: every migration, alembic_version at head
        load_geography(Path(app.config["SHARED_DATA_DIR"]))
        load_vocabularies()
        db.session.commit()
        db.engine.dispose()
    app.extensions["meili"].close()
    return path


def external_database_url() -> str | None:
    """TEST_DATABASE_URL, the database's name suffixed with the pytest-xdist worker's (`…_gw0`): each worker
    recreates its own database for every test."""
    external = os.environ.get("TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not external or not worker:
        return external
    import sqlalchemy as sa

    url = sa.make_url(external)
    return url.set(database=f"{url.database}_{worker}").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def seeded_postgres(meili_server: MeiliProcess) -> Iterator[Callable[[], str] | None]:
    """With TEST_DATABASE_URL (see `external_database_url`): the schema, geography and vocabularies built once
    in a template database (`<name>_seed`); the function returned recreates the test database as a copy of it
    (PostgreSQL's CREATE DATABASE … TEMPLATE, far faster than loading the geography for every test). None on
    SQLite."""
    external = external_database_url()
    if not external:
        yield None
        return
    import sqlalchemy as sa

    from directory.extensions import db
    from directory.geo.loader import load_geography
    from directory.operations.vocabulary import load_vocabularies

    url = sa.make_url(external)
    seed = f"{url.database}_seed"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def recreate(name: str, template: str | None = None) -> None:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))

    recreate(seed)
    app = create_app(_config(url.set(database=seed).render_as_string(hide_password=False), meili_server, "seed_"))
    with app.app_context():
        db.create_all()
        stamp_head()
        load_geography(Path(app.config["SHARED_DATA_DIR"]))
        load_vocabularies()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    app.extensions["meili"].close()

    def fresh() -> str:
        recreate(str(url.database), seed)
        return external

    yield fresh
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{seed}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def app(
    tmp_path: Path,
    seeded_database: Path,
    seeded_postgres: Callable[[], str] | None,
    meili_server: MeiliProcess,
) -> Iterator[Flask]:
    """The application on a fresh copy of the seeded database and a fresh, empty search index."""
    from directory.extensions import db
    from directory.search import get_client, index_name
    from directory.search.sync import ensure_index

    if seeded_postgres is not None:
        url = seeded_postgres()
    else:
        shutil.copy(seeded_database, tmp_path / "test.sqlite3")
        url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
    application = create_app(_config(url, meili_server, f"t{uuid.uuid4().hex[:12]}_"))
    with application.app_context():
        ensure_index()
    yield application
    with application.app_context():
        client = get_client()
        client.delete_index(index_name())
        client.close()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def run_app(
    tmp_path_factory: pytest.TempPathFactory, seeded_database: Path, meili_server: MeiliProcess
) -> Iterator[Flask]:
    """The `make run` data (the default dataset of ../shared/data imported on the seeded database) and its search
    index, built once for the session. Read-only: tests that change data use `app`."""
    from directory.extensions import db
    from directory.importing.defaults import import_default_dataset
    from directory.search import get_client, index_name
    from directory.search.sync import reindex, wait_until_indexed

    path = tmp_path_factory.mktemp("run") / "run.sqlite3"
    shutil.copy(seeded_database, path)
    config = {**_config(f"sqlite:///{path}", meili_server, "run_"), "SEARCH_SYNC_ON_COMMIT": False}
    application = create_app({**config, "RATE_LIMIT_PDF": (10_000, 60)})
    with application.app_context():
        import_default_dataset(Path(application.config["SHARED_DATA_DIR"]))
        db.session.commit()
        reindex()
        wait_until_indexed(120)
    yield application
    with application.app_context():
        get_client().delete_index(index_name())
        get_client().close()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(app: Flask) -> Iterator[Callable[..., Flask]]:
    """Another application on the same database and index with some settings changed (CSRF on, production mode,
    SMTP...); its database connections and Meilisearch client are closed at the end of the test."""
    from directory.extensions import db

    made: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        made.append(create_app({**app.config, **overrides}))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
        other.extensions["meili"].close()


@pytest.fixture
def team(app: Flask) -> Team:
    """Two organisations with a fiche each, an editor of the first, a moderator and an admin (committed)."""
    from directory.extensions import db

    with app.app_context():
        team = make_team()
        db.session.commit()
    return team


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
