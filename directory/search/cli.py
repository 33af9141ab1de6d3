"""`flask search ...` and `flask meili ...` commands."""

from __future__ import annotations

import click


@click.group("search")
def search() -> None:
    """Search index maintenance."""


@click.group("meili")
def meili() -> None:
    """The managed Meilisearch server."""
