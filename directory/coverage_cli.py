"""`flask data coverage` (the cadastre per sector and bassin) and `flask data social-brussels-fetch`."""

from __future__ import annotations

from pathlib import Path

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


@data.command("social-brussels-fetch")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--limit", type=int, help="Fetch at most this many organisations and agreement searches in this run.")
@with_appcontext
def social_brussels_fetch(folder: Path, limit: int | None) -> None:
    """Fetch Bruxelles Social organisations, lookups and agreement searches into FOLDER, politely; run again to
    resume. Then: `flask import social-brussels FOLDER`."""
    from directory.importing.social_brussels import fetch

    report = fetch(folder, limit=limit)
    for problem in report.problems:
        click.echo(f"  {problem}")
    click.echo(f"{report.fetched} fetched, {report.kept} already there, {len(report.problems)} problems")
