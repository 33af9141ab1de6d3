"""`flask users`, `flask freshness` and `flask mail` command groups (accounts, reminders, e-mail queue)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from directory.schema import upgrade_database


@click.group("users")
def users() -> None:
    """Accounts."""


@users.command("create-admin")
@click.argument("email")
@with_appcontext
def create_admin(email: str) -> None:
    """Create the first admin (or promote an existing account); they sign in with a link sent by e-mail."""
    from directory.extensions import db
    from directory.operations.accounts import create_admin as create

    upgrade_database()
    try:
        user = create(email)
    except ValueError as exc:
        raise click.ClickException(f"invalid e-mail address: {exc}") from exc
    db.session.commit()
    click.echo(f"{user.email} is an admin; sign in at {current_app.config['PUBLIC_URL']}/fr/account/sign-in")


@click.group("freshness")
def freshness() -> None:
    """Reminders to editors and stale fiches."""


@freshness.command("remind")
@click.option("--dry-run", is_flag=True, help="Count the reminders without sending them.")
@with_appcontext
def remind(dry_run: bool) -> None:
    """E-mail each editor the fiches they have not checked for FRESHNESS_REMIND_AFTER_DAYS (run it daily)."""
    from directory.extensions import db
    from directory.operations.freshness import send_reminders

    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        counts = send_reminders(dry_run=dry_run)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    verb = "would be reminded" if dry_run else "reminded"
    click.echo(f"{counts['editors']} editors {verb} about {counts['fiches']} fiches")


@freshness.command("stale")
@with_appcontext
def stale() -> None:
    """Count the stale fiches per bassin."""
    from directory.operations.freshness import stale_counts

    for bassin, count in stale_counts():
        click.echo(f"{bassin.name_fr if bassin else '(no bassin)'}\t{count}")


@click.group("mail")
def mail_group() -> None:
    """The e-mail queue."""


@mail_group.command("send")
@with_appcontext
def mail_send() -> None:
    """Send the queued e-mails by SMTP (those that failed after their request, e.g. server down)."""
    from directory.extensions import db
    from directory.operations.mail import deliver, smtp_configured

    if not smtp_configured():
        raise click.ClickException("MAIL_SERVER is not set: messages stay in the outbox")
    click.echo(f"{deliver(db.session())} messages sent")
    db.session.commit()


COMMANDS = (users, freshness, mail_group)
