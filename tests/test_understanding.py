"""Query understanding: the thesaurus applies in its own language only, acronyms never match by typo, places
(communes FR/NL, sections, quartiers, bassins, postcodes), publics and languages are recognised."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from directory.extensions import db
from directory.search.lexicon import Entry, Lexicon, tokens
from directory.search.understanding import understand


def meaning(app: Flask, q: str, lang: str = "fr", dismissed: frozenset[str] = frozenset()) -> dict:
    with app.app_context():
        found = understand(q, lang, dismissed).as_dict()
    found.pop("terms")
    return {k: v for k, v in found.items() if v}


@pytest.mark.parametrize(
    ("lang", "q", "expected"),
    [
        ("nl", "arts", {"sector": ["general_practitioner", "medical_house"]}),
        ("fr", "arts", {"words": "arts"}),  # French "arts" is art: searched as a word, no kind
        ("fr", "huisarts", {"sector": ["general_practitioner", "medical_house"]}),
        ("nl", "MG", {"words": "MG"}),  # a French abbreviation means nothing in Dutch
        ("fr", "MG", {"sector": ["general_practitioner", "medical_house"]}),
        ("fr", "planning", {"sector": ["family_planning"]}),
        ("nl", "planning", {"words": "planning"}),
        ("fr", "kinesitherapeut", {"sector": ["rehabilitation"]}),
        ("nl", "kiné", {"sector": ["rehabilitation"]}),
        ("fr", "toxicomanie", {"sector": ["addiction"]}),
        ("nl", "drugs", {"sector": ["addiction"]}),
        ("nl", "thuislozen", {"sector": ["homeless_support", "night_shelter"]}),
        ("fr", "maison de repos", {"sector": ["elderly_care"]}),
        ("nl", "rusthuis", {"sector": ["elderly_care"]}),
        ("fr", "Kind en Gezin", {"sector": ["child_health"]}),
        ("fr", "consultation ONE", {"sector": ["child_health"]}),
        ("fr", "cours de français", {"sector": ["employment", "community_centre", "migrant_support"]}),
        ("nl", "CAW", {"sector": ["social_work_centre"]}),
        ("fr", "SSM", {"sector": ["mental_health"]}),
        ("nl", "CGG", {"sector": ["mental_health"]}),
    ],
)
def test_thesaurus_terms_apply_in_their_own_languages(app: Flask, lang: str, q: str, expected: dict) -> None:
    assert meaning(app, q, lang) == expected


@pytest.mark.parametrize("q", ["CPSA", "CPA", "OCWM", "Pharma City Chasse", "SSN"])
def test_short_acronyms_never_match_by_typo(app: Flask, q: str) -> None:
    assert "sector" not in meaning(app, q)


def test_longer_words_tolerate_one_typo_and_plurals(app: Flask) -> None:
    assert meaning(app, "planing familial")["sector"] == ["family_planning"]
    assert meaning(app, "pharmacies")["sector"] == ["pharmacy"]
    assert meaning(app, "maisons medicales")["sector"] == ["medical_house"]
    assert meaning(app, "medecin generaliste")["sector"] == ["general_practitioner", "medical_house"]  # no accents


@pytest.mark.parametrize(
    ("lang", "q", "expected"),
    [
        ("fr", "OCMW Anderlecht", {"sector": ["cpas"], "commune": ["21001"]}),
        ("nl", "huisarts Sint-Gillis", {"sector": ["general_practitioner", "medical_house"], "commune": ["21013"]}),
        ("fr", "dentiste St-Gilles", {"sector": ["dentist"], "commune": ["21013"]}),
        ("nl", "OCMW Schaarbeek", {"sector": ["cpas"], "commune": ["21015"]}),
        ("fr", "pharmacie 1060", {"sector": ["pharmacy"], "commune": ["21013"]}),
        ("nl", "apotheek Laken", {"sector": ["pharmacy"], "section": ["19", "20", "74", "75", "76", "900"]}),
        ("fr", "CPAS Neder-Over-Heembeek", {"sector": ["cpas"], "section": ["77", "800"]}),
        ("fr", "kiné 1020", {"sector": ["rehabilitation"], "section": ["19", "20", "74", "75", "76", "900"]}),
        ("fr", "maisons médicales bassin nord", {"sector": ["medical_house"], "bassin": ["nord"]}),
        ("nl", "wijkgezondheidscentrum zorgzone Zuid", {"sector": ["medical_house"], "bassin": ["sud"]}),
        ("fr", "SSM Matonge", {"sector": ["mental_health"], "quartier": ["36"], "words": "Matonge"}),
        ("fr", "psychologue Bruxelles", {"sector": ["mental_health"]}),  # the region: no filter
        ("fr", "CPAS Bruxelles-Ville", {"sector": ["cpas"], "commune": ["21004"]}),
    ],
)
def test_places_are_understood_in_both_languages(app: Flask, lang: str, q: str, expected: dict) -> None:
    assert meaning(app, q, lang) == expected


@pytest.mark.parametrize(
    ("lang", "q", "expected"),
    [
        ("fr", "médecin arabophone", {"sector": ["general_practitioner", "medical_house"], "language": ["ar"]}),
        ("nl", "huisarts Arabisch", {"sector": ["general_practitioner", "medical_house"], "language": ["ar"]}),
        ("fr", "aide alimentaire pour enfants", {"sector": ["food_aid"], "public": ["children"]}),
        ("nl", "voedselhulp voor kinderen", {"sector": ["food_aid"], "public": ["children"]}),
        # a second kind that also names a public qualifies the first: a doctor for undocumented people
        (
            "fr",
            "médecin sans papiers",
            {"sector": ["general_practitioner", "medical_house"], "public": ["undocumented"]},
        ),
        ("fr", "colis alimentaire SDF", {"sector": ["food_aid"], "public": ["homeless"]}),
    ],
)
def test_publics_and_languages(app: Flask, lang: str, q: str, expected: dict) -> None:
    assert meaning(app, q, lang) == expected


def test_remaining_words_keep_their_accents_without_stop_words(app: Flask) -> None:
    assert meaning(app, "maison médicale de la Senne à Molenbeek") == {
        "sector": ["medical_house"],
        "commune": ["21012"],
        "words": "Senne",
    }


def test_a_dismissed_term_is_searched_as_words(app: Flask) -> None:
    assert meaning(app, "maison de repos", dismissed=frozenset({"maison de repos"})) == {"words": "maison repos"}


def test_the_lexicon_corrects_only_to_a_single_close_word() -> None:
    lexicon = Lexicon()
    for term in ("pharmacie", "pharmacien", "ocmw"):
        lexicon.add(term, Entry({"fr"}, ["pharmacy"]))
    lexicon.finish()
    assert lexicon.correct("pharmacia") in {"pharmacie", "pharmacia"}  # both one typo away: no guess
    assert lexicon.correct("pharmcie") == "pharmacie"
    assert lexicon.correct("ocwm") == "ocwm"  # four letters: exact only
    assert tokens("L'ONE d’Anderlecht") == ["l", "one", "d", "anderlecht"]


@pytest.mark.parametrize(
    ("lang", "q", "expected"),
    [
        ("fr", "organisateur de concertation", {"function": ["concertation_organiser"]}),
        ("fr", "tiers concertateur", {"function": ["concertation_organiser"]}),
        ("nl", "overlegorganisator", {"function": ["concertation_organiser"]}),
        ("fr", "case manager", {"function": ["case_manager"]}),
        ("nl", "casemanager", {"function": ["case_manager"]}),
        ("fr", "référent hospitalier", {"function": ["hospital_referent"]}),
        ("fr", "referent hospitalier", {"function": ["hospital_referent"]}),  # no accents
        ("nl", "liaisonverpleegkundige", {"function": ["hospital_referent"]}),
        ("fr", "RAQ", {"function": ["neighbourhood_relay"]}),
        ("nl", "zorgcoördinator", {"function": ["proximity_referent"]}),
        ("nl", "zorgcoordinator", {"function": ["proximity_referent"]}),
        ("nl", "LWGC", {"function": ["clss_referent"]}),
        ("fr", "coordination", {"function": ["proximity_referent"]}),
        ("nl", "coordination", {"words": "coordination"}),  # a French name means nothing in Dutch
        ("fr", "overlegorganisator", {"words": "overlegorganisator"}),  # nor a Dutch one in French
        ("fr", "RAQ Anderlecht", {"function": ["neighbourhood_relay"], "commune": ["21001"]}),
        # a name of both a kind of service and a function looks for either
        ("nl", "hulplijn", {"sector": ["listening_line"], "function": ["helpdesk"]}),
        ("fr", "interprète", {"sector": ["social_interpreting"], "function": ["social_interpreter"]}),
    ],
)
def test_coordination_functions_are_understood_by_any_of_their_names(
    app: Flask, lang: str, q: str, expected: dict
) -> None:
    assert meaning(app, q, lang) == expected


@pytest.mark.parametrize("q", ["RAQ", "CLSS", "LWGC"])
def test_function_acronyms_never_match_by_typo(app: Flask, q: str) -> None:
    assert "function" not in meaning(app, q[:-1] + "X")


def test_every_name_of_every_function_is_understood_in_a_language(app: Flask) -> None:
    from directory.models import CoordinationFunction

    with app.app_context():
        functions = list(db.session.scalars(select(CoordinationFunction)))
        assert len(functions) >= 10
        for function in functions:
            for name in function.names:
                found = [understand(name, lang).functions for lang in ("fr", "nl")]
                assert [function.code] in found, (function.code, name)
