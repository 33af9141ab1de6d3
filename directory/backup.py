"""`flask backup PATH` and `flask restore PATH`: one archive holds what cannot be rebuilt.

In the archive (a .tar.gz, owner-only, written to PATH.partial then renamed):
- `database.sqlite3`, a consistent copy taken with SQLite's online backup API while the site runs, or
  `database.pgdump`, from `pg_dump --format=custom` for PostgreSQL;
- `instance/`: the instance folder's own files (secret key, Meilisearch master key, config.py, anything an
  operator keeps there), without what is rebuilt or fetched (the Meilisearch binary and data, the database);
- `manifest.json`: when, which backend, row counts, and the SHA-256 of every file (checked by restore).
Not in it: the Meilisearch index, rebuilt from SQL by `restore` (`search reindex`).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, inspect, select

from directory.extensions import db

FORMAT = 1
SKIPPED = {"meilisearch", "meili-data", "__pycache__"}
COUNTED = ("service", "organization", "location", "user", "membership", "revision", "change_request", "audit_log")


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message says why and what to do."""


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _backend() -> str:
    return db.engine.url.get_backend_name()


def _sqlite_path() -> Path:
    return Path(db.engine.url.database or "")


def _pg_url() -> str:
    """A libpq URL for pg_dump/pg_restore (without SQLAlchemy's driver suffix)."""
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def row_counts() -> dict[str, int]:
    """Rows per important table (those that exist), to compare a restore with its backup."""
    tables = set(inspect(db.engine).get_table_names())
    counts = {}
    for name in COUNTED:
        if name in tables:
            counts[name] = db.session.scalar(select(func.count()).select_from(db.metadata.tables[name])) or 0
    return counts


def _dump_database(target: Path) -> str:
    if _backend() == "sqlite":
        name = "database.sqlite3"
        source = sqlite3.connect(_sqlite_path())
        copy = sqlite3.connect(target / name)
        try:
            source.backup(copy)  # the online backup API: consistent even while others write
        finally:
            copy.close()
            source.close()
        return name
    name = "database.pgdump"
    command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target / name}", _pg_url()]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return name


def _instance_files(database: Path | None) -> list[Path]:
    instance = Path(current_app.instance_path)
    files = []
    for path in sorted(instance.rglob("*")):
        relative = path.relative_to(instance)
        if relative.parts[0] in SKIPPED or not path.is_file() or path.is_symlink():
            continue
        if database and path.name.startswith(database.name):  # the live database, its -wal and -shm
            continue
        files.append(path)
    return files


def backup(archive: Path) -> dict:
    """Write the archive; returns its manifest."""
    archive = archive.resolve()
    partial = archive.with_name(archive.name + ".partial")
    database = _sqlite_path().resolve() if _backend() == "sqlite" else None
    with tempfile.TemporaryDirectory(dir=archive.parent) as work:
        staging = Path(work)
        staging.chmod(0o700)
        dump = _dump_database(staging)
        instance = Path(current_app.instance_path)
        manifest: dict = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "backend": _backend(),
            "database": dump,
            "counts": row_counts(),
            "files": {dump: _sha256(staging / dump)},
        }
        extra = _instance_files(database)
        for path in extra:
            manifest["files"][f"instance/{path.relative_to(instance)}"] = _sha256(path)
        old_mask = os.umask(0o077)
        try:
            with tarfile.open(partial, "w:gz") as tar:
                body = json.dumps(manifest, indent=2).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size, info.mode = len(body), 0o600
                tar.addfile(info, io.BytesIO(body))
                tar.add(staging / dump, arcname=dump)
                for path in extra:
                    tar.add(path, arcname=f"instance/{path.relative_to(instance)}")
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        finally:
            os.umask(old_mask)
    partial.replace(archive)
    return manifest


def _unpack(archive: Path, into: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(into, filter="data")
    manifest = json.loads((into / "manifest.json").read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for name, digest in manifest["files"].items():
        if not (into / name).is_file() or _sha256(into / name) != digest:
            raise BackupError(f"{name} is missing or damaged in the archive (checksum): not restored")
    return manifest


def _restore_database(manifest: dict, unpacked: Path) -> None:
    if manifest["backend"] != _backend():
        raise BackupError(f"this backup is of a {manifest['backend']} database; this site uses {_backend()}")
    db.session.remove()
    db.engine.dispose()
    if _backend() == "sqlite":
        source = sqlite3.connect(unpacked / manifest["database"])
        target = sqlite3.connect(_sqlite_path())
        try:
            source.backup(target)  # replaces every page of the live file, under its lock
        finally:
            target.close()
            source.close()
        return
    command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
    result = subprocess.run(
        [*command, f"--dbname={_pg_url()}", str(unpacked / manifest["database"])], capture_output=True, text=True
    )
    if result.returncode:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def _restore_instance(unpacked: Path) -> list[str]:
    source, target = unpacked / "instance", Path(current_app.instance_path)
    restored = []
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            if path.is_file():
                destination = target / path.relative_to(source)
                destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                shutil.copy2(path, destination)
                destination.chmod(0o600)
                restored.append(str(path.relative_to(source)))
    return restored


def restore(archive: Path, force: bool = False) -> dict:
    """Check and restore the archive into this site's database and instance folder; returns the manifest.

    Refuses to overwrite a database that holds fiches unless `force`. The search index is not touched here:
    the caller rebuilds it (`reindex`)."""
    service = db.metadata.tables["service"]
    if not force and inspect(db.engine).has_table("service") and db.session.scalar(select(func.count(service.c.id))):
        raise BackupError("this site's database already holds fiches: restore with --force to replace them")
    with tempfile.TemporaryDirectory() as work:
        unpacked = Path(work)
        manifest = _unpack(archive, unpacked)
        _restore_database(manifest, unpacked)
        manifest["restored_files"] = _restore_instance(unpacked)
    return manifest


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write a backup archive of the database and the instance secrets to PATH (.tar.gz)."""
    manifest = backup(path)
    counts = ", ".join(f"{n} {t}" for t, n in manifest["counts"].items())
    click.echo(f"backup written to {path} ({path.stat().st_size >> 10} KiB): {counts}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds fiches.")
@with_appcontext
def restore_command(path: Path, force: bool) -> None:
    """Restore a backup archive, then rebuild the search index from the database."""
    from directory.search import textindex
    from directory.search.client import MeiliError
    from directory.search.sync import reindex

    try:
        manifest = restore(path, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    counts = row_counts()
    click.echo(f"restored {path} of {manifest['created_at']}: " + ", ".join(f"{n} {t}" for t, n in counts.items()))
    if counts != manifest["counts"]:
        raise click.ClickException(f"row counts differ from the backup's: {manifest['counts']}")
    with db.engine.begin() as connection:
        textindex.rebuild(connection)
    try:
        click.echo(f"search index rebuilt: {reindex()} documents")
    except MeiliError as exc:
        click.echo(f"Meilisearch unavailable ({exc}): run `flask search reindex` once it is up.", err=True)
