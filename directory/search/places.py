"""Understood places: their centre (to order by distance) and their names (chips, messages)."""

from __future__ import annotations

from typing import cast

from flask import current_app

from directory.extensions import db
from directory.labels import code_label
from directory.search.understanding import Understood


def place_origin(understood: Understood) -> tuple[float, float] | None:
    """The centre of the first understood quartier (or the first quartier of a section) or commune; None without
    one (a bassin is too big for a centre)."""
    from directory.models import Commune, Quartier

    models: tuple[tuple[str, type[Quartier] | type[Commune]], ...] = (
        ("quartier", Quartier),
        ("section", Quartier),
        ("commune", Commune),
    )
    centres = current_app.extensions.setdefault("search_place_centres", {})  # areas do not move: one query each
    for kind, model in models:
        for code in understood.values(kind):
            key = (model.__name__, code)
            if key not in centres:
                row = cast(Quartier | Commune | None, db.session.get(model, code))
                found = row is not None and row.lat is not None and row.lon is not None
                centres[key] = (row.lat, row.lon) if found else None  # type: ignore[union-attr]
            if centres[key] is not None:
                return cast(tuple[float, float], centres[key])
    return None


def value_label(kind: str, code: str, lang: str) -> str:
    """Name of an understood or chosen value: a sector, a commune, a language..."""
    return code_label("quartier" if kind == "section" else kind, code, lang)


def place_names(understood: Understood, lang: str) -> list[str]:
    """Names of every understood place, in the page language (a section by the name typed: "Laeken")."""
    names: list[str] = []
    for term in understood.place_terms():
        for kind, codes in term.kinds():
            if kind == "section":
                names.append(term.text)
            elif kind in ("commune", "quartier", "bassin"):
                names.extend(value_label(kind, code, lang) for code in codes)
    return list(dict.fromkeys(names))
