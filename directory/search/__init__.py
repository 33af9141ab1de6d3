"""Meilisearch: the server process, the client, index settings, documents, sync from SQL, and queries."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from directory.search.client import MeiliClient, MeiliError

SERVICES_INDEX = "services"


def init_app(app: Flask) -> None:
    """Resolve the Meilisearch URL/key (managed server by default) and create the client."""
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


def get_client() -> MeiliClient:
    """The application's Meilisearch client."""
    return current_app.extensions["meili"]


def index_name(base: str = SERVICES_INDEX) -> str:
    """The live index uid, with the configured prefix (tests use a fresh prefix each)."""
    return f"{current_app.config['MEILI_INDEX_PREFIX']}{base}"


def server_version() -> str:
    """The Meilisearch server's version; MeiliError when it does not answer."""
    return str(get_client().request("GET", "/version")["pkgVersion"])


def live_index_exists() -> bool:
    """True when the live index exists; MeiliError when Meilisearch does not answer."""
    return get_client().index_exists(index_name())


def ping_index() -> None:
    """Ask Meilisearch for the live index; MeiliError when it is missing or Meilisearch does not answer."""
    get_client().request("GET", f"/indexes/{index_name()}")


def get_document(doc_id: str) -> dict | None:
    """One document of the live index (a service at a location), None when there is none with this id."""
    try:
        return get_client().request("GET", f"/indexes/{index_name()}/documents/{doc_id}")
    except MeiliError as exc:
        if exc.code == "document_not_found":
            return None
        raise
