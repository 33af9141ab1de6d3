"""The Meilisearch that `flask serve` manages: started on MEILI_PORT (or a free port) before the site, with a fresh
client for the processes that will be forked."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from directory.search.server import MeiliProcess


def start_managed_meili(app: Flask, say: Callable[[str], object] = print) -> MeiliProcess | None:
    """Start the managed Meilisearch on MEILI_PORT, or on a free port when another program holds that one (the
    chosen port reaches the server's worker processes through DIRECTORY_MEILI_PORT). None when our own server
    (our key works) already answers there."""
    from directory.search.client import MeiliError
    from directory.search.server import free_port, install_binary, port_free

    client = app.extensions["meili"]
    if client.health():
        try:
            client.request("GET", "/indexes", params={"limit": 1})
            return None
        except MeiliError:
            pass  # another Meilisearch, with another key
    port = int(app.config["MEILI_PORT"])
    if not port_free(port):
        port = free_port()
        say(f"Port {app.config['MEILI_PORT']} is taken by another program: Meilisearch will listen on {port}.")
        app.config["MEILI_PORT"], app.config["MEILI_URL"] = port, f"http://127.0.0.1:{port}"
        renew_client(app)
        os.environ["DIRECTORY_MEILI_PORT"] = str(port)
    binary = install_binary(Path(app.config["MEILI_BINARY"]))
    process = MeiliProcess(binary, Path(app.config["MEILI_DATA_DIR"]), port, app.config["MEILI_MASTER_KEY"]).start()
    say(f"Meilisearch {process.url} started")
    return process


def renew_client(app: Flask) -> None:
    """Replace the app's Meilisearch client by a new one, which has not opened a connection yet."""
    from directory.search.client import MeiliClient

    app.extensions["meili"].close()
    app.extensions["meili"] = MeiliClient(
        app.config["MEILI_URL"], app.config["MEILI_MASTER_KEY"], app.config["MEILI_TIMEOUT"]
    )
