"""Serving the site: gunicorn in production (`flask serve`), the reloading debug server (`flask serve --dev`)
(the managed Meilisearch is started before them and stopped after them, see directory.search.managed), and the
development request handler (HTTP/1.1 keep-alive with TCP_NODELAY) that the debug server, the browser tests and
the benchmarks use."""

from __future__ import annotations

import os
import socket
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from werkzeug.serving import WSGIRequestHandler


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


def release_connections(app: Flask) -> None:
    """Close what this process opened (database pool, Meilisearch connection) before gunicorn forks its workers,
    so each worker opens its own and none is shared across processes."""
    from directory.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    from directory.search.managed import renew_client

    renew_client(app)


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
