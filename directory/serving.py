"""Serving the site: gunicorn in production (`flask serve`), the reloading debug server (`flask serve --dev`), the
managed Meilisearch started before them and stopped after them, and the development request handler (HTTP/1.1
keep-alive with TCP_NODELAY) that the debug server, the browser tests and the benchmarks use."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from werkzeug.serving import WSGIRequestHandler

if TYPE_CHECKING:
    from directory.search.server import MeiliProcess


class KeepAliveHandler(WSGIRequestHandler):
    """Keep connections open and send small writes at once (the response head and body are two writes)."""

    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class QuietKeepAliveHandler(KeepAliveHandler):
    """The same without the access log (benchmarks)."""

    def log_request(self, *args: object) -> None:
        pass


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether nothing listens on `host:port`."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def start_managed_meili(app: Flask, say: Callable[[str], object] = print) -> MeiliProcess | None:
    """Start the managed Meilisearch on MEILI_PORT, or on a free port when another program holds that one (the
    chosen port reaches the server's worker processes through DIRECTORY_MEILI_PORT). None when our own server
    (our key works) already answers there."""
    from directory.search.client import MeiliError
    from directory.search.server import MeiliProcess, free_port, install_binary

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
        _renew_meili_client(app)
        os.environ["DIRECTORY_MEILI_PORT"] = str(port)
    binary = install_binary(Path(app.config["MEILI_BINARY"]))
    process = MeiliProcess(binary, Path(app.config["MEILI_DATA_DIR"]), port, app.config["MEILI_MASTER_KEY"]).start()
    say(f"Meilisearch {process.url} started")
    return process


def _renew_meili_client(app: Flask) -> None:
    """Replace the Meilisearch client by a new one, which has not opened a connection yet."""
    from directory.search.client import MeiliClient

    app.extensions["meili"].close()
    app.extensions["meili"] = MeiliClient(
        app.config["MEILI_URL"], app.config["MEILI_MASTER_KEY"], app.config["MEILI_TIMEOUT"]
    )


def release_connections(app: Flask) -> None:
    """Close what this process opened (database pool, Meilisearch connection) before gunicorn forks its workers,
    so each worker opens its own and none is shared across processes."""
    from directory.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    _renew_meili_client(app)


class ProductionServer(BaseApplication):
    """gunicorn run from this process with `app` (`preload_app`: built once, connections released, then forked
    into `workers` processes of `threads` threads each, which open their own database and Meilisearch
    connections). SIGTERM is a graceful stop: the workers stop accepting, finish the requests they hold (up to
    `graceful_timeout`), then exit."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        release_connections(self.application)
        return self.application


def default_workers() -> int:
    """Processes for this machine: one per core and one more (each runs several threads)."""
    return (os.cpu_count() or 1) + 1


def gunicorn_options(app: Flask, host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    """gunicorn settings from the command line and the SERVE_* configuration."""
    config = app.config
    return {
        "bind": f"{host}:{port}",
        "workers": workers or int(config["SERVE_WORKERS"]) or default_workers(),
        "threads": threads or int(config["SERVE_THREADS"]),
        "worker_class": "gthread",
        "preload_app": True,
        "timeout": int(config["SERVE_TIMEOUT"]),
        "graceful_timeout": int(config["SERVE_GRACEFUL_TIMEOUT"]),
        "keepalive": 5,
        "accesslog": "-" if config["SERVE_ACCESS_LOG"] else None,
        "errorlog": "-",
        "proc_name": "qui-fait-quoi",
        "control_socket_disable": True,  # one per user by default: two sites on one machine would share it
    }
