"""One declaration of a fiche's fields; the edit form, revision labels, the import template and its
documentation, the HSDS export and import, and the index documents are derived from it.

A `Field` names a value once: `name` is the column (or the stem of the `*_fr`/`*_nl` pair when `bilingual`),
`owner` says where it lives (the service, its first location, its organization, or a list beside the service),
`kind` says how it is typed, validated and shown. The editing key of a location field is "location.<column>"
(see `directory.operations.editing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

LANGS = ("fr", "nl")
#: kind → what an empty value is (in the editing state, in a `ServiceRecord` and in the database)
EMPTY: dict[str, Any] = {"date": None, "integer": None, "number": None, "hours": None, "codes": [], "phones": []}
EMPTY |= {"languages": []}


@dataclass(frozen=True)
class Field:
    """One field of a fiche.

    kind: text | area (long text) | email | url | phones | languages | codes (vocabulary `choices`) |
    choice (enum `choices`, labels in `directory.labels.ENUM_LABELS`) | hours (OSM opening_hours) |
    integer | number | date.
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

    @property
    def names(self) -> tuple[str, ...]:
        """Database attributes: ("name_fr", "name_nl") for a pair, else (name,)."""
        return tuple(f"{self.name}_{lang}" for lang in LANGS) if self.bilingual else (self.name,)

    @property
    def keys(self) -> tuple[str, ...]:
        """Editing keys ("location.street_fr" for a location field)."""
        prefix = "location." if self.owner == "location" else ""
        return tuple(prefix + name for name in self.names)

    @property
    def record_names(self) -> tuple[str, ...]:
        """`ServiceRecord` attributes."""
        stem = self.record or self.name
        return tuple(f"{stem}_{lang}" for lang in LANGS) if self.bilingual else (stem,)

    @property
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


def _pair(name: str, label: Any, kind: str = "text", **more: Any) -> Field:
    return Field(name, label, kind, bilingual=True, max_length=5000 if kind == "area" else 200, **more)


RECORD_ONLY = {"owner": "record", "editable": False}

FIELDS: tuple[Field, ...] = (
    Field(
        "source_id",
        _l("Identifier"),
        help=_l("Stable identifier of the row in your file (do not change it from one sending to the next)."),
        required=_l("yes"),
        **RECORD_ONLY,
    ),
    _pair(
        "organisation",
        _l("Organisation"),
        help=_l("Name of the organisation (ASBL/VZW, CPAS/OCMW…)."),
        record="organization",
        owner="organization",
        editable=False,
    ),
    Field(
        "bce",
        _l("BCE/KBO number"),
        record="bce_number",
        help=_l("BCE/KBO number (10 digits)."),
        owner="organization",
        editable=False,
    ),
    _pair("name", _l("Name"), help=_l("Name of the service."), required=_l("at least one"), hsds="name", document=True),
    _pair(
        "description",
        _l("Description"),
        "area",
        help=_l("What the service does, in short sentences."),
        hsds="description",
        document=True,
    ),
    Field(
        "sectors",
        _l("Sectors"),
        "codes",
        owner="list",
        choices="sector",
        required=_l("yes"),
        facet="sector",
        help=_l(
            "Sector codes or names (list in directory/data/sectors.csv), separated by |. An unknown name is "
            "refused, with the closest one suggested."
        ),
    ),
    Field(
        "publics",
        _l("For whom"),
        "codes",
        owner="list",
        choices="public",
        facet="public",
        help=_l("Publics (directory/data/publics.csv)."),
    ),
    Field(
        "availability",
        _l("Availability"),
        "choice",
        choices="availability",
        default="unknown",
        facet="availability",
        document=True,
        help=_l("accepting, waiting_list, full, closed or unknown."),
    ),
    Field(
        "availability_delay_days",
        _l("Indicative waiting time (days)"),
        "integer",
        bounds=(0, 3650),
        help=_l("Waiting time in days, with availability waiting_list."),
    ),
    Field(
        "status",
        _l("Status"),
        "choice",
        choices="status",
        default="active",
        hsds="status",
        document=True,
        help=_l("active, temporarily_closed or inactive."),
    ),
    Field("closed_from", _l("Closed from"), "date", help=_l("Start of a temporary closure (YYYY-MM-DD).")),
    Field("closed_until", _l("Closed until"), "date", help=_l("End of a temporary closure (YYYY-MM-DD).")),
    Field(
        "phones",
        _l("Phone numbers"),
        "phones",
        owner="list",
        max_length=500,
        help=_l("Phone numbers (02 218 56 08|0470 12 34 56)."),
    ),
    Field("email", _l("E-mail"), "email", hsds="email", document=True, help=_l("E-mail address.")),
    Field("website", _l("Website"), "url", max_length=300, hsds="url", help=_l("Website.")),
    Field(
        "opening_hours",
        _l("Opening hours"),
        "hours",
        max_length=1000,
        document=True,
        help=_l(
            "Hours in OpenStreetMap opening_hours syntax (e.g. Mo-Fr 09:00-12:30,13:30-17:00; PH off). "
            "Unreadable hours are kept as a note."
        ),
    ),
    _pair("hours_note", _l("Note on hours"), "area", help=_l("Details on the hours (“by appointment on Wednesdays”).")),
    Field(
        "cost",
        _l("Cost"),
        "choice",
        choices="cost",
        default="unknown",
        facet="cost",
        document=True,
        help=_l("free, reduced, paid or unknown."),
    ),
    _pair("cost_details", _l("Cost details"), "area", hsds="fees_description", help=_l("Details on the cost.")),
    Field(
        "access",
        _l("Access"),
        "choice",
        choices="access",
        default="unknown",
        facet="access",
        document=True,
        help=_l("unconditional (walk in), appointment, registration, referral (referral needed) or unknown."),
    ),
    _pair(
        "access_details",
        _l("Conditions of access"),
        "area",
        hsds="application_process",
        help=_l("Conditions of access, how to apply."),
    ),
    _pair("documents", _l("What to bring"), "area", help=_l("Documents to bring.")),
    Field(
        "languages",
        _l("Languages spoken"),
        "languages",
        choices="language",
        facet="language",
        help=_l("Languages spoken, ISO 639-1 codes (fr|nl|ar)."),
    ),
    _pair("street", _l("Street"), owner="location", help=_l("Street.")),
    Field("house_number", _l("Number"), owner="location", max_length=20, help=_l("House number.")),
    Field(
        "postcode",
        _l("Postcode"),
        owner="location",
        max_length=4,
        required=_l("recommended"),
        document=True,
        help=_l("Postcode, in the Brussels-Capital Region."),
    ),
    Field(
        "lat",
        _l("Latitude"),
        "number",
        owner="location",
        bounds=(-90, 90),
        help=_l(
            "WGS84 latitude (e.g. 50.85322), in the Region. Without coordinates the commune comes from the postcode."
        ),
    ),
    Field(
        "lon",
        _l("Longitude"),
        "number",
        owner="location",
        bounds=(-180, 180),
        help=_l("WGS84 longitude (e.g. 4.37207)."),
    ),
    Field(
        "wheelchair",
        _l("Wheelchair access"),
        "choice",
        owner="location",
        choices="wheelchair",
        default="unknown",
        facet="wheelchair",
        document=True,
        help=_l("yes, limited, no or unknown."),
    ),
    _pair(
        "accessibility_note",
        _l("Accessibility note"),
        "area",
        owner="location",
        help=_l("Details on accessibility (entrance, lift, toilets…)."),
    ),
)

BY_NAME = {field.name: field for field in FIELDS}
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
