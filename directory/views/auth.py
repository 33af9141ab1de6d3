"""Sign-in by e-mailed link, sign-out, the account page, invitations, user admin, audit log, development outbox."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from directory.extensions import db
from directory.forms import EmptyForm
from directory.forms.accounts import SignInForm, invite_form
from directory.i18n import get_locale
from directory.models import Organization
from directory.models.accounts import AuditLog, MailMessage, Role, User
from directory.operations import accounts, mail
from directory.security import (
    admin_required,
    current_user,
    login_required,
    login_user,
    logout_user,
    over_limit,
    rate_limit,
    safe_next,
)

bp = Blueprint("auth", __name__, url_prefix="/<lang_code>")


@bp.route("/account/sign-in", methods=["GET", "POST"])
def sign_in() -> str | Response | tuple[str, int]:
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        rate_limit("sign_in", current_app.config["RATE_LIMIT_SIGN_IN"])  # this client's address
        # Per account, no refusal (anyone may type the address): at most one link per window, the last one still
        # works. Counted for unknown addresses too, so the answer never tells whether an account exists.
        email = form.email.data.strip().lower()
        if not over_limit("sign_in_mail", current_app.config["RATE_LIMIT_SIGN_IN_MAIL"], email):
            accounts.request_sign_in_later(form.email.data, get_locale(), safe_next(form.next.data, ""))
        db.session.commit()
        return render_template("auth/check_mail.html", email=form.email.data)
    return render_template("auth/sign_in.html", form=form), 400 if form.errors else 200


@bp.route("/account/sign-in/<token>", methods=["GET", "POST"])
def confirm(token: str) -> str | Response | tuple[str, int]:
    """GET shows a button, POST uses the link: mail scanners that open links do not burn it."""
    form = EmptyForm()
    if request.method == "GET":
        valid = accounts.valid_token(token)
        if valid is None:
            return render_template("auth/invalid_link.html"), 410
        return render_template("auth/confirm.html", form=form, user=valid.user)
    if not form.validate_on_submit():
        abort(400)
    rate_limit("sign_in_confirm", current_app.config["RATE_LIMIT_SIGN_IN"])
    user = accounts.consume_token(token)
    db.session.commit()
    if user is None:
        return render_template("auth/invalid_link.html"), 410
    login_user(user)
    flash(_("You are signed in."))
    return redirect(safe_next(request.args.get("next"), url_for("edit.dashboard")))


@bp.post("/account/sign-out")
def sign_out() -> Response:
    user = current_user()
    if user is not None:
        accounts.audit("sign_out", user)
    logout_user()  # ends every session of the user, copied cookies included
    db.session.commit()
    return redirect(url_for("public.home"))


@bp.route("/account/", methods=["GET", "POST"])
@login_required
def account() -> str | Response | tuple[str, int]:
    """The user's page: their organisations and the invitation form."""
    user = current_user()
    assert user is not None
    form = invite_form(user)
    if form.validate_on_submit():
        rate_limit("invite", current_app.config["RATE_LIMIT_INVITE"], f"user:{user.id}")
        organization = db.session.get(Organization, form.organization.data)
        if organization is None:
            abort(404)
        try:
            invited = accounts.invite(form.email.data, organization, user, get_locale(), Role(form.role.data))
        except PermissionError:
            abort(404)
        db.session.commit()
        flash(_("Invitation sent to %(email)s.", email=invited.email))
        return redirect(url_for("auth.account"))
    status = 400 if form.errors else 200
    return render_template("auth/account.html", user=user, form=form, sign_out_form=EmptyForm()), status


@bp.get("/account/users")
@admin_required
def users() -> str:
    people = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template("auth/users.html", users=people, roles=list(Role), form=EmptyForm())


@bp.post("/account/users/<int:user_id>/role")
@admin_required
def set_role(user_id: int) -> Response:
    form = EmptyForm()
    target = db.session.get(User, user_id)
    if target is None or not form.validate_on_submit():
        abort(404 if target is None else 400)
    try:
        role = Role(request.form.get("role", ""))
    except ValueError:
        abort(400)
    accounts.set_role(target, role, current_user())  # type: ignore[arg-type]
    if "active" in request.form:
        accounts.set_active(target, request.form["active"] == "1", current_user())  # type: ignore[arg-type]
    db.session.commit()
    flash(_("Saved."))
    return redirect(url_for("auth.users"))


@bp.get("/account/audit")
@admin_required
def audit_log() -> str:
    entries = db.session.scalars(select(AuditLog).order_by(AuditLog.id.desc()).limit(300)).all()
    return render_template("auth/audit.html", entries=entries)


@bp.get("/dev/outbox")
def outbox() -> str:
    """The e-mails the application sent, for development and tests only."""
    if not (current_app.debug or current_app.testing):
        abort(404)
    messages = db.session.scalars(select(MailMessage).order_by(MailMessage.id.desc()).limit(50)).all()
    page = render_template("auth/outbox.html", messages=messages, keep=current_app.config["DEV_OUTBOX_KEEP_MINUTES"])
    mail.shown_in_dev_outbox(messages)  # shown once: the links in them are not kept in clear
    db.session.commit()
    return page
