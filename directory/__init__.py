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
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep documents in their natural order, and faster
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from directory import cli, i18n, models, observability, search, views  # noqa: F401  (models: the tables)
    from directory.extensions import babel, csrf, db

    db.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.get_locale,
        default_translation_directories=app.config["BABEL_TRANSLATION_DIRECTORIES"],
    )
    csrf.init_app(app)
    observability.init_app(app)
    search.init_app(app)
    views.init_app(app)
    cli.init_app(app)
    return app
