"""`flask geo ...` commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from directory.schema import upgrade_database


@click.group("geo")
def geo() -> None:
    """Brussels geography (communes, bassins, quartiers, postcodes)."""


@geo.command("load")
@click.option("--data-dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None)
@with_appcontext
def load(data_dir: Path | None) -> None:
    """Load or refresh the geography from the reference files (idempotent)."""
    from directory.extensions import db
    from directory.geo.loader import load_geography

    upgrade_database()
    click.echo(load_geography(data_dir or Path(current_app.config["SHARED_DATA_DIR"])))
    db.session.commit()
