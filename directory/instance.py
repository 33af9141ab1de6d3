"""The instance folder: generated secrets and the SQLite database, readable by the owner only."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

OWNER_ONLY_DIR = 0o700
OWNER_ONLY_FILE = 0o600


def secret_file(path: Path) -> str:
    """The secret kept in `path`, generated on first use (32 random bytes, URL-safe) in a file of mode 600."""
    path.parent.mkdir(mode=OWNER_ONLY_DIR, parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY_FILE)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(32))
    path.chmod(OWNER_ONLY_FILE)
    return path.read_text().strip()


def protect(instance_dir: Path, database_uri: str) -> None:
    """Make the instance folder owner-only (700) and the SQLite database file (created empty if missing) 600.

    SQLite gives its journal and WAL files the database file's mode."""
    instance_dir.mkdir(mode=OWNER_ONLY_DIR, parents=True, exist_ok=True)
    instance_dir.chmod(OWNER_ONLY_DIR)
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    database = Path(url.database)
    if database.parent.is_dir():
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT, OWNER_ONLY_FILE))
        database.chmod(OWNER_ONLY_FILE)
