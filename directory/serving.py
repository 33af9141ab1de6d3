"""The WSGI request handler used by `flask serve` and the benchmarks: HTTP/1.1 keep-alive with TCP_NODELAY."""

from __future__ import annotations

import socket

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
