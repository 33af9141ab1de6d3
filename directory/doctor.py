"""`flask doctor`: check a deployment's configuration and say what to fix.

Each check returns findings: OK, WARN (works, but not as a production deployment should) or FAIL (breaks
something, or is unsafe). The command exits with 1 when anything FAILs, so it can gate a deployment script.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, inspect, select

from directory.config import KNOWN_SECRET_KEYS
from directory.extensions import db

KNOWN_SECRETS = {"", "test-secret", *KNOWN_SECRET_KEYS}
MIN_FREE_BYTES = 1 << 30


@dataclass
class Finding:
    level: str  # OK | WARN | FAIL
    topic: str
    message: str


Check = Callable[[], Iterator[Finding]]


def _ok(topic: str, message: str) -> Finding:
    return Finding("OK", topic, message)


def _warn(topic: str, message: str) -> Finding:
    return Finding("WARN", topic, message)


def _fail(topic: str, message: str) -> Finding:
    return Finding("FAIL", topic, message)


def check_secret() -> Iterator[Finding]:
    key = str(current_app.config.get("SECRET_KEY") or "")
    if key in KNOWN_SECRETS:
        yield _fail(
            "secret key",
            "SECRET_KEY is empty or a known default: anyone can forge a session. Remove it from the configuration "
            "to get a generated one in instance/, or set DIRECTORY_SECRET_KEY to a long random value.",
        )
    elif len(key) < 32:
        yield _warn("secret key", f"SECRET_KEY is only {len(key)} characters; use at least 32 random ones.")
    else:
        yield _ok("secret key", "set, not a known default")


def _owner_only(path: Path) -> bool:
    return not stat.S_IMODE(path.stat().st_mode) & 0o077


def check_database() -> Iterator[Finding]:
    url = db.engine.url
    try:
        tables = set(inspect(db.engine).get_table_names())
    except Exception as exc:  # any driver error: say it, do not crash the report
        yield _fail("database", f"cannot connect to {url.render_as_string(hide_password=True)}: {exc}")
        return
    if "service" not in tables:
        yield _fail("database", "the schema is missing: run `flask setup` (or `flask db upgrade`).")
        return
    from directory.models import Service

    yield _ok(
        "database", f"{url.get_backend_name()} reachable, {db.session.scalar(select(func.count(Service.id)))} fiches"
    )
    if url.get_backend_name() == "sqlite" and url.database:
        path = Path(url.database.removeprefix("file:"))  # sqlite:///file:/path?mode=ro&uri=true names /path
        if path.exists() and not _owner_only(path):
            yield _warn("database", f"{path.name} is readable by other users: chmod 600 it (and its folder 700).")
        folder = path.parent
        free = shutil.disk_usage(folder).free
        if free < MIN_FREE_BYTES:
            yield _fail("disk", f"only {free >> 20} MiB free beside the database: imports and backups will fail.")
        if not os.access(folder, os.W_OK):
            yield _fail("database", f"the database folder is not writable by this user ({os.getuid()}).")
        with db.engine.connect() as connection:
            mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        if mode != "wal":
            yield _warn(
                "database",
                f"SQLite journal mode is {mode!r}, not 'wal': a write blocks every reader and busy requests may get "
                "'database is locked'. Is the file read-only, or on a network disk? (docs/deployment.md, SQLite).",
            )
        if int(current_app.config.get("WEB_WORKERS", 1) or 1) > 4:
            yield _warn("database", "SQLite with many processes: consider PostgreSQL (docs/deployment.md).")
    from directory.search import textindex

    with db.engine.connect() as connection:
        if not textindex.exists(connection):
            yield _warn("search fallback", "the SQL full-text table is missing: run `flask search reindex`.")


def check_search() -> Iterator[Finding]:
    from directory.search import index_name, live_index_exists, server_version
    from directory.search.client import MeiliError
    from directory.search.sync import outbox_lag

    url = current_app.config["MEILI_URL"]
    where = "managed by `flask serve`" if current_app.config["MEILI_MANAGED"] else url
    try:
        version = server_version()
    except MeiliError as exc:
        level = _warn if exc.code == "unreachable" else _fail
        hint = "start it (`flask serve` does for the managed one)" if exc.code == "unreachable" else "check the key"
        yield level("search", f"Meilisearch ({where}) answers no: {exc}; {hint}. Search answers from SQL meanwhile.")
        return
    yield _ok("search", f"Meilisearch {version} ({where})")
    if not version.startswith("1.21"):
        yield _warn("search", f"tested with Meilisearch 1.21, this server is {version}.")
    if not live_index_exists():
        yield _fail("search", f"index {index_name()} is missing: run `flask search reindex`.")
    lag = outbox_lag()
    if lag["pending"] and lag["oldest_seconds"] > current_app.config["OUTBOX_LAG_WARN_SECONDS"]:
        yield _warn(
            "search",
            f"{lag['pending']} changes wait for the index since {lag['oldest_seconds']} s: "
            "is the app running (its retry thread pushes them)? Or run `flask search sync`.",
        )
    if not current_app.config["MEILI_MANAGED"] and urlsplit(url).scheme == "http":
        host = urlsplit(url).hostname or ""
        if host not in ("127.0.0.1", "localhost", "::1"):
            yield _warn(
                "search",
                "the Meilisearch URL is plain http on another host: the key crosses the network "
                "in clear; use https or a private network.",
            )


def check_public_url() -> Iterator[Finding]:
    url = urlsplit(current_app.config.get("PUBLIC_URL") or "")
    if not url.scheme or not url.hostname:
        yield _fail("public URL", "PUBLIC_URL is not set: links in e-mails would be wrong.")
    elif url.hostname in ("127.0.0.1", "localhost"):
        yield _warn("public URL", f"PUBLIC_URL is {url.geturl()}: set DIRECTORY_PUBLIC_URL to the site's address.")
    elif url.scheme != "https":
        yield _warn("public URL", "PUBLIC_URL is not https: sign-in links would travel in clear.")
    else:
        yield _ok("public URL", url.geturl())
    if url.scheme == "https" and not current_app.config.get("PROXY_COUNT"):
        yield _warn(
            "proxy",
            "behind a TLS reverse proxy set DIRECTORY_PROXY_COUNT=1, or rate limits count the "
            "proxy instead of visitors.",
        )


def check_mail() -> Iterator[Finding]:
    if not current_app.config.get("MAIL_SERVER"):
        yield _warn("mail", "no MAIL_SERVER: sign-in links stay in the mail table and nobody can sign in by e-mail.")
    else:
        yield _ok("mail", f"SMTP {current_app.config['MAIL_SERVER']}:{current_app.config['MAIL_PORT']}")


def check_instance() -> Iterator[Finding]:
    instance = Path(current_app.instance_path)
    if instance.exists() and not _owner_only(instance):
        yield _warn("instance", f"{instance} is readable by other users (it holds keys): chmod 700 it.")
    key_file = instance / "meili-master-key"
    if key_file.exists() and not _owner_only(key_file):
        yield _fail("instance", f"{key_file.name} is readable by other users: chmod 600 it.")


def check_outside_services() -> Iterator[Finding]:
    if current_app.config.get("GEOCODER") == "nominatim" and not current_app.config.get("GEOCODER_URL"):
        yield _warn(
            "geocoder",
            "imports geocode with the public Nominatim (1 request/s, usage policy): load the "
            "BeST gazetteer (`flask gazetteer load`) or set DIRECTORY_GEOCODER_URL to your own.",
        )
    tiles = current_app.config.get("TILE_URL") or ""
    if "tile.openstreetmap.org" in tiles:
        yield _warn(
            "map tiles",
            "maps load the OpenStreetMap tile server (usage policy for heavy use): set "
            "DIRECTORY_TILE_URL to your own tiles, or empty for none.",
        )


CHECKS: tuple[Check, ...] = (
    check_secret,
    check_database,
    check_search,
    check_public_url,
    check_mail,
    check_instance,
    check_outside_services,
)


def run_checks() -> list[Finding]:
    """Every finding of every check, in order."""
    return [finding for check in CHECKS for finding in check()]


@click.command("doctor")
@with_appcontext
def doctor() -> None:
    """Check this deployment's configuration and print what to fix (exit code 1 on any FAIL)."""
    findings = run_checks()
    colours = {"OK": "green", "WARN": "yellow", "FAIL": "red"}
    for finding in findings:
        click.echo(
            f"{click.style(finding.level.ljust(4), fg=colours[finding.level])}  {finding.topic}: {finding.message}"
        )
    failed = sum(f.level == "FAIL" for f in findings)
    warned = sum(f.level == "WARN" for f in findings)
    click.echo(f"{failed} to fix, {warned} to consider.")
    if failed:
        raise SystemExit(1)
