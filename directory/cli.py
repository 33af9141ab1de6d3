"""`flask` commands of the application as a whole (gazetteer, export, i18n, setup, serve).

Packages keep their own groups (db from Flask-Migrate, geo, search, meili, import, accounts); `create_app` registers
them all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from directory import schema
from directory.config import REPO_ROOT

# Messages marked for later translation: N_(msgid) for stored values; Invalid(msgid, ...) and
# RowError(line, field, msgid) carry report messages translated when shown.
EXTRACT_KEYWORDS = ("-k", "_l", "-k", "N_", "-k", "Invalid", "-k", "RowError:3")


@click.group("gazetteer")
def gazetteer() -> None:
    """The local address register used as first geocoder."""


@gazetteer.command("load")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def gazetteer_load(path: Path) -> None:
    """Load a BeST address CSV (openaddress-bebru.csv) into the gazetteer (idempotent)."""
    from directory.operations.gazetteer import load_best
    from importers.best import BestFormatError

    schema.upgrade_database()
    try:
        click.echo(f"{load_best(path)} addresses loaded")
    except BestFormatError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("export")
@click.argument("format_name", metavar="FORMAT", type=click.Choice(["hsds", "hsds-csv"]))
@click.argument("path", metavar="PATH", type=click.Path(path_type=Path))
@with_appcontext
def export_command(format_name: str, path: Path) -> None:
    """Export the directory as Open Referral HSDS 3.0: JSON file (hsds) or folder of CSV tables (hsds-csv)."""
    import json

    from directory.operations.hsds import export_services
    from importers.hsds_tabular import flatten, write_tables

    services = list(export_services())
    if format_name == "hsds":
        path.write_text(json.dumps(services, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        write_tables(flatten(services), path)
    click.echo(f"{len(services)} services written to {path}")


@click.group("i18n")
def i18n() -> None:
    """Translation catalogs (pybabel wrappers)."""


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=REPO_ROOT)


@i18n.command("extract")
def i18n_extract() -> None:
    """Extract messages into translations/messages.pot and update the FR/NL catalogs."""
    _pybabel(
        "extract",
        "-F",
        "translations/babel.cfg",
        *EXTRACT_KEYWORDS,
        "--no-location",
        "--sort-output",
        "-o",
        "translations/messages.pot",
        ".",
    )
    _pybabel("update", "-i", "translations/messages.pot", "-d", "translations", "--no-fuzzy-matching")


@i18n.command("compile")
def i18n_compile() -> None:
    """Compile .po catalogs into .mo files."""
    _pybabel("compile", "-d", "translations", "--statistics")


@click.command("setup")
@click.option("--skip-data", is_flag=True, help="Only schema and geography, no directory data.")
@with_appcontext
def setup(skip_data: bool) -> None:
    """Upgrade the schema (migrations), load geography and vocabularies, import the default dataset (idempotent).

    Changed services are queued in the search outbox; `flask serve` pushes them to Meilisearch.
    """
    from directory.extensions import db
    from directory.geo.loader import load_geography
    from directory.operations.vocabulary import load_vocabularies

    current_app.config["SEARCH_SYNC_ON_COMMIT"] = False  # the outbox fills; `serve` pushes it in one go
    click.echo(schema.upgrade_database())
    click.echo(load_geography(Path(current_app.config["SHARED_DATA_DIR"])))
    click.echo(load_vocabularies())
    db.session.commit()
    if not skip_data:
        from directory.importing.defaults import import_default_dataset

        click.echo(import_default_dataset(Path(current_app.config["SHARED_DATA_DIR"])))


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, envvar="PORT", show_default=True)
@click.option("--workers", type=int, default=0, help="gunicorn processes (default: SERVE_WORKERS, or cores + 1).")
@click.option("--threads", type=int, default=0, help="Threads per worker (default: SERVE_THREADS).")
@click.option("--dev", "--debug", "dev", is_flag=True, help="Flask's reloading debug server instead of gunicorn.")
@with_appcontext
def serve(host: str, port: int, workers: int, threads: int, dev: bool) -> None:
    """Start the managed Meilisearch (unless MEILI_URL is set), then the site through gunicorn, until SIGTERM or
    Ctrl-C; Meilisearch stops after the last worker."""
    from directory.search.managed import start_managed_meili

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    reloaded_child = os.environ.get("WERKZEUG_RUN_MAIN") == "true"  # the debug server's reloader runs us again
    owner = os.getpid()  # gunicorn's workers are forks of this process and leave through this `finally` too
    process = start_managed_meili(app, click.echo) if app.config["MEILI_MANAGED"] and not reloaded_child else None
    try:
        from directory.extensions import db
        from directory.search.sync import ensure_index, sync_outbox

        ensure_index()
        sync_outbox()
        db.session.remove()
        click.echo(f"Qui fait quoi / Wie doet wat: http://{host}:{port}/")
        if dev:
            from werkzeug.serving import run_simple

            from directory.serving import KeepAliveHandler

            app.debug = True
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # leave through `finally`: Meilisearch stops too
            run_simple(
                host, port, app, threaded=True, request_handler=KeepAliveHandler, use_debugger=True, use_reloader=True
            )
        else:
            from directory.serving import ProductionServer, gunicorn_options

            ProductionServer(app, gunicorn_options(app, host, port, workers, threads)).run()
    finally:
        if process and os.getpid() == owner:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # gunicorn's handler would reap Meilisearch for us
            process.stop()
            click.echo("Meilisearch stopped")
