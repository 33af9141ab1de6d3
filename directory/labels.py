"""Display labels for codes: enum values (gettext), languages (CLDR via Babel), vocabularies and areas (database).

One place for every code → label mapping, used by search facets, pages, maps and exports.
"""

from __future__ import annotations

import functools
import time

from babel import Locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from directory.extensions import db

#: the facts the coverage report and the bassin dashboard count, as their column headings
COVERAGE_FACT_LABELS = {
    "address": _l("Address"),
    "phone": _l("Phone"),
    "hours": _l("Hours"),
    "languages": _l("Languages"),
    "cost": _l("Cost"),
    "access": _l("Access"),
    "verified": _l("Checked by a person"),
}

ENUM_LABELS = {
    "cost": {
        "free": _l("Free"),
        "reduced": _l("Reduced price or income-based"),
        "paid": _l("Paid"),
        "unknown": _l("Cost unknown"),
    },
    "access": {
        "unconditional": _l("Walk in, no conditions"),
        "appointment": _l("By appointment"),
        "registration": _l("Registration needed"),
        "referral": _l("Referral needed"),
        "unknown": _l("Access conditions unknown"),
    },
    "wheelchair": {
        "yes": _l("Wheelchair accessible"),
        "limited": _l("Limited wheelchair access"),
        "no": _l("Not wheelchair accessible"),
        "unknown": _l("Wheelchair access unknown"),
    },
    "availability": {
        "accepting": _l("Accepting new people"),
        "waiting_list": _l("Waiting list"),
        "full": _l("Full"),
        "closed": _l("Temporarily closed"),
        "unknown": _l("Availability unknown"),
    },
    "report_status": {
        "open": _l("To handle"),
        "resolved": _l("Corrected"),
        "dismissed": _l("Dismissed"),
    },
    "function_condition": {
        "lives_in_region": _l("Lives in the Brussels-Capital Region"),
        "adult": _l("Adult (18 or over)"),
        "has_network": _l("Has an existing support network, professionals included"),
        "insurance_not_required": _l("Health-insurance status not required"),
        "not_in_other_scheme": _l("Not already followed in another concertation scheme"),
        "asked_by_person": _l("The person may ask"),
        "asked_by_carer": _l("A carer may ask"),
        "asked_by_professional": _l("A social or health professional may ask"),
    },
    "status": {
        "active": _l("Active"),
        "temporarily_closed": _l("Temporarily closed"),
        "inactive": _l("Inactive"),
    },
    "role": {
        "editor": _l("Editor"),
        "helpdesk": _l("Helpdesk"),
        "moderator": _l("Moderator"),
        "admin": _l("Administrator"),
    },
    # Where a recorded need came from (directory/search/unmet.py rows; the moderators' list describes it).
    "origin": {"helpdesk": _l("noted by the helpdesk")},
}

# Titles of the search facets (search page, map page).
FACET_TITLES = {
    "sector": _l("Sector"),
    "function": _l("Coordination function"),
    "bassin": _l("Care area (bassin)"),
    "commune": _l("Commune"),
    "quartier": _l("Neighbourhood"),
    "language": _l("Languages spoken"),
    "public": _l("For whom"),
    "cost": _l("Cost"),
    "access": _l("Access"),
    "wheelchair": _l("Wheelchair access"),
    "availability": _l("Availability"),
}
SORT_LABELS = {
    "relevance": _l("Relevance"),
    "distance": _l("Distance"),
    "name": _l("Name"),
    "verified": _l("Recently verified"),
}

_CACHE_SECONDS = 60.0
_cache: dict[str, tuple[float, dict[str, tuple[str, str]]]] = {}


def enum_label(kind: str, value: str | None) -> str:
    """Translated label of an enum value (`kind` in ENUM_LABELS); the raw value if unknown."""
    label = ENUM_LABELS.get(kind, {}).get(value or "unknown")
    return str(label) if label is not None else (value or "")


@functools.cache
def language_name(code: str, lang: str) -> str:
    """Name of a spoken language in the page language, e.g. ("ar", "fr") → "arabe"."""
    name = Locale.parse(lang).languages.get(code)
    return name or code


def _names(table: str) -> dict[str, tuple[str, str]]:
    """code → (name_fr, name_nl) for a vocabulary or area table, cached for a minute."""
    from directory.models import Bassin, Commune, CoordinationFunction, Public, Quartier, Sector

    now = time.monotonic()
    hit = _cache.get(table)
    if hit and now - hit[0] < _CACHE_SECONDS:
        return hit[1]
    models: dict[
        str, type[Sector] | type[Public] | type[Bassin] | type[Commune] | type[Quartier] | type[CoordinationFunction]
    ]
    models = {"sector": Sector, "public": Public, "bassin": Bassin, "commune": Commune, "quartier": Quartier}
    models["function"] = CoordinationFunction
    model = models[table]
    key = getattr(model, "nis" if model is Commune else "code")
    rows = db.session.execute(select(key, model.name_fr, model.name_nl)).all()
    names = {str(code): (fr, nl) for code, fr, nl in rows}
    _cache[table] = (now, names)
    return names


def clear_cache() -> None:
    """Forget cached vocabulary and area names (after an admin edit or in tests)."""
    _cache.clear()


def term_codes(kind: str) -> list[str]:
    """The codes a "terms" field may hold: a fixed condition list (in ENUM_LABELS) or a vocabulary table's codes."""
    return list(ENUM_LABELS[kind]) if kind in ENUM_LABELS else sorted(_names(kind))


def code_label(kind: str, code: str, lang: str) -> str:
    """Label of any facet value: enum, language, vocabulary or area code."""
    if kind in ENUM_LABELS:
        return enum_label(kind, code)
    if kind == "language":
        return language_name(code, lang)
    names = _names(kind).get(code)
    if not names:
        return code
    fr, nl = names
    return (nl or fr) if lang == "nl" else (fr or nl)
