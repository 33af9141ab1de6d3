"""`flask import FORMAT FILE` (TO BE WRITTEN by the importers helper)."""

from __future__ import annotations

import click


@click.command("import")
def import_command() -> None:
    """Import a file into the directory."""
    raise click.ClickException("not implemented yet")
