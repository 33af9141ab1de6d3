"""Shared fixtures: a real Meilisearch process, a real SQLite database (PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from directory import create_app
from directory.config import REPO_ROOT
from directory.search.server import MeiliProcess, free_port, install_binary
from tests.account_helpers import Team, make_team

MEILI_KEY = "test-master-key-0123456789abcdef"


@pytest.fixture(scope="session")
def meili_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MeiliProcess]:
    """One real Meilisearch server for the whole session, on a free loopback port, in a temp data dir."""
    binary = install_binary(REPO_ROOT / "instance" / "meilisearch" / "meilisearch")
    process = MeiliProcess(binary, tmp_path_factory.mktemp("meili") / "data", free_port(), MEILI_KEY).start()
    yield process
    process.stop()


@pytest.fixture
def own_meili(tmp_path: Path) -> Iterator[MeiliProcess]:
    """A Meilisearch process of this test only, to stop, kill or restart (tests of faults and of several
    processes)."""
    binary = install_binary(REPO_ROOT / "instance" / "meilisearch" / "meilisearch")
    process = MeiliProcess(binary, tmp_path / "own-meili", free_port(), MEILI_KEY).start()
    yield process
    process.stop()


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


@pytest.fixture(scope="session")
def seeded_postgres(meili_server: MeiliProcess) -> Iterator[Callable[[], str] | None]:
    """With TEST_DATABASE_URL: the schema, geography and vocabularies built once in a template database
    (`<name>_seed`); the function returned recreates the test database as a copy of it (PostgreSQL's
    CREATE DATABASE … TEMPLATE, far faster than loading the geography for every test). None on SQLite."""
    external = os.environ.get("TEST_DATABASE_URL")
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
