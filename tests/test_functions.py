"""Coordination functions as a bilingual vocabulary: every function defined in FR and NL from a cited context
document, with its other names (each leading to one function only) and its close neighbours."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from directory.extensions import db
from directory.models import CoordinationFunction
from directory.operations.vocabulary import load_vocabularies

REQUIRED = {
    "concertation_organiser",
    "proximity_referent",
    "case_manager",
    "hospital_referent",
    "neighbourhood_relay",
    "clss_referent",
    "helpdesk",
    "peer_support",
    "cultural_mediator",
    "social_interpreter",
}


def _functions() -> list[CoordinationFunction]:
    return list(db.session.scalars(select(CoordinationFunction).order_by(CoordinationFunction.code)))


def test_every_asked_function_is_defined_in_both_languages_from_a_cited_document(app: Flask) -> None:
    context = Path(app.config["SHARED_DATA_DIR"]).parent / "context"
    with app.app_context():
        functions = _functions()
        assert {f.code for f in functions} >= REQUIRED
        for function in functions:
            for text in (function.name_fr, function.name_nl, function.definition_fr, function.definition_nl):
                assert text.strip(), function.code
            assert function.contrast_fr.strip() and function.contrast_nl.strip(), function.code
            assert function.definition_fr != function.definition_nl, function.code
            cited = [name.strip() for name in function.source.split(";")]
            assert cited and all((context / name).is_file() for name in cited), function.source


def test_neighbours_are_functions_and_names_lead_to_one_function(app: Flask) -> None:
    with app.app_context():
        functions = _functions()
        codes = {f.code for f in functions}
        owner: dict[str, str] = {}
        for function in functions:
            assert function.neighbour_codes and set(function.neighbour_codes) <= codes - {function.code}
            assert len(function.names) >= 4, function.code  # the field has no agreed term: several names each
            for name in function.names:
                assert owner.setdefault(name.lower(), function.code) == function.code, name
        assert owner["tiers concertateur"] == "concertation_organiser"
        assert owner["wijkactierelais"] == owner["raq"] == "neighbourhood_relay"
        assert owner["lwgc"] == "clss_referent"


def test_loading_twice_changes_nothing(app: Flask) -> None:
    with app.app_context():
        assert "10 functions (0 rows changed)" in load_vocabularies()
