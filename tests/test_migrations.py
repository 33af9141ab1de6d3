"""Schema migrations: a database at the first revision keeps every row through the upgrade to head, a database made
by `db.create_all()` before migrations is stamped and upgraded, and the models never drift from the migrations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app

from directory import schema
from directory.extensions import db
from tests.account_helpers import make_team
from tests.conftest import external_database_url


def head() -> str:
    script = ScriptDirectory(str(schema.MIGRATIONS))
    return script.get_current_head()  # type: ignore[return-value]


@pytest.fixture
def empty_app(make_app: Callable[..., Flask], tmp_path: Path) -> Iterator[Flask]:
    """The application on an empty database: a new SQLite file, or the PostgreSQL test database emptied."""
    external = external_database_url()
    application = make_app(SQLALCHEMY_DATABASE_URI=external or f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with application.app_context():
        if external:
            db.drop_all()
            with db.engine.begin() as connection:
                connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        yield application
        if external:  # leave the schema as the other tests' fixture expects it
            db.session.remove()
            with db.engine.begin() as connection:
                connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def fill() -> None:
    """Geography, vocabularies, fiches with their organisations, accounts, a revision, an audit entry and a mail."""
    from directory.geo.loader import load_geography
    from directory.models import Service
    from directory.operations import revisions
    from directory.operations.accounts import audit
    from directory.operations.mail import send
    from directory.operations.vocabulary import load_vocabularies

    load_geography(Path(current_app.config["SHARED_DATA_DIR"]), orientation=False)  # its tables came later
    load_vocabularies()
    team = make_team()
    service = db.session.get(Service, team.own)
    revisions.ensure_baseline(service)
    revisions.record(service, None, "import")
    audit("test.fill", None, service)
    send("someone@example.org", "Subject", "Body")
    db.session.commit()


def row_counts() -> dict[str, list[tuple]]:
    """The primary keys of the rows of every table in the database (rows are found by their key after an upgrade)."""
    tables = sa.MetaData()
    tables.reflect(db.engine)
    with db.engine.connect() as connection:
        return {
            name: sorted(tuple(row) for row in connection.execute(sa.select(*table.primary_key.columns)))
            for name, table in tables.tables.items()
            if name != "alembic_version"
        }


def filled_database_at_first_revision() -> dict[str, list[tuple]]:
    """A database at the first revision holding rows in every kind of table: filled at head with today's models,
    then downgraded (each revision's downgrade keeps the rows)."""
    import flask_migrate

    flask_migrate.upgrade(directory=str(schema.MIGRATIONS))
    fill()
    db.session.remove()
    flask_migrate.downgrade(directory=str(schema.MIGRATIONS), revision=schema.INITIAL_REVISION)
    assert schema.current_revision() == schema.INITIAL_REVISION
    rows = row_counts()
    for name in ("service", "organization", "user", "membership", "revision", "audit_log", "mail_message", "commune"):
        assert rows[name], name
    return rows


def test_a_database_at_the_first_revision_keeps_every_row_through_the_upgrade(empty_app: Flask) -> None:
    before = filled_database_at_first_revision()

    said = schema.upgrade_database()

    assert schema.current_revision() == head()
    assert "stamped" not in said
    after = row_counts()
    assert {name: after[name] for name in before} == before


def test_a_database_made_before_migrations_is_stamped_at_the_first_revision_then_upgraded(empty_app: Flask) -> None:
    before = filled_database_at_first_revision()
    with db.engine.begin() as connection:  # as `db.create_all()` left it: no alembic_version table
        connection.execute(sa.text("DROP TABLE alembic_version"))
    assert schema.current_revision() is None

    said = schema.upgrade_database()

    assert said.startswith(f"existing schema stamped at revision {schema.INITIAL_REVISION}")
    assert schema.current_revision() == head()
    after = row_counts()
    assert {name: after[name] for name in before} == before
    assert "upgraded" not in schema.upgrade_database()  # a second run changes nothing


def test_a_database_made_by_create_all_today_is_stamped_at_head(empty_app: Flask) -> None:
    db.create_all()
    fill()
    db.session.remove()

    assert schema.upgrade_database() == f"existing schema stamped at revision {head()}; schema at revision {head()}"


def test_the_models_match_the_migrations(empty_app: Flask) -> None:
    """A model changed without its migration fails here: write one with `flask db migrate -m ...`."""
    schema.upgrade_database()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": schema.include_name}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_search_fallback_table_is_left_out_of_the_comparison(empty_app: Flask) -> None:
    """The SQL search table built at run time is no model change: neither a drift nor a reason to stamp 0001."""
    from directory.search import textindex

    schema.upgrade_database()
    with db.engine.begin() as connection:
        textindex.create(connection)
        connection.execute(sa.text("DROP TABLE alembic_version"))
    assert schema.matches_models()
    assert schema.upgrade_database().startswith(f"existing schema stamped at revision {head()}")


def test_the_comparison_sees_a_model_change(empty_app: Flask) -> None:
    """The drift test can fail: a column that is in the models but not in the migrations is reported."""
    schema.upgrade_database()
    metadata = sa.MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(metadata)
    sa.Table("service", metadata, sa.Column("not_migrated", sa.Integer), extend_existing=True)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": schema.include_name})
        differences = compare_metadata(context, metadata)
    assert [(kind, column.name) for kind, _schema, _table, column in differences] == [("add_column", "not_migrated")]


def test_flask_setup_upgrades_the_schema(empty_app: Flask) -> None:
    result = empty_app.test_cli_runner().invoke(args=["setup", "--skip-data"])
    assert result.exit_code == 0, result.output
    assert f"schema upgraded empty → {head()}" in result.output
    assert schema.current_revision() == head()
