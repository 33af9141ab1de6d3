"""History of a fiche: a `Revision` per publication with a full snapshot; readable diffs; restore.

Revision 0 is the fiche as it was before its first edit here (usually the import), so any later state,
including the original one, can be restored.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import func, select

from directory import fields
from directory.extensions import db
from directory.i18n import get_locale
from directory.labels import code_label, enum_label
from directory.models import Service
from directory.models.accounts import User
from directory.models.moderation import Revision
from directory.operations import editing
from directory.operations.accounts import audit
from directory.operations.phones import format_phone


@dataclass
class FieldDiff:
    """One changed field: its key, its label, the old and new values as text, and an inline HTML diff."""

    key: str
    label: str
    old: str
    new: str
    html: Markup


def history(service: Service) -> list[Revision]:
    """Revisions of a fiche, newest first."""
    return list(
        db.session.scalars(select(Revision).where(Revision.service_id == service.id).order_by(Revision.number.desc()))
    )


def ensure_baseline(service: Service) -> None:
    """Store the current state as revision 0 if the fiche has no history yet (call before the first change)."""
    exists = db.session.scalar(select(func.count()).select_from(Revision).where(Revision.service_id == service.id))
    if not exists:
        db.session.add(
            Revision(
                service_id=service.id,
                number=0,
                author_label=service.source,
                kind="baseline",
                snapshot=editing.current_values(service),
            )
        )
        db.session.flush()


def record(
    service: Service,
    author: User | None,
    kind: str,
    change_request_id: int | None = None,
    restored_from: int | None = None,
) -> Revision:
    """Append a revision holding the fiche's current (just published) state."""
    last = db.session.scalar(select(func.max(Revision.number)).where(Revision.service_id == service.id))
    revision = Revision(
        service_id=service.id,
        number=(last if last is not None else -1) + 1,
        author_id=author.id if author else None,
        author_label=author.email if author else "",
        kind=kind,
        snapshot=editing.current_values(service),
        change_request_id=change_request_id,
        restored_from=restored_from,
    )
    db.session.add(revision)
    db.session.flush()
    return revision


def previous(revision: Revision) -> Revision | None:
    return db.session.scalar(
        select(Revision)
        .where(Revision.service_id == revision.service_id, Revision.number < revision.number)
        .order_by(Revision.number.desc())
        .limit(1)
    )


def revision_diff(revision: Revision) -> list[FieldDiff]:
    """What this revision changed compared with the one before it (nothing for the baseline)."""
    before = previous(revision)
    return diff(before.snapshot, revision.snapshot) if before else []


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[FieldDiff]:
    """Readable differences between two states, field by field, with word-level <del>/<ins> marks."""
    result = []
    for key in editing.changed_keys(old, new):
        before, after = as_text(old.get(key), key), as_text(new.get(key), key)
        result.append(FieldDiff(key, fields.label(key), before, after, inline_diff(before, after)))
    return result


def as_text(value: Any, key: str = "") -> str:
    """A value as people read it: enum labels, vocabulary and language names, phone numbers as dialled."""
    field = fields.BY_KEY.get(key)
    kind, vocabulary = (field.kind, field.choices) if field else ("", "")
    if value is None:
        return ""
    if kind == "choice":
        return enum_label(vocabulary, value)
    if isinstance(value, list):
        if kind == "phones":
            return ", ".join(format_phone(number) for number in value)
        if kind in ("codes", "terms", "languages"):
            return ", ".join(code_label(vocabulary, code, get_locale()) for code in value)
        return ", ".join(str(v) for v in value)
    return str(value)


_TOKENS = re.compile(r"\s+|[^\s]+")


def inline_diff(old: str, new: str) -> Markup:
    """`old` → `new` as HTML with removed words in <del> and added words in <ins> (difflib on word tokens)."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    parts: list[Markup] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(Markup("<del>{}</del>").format("".join(a[i1:i2])))
        if j2 > j1:
            parts.append(Markup("<ins>{}</ins>").format("".join(b[j1:j2])))
    return Markup("").join(parts)


def restore(service: Service, revision: Revision, by: User) -> Revision:
    """Publish the state of an older revision again, as a new revision; audited."""
    if revision.service_id != service.id:
        raise ValueError("revision of another fiche")
    ensure_baseline(service)
    editing.apply_changes(service, {k: v for k, v in revision.snapshot.items() if k in editing.KEYS})
    new = record(service, by, "restore", restored_from=revision.number)
    audit("restore", by, service, details={"revision": revision.number, "new_revision": new.number})
    return new
