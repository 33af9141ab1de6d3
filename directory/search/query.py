"""Turn request parameters into one Meilisearch multi-search and its answer into hits and facet counts.

The query is understood first (directory/search/understanding.py): kinds, places, publics and languages become
filters, the other words are searched, every one of them must match. There is no "some of the words" fallback:
when nothing matches, directory/search/alternatives.py offers labelled alternatives in a separate list.

Facets are disjunctive (OR inside a facet, AND across facets): the counts of a facet are computed with every
filter except its own, so a professional sees how many results each other choice would give.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from directory.labels import code_label
from directory.search import get_client, index_name
from directory.search.params import (  # noqa: F401 (the search API of this package)
    AREA_FACETS,
    MAX_PAGE,
    MAX_PER_PAGE,
    MAX_QUERY,
    MAX_RADIUS,
    RETRIEVED,
    SORTS,
    InvalidSearch,
    SearchParams,
    parse_search_args,
)
from directory.search.settings import FACETS
from directory.search.understanding import Understood

MAX_OTHER = 200  # fiches of other kinds listed after the understood kind (pages further down hold no more)


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
    alternatives: list = field(default_factory=list)  # [alternatives.Alternative] when nothing matched
    unknown_hours: list[dict] = field(default_factory=list)  # with an opening filter: fiches of unknown hours
    unknown_hours_total: int = 0
    degraded: bool = False  # True when answered from SQL because Meilisearch failed (directory.search.fallback)

    @property
    def understood(self) -> Understood:
        return self.params.understood


def _in(name: str, values: list[str], negate: bool = False) -> str:
    quoted = ", ".join(f'"{v}"' for v in values)  # codes: validated by CODE_PATTERN or read from our data
    return f"{name} {'NOT IN' if negate else 'IN'} [{quoted}]"


def kind_clause(sectors: list[str], functions: list[str], negate: bool = False) -> str:
    """What is looked for: the kinds of service OR the coordination functions understood ("hulplijn" is both a
    listening line and a helpdesk); with `negate`, neither."""
    pairs = [(name, codes) for name, codes in (("sector", sectors), ("function", functions)) if codes]
    if negate:
        return " AND ".join(_in(name, codes, negate=True) for name, codes in pairs)
    clauses = [_in(name, codes) for name, codes in pairs]
    return clauses[0] if len(clauses) == 1 else "(" + " OR ".join(clauses) + ")"


def understood_clauses(understood: Understood, kinds: bool = True) -> list[str]:
    """Filter clauses of what the query means (without the kinds of service and functions when `kinds` is false).
    A public narrows a kind of service softly (services for that public or for everyone); alone, it is strict."""
    clauses: list[str] = []
    sectors, functions = understood.sectors, understood.functions
    if (sectors or functions) and kinds:
        clauses.append(kind_clause(sectors, functions))
    places = understood.place_filters()
    if places:
        clauses.append("(" + " OR ".join(_in(kind, codes) for kind, codes in places.items()) + ")")
    publics = understood.values("public")
    if publics:
        strict = _in("public", publics)
        soft = sectors or functions
        clauses.append(f'({strict} OR public IS EMPTY OR public = "everyone")' if soft else strict)
    languages = understood.values("language")
    if languages:
        clauses.append(_in("language", languages))
    return clauses


def filter_expression(
    params: SearchParams, skip: str | None = None, extra: list[str] | None = None, understood: bool = True
) -> list[str]:
    """Meilisearch filter clauses (AND of ORs); `skip` leaves out one facet for its own counts."""
    clauses: list[str] = []  # inactive services are never indexed (documents.build_documents)
    for name, values in params.filters.items():
        if name != skip:
            clauses.append(_in(name, values))
    if understood:
        clauses.extend(understood_clauses(params.understood))
    if params.near and params.radius:
        clauses.append(f"_geoRadius({params.near[0]}, {params.near[1]}, {params.radius})")
    return clauses + (extra or [])


def sort_expression(params: SearchParams) -> list[str]:
    """The `sort` of the main query (the ranking rules put `sort` first: a chosen order wins over relevance)."""
    sort = params.effective_sort
    if sort == "distance" and params.origin:
        return [f"_geoPoint({params.origin[0]}, {params.origin[1]}):asc"]
    if sort == "name":
        return [f"name_{params.lang}:asc", "name_fr:asc"]
    if sort == "verified":
        return ["verified_at:desc"]
    return []


def text_query(
    params: SearchParams, uid: str, limit: int, attributes: list[str] | None = None, extra=None
) -> dict | None:
    """Fiches of another kind whose own text, in the query's language, holds the kind's words ("kinésithérapie" in
    the description of a medical centre): listed after the fiches of the understood kind. None without a kind.

    Only the fields of the query's language are searched: the same letters in the other language mean nothing."""
    understood = params.understood
    terms = [t.text for t in understood.terms if any(kind in ("sector", "function") for kind, _codes in t.kinds())]
    if not terms:
        return None
    lang = params.lang
    query: dict = {
        "indexUid": uid,
        "q": " ".join([*terms, understood.words]).strip(),
        "matchingStrategy": "all",
        "attributesToSearchOn": [f"name_{lang}", f"organization_{lang}", f"description_{lang}"],
        "filter": [
            *filter_expression(params, understood=False, extra=extra),
            *understood_clauses(understood, kinds=False),
            kind_clause(understood.sectors, understood.functions, negate=True),
        ],
        "page": 1,
        "hitsPerPage": limit,
        "attributesToRetrieve": attributes or RETRIEVED,
    }
    if sort := sort_expression(params):
        query["sort"] = sort
    return query


def build_queries(
    params: SearchParams,
    uid: str,
    attributes: list[str] | None = None,
    extra: list[str] | None = None,
    facets: bool = True,
) -> list[dict]:
    """The main query, one facet-count query per selected facet, then the text query of other kinds (if any).
    Every remaining word must match."""
    main: dict = {
        "indexUid": uid,
        "q": params.words,
        "matchingStrategy": "all",
        "filter": filter_expression(params, extra=extra),
        "page": params.page,
        "hitsPerPage": params.per_page,
        "attributesToRetrieve": attributes or RETRIEVED,
    }
    if facets:
        main["facets"] = list(FACETS)
    sort = sort_expression(params)
    if sort:
        main["sort"] = sort
    queries = [main]
    for name in params.filters if facets else ():
        queries.append(
            {
                "indexUid": uid,
                "q": params.words,
                "matchingStrategy": "all",
                "filter": filter_expression(params, skip=name, extra=extra),
                "facets": [name],
                "limit": 0,
            }
        )
    offset = (params.page - 1) * params.per_page
    if (other := text_query(params, uid, min(offset + params.per_page, MAX_OTHER), attributes, extra)) is not None:
        queries.append(other)
    return queries


def run_search(params: SearchParams) -> SearchResult:
    """Meilisearch, or the reduced SQL search when it is down, slow or without index (directory.search.fallback)."""
    from directory.search import fallback

    return fallback.degrade(lambda: _meili_search(params), lambda: fallback.run_search(params))


@dataclass
class Plan:
    """Everything one search asks Meilisearch, in one multi-search and in this order: `build_queries` (the main
    query, one facet-count query per selected facet, the text query of other kinds), the fiches of unknown hours
    (with an opening filter), then the alternatives' groups when the search may find nothing."""

    queries: list[dict]
    unknown: bool = False  # the fiches of unknown hours are asked for
    groups: list | None = None  # [alternatives.Group] asked for along with the search; None: not asked


def plan(params: SearchParams, uid: str) -> Plan:
    """The multi-search of `params` (opening.restrict asks Meilisearch first when there is an opening filter).
    The alternatives ride along when `alternatives.foreseen` expects a risk of nothing: a search that finds
    nothing then costs one round trip, not two."""
    from directory.search import alternatives, opening

    extra, unknown_query = opening.restrict(params, uid) if params.open_at else ([], None)
    asked = Plan(build_queries(params, uid, extra=extra), unknown=unknown_query is not None)
    if unknown_query:
        asked.queries.append(unknown_query)
    if params.page == 1 and (found := alternatives.foreseen(params)) is not None:
        asked.groups = found
        asked.queries += alternatives.queries(params, found, uid)
    return asked


def _meili_search(params: SearchParams) -> SearchResult:
    """Run the search; raises directory.search.client.MeiliError if Meilisearch fails."""
    from directory.search import alternatives, ranking

    asked = plan(params, index_name())
    results = get_client().request("POST", "/multi-search", {"queries": asked.queries})["results"]
    along = len(asked.groups or ())  # the alternatives' answers come last
    results, alternative_results = results[: len(results) - along], results[len(results) - along :]
    main = results[0]
    distributions = dict(main.get("facetDistribution") or {})
    for name, result in zip(params.filters, results[1 : 1 + len(params.filters)], strict=True):
        distributions[name] = (result.get("facetDistribution") or {}).get(name, {})
    total, hits = main.get("totalHits", 0), main["hits"]
    if len(results) > 1 + len(params.filters) + asked.unknown:  # the text query of other kinds
        other = results[1 + len(params.filters)]
        start = max(0, (params.page - 1) * params.per_page - total)
        hits = hits + other["hits"][start : start + params.per_page - len(hits)]
        total += other.get("totalHits", 0)
    result = SearchResult(
        total=total,
        page=params.page,
        pages=-(-total // params.per_page),
        per_page=params.per_page,
        hits=ranking.arrange(hits, params),
        facets={name: _facet_list(name, distributions.get(name, {}), params) for name in FACETS},
        params=params,
    )
    if asked.unknown:
        result.unknown_hours = ranking.arrange(results[-1]["hits"], params)
        result.unknown_hours_total = results[-1].get("estimatedTotalHits", 0)
    if not result.total and params.page == 1:
        if asked.groups is None:
            result.alternatives = alternatives.find(params)
        elif asked.groups:
            result.alternatives = alternatives.collect(params, asked.groups, [r["hits"] for r in alternative_results])
    return result


_labels: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}
_labels_since = 0.0
LABELS_SECONDS = 60.0  # as directory.labels caches the vocabulary and area names


def _facet_labels(name: str, lang: str) -> dict[str, tuple[str, str]]:
    """value → (`code_label`, its lower case for sorting) of one facet in one language, kept for a minute: a page
    shows a few hundred facet values, each translated otherwise (the clock is read once per facet, not per value)."""
    global _labels_since
    now = time.monotonic()
    if now - _labels_since > LABELS_SECONDS:
        _labels.clear()
        _labels_since = now
    return _labels.setdefault((name, lang), {})


def _facet_list(name: str, counts: dict[str, int], params: SearchParams) -> list[FacetValue]:
    selected = set(params.filters.get(name, []))
    labels, lang = _facet_labels(name, params.lang), params.lang
    # A selected value with no result keeps its checkbox, so the user can untick it.
    chosen = [(value, 0) for value in selected - counts.keys()]
    ordered = []
    for value, count in [*counts.items(), *chosen]:
        label = labels.get(value)
        if label is None:
            text = code_label(name, value, lang)
            label = labels[value] = (text, text.lower())
        ordered.append((-count, label[1], FacetValue(value, label[0], count, value in selected)))
    ordered.sort(key=lambda entry: entry[:2])
    return [entry[2] for entry in ordered]
