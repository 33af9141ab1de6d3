"""FR and NL in step. Each publication stamps the languages it wrote of every bilingual field (`TextStamp`); a
language written before the other's latest version is *behind*: the fiche shows a marker to readers, lands in the
translation queue, and the service is asked for the other language when it edits only one.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from directory import fields
from directory.extensions import db
from directory.i18n import other_language
from directory.models import Service
from directory.models.base import utcnow
from directory.models.bilingual import TextStamp
from directory.operations.accounts import as_utc

PAIRS = tuple(field for field in fields.EDITABLE if field.bilingual)


@dataclass(frozen=True)
class Behind:
    """`lang` of field `field` is older than the other language's latest version."""

    field: str
    lang: str

    @property
    def label(self) -> str:
        return fields.label(fields.BY_NAME[self.field].keys[0 if self.lang == "fr" else 1])


def _late(mine: TextStamp | None, theirs: TextStamp | None) -> bool:
    """`mine` is older than the other language's latest version and was not aligned with it."""
    if mine is None or theirs is None:
        return False
    aligned = mine.other_written_at is not None and as_utc(mine.other_written_at) == as_utc(theirs.written_at)
    return as_utc(theirs.written_at) > as_utc(mine.written_at) and not aligned


def record(service: Service, changed: list[str]) -> None:
    """Stamp the languages written by a publication (`changed` = editing keys that changed).

    Writing one language while it was behind brings it in step (a translation: the other side counts as aligned
    with it); writing one language while both were in step puts the other one behind."""
    now = utcnow()
    stamps = _stamps(service.id)
    for field in PAIRS:
        written = [lang for lang, key in zip(("fr", "nl"), field.keys, strict=True) if key in changed]
        for lang in written:
            other = other_language(lang)
            stamp, other_stamp = stamps.get((field.name, lang)), stamps.get((field.name, other))
            catching_up = _late(stamp, other_stamp)
            if stamp is None:
                stamp = stamps[(field.name, lang)] = TextStamp(service_id=service.id, field=field.name, lang=lang)
                db.session.add(stamp)
            stamp.written_at = now
            stamp.other_written_at = now if other in written else (other_stamp.written_at if other_stamp else None)
            if catching_up and other_stamp is not None and other not in written:
                other_stamp.other_written_at = now
    db.session.flush()


def behind(service: Service) -> list[Behind]:
    """The languages of this fiche's fields that are older than the other language (and not empty)."""
    stamps = _stamps(service.id)
    result = []
    for field in PAIRS:
        for lang in ("fr", "nl"):
            mine, theirs = stamps.get((field.name, lang)), stamps.get((field.name, other_language(lang)))
            if _late(mine, theirs) and _value(service, field, lang):
                result.append(Behind(field.name, lang))
    return result


def one_sided(changes: dict) -> list[str]:
    """Messages asking for the other language, for each bilingual field changed in one language only."""
    messages = []
    for field in PAIRS:
        fr, nl = (key in changes for key in field.keys)
        if fr != nl:
            missing_key = field.keys[1] if fr else field.keys[0]
            messages.append(
                _("You changed one language only: please update “%(field)s” too.", field=fields.label(missing_key))
            )
    return messages


def queue(limit: int = 300) -> list[tuple[Service, list[Behind]]]:
    """Fiches with a language behind, for the translation queue."""
    ids = db.session.scalars(select(TextStamp.service_id).distinct().order_by(TextStamp.service_id)).all()
    result = []
    for service_id in ids:
        service = db.session.get(Service, service_id)
        if service is not None and (late := behind(service)):
            result.append((service, late))
        if len(result) >= limit:
            break
    return result


def _stamps(service_id: int) -> dict[tuple[str, str], TextStamp]:
    rows = db.session.scalars(select(TextStamp).where(TextStamp.service_id == service_id))
    return {(row.field, row.lang): row for row in rows}


def _value(service: Service, field: fields.Field, lang: str) -> str:
    owner = service.locations[0] if field.owner == "location" and service.locations else service
    return getattr(owner, f"{field.name}_{lang}", "") or ""
