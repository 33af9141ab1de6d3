"""`Field`: how one field of a fiche is named, typed, labelled, validated, imported, exported and indexed."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

LANGS = ("fr", "nl")
#: kind → what an empty value is (in the editing state, in a `ServiceRecord` and in the database)
EMPTY: dict[str, Any] = {"date": None, "integer": None, "number": None, "hours": None, "codes": [], "phones": []}
EMPTY |= {"languages": [], "terms": []}


@dataclass(frozen=True)
class Field:
    """One field of a fiche.

    kind: text | area (long text) | email | url | phones | languages | codes (vocabulary `choices`, a list beside
    the service) | terms (codes of the vocabulary or condition list `choices`, kept in a column of the service) |
    choice (enum `choices`, labels in `directory.labels.ENUM_LABELS`) | hours (OSM opening_hours) |
    integer | number | date | offers (functions at the record's location with their conditions, the syntax of
    `directory.importing.validation.parse_offers`).
    column: the import-template column (stem for a pair); None when the template has no such column.
    record: the `importers.base.ServiceRecord` attribute (stem), when it differs from `name`.
    hsds: the HSDS 3.0 property that carries the value (the French text of a pair) in the core objects.
    document: copied as is into the search documents; facet: the search facet it feeds (`search.settings.FACETS`).
    """

    name: str
    label: Any
    kind: str = "text"
    owner: str = "service"
    bilingual: bool = False
    max_length: int = 200
    choices: str = ""
    default: Any = ""
    bounds: tuple[float, float] | None = None
    help: Any = ""
    required: Any = ""
    column: str | None = ""
    record: str = ""
    editable: bool = True
    hsds: str = ""
    document: bool = False
    facet: str = ""

    @cached_property  # read for every row of an import: computed once per field
    def names(self) -> tuple[str, ...]:
        """Database attributes: ("name_fr", "name_nl") for a pair, else (name,)."""
        return tuple(f"{self.name}_{lang}" for lang in LANGS) if self.bilingual else (self.name,)

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """Editing keys ("location.street_fr" for a location field)."""
        prefix = "location." if self.owner == "location" else ""
        return tuple(prefix + name for name in self.names)

    @cached_property
    def record_names(self) -> tuple[str, ...]:
        """`ServiceRecord` attributes."""
        stem = self.record or self.name
        return tuple(f"{stem}_{lang}" for lang in LANGS) if self.bilingual else (stem,)

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """Import-template columns (none when the template has no column for it)."""
        if self.column is None:
            return ()
        stem = self.column or self.name
        return tuple(f"{stem}_{lang}" for lang in LANGS) if self.bilingual else (stem,)

    @property
    def empty(self) -> Any:
        """The value of an unknown or empty field."""
        value = self.default if self.default != "" else EMPTY.get(self.kind, "")
        return list(value) if isinstance(value, list) else value


def pair(name: str, label: Any, kind: str = "text", **more: Any) -> Field:
    """A bilingual field: `<name>_fr` and `<name>_nl`."""
    more.setdefault("max_length", 5000 if kind == "area" else 200)
    return Field(name, label, kind, bilingual=True, **more)


def choice(name: str, label: Any, default: str = "unknown", **more: Any) -> Field:
    """One value of the enum `name` (labels in `directory.labels.ENUM_LABELS[name]`)."""
    return Field(name, label, "choice", choices=name, default=default, **more)
