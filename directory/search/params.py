"""Search parameters: validated from the query string and understood (directory/search/understanding.py)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from directory.labels import ENUM_LABELS
from directory.search.settings import FACETS
from directory.search.understanding import Understood, understand

AREA_FACETS = ("commune", "quartier", "bassin")
CODE_PATTERN = re.compile(r"^[a-z0-9_-]{1,40}$")
SORTS = ("relevance", "distance", "name", "verified")
MAX_PAGE = 1000
MAX_PER_PAGE = 100
MAX_RADIUS = 50_000
MAX_QUERY = 200
RETRIEVED = [
    "id",
    "service_id",
    "location_id",
    "name_fr",
    "name_nl",
    "organization_fr",
    "organization_nl",
    "sector",
    "sector_fr",
    "sector_nl",
    "language",
    "cost",
    "access",
    "wheelchair",
    "availability",
    "status",
    "commune",
    "commune_fr",
    "commune_nl",
    "bassin",
    "bassin_fr",
    "bassin_nl",
    "quartier",
    "quartier_fr",
    "quartier_nl",
    "address_fr",
    "address_nl",
    "phones",
    "opening_hours",
    "verified_at",
    "updated_at",
    "source_date",
    "availability_updated_at",
    "source",
    "_geo",
    "area_to_review",
    "public",
    "function",
]


class InvalidSearch(ValueError):
    """A parameter the user can fix; `message` is translated and safe to show."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass
class SearchParams:
    """A validated search. `understood` is filled by parse_search_args (or `understand()` for one built by hand)."""

    q: str = ""
    lang: str = "fr"
    filters: dict[str, list[str]] = field(default_factory=dict)
    near: tuple[float, float] | None = None
    radius: int | None = None
    page: int = 1
    per_page: int = 20
    sort: str = ""  # one of SORTS; "" = distance with a position, else relevance
    dismissed: frozenset[str] = frozenset()
    open_at: datetime | None = None
    understood: Understood = field(default_factory=Understood)
    origin: tuple[float, float] | None = None  # `near`, else the centre of an understood place

    def single_area(self) -> tuple[str, str] | None:
        """(level, code) when the search is about exactly one commune, quartier or bassin (a printable map)."""
        chosen = [(level, code) for level in AREA_FACETS for code in self.filters.get(level, [])]
        return chosen[0] if len(chosen) == 1 else None

    @property
    def words(self) -> str:
        """The text searched in Meilisearch: what understanding left, or the whole query."""
        return self.understood.words if self.understood else self.q

    @property
    def effective_sort(self) -> str:
        if self.sort:
            return self.sort if self.sort != "distance" or self.origin else "relevance"
        return "distance" if self.near else "relevance"

    def understand(self) -> SearchParams:
        """Understand `q` in `lang` (needs an application context); returns self."""
        from directory.search.places import place_origin

        self.understood = understand(self.q, self.lang, self.dismissed)
        self.origin = self.near or place_origin(self.understood)
        return self


def whole_number(args: MultiDict, name: str, default: int | None, low: int, high: int) -> int | None:
    """The whole number `name` of `args`, from `low` to `high` (`default` when absent); InvalidSearch with a
    translated message naming it otherwise (the search form and the API's paged routes)."""
    raw = args.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidSearch(name, _("%(name)s must be a whole number.", name=name)) from None
    if not low <= value <= high:
        raise InvalidSearch(name, _("%(name)s must be between %(low)s and %(high)s.", name=name, low=low, high=high))
    return value


def _near(raw: str) -> tuple[float, float] | None:
    if not raw.strip():
        return None
    try:
        lat_s, lng_s = raw.split(",")
        lat, lng = float(lat_s), float(lng_s)
    except ValueError:
        raise InvalidSearch("near", _("near must be two numbers: latitude,longitude.")) from None
    if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
        raise InvalidSearch("near", _("near is not a valid position (latitude,longitude)."))
    return lat, lng


def _facet_values(args: MultiDict, name: str) -> list[str]:
    values: list[str] = []
    for raw in args.getlist(name):
        values.extend(v.strip() for v in raw.split(",") if v.strip())
    allowed = ENUM_LABELS.get(name)
    for value in values:
        if (allowed is not None and value not in allowed) or not CODE_PATTERN.match(value):
            raise InvalidSearch(name, _("Unknown value “%(value)s” for %(name)s.", value=value[:40], name=name))
    return sorted(set(values))


def parse_search_args(args: MultiDict, lang: str) -> SearchParams:
    """Validate query-string parameters and understand the query; raise InvalidSearch with a translated message."""
    from directory.search.opening import parse_open

    q = args.get("q", "").strip()
    if len(q) > MAX_QUERY:
        raise InvalidSearch("q", _("The search text is too long (at most %(max)s characters).", max=MAX_QUERY))
    filters = {name: values for name in FACETS if (values := _facet_values(args, name))}
    near = _near(args.get("near", ""))
    radius = whole_number(args, "radius", None, 1, MAX_RADIUS)
    if radius is not None and near is None:
        raise InvalidSearch("radius", _("A distance needs a place: type an address, a postcode or a commune."))
    sort = args.get("sort", "").strip()
    if sort and sort not in SORTS:
        raise InvalidSearch("sort", _("Unknown sort order “%(value)s”.", value=sort[:40]))
    dismissed = frozenset(" ".join(v.split()).lower()[:80] for v in args.getlist("not") if v.strip())
    params = SearchParams(
        q=q,
        lang=lang,
        filters=filters,
        near=near,
        radius=radius,
        page=whole_number(args, "page", 1, 1, MAX_PAGE) or 1,
        per_page=whole_number(args, "per_page", 20, 1, MAX_PER_PAGE) or 20,
        sort=sort,
        dismissed=dismissed,
        open_at=parse_open(args),
    )
    return params.understand()
