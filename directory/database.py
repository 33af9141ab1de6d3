"""Connection settings of the SQL database: SQLite in WAL mode with a busy timeout on every connection.

In SQLite's default rollback journal, a writer waits for every reader to finish and readers wait for the
writer: under 30 concurrent requests an edit could wait longer than the busy timeout and fail with "database
is locked". In WAL mode readers never block the writer nor the writer the readers; writers still take turns,
each waiting up to SQLITE_BUSY_TIMEOUT seconds. WAL is a property of the database file (it stays on once set),
and needs the -wal and -shm files beside it on a local disk (not a network share). PostgreSQL needs none of this.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import orjson
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from directory.jsonfast import column_json

log = logging.getLogger(__name__)


def engine_options(app: Flask) -> None:
    """Give a SQLite engine its busy timeout (seconds), unless the configuration sets `connect_args` itself, and
    every engine orjson for its JSON columns (an import writes a field provenance object per fiche: the standard
    library's encoder was a tenth of the insert's cost). Called before Flask-SQLAlchemy creates the engine."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])  # a copy: never the defaults' shared dict
    options.setdefault("json_serializer", column_json)
    options.setdefault("json_deserializer", orjson.loads)
    if url.get_backend_name() == "sqlite":
        connect_args = dict(options.get("connect_args", {}))
        connect_args.setdefault("timeout", float(app.config["SQLITE_BUSY_TIMEOUT"]))
        options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


@event.listens_for(Engine, "connect")
def _sqlite_wal(dbapi_connection: Any, _record: Any) -> None:
    """Every new SQLite connection: WAL journal (a no-op once the file is in WAL mode)."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    try:
        dbapi_connection.execute("PRAGMA journal_mode=WAL").fetchone()
    except sqlite3.OperationalError as exc:  # a read-only or locked file keeps its journal mode
        log.warning("SQLite journal mode left unchanged: %s", exc)
