"""`flask import FORMAT FILE [--source NAME] [--dry-run] [--report PATH]`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext


@click.command("import")
@click.argument("format_name", metavar="FORMAT")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, path_type=Path))
@click.option("--source", help="Source name stored on each fiche (default: the format name).")
@click.option("--dry-run", is_flag=True, help="Validate and show what would change; write nothing.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the validation report as CSV (default: FILE.report.csv).",
)
@click.option(
    "--lang", type=click.Choice(["fr", "nl"]), default="fr", show_default=True, help="Language of the printed report."
)
@with_appcontext
def import_command(
    format_name: str, path: Path, source: str | None, dry_run: bool, report_path: Path | None, lang: str
) -> None:
    """Import FILE in FORMAT into the directory. Exit code 1 when rows were rejected."""
    from directory.importing.candidate_sources import CANDIDATE_FORMATS, import_candidates
    from directory.importing.report import ImportReport
    from directory.importing.run import run_import
    from importers import REGISTRY

    if format_name not in REGISTRY and format_name not in CANDIDATE_FORMATS:
        known = sorted([*REGISTRY, *CANDIDATE_FORMATS])
        raise click.BadParameter(f"unknown format; choose from {', '.join(known)}", param_hint="FORMAT")
    report: ImportReport
    if format_name in CANDIDATE_FORMATS:  # KBO/BCE and leads: candidates for coordinators, never fiches
        report = import_candidates(format_name, path, source=source, dry_run=dry_run)
    elif format_name == "social-brussels":  # its licence note comes from the configuration
        from directory.importing.social_brussels import social_brussels_importer

        report = run_import(social_brussels_importer(), path, source=source, dry_run=dry_run, progress=True)
    else:
        report = run_import(REGISTRY[format_name](), path, source=source, dry_run=dry_run, progress=True)
    for issue in report.issues:
        click.echo(f"  line {issue.line} [{issue.level}] {issue.field}: {issue.message(lang)}")
    report_path = report_path or path.with_name(path.name.rstrip("/") + ".report.csv")
    click.echo(report.summary())
    try:
        report.write_csv(report_path)
    except OSError as exc:  # a full disk or a read-only folder: the rows are imported, only the file is missing
        click.echo(f"the report could not be written to {report_path}: {exc.strerror or exc}", err=True)
        click.echo("the import itself is done (see the summary above); the issues are printed above", err=True)
        raise SystemExit(2) from exc
    click.echo(f"report: {report_path}")
    if format_name not in CANDIDATE_FORMATS and not dry_run:
        _wait_for_the_index()
    if not report.ok:
        raise SystemExit(1)


def _wait_for_the_index() -> None:
    """The import pushed its fiches without waiting for Meilisearch; say when they are all searchable."""
    from flask import current_app

    from directory.search.client import MeiliError
    from directory.search.sync import wait_until_indexed

    if not current_app.config["SEARCH_SYNC_ON_COMMIT"]:
        click.echo("search index: sync is off; `flask search sync` pushes the changes")
        return
    try:
        wait_until_indexed(timeout=600)
        click.echo("search index: every change is searchable")
    except MeiliError as exc:
        click.echo(f"search index: not in step yet ({exc}); the changes wait in the outbox", err=True)
