"""One declaration of a fiche's fields; the edit form, revision labels, the import template and its
documentation, the HSDS export and import, and the index documents are derived from it.

A `Field` names a value once: `name` is the column (or the stem of the `*_fr`/`*_nl` pair when `bilingual`),
`owner` says where it lives (the service, its first location, its organization, or a list beside the service),
`kind` says how it is typed, validated and shown. The editing key of a location field is "location.<column>"
(see `directory.operations.editing`).
"""

from __future__ import annotations

from directory.fields.fiche import FIELDS
from directory.fields.field import LANGS, Field

__all__ = [
    "BY_KEY",
    "BY_NAME",
    "EDITABLE",
    "FIELDS",
    "LANGS",
    "Field",
    "label",
    "names",
    "owned_by",
    "template_columns",
]

#: name → a field of the fiche itself (the organization's fields are not in it)
BY_NAME = {field.name: field for field in FIELDS if field.owner != "organization"}
EDITABLE = tuple(field for field in FIELDS if field.editable)
#: editing key → its field ("name_fr" → name, "location.street_nl" → street)
BY_KEY = {key: field for field in EDITABLE for key in field.keys}


def owned_by(owner: str, kinds: tuple[str, ...] = ()) -> tuple[Field, ...]:
    """The fields of one owner ("service", "location", "organization", "list", "record"), optionally of some kinds."""
    return tuple(f for f in FIELDS if f.owner == owner and (not kinds or f.kind in kinds))


def names(owner: str, kinds: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Database attributes of one owner's fields."""
    return tuple(name for field in owned_by(owner, kinds) for name in field.names)


def template_columns() -> tuple[str, ...]:
    """The import template's columns, in order."""
    return tuple(column for field in FIELDS for column in field.columns)


def label(key: str) -> str:
    """The label of an editing key; "Name (French)" for one side of a pair."""
    from flask_babel import gettext as _

    field = BY_KEY.get(key)
    if field is None:
        return key
    if not field.bilingual:
        return str(field.label)
    if key.endswith("_fr"):
        return _("%(field)s (French)", field=field.label)
    return _("%(field)s (Dutch)", field=field.label)
