"""The reduced (SQL) search's answers beyond true matches, as the Meilisearch path gives them: fiches of another
kind whose text holds the kind's words (listed after the understood kind), and, when nothing matched, the same
labelled alternative groups as directory/search/alternatives.py."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Select, not_, or_

from directory.extensions import db
from directory.models import Location, Service
from directory.search import sqlsearch
from directory.search.alternatives import PER_GROUP, Alternative, collect, groups
from directory.search.textindex import words as text_words
from directory.search.understanding import Understood


def other_kinds(params) -> tuple[Select, list[str]] | None:
    """(statement, text terms) of the fiches of another kind whose text holds the understood kind's words and the
    other words, with every other filter; None without an understood kind (as query.text_query)."""
    understood = params.understood
    kind_terms = [t.text for t in understood.terms if any(k in ("sector", "function") for k, _c in t.kinds())]
    if not kind_terms:
        return None
    terms = text_words(" ".join([*kind_terms, understood.words]))
    if not terms:
        return None
    stmt = sqlsearch.matching_documents(params, terms, kinds=False)
    if kinds := sqlsearch.kind_conditions(understood):
        stmt = stmt.where(not_(or_(*kinds)))
    if understood.functions:  # its other locations: the text names the function only because it is offered there
        stmt = stmt.where(not_(sqlsearch.declared_at_one_location(understood.functions)))
    return stmt, terms


def alternatives(params, attributes: list[str]) -> list[Alternative]:
    """The alternative groups for a search that found nothing, answered from SQL."""
    found = groups(params)
    results = []
    for group in found:
        understood = params.understood if group.understood else Understood()
        stmt = sqlsearch.matching_documents(replace(params, filters=group.relaxed, understood=understood), [])
        for choice in group.any_of:
            stmt = stmt.where(or_(*(sqlsearch.condition(name, codes) for name, codes in choice.items())))
        if params.origin:
            stmt = stmt.order_by(Location.lat.is_(None), sqlsearch.distance2(params.origin), Service.id)
        else:
            stmt = stmt.order_by(getattr(Service, f"name_{params.lang}"), Service.id, Location.id)
        rows = db.session.execute(stmt.limit(PER_GROUP)).all()
        results.append(sqlsearch.build_hits(rows, attributes, params.origin))
    return collect(params, found, results)
