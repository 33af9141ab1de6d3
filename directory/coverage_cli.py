"""`flask data coverage`: the coverage of the cadastre, per sector and bassin, in the terminal."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("data")
def data() -> None:
    """What the directory holds."""


@data.command("coverage")
@click.option("--bassin", help="Only this bassin (code, e.g. nord; 'none' for fiches without a bassin).")
@with_appcontext
def coverage_command(bassin: str | None) -> None:
    """Per sector and bassin: fiches, candidates and the share of fiches with each fact."""
    from directory.operations.coverage import FACTS, coverage

    table = coverage()
    header = f"{'sector':<26} {'bassin':<13} {'fiches':>6} {'cand.':>5} " + " ".join(f"{f[:9]:>9}" for f in FACTS)
    click.echo(header)
    for (sector, code), cell in sorted(table.items()):
        if bassin and code != bassin:
            continue
        shares = " ".join(f"{'—':>9}" if cell.share(f) is None else f"{cell.share(f):>9.0%}" for f in FACTS)
        click.echo(f"{sector:<26} {code:<13} {cell.fiches:>6} {cell.candidates:>5} {shares}")
