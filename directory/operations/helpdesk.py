"""The helpdesk of a single regional number: where the caller lives, a privacy-safe note of the need, and the
referral sheet sent by e-mail in the caller's language (directory/views/helpdesk.py).

A note of the need is stored (aggregated, directory/search/unmet.py): it must never identify the caller, so a note
holding a phone number, an e-mail address or a title before a name is refused, not silently trimmed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from directory.extensions import db
from directory.geo.tagging import commune_for_postcode
from directory.i18n import N_, localized
from directory.models import Commune, Service
from directory.models.accounts import MailMessage
from directory.operations import mail

MAX_NOTE = 160
SHEET_SUBJECT = N_("Services for you")
# Seven digits or more, spaces, dots, slashes, dashes and brackets allowed between them (02 123 45 67,
# 0470/12.34.56, +32 (0)2 …, a national register number); a postcode (4 digits) or an age stays.
PHONE_LIKE = re.compile(r"\+?\d(?:[\s./()-]*\d){6,}")
EMAIL_LIKE = re.compile(r"\S@\S|\S\s*[\[(](?:at|arobase)[\])]\s*\S", re.IGNORECASE)
# A title followed by a capitalised word ("Mme Dupont", "dhr. Peeters"), or "nom :" / "naam:".
NAME_LIKE = re.compile(
    r"\b(?i:m\.|mr\.?|mme\.?|mlle\.?|monsieur|madame|mademoiselle|dhr\.?|mevr\.?|meneer|mevrouw|mijnheer|juffrouw)"
    r"\s+[A-ZÀ-Ý]|\b(?i:nom|naam|prénom|voornaam)\s*:"
)


class UnsafeNote(ValueError):
    """A note that could identify the caller; `message` is translated and safe to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def clean_note(raw: str) -> str:
    """One line of at most MAX_NOTE characters; UnsafeNote if it holds a phone number, an e-mail address or what
    looks like a person's name after a title."""
    note = " ".join((raw or "").split())
    if len(note) > MAX_NOTE:
        raise UnsafeNote(_("The note is too long: one line of at most %(max)s characters.", max=MAX_NOTE))
    if PHONE_LIKE.search(note):
        raise UnsafeNote(_("Remove the phone number from the note: it must not identify the caller."))
    if EMAIL_LIKE.search(note):
        raise UnsafeNote(_("Remove the e-mail address from the note: it must not identify the caller."))
    if NAME_LIKE.search(note):
        raise UnsafeNote(_("Remove the name from the note: it must not identify the caller."))
    return note


@dataclass(frozen=True)
class CallerPlace:
    """The caller's commune, from a postcode or a commune name typed in French or Dutch."""

    nis: str
    name: str
    lat: float | None
    lon: float | None


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("-", " ").strip()


def resolve_place(raw: str, lang: str) -> CallerPlace | None:
    """The commune of a Brussels postcode ("1030") or of a commune name ("Schaerbeek", "schaarbeek", "Ixelles
    1050"); None when nothing matches."""
    text = " ".join((raw or "").split())
    if not text:
        return None
    commune: Commune | None = None
    if postcode := re.search(r"\b1\d{3}\b", text):
        commune = commune_for_postcode(postcode.group(0))
    if commune is None:
        wanted = _fold(re.sub(r"\b\d{4}\b", "", text))
        if wanted:
            communes = list(db.session.scalars(select(Commune)))
            exact = [c for c in communes if wanted in (_fold(c.name_fr), _fold(c.name_nl))]
            starts = [c for c in communes if _fold(c.name_fr).startswith(wanted) or _fold(c.name_nl).startswith(wanted)]
            found = exact or starts
            commune = found[0] if len(found) == 1 or exact else None
    if commune is None:
        return None
    return CallerPlace(commune.nis, localized(commune, "name", lang).text, commune.lat, commune.lon)


def send_sheet(to: str, lang: str, services: list[Service]) -> MailMessage:
    """Queue the referral sheet of `services` to `to`, written in `lang` (the caller's language, whatever the
    answerer's): each service's address, phones, this week's hours, cost, how to be received, what to bring, the
    nearest stops and its fiche; links on PUBLIC_URL. Delivered after the commit (directory/operations/mail.py)."""
    ids = ",".join(str(s.id) for s in services)
    entries = [
        {
            "service": service,
            "link": mail.public_url("public.service", lang_code=lang, service_id=service.id),
        }
        for service in services
    ]
    return mail.send_template(
        to,
        lang,
        "helpdesk/mail_sheet.txt",
        SHEET_SUBJECT,
        entries=entries,
        sheet_link=mail.public_url("printing.sheet", lang_code=lang, ids=ids),
        home_link=mail.public_url("public.home", lang_code=lang),
    )
