"""Qui fait quoi / Wie doet wat — the bilingual directory of social and health services in Brussels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from directory.config import REPO_ROOT, load_config


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Application factory: wires configuration, extensions, blueprints and CLI. No queries, no network."""
    app = Flask(
        __name__,
        instance_path=str(REPO_ROOT / "instance"),
        template_folder=str(REPO_ROOT / "templates"),
        static_folder=str(REPO_ROOT / "static"),
    )
    load_config(app, test_config)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]
    from directory.jsonfast import FastJSONProvider

    app.json = FastJSONProvider(app)  # orjson: a search answer is encoded in a tenth of the time
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep documents in their natural order, and faster
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from directory import account_cli, cli, i18n, models, observability, schema, search, security, templating, web  # noqa: F401
    from directory.backup import backup_command, restore_command
    from directory.coverage_cli import data
    from directory.database import engine_options
    from directory.doctor import doctor
    from directory.extensions import babel, csrf, db
    from directory.geo.cli import geo
    from directory.importing.cli import import_command
    from directory.operations import dashboard as dashboard_figures
    from directory.operations import mail
    from directory.search import retry, sync
    from directory.search.cli import meili
    from directory.search.cli import search as search_group
    from directory.views import (
        api,
        api_data,
        api_docs,
        api_export,
        api_hsds,
        auth,
        campaigns,
        candidates,
        coordination,
        coverage,
        dashboard,
        easy,
        edit,
        errors,
        functions_edit,
        health,
        helpdesk,
        maps,
        moderation,
        printing,
        propose,
        public,
        reports,
        selfserve,
        selfserve_review,
        unmet,
        widget,
    )

    # Logs with request ids, extensions, and the side effects that follow a commit
    observability.init_app(app)
    engine_options(app)  # SQLite: busy timeout, and WAL on every connection (directory.database)
    db.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.get_locale,
        default_translation_directories=app.config["BABEL_TRANSLATION_DIRECTORIES"],
    )
    csrf.init_app(app)
    security.init_app(app)  # before the routes: the id converter, the session interface
    schema.init_app(app)  # Flask-Migrate: migrations, and the `flask db` commands
    search.init_app(app)  # the Meilisearch client, app.extensions["meili"]
    sync.init_app(app)  # session listeners: changed fiches → outbox → index after commit
    mail.init_app(app)  # session listener: queued mail delivered after commit
    retry.init_app(app)  # a thread that pushes the outbox again after Meilisearch was down
    dashboard_figures.init_app(app)  # session listener: a changed fiche renews the bassin dashboard's cache

    # Pages: the /fr|/nl prefix and security headers, the blueprints, the template globals
    web.init_app(app)
    for blueprint in (public.bp, api.bp, errors.bp, maps.bp, easy.bp, printing.bp, printing.short_bp, dashboard.bp):
        app.register_blueprint(blueprint)
    for blueprint in (auth.bp, edit.bp, moderation.bp, reports.bp, health.bp, unmet.bp, coordination.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(helpdesk.bp)
    app.register_blueprint(functions_edit.bp)
    for blueprint in (selfserve.bp, propose.bp, selfserve_review.bp, campaigns.bp, candidates.bp, coverage.bp):
        app.register_blueprint(blueprint)
    for blueprint in (api_data.bp, api_hsds.bp, api_docs.bp, api_export.bp, widget.bp, widget.api_bp):  # open data
        app.register_blueprint(blueprint)
    templating.init_app(app)

    # `flask` commands
    for command in (geo, cli.gazetteer, search_group, meili, import_command, cli.export_command):
        app.cli.add_command(command)
    for command in (cli.i18n, cli.setup, cli.serve, data, doctor, backup_command, restore_command):
        app.cli.add_command(command)
    for command in account_cli.COMMANDS:
        app.cli.add_command(command)
    return app
