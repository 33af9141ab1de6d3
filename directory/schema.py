"""The database schema: brought to the latest Alembic revision, including databases made before migrations existed."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Flask

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The first revision: the schema as `db.create_all()` made it before migrations. A database that has its tables but
# no alembic_version table is stamped at this revision, then upgraded (or at head when it already matches the
# models, as a database made by `db.create_all()` today does).
INITIAL_REVISION = "0001"
LEGACY_MARKER_TABLE = "service"
# Tables that the application builds at run time, outside the models (the SQL search fallback's full-text table and
# SQLite's FTS5 shadow tables): migrations neither create nor drop them, and comparisons leave them out.
UNMANAGED_TABLE_PREFIXES = ("search_text",)


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic's filter for autogenerate and comparisons: every name but the unmanaged tables."""
    return not (type_ == "table" and name and name.startswith(UNMANAGED_TABLE_PREFIXES))


def init_app(app: Flask) -> None:
    """Register Flask-Migrate (the `flask db` commands) with the migrations folder inside the package."""
    from flask_migrate import Migrate

    from directory.extensions import db

    Migrate(app, db, directory=str(MIGRATIONS), include_name=include_name)


def upgrade_database() -> str:
    """Bring the app's database to the latest revision (in an app context); say what was done."""
    import flask_migrate

    from directory.extensions import db

    said = []
    before = current_revision()
    if before is None and sa.inspect(db.engine).has_table(LEGACY_MARKER_TABLE):
        before = "head" if matches_models() else INITIAL_REVISION
        flask_migrate.stamp(directory=str(MIGRATIONS), revision=before)
        before = current_revision()
        said.append(f"existing schema stamped at revision {before}")
    flask_migrate.upgrade(directory=str(MIGRATIONS))
    after = current_revision()
    said.append(f"schema at revision {after}" if before == after else f"schema upgraded {before or 'empty'} → {after}")
    return "; ".join(said)


def current_revision() -> str | None:
    """The revision the database is at (None for a database without migrations)."""
    from alembic.migration import MigrationContext

    from directory.extensions import db

    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def matches_models() -> bool:
    """Whether the database's schema is the models' (Alembic's autogenerate comparison finds no difference)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from directory.extensions import db

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
        return not compare_metadata(context, db.metadata)
