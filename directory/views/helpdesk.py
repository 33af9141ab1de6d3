"""The helpdesk view (/<lang>/helpdesk): one keyboard-first screen for the people answering a single regional
number. The caller's commune or postcode, the need in a few words (the directory's own search), results with
phones, availability and "open now", a referral sheet sent by e-mail in the caller's language, and a privacy-safe
note of the need for the needs record (directory/search/unmet.py).

Helpdesk answerers, moderators and admins only: the page sends mail to any address and writes to the needs record.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from directory.extensions import db
from directory.forms import EmptyForm
from directory.i18n import LANGUAGES, get_locale
from directory.labels import language_name
from directory.models import Service
from directory.models.services import whole_service
from directory.operations.helpdesk import CallerPlace, UnsafeNote, clean_note, resolve_place, send_sheet
from directory.operations.hours import BRUSSELS
from directory.presenters import MAX_SHEET
from directory.search.lexicon import tokens
from directory.search.query import MAX_QUERY, InvalidSearch, SearchResult, parse_search_args, run_search
from directory.search.unmet import record, record_after_response
from directory.security import current_user, login_required, rate_limit

bp = Blueprint("helpdesk", __name__, url_prefix="/<lang_code>/helpdesk")

RESULTS = 9  # one digit key per result
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def helpdesk_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Signed-in helpdesk answerers, moderators and admins (403 for other accounts)."""

    @functools.wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user().can_use_helpdesk:  # type: ignore[union-attr]
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def _sheet_ids(values: MultiDict) -> list[int]:
    """The services on the sheet (`ids`), with `add` added and `remove` removed; at most MAX_SHEET, in order."""
    ids: list[int] = []
    for raw in ",".join(values.getlist("ids")).split(","):
        if re.fullmatch(r"\d{1,10}", raw.strip()) and int(raw) not in ids:
            ids.append(int(raw))
    if re.fullmatch(r"\d{1,10}", values.get("remove", "")):
        ids = [i for i in ids if i != int(values["remove"])]
    if re.fullmatch(r"\d{1,10}", values.get("add", "")) and int(values["add"]) not in ids:
        ids.append(int(values["add"]))
    return ids[:MAX_SHEET]


def _sheet_services(ids: list[int]) -> list[Service]:
    found = db.session.scalars(select(Service).where(Service.id.in_(ids)).options(*whole_service())).all()
    by_id = {s.id: s for s in found if s.status != "inactive"}
    return [by_id[i] for i in ids if i in by_id]


def _search(need: str, place: CallerPlace | None, lang: str) -> tuple[SearchResult | None, str]:
    """The directory's search for `need`, nearest to the caller's commune first; (result, error message)."""
    if not need:
        return None, ""
    args = MultiDict({"q": need, "per_page": str(RESULTS)})
    if place is not None and place.lat is not None and place.lon is not None:
        args["near"] = f"{place.lat},{place.lon}"
    try:
        result = run_search(parse_search_args(args, lang))
    except InvalidSearch as exc:
        return None, exc.message
    try:
        clean_note(need)  # a search holding a phone number, an e-mail address or a name is never recorded
    except UnsafeNote:
        return result, ""
    record_after_response(result)  # a need the directory cannot answer is counted, as on the search page
    return result, ""


def _page(values: MultiDict, status: int = 200, errors: dict[str, str] | None = None) -> tuple[str, int]:
    lang = get_locale()
    place_raw = values.get("place", "").strip()[:80]
    need = values.get("q", "").strip()[:MAX_QUERY]
    place = resolve_place(place_raw, lang) if place_raw else None
    result, search_error = _search(need, place, lang)
    ids = _sheet_ids(values)
    sheet = _sheet_services(ids)
    focus = values.get("focus") or ("results" if result is not None and result.hits else "place")
    if errors:
        focus = next(iter(errors))
    return render_template(
        "helpdesk/desk.html",
        place_raw=place_raw,
        place=place,
        place_unknown=bool(place_raw) and place is None,
        need=need,
        result=result,
        search_error=search_error,
        sheet=sheet,
        sheet_ids=",".join(str(s.id) for s in sheet),
        sheet_full=len(sheet) >= MAX_SHEET,
        form=EmptyForm(),
        errors=errors or {},
        email=values.get("email", "").strip() if errors else "",
        caller_lang=values.get("caller_lang") if values.get("caller_lang") in LANGUAGES else lang,
        note=values.get("note", "") if errors else "",
        focus=focus,
        languages=LANGUAGES,
    ), status


@bp.get("/")
@helpdesk_required
def desk() -> tuple[str, int]:
    """The screen: `place` and `q` search, `ids` is the sheet, `add` / `remove` change it."""
    return _page(_with_focus(request.args))


def _with_focus(args: MultiDict) -> MultiDict:
    """After adding or removing a service, the keys stay on the results (the next digit adds the next one)."""
    values = MultiDict(args)
    if "add" in args or "remove" in args:
        values["focus"] = "results"
    return values


@bp.post("/send")
@helpdesk_required
def send() -> Response | tuple[str, int]:
    """Send the sheet in the caller's language (`action=send`) and/or record the note of the need; a new call."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    user = current_user()
    values = request.form
    action = values.get("action", "send")
    errors: dict[str, str] = {}
    try:
        note = clean_note(values.get("note", ""))
    except UnsafeNote as exc:
        errors["note"] = exc.message
        note = ""
    caller_lang = values.get("caller_lang", "")
    email = values.get("email", "").strip()
    services = _sheet_services(_sheet_ids(values))
    if action == "send":
        if not services:
            errors["results"] = _("Add at least one service to the sheet (keys 1 to 9).")
        if not EMAIL.match(email) or len(email) > 254:
            errors["email"] = _("Type the caller's e-mail address.")
        if caller_lang not in LANGUAGES:
            errors["caller_lang"] = _("Choose the caller's language.")
    elif not note:
        errors.setdefault("note", _("Type the need in a few words."))
    if errors:
        return _page(values, 400, errors)
    rate_limit("helpdesk", current_app.config["RATE_LIMIT_HELPDESK"], f"user:{user.id}")  # type: ignore[union-attr]
    if action == "send":
        send_sheet(email, caller_lang, services)
    if note:
        _record_need(note, values.get("place", ""))
    db.session.commit()
    if action == "send":
        language = language_name(caller_lang, get_locale())
        flash(_("The sheet was sent to %(email)s, in %(language)s.", email=email, language=language))
    if note:
        flash(_("The need was noted."))
    return redirect(url_for(".desk"))


def _record_need(note: str, place_raw: str) -> None:
    """Count the note in the needs record: its folded words, the caller's commune, and that the helpdesk noted it.
    Nothing else: no answerer, no time of day."""
    lang = get_locale()
    place = resolve_place(place_raw, lang) if place_raw.strip() else None
    filters: dict[str, list[str]] = {"origin": ["helpdesk"]}
    if place is not None:
        filters["commune"] = [place.nis]
    query = " ".join(tokens(note))[:200]
    record(datetime.now(BRUSSELS).date(), lang, query, json.dumps(filters, sort_keys=True, separators=(",", ":")), 0)
