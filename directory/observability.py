"""Structured logs with a request id, and timing of slow requests.

Every request gets an id (the proxy's `X-Request-ID` when it is a sane token, else a new one), sent back in the
`X-Request-ID` header and attached to every log record written while the request runs, so an operator can
follow one request through the app, the search fallback and the proxy's own log. With LOG_FORMAT = "json"
(the default outside debug) each record is one JSON object per line on stderr; a request slower than
SLOW_REQUEST_MS is logged as a warning with its duration.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from werkzeug.wrappers import Response

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
log = logging.getLogger("directory.requests")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (or "-") to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and any `extra` fields."""

    STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in self.STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(app: Flask) -> None:
    """Send the `directory` loggers to stderr in the configured format (once per process)."""
    logger = logging.getLogger("directory")
    if any(getattr(h, "_directory", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler._directory = True  # type: ignore[attr-defined]
    handler.addFilter(RequestIdFilter())
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(app.config["LOG_LEVEL"])
    logger.propagate = False


def init_app(app: Flask) -> None:
    """Request ids, slow-request timing, and the log handler (not in tests: pytest captures records itself)."""
    if app.config["LOG_FORMAT"] == "auto":
        app.config["LOG_FORMAT"] = "text" if app.debug else "json"
    if not app.testing:
        configure_logging(app)
    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex[:16]
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    from flask import current_app

    response.headers["X-Request-ID"] = g.get("request_id", "-")
    started = g.get("request_started")
    if started is not None:
        ms = round((time.perf_counter() - started) * 1000, 1)
        fields = {"method": request.method, "path": request.path, "status": response.status_code, "ms": ms}
        if g.get("search_degraded"):
            fields["search"] = "degraded"
        if ms >= current_app.config["SLOW_REQUEST_MS"]:
            log.warning("slow request", extra=fields)
        else:
            log.debug("request", extra=fields)
    return response
