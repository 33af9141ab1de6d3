"""Meilisearch: the server process, the client, index settings, documents, sync from SQL, and queries."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from directory.search.client import MeiliClient

SERVICES_INDEX = "services"


def init_app(app: Flask) -> None:
    """Resolve the Meilisearch URL/key (managed server by default) and register the SQL → index sync."""
    app.config["MEILI_MANAGED"] = not app.config["MEILI_URL"]
    if app.config["MEILI_MANAGED"]:
        from directory.search.server import master_key_for

        app.config["MEILI_URL"] = f"http://127.0.0.1:{app.config['MEILI_PORT']}"
        if not app.config["MEILI_MASTER_KEY"]:
            app.config["MEILI_MASTER_KEY"] = master_key_for(Path(app.instance_path))
    app.extensions["meili"] = MeiliClient(
        app.config["MEILI_URL"],
        app.config["MEILI_MASTER_KEY"],
        app.config["MEILI_TIMEOUT"],
        app.config["MEILI_SEARCH_TIMEOUT"],
    )

    from directory.search import retry, sync

    sync.init_app(app)
    retry.init_app(app)


def get_client() -> MeiliClient:
    """The application's Meilisearch client."""
    return current_app.extensions["meili"]


def index_name(base: str = SERVICES_INDEX) -> str:
    """The live index uid, with the configured prefix (tests use a fresh prefix each)."""
    return f"{current_app.config['MEILI_INDEX_PREFIX']}{base}"
