"""Turn request parameters into one Meilisearch multi-search and its answer into hits and facet counts.

Facets are disjunctive (OR inside a facet, AND across facets): the counts of a facet are computed with every
filter except its own, so a professional sees how many results each other choice would give.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from directory.labels import ENUM_LABELS, code_label
from directory.search import get_client, index_name
from directory.search.settings import FACETS

AREA_FACETS = ("commune", "quartier", "bassin")
CODE_PATTERN = re.compile(r"^[a-z0-9_-]{1,40}$")
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
    """A validated search."""

    q: str = ""
    lang: str = "fr"
    filters: dict[str, list[str]] = field(default_factory=dict)
    near: tuple[float, float] | None = None
    radius: int | None = None
    page: int = 1
    per_page: int = 20

    def single_area(self) -> tuple[str, str] | None:
        """(level, code) when the search is about exactly one commune, quartier or bassin (a printable map)."""
        chosen = [(level, code) for level in AREA_FACETS for code in self.filters.get(level, [])]
        return chosen[0] if len(chosen) == 1 else None


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    total: int
    page: int
    pages: int
    per_page: int
    hits: list[dict]
    facets: dict[str, list[FacetValue]]
    params: SearchParams
    partial: bool = False  # True when no result matched every word and the last words were dropped
    degraded: bool = False  # True when answered from SQL because Meilisearch failed (directory.search.fallback)


def _int(args: MultiDict, name: str, default: int | None, low: int, high: int) -> int | None:
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
    """Validate query-string parameters; raise InvalidSearch with a translated message."""
    q = args.get("q", "").strip()
    if len(q) > MAX_QUERY:
        raise InvalidSearch("q", _("The search text is too long (at most %(max)s characters).", max=MAX_QUERY))
    filters = {name: values for name in FACETS if (values := _facet_values(args, name))}
    near = _near(args.get("near", ""))
    radius = _int(args, "radius", None, 1, MAX_RADIUS)
    if radius is not None and near is None:
        raise InvalidSearch("radius", _("radius needs near=latitude,longitude."))
    return SearchParams(
        q=q,
        lang=lang,
        filters=filters,
        near=near,
        radius=radius,
        page=_int(args, "page", 1, 1, MAX_PAGE) or 1,
        per_page=_int(args, "per_page", 20, 1, MAX_PER_PAGE) or 20,
    )


def filter_expression(params: SearchParams, skip: str | None = None) -> list[str]:
    """Meilisearch filter clauses (AND of ORs); `skip` leaves out one facet for its own counts."""
    clauses: list[str] = []  # inactive services are never indexed (documents.build_documents)
    for name, values in params.filters.items():
        if name != skip:
            quoted = ", ".join(f'"{v}"' for v in values)
            clauses.append(f"{name} IN [{quoted}]")
    if params.near and params.radius:
        clauses.append(f"_geoRadius({params.near[0]}, {params.near[1]}, {params.radius})")
    return clauses


def build_queries(
    params: SearchParams, uid: str, attributes: list[str] | None = None, strategy: str = "all"
) -> list[dict]:
    """The main query plus one facet-count query per selected facet. Every word must match (`all`), so counts
    are honest; `run_search` falls back to `last` (drop words from the end) when that finds nothing."""
    main: dict = {
        "indexUid": uid,
        "q": params.q,
        "matchingStrategy": strategy,
        "filter": filter_expression(params),
        "facets": list(FACETS),
        "page": params.page,
        "hitsPerPage": params.per_page,
        "attributesToRetrieve": attributes or RETRIEVED,
    }
    if params.near:
        main["sort"] = [f"_geoPoint({params.near[0]}, {params.near[1]}):asc"]
    queries = [main]
    for name in params.filters:
        queries.append(
            {
                "indexUid": uid,
                "q": params.q,
                "matchingStrategy": strategy,
                "filter": filter_expression(params, skip=name),
                "facets": [name],
                "limit": 0,
            }
        )
    return queries


def run_search(params: SearchParams) -> SearchResult:
    """Meilisearch, or the reduced SQL search when it is down, slow or without index (directory.search.fallback)."""
    from directory.search import fallback

    return fallback.degrade(lambda: _meili_search(params), lambda: fallback.run_search(params))


def _meili_search(params: SearchParams) -> SearchResult:
    """Run the search; raises directory.search.client.MeiliError if Meilisearch fails."""
    client, uid = get_client(), index_name()
    results = client.request("POST", "/multi-search", {"queries": build_queries(params, uid)})["results"]
    partial = False
    if not results[0].get("totalHits") and len(params.q.split()) > 1:
        partial = True
        results = client.request("POST", "/multi-search", {"queries": build_queries(params, uid, strategy="last")})
        results = results["results"]
    main = results[0]
    distributions = dict(main.get("facetDistribution") or {})
    for name, result in zip(params.filters, results[1:], strict=True):
        distributions[name] = (result.get("facetDistribution") or {}).get(name, {})
    return SearchResult(
        total=main.get("totalHits", 0),
        page=params.page,
        pages=main.get("totalPages", 0),
        per_page=params.per_page,
        hits=main["hits"],
        facets={name: _facet_list(name, distributions.get(name, {}), params) for name in FACETS},
        params=params,
        partial=partial and bool(main.get("totalHits")),
    )


def _facet_list(name: str, counts: dict[str, int], params: SearchParams) -> list[FacetValue]:
    selected = set(params.filters.get(name, []))
    values = [
        FacetValue(value, code_label(name, value, params.lang), count, value in selected)
        for value, count in counts.items()
    ]
    # A selected value with no result keeps its checkbox, so the user can untick it.
    values += [FacetValue(v, code_label(name, v, params.lang), 0, True) for v in selected - counts.keys()]
    return sorted(values, key=lambda f: (-f.count, f.label.lower()))
