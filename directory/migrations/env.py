"""Alembic environment, run by Flask-Migrate inside the app context: the app's engine and the models' metadata."""

from __future__ import annotations

from alembic import context
from flask import current_app

migrate = current_app.extensions["migrate"]


def run_migrations_offline() -> None:
    """Write the SQL to standard output (`flask db upgrade --sql`)."""
    url = migrate.db.engine.url.render_as_string(hide_password=False)
    context.configure(url=url, target_metadata=migrate.db.metadata, literal_binds=True, **migrate.configure_args)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the app's engine; `flask db migrate` writes no file when nothing changed."""

    def skip_empty(_context, _revision, directives) -> None:  # type: ignore[no-untyped-def]
        if getattr(context.config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            print("No changes in schema detected.")

    def not_search_text(name, type_, _parent) -> bool:  # type: ignore[no-untyped-def]
        # directory.search.textindex's full-text table (FTS5 and its shadow tables) is not a model.
        return not (type_ == "table" and name and name.startswith("search_text"))

    args = {"process_revision_directives": skip_empty, "include_name": not_search_text, **migrate.configure_args}
    with migrate.db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=migrate.db.metadata, **args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
