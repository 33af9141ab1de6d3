"""Index settings, kept in code and applied before documents are added."""

from __future__ import annotations

from flask import current_app

# The facets a search can filter and count on, in display order.
FACETS = (
    "sector",
    "function",
    "bassin",
    "commune",
    "quartier",
    "language",
    "public",
    "cost",
    "access",
    "wheelchair",
    "availability",
)
# Every attribute a filter names, and no other (each one costs indexing time): the facets, `id` (the opening-hours
# pass, directory/search/opening.py) and `service_id` (a push deletes a service's old documents); `_geo` apart. Only
# equality and IN are used (no <, >, TO), so comparison indexes are not built.
FILTERABLE = [*FACETS, "id", "service_id"]
#: what `sort_expression` (directory/search/query.py) sorts on
SORTABLE = ["_geo", "name_fr", "name_nl", "verified_at"]
SEARCHABLE = [
    "name_fr",
    "name_nl",
    "sector_fr",
    "sector_nl",
    "sector_terms",
    "function_fr",
    "function_nl",
    "function_terms",
    "organization_fr",
    "organization_nl",
    "commune_fr",
    "commune_nl",
    "quartier_fr",
    "quartier_nl",
    "bassin_fr",
    "bassin_nl",
    "public_fr",
    "public_nl",
    "address_fr",
    "address_nl",
    "description_fr",
    "description_nl",
]


def synonyms_from_groups(groups: list[list[str]]) -> dict[str, list[str]]:
    """Meilisearch multi-way synonyms: every term of a group maps to the others (lower-cased)."""
    synonyms: dict[str, set[str]] = {}
    for group in groups:
        terms = {t.strip().lower() for t in group if t and t.strip()}
        for term in terms:
            synonyms.setdefault(term, set()).update(terms - {term})
    return {term: sorted(others) for term, others in sorted(synonyms.items()) if others}


def index_settings() -> dict:
    """The full settings object for the services index (synonyms come from the sector vocabulary)."""
    from directory.operations.vocabulary import synonym_groups

    return {
        "searchableAttributes": SEARCHABLE,
        "filterableAttributes": [
            {
                "attributePatterns": FILTERABLE,
                "features": {"facetSearch": False, "filter": {"equality": True, "comparison": False}},
            },
            "_geo",
        ],
        "sortableAttributes": SORTABLE,
        "facetSearch": False,  # facet values are counted, never searched (no /facet-search call)
        "displayedAttributes": ["*"],
        "localizedAttributes": [
            {"attributePatterns": ["*_fr"], "locales": ["fra"]},
            {"attributePatterns": ["*_nl"], "locales": ["nld"]},
        ],
        # `sort` first: a chosen order (distance, name, last verified) wins; without one, relevance decides.
        "rankingRules": ["sort", "words", "typo", "proximity", "attribute", "exactness"],
        # Proximity counts words within one attribute, not their distance: fields are short (names, labels), and
        # the word-pair distance tables were about 40 % of Meilisearch's indexing CPU. On the judged queries plus
        # 231 name and free-text queries, 3 first pages of 496 changed, all for stop-word queries ("maison de la").
        "proximityPrecision": "byAttribute",
        "synonyms": synonyms_from_groups(synonym_groups()),
        "typoTolerance": {"enabled": True, "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9}},
        "faceting": {"maxValuesPerFacet": 200, "sortFacetValuesBy": {"*": "count"}},
        "pagination": {"maxTotalHits": current_app.config["MAX_TOTAL_HITS"]},
        "separatorTokens": ["/"],
    }
