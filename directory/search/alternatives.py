"""When nothing matches: labelled alternatives that are really related, never unrelated fiches.

In this order, each group with its reason: the same kind and place without the other words, the same kind and
place without the language or public condition, the same kind in the neighbouring communes, elsewhere in the
same bassin, related kinds in the same place, then the same kind anywhere in the region. All groups are asked for
in one multi-search, only when the search itself found nothing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from directory.extensions import db
from directory.geo.neighbours import commune_neighbours
from directory.labels import code_label
from directory.search import get_client, index_name
from directory.search.lexicon import DATA_DIR
from directory.search.places import place_names

PER_GROUP = 5
MAX_SHOWN = 12


@dataclass
class Alternative:
    """A group of alternatives: why they are offered (`code` for machines, `reason` translated) and the hits."""

    code: str
    reason: str
    hits: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"reason": self.code, "label": self.reason, "hits": self.hits}


@cache
def related_sectors() -> dict[str, list[str]]:
    """sector → related sectors (directory/data/related_sectors.csv)."""
    with (DATA_DIR / "related_sectors.csv").open(newline="", encoding="utf-8") as fh:
        return {row["sector"]: [s for s in row["related"].split("|") if s] for row in csv.DictReader(fh)}


@dataclass
class Geography:
    """What the alternatives need of the areas, read once per application (areas change only with `geo load`)."""

    neighbours: dict[str, list[str]]  # commune NIS → neighbouring communes
    quartiers: dict[str, tuple[str | None, str | None]]  # quartier → (commune NIS, bassin)
    commune_bassin: dict[str, str | None]  # commune NIS → bassin


def geography() -> Geography:
    """The application's `Geography` (no database query per search)."""
    from directory.models import Commune, Quartier

    cached = current_app.extensions.get("search_alternatives_geography")
    if cached is None:
        quartiers = db.session.execute(select(Quartier.code, Quartier.commune_nis, Quartier.bassin_code))
        communes = db.session.execute(select(Commune.nis, Commune.bassin_code))
        cached = current_app.extensions["search_alternatives_geography"] = Geography(
            commune_neighbours(),
            {code: (nis, bassin) for code, nis, bassin in quartiers},
            {nis: bassin for nis, bassin in communes},
        )
    return cached  # type: ignore[no-any-return]


def _communes_and_bassins(places: dict[str, list[str]]) -> tuple[set[str], set[str]]:
    """The communes and bassins the understood places lie in."""
    areas = geography()
    communes, bassins = set(places.get("commune", [])), set(places.get("bassin", []))
    for code in [*places.get("quartier", []), *places.get("section", [])]:
        nis, bassin = areas.quartiers.get(code, (None, None))
        communes.update([nis] if nis else [])
        bassins.update([bassin] if bassin else [])
    for nis in communes:
        if bassin := areas.commune_bassin.get(nis):
            bassins.add(bassin)
    return communes, bassins


AREAS = ("commune", "quartier", "bassin")


def _kind_and_place(params) -> tuple[dict[str, list[str]], dict[str, list[str]], str, str]:
    """(kinds: sector and function codes, chosen area filters, kind label, place label): understood from the
    query, else chosen."""
    understood, lang = params.understood, params.lang
    kinds = {
        "sector": understood.sectors or params.filters.get("sector", []),
        "function": understood.functions or params.filters.get("function", []),
    }
    kinds = {name: codes for name, codes in kinds.items() if codes}
    chosen = {k: v for k, v in params.filters.items() if k in AREAS} if not understood.places() else {}
    kind = " / ".join(code_label(name, code, lang) for name, codes in kinds.items() for code in codes)
    where = ", ".join(place_names(understood, lang) or [code_label(k, c, lang) for k, v in chosen.items() for c in v])
    return kinds, chosen, kind, where


@dataclass
class Group:
    """One group of alternatives, as conditions that both Meilisearch and the SQL fallback can apply: the chosen
    filters that stay, the understood query's own filters or not, and conditions "one of these" (name → codes)."""

    code: str
    reason: str
    relaxed: dict[str, list[str]]
    understood: bool = False
    any_of: list[dict[str, list[str]]] = field(default_factory=list)


def groups(params) -> list[Group]:
    """The applicable groups, in order. The kind and the place come from the understood query, else from the
    chosen filters (the easy-read mode and the facets choose them)."""
    from directory.search.query import understood_clauses

    understood, lang = params.understood, params.lang
    kinds, chosen, kind, where = _kind_and_place(params)
    if not kinds:
        return []
    places = understood.places() or chosen
    relaxed = {k: v for k, v in params.filters.items() if k not in ("sector", "function") and k not in chosen}
    words = understood.words if understood else params.q
    place = understood.place_filters() or chosen
    at_place = [place] if place else []
    conditions = [t.text for t in understood.terms if any(k in ("public", "language") for k, _v in t.kinds())]
    found: list[Group] = []
    if words:
        label = _("%(kind)s, without “%(words)s”", kind=kind, words=words)
        if understood_clauses(understood):
            found.append(Group("without_words", label, relaxed, understood=True))
        else:
            found.append(Group("without_words", label, relaxed, any_of=[kinds, *at_place]))
    if conditions:
        label = _("%(kind)s, without the condition “%(condition)s”", kind=kind, condition=", ".join(conditions))
        found.append(Group("without_condition", label, relaxed, any_of=[kinds, *at_place]))
    if places:
        communes, bassins = _communes_and_bassins(places)
        neighbours = sorted({n for c in communes for n in geography().neighbours.get(c, [])} - communes)
        if neighbours:
            label = _("%(kind)s in a neighbouring commune of %(place)s", kind=kind, place=where)
            found.append(Group("neighbouring_commune", label, relaxed, any_of=[kinds, {"commune": neighbours}]))
        if bassins:
            names = ", ".join(code_label("bassin", b, lang) for b in sorted(bassins))
            label = _("%(kind)s elsewhere in the care area (bassin) %(bassin)s", kind=kind, bassin=names)
            found.append(Group("same_bassin", label, relaxed, any_of=[kinds, {"bassin": sorted(bassins)}]))
    sectors = kinds.get("sector", [])
    related = sorted({r for s in sectors for r in related_sectors().get(s, [])} - set(sectors))
    if related:
        names = " / ".join(code_label("sector", s, lang) for s in related)
        label = (
            _("Related services in %(place)s: %(kinds)s", place=where, kinds=names)
            if places
            else _("Related services: %(kinds)s", kinds=names)
        )
        found.append(Group("related_kind", label, relaxed, any_of=[{"sector": related}, *at_place]))
    if places:
        label = _("%(kind)s elsewhere in the Brussels region", kind=kind)
        found.append(Group("region", label, relaxed, any_of=[kinds]))
    return found


def meili_filter(group: Group, params) -> list[str]:
    """The group as Meilisearch filter clauses."""
    from dataclasses import replace

    from directory.search.query import _in, filter_expression, understood_clauses

    clauses = filter_expression(replace(params, filters=group.relaxed), understood=False)
    if group.understood:
        clauses += understood_clauses(params.understood)
    for choice in group.any_of:
        either = [_in(name, codes) for name, codes in choice.items()]
        clauses.append(either[0] if len(either) == 1 else "(" + " OR ".join(either) + ")")
    return clauses


def collect(params, found: list[Group], results: list[list[dict]]) -> list[Alternative]:
    """The groups with their hits (`results`, in group order), a fiche shown once, MAX_SHOWN in all."""
    from directory.search.ranking import arrange

    shown: set[str] = set()
    answer: list[Alternative] = []
    for group, hits in zip(found, results, strict=True):
        kept = [h for h in arrange(hits, params) if h["id"] not in shown][: MAX_SHOWN - len(shown)]
        if kept:
            shown.update(h["id"] for h in kept)
            answer.append(Alternative(group.code, group.reason, kept))
    return answer


def missing_message(params) -> str:
    """What the directory does not have, said plainly ("No CPAS / OCMW in Anderlecht in the directory yet.")."""
    understood = params.understood
    _kinds, _chosen, kind, where = _kind_and_place(params)
    conditions = ", ".join(t.text for t in understood.terms if any(k in ("public", "language") for k, _v in t.kinds()))
    words = understood.words if understood else params.q
    if kind and words:
        return _("No %(kind)s matches “%(words)s” in the directory.", kind=kind, words=words)
    if kind and conditions:
        kind = f"{kind} ({conditions})"
    if kind and where:
        return _("No %(kind)s in %(place)s in the directory yet.", kind=kind, place=where)
    if kind:
        return _("No %(kind)s in the directory yet.", kind=kind)
    if where and words:
        return _("No service matches “%(words)s” in %(place)s.", words=words, place=where)
    return _("No service matches “%(words)s”.", words=words or params.q)


def queries(params, found: list[Group], uid: str) -> list[dict]:
    """The Meilisearch queries of the groups `found`, one each, in order."""
    from directory.search.query import RETRIEVED, sort_expression

    sort = [s for s in sort_expression(params) if s.startswith("_geoPoint")]
    asked = []
    for group in found:
        query = {
            "indexUid": uid,
            "q": "",
            "filter": meili_filter(group, params),
            "limit": PER_GROUP,
            "attributesToRetrieve": RETRIEVED,
        }
        if sort or params.origin:
            query["sort"] = sort or [f"_geoPoint({params.origin[0]}, {params.origin[1]}):asc"]
        asked.append(query)
    return asked


def foreseen(params) -> list[Group] | None:
    """The groups to ask for along with the search itself (directory.search.query.plan), or None to ask only if
    it finds nothing (`find`, a second round trip).

    Asked along when two places restrict the search at once: a place in the query and a chosen area or a
    distance ("OCMW Anderlecht" in the bassin Nord-Est, or within 1.5 km of a point elsewhere), which often have
    nothing in common. Asking always would cost every search of a kind the alternatives' own work (each group
    about as much as the search itself at 100,000 fiches) for the few that find nothing."""
    chosen = any(params.filters.get(area) for area in AREAS)
    if params.understood.places() and (chosen or params.radius):
        return groups(params)
    return None


def find(params) -> list[Alternative]:
    """The alternative groups for a search that found nothing (empty when nothing related exists), in one
    multi-search."""
    found = groups(params)
    if not found:
        return []
    results = get_client().request("POST", "/multi-search", {"queries": queries(params, found, index_name())})
    return collect(params, found, [result["hits"] for result in results["results"]])
