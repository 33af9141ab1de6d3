"""The database schema: brought to the latest Alembic revision, including databases made before migrations existed."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Flask

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The first revision: the schema as `db.create_all()` made it before migrations. A database that has its tables but
# no alembic_version table is stamped at this revision, then upgraded.
INITIAL_REVISION = "0001"
LEGACY_MARKER_TABLE = "service"


def init_app(app: Flask) -> None:
    """Register Flask-Migrate (the `flask db` commands) with the migrations folder inside the package."""
    from flask_migrate import Migrate

    from directory.extensions import db

    Migrate(app, db, directory=str(MIGRATIONS))


def upgrade_database() -> str:
    """Bring the app's database to the latest revision (in an app context); say what was done."""
    import flask_migrate

    from directory.extensions import db

    said = []
    before = current_revision()
    if before is None and sa.inspect(db.engine).has_table(LEGACY_MARKER_TABLE):
        flask_migrate.stamp(directory=str(MIGRATIONS), revision=INITIAL_REVISION)
        said.append(f"existing schema stamped at revision {INITIAL_REVISION}")
        before = INITIAL_REVISION
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
