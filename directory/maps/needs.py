"""Everyday needs of the easy-read mode, each with a pictogram (static/pictos/<need>.svg).

A sector answers one need (`Sector.pictogram`, from directory/data/sectors.csv): the need of a service is the need
of its first sector that has one. Markers, lists and printed maps show that pictogram.
"""

from __future__ import annotations

import time
from weakref import WeakKeyDictionary

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from directory.extensions import db

# Order of the buttons on the first easy-read screen. Texts: docs/easy-read.md (FR and NL wording).
NEEDS = {
    "eat": _l("Food"),
    "sleep": _l("A place to sleep"),
    "health": _l("Health care"),
    "mental_health": _l("I feel bad"),
    "money": _l("Money and debts"),
    "papers": _l("Papers and rights"),
    "family": _l("Family and children"),
    "elderly": _l("Older people"),
    "talk": _l("Someone to talk to"),
}

# Needs answered by coordination functions that services declare (directory/data/functions.csv), not by sectors.
# Offered on the first screen only when an active service declares one of the functions (`offered_needs`).
FUNCTION_NEEDS = {
    "organise": ("concertation_organiser", "proximity_referent", "case_manager", "hospital_referent"),
}
EASY_NEEDS = {**NEEDS, "organise": _l("Someone to help me organise my care")}

_CACHE_SECONDS = 60.0
# One cache per application: two applications in one process (tests, or a site with two databases) never share it.
_caches: WeakKeyDictionary[Flask, dict[str, tuple[float, dict[str, str]]]] = WeakKeyDictionary()


def _cache() -> dict[str, tuple[float, dict[str, str]]]:
    return _caches.setdefault(current_app._get_current_object(), {})  # type: ignore[attr-defined]


def sector_needs() -> dict[str, str]:
    """sector code → need, for sectors that answer one (cached for a minute)."""
    now = time.monotonic()
    cache = _cache()
    hit = cache.get("sectors")
    if hit and now - hit[0] < _CACHE_SECONDS:
        return hit[1]
    from directory.models import Sector

    rows = db.session.execute(select(Sector.code, Sector.pictogram).where(Sector.pictogram != "")).all()
    mapping = {code: need for code, need in rows if need in NEEDS}
    cache["sectors"] = (now, mapping)
    return mapping


def clear_cache() -> None:
    """Forget the sector → need table and the offered needs of every application (after a vocabulary change, or
    in tests)."""
    _caches.clear()


def need_of(sectors: list[str] | None) -> str:
    """The need of a service from its sector codes; "" when none of them has a pictogram."""
    table = sector_needs()
    for code in sectors or ():
        if code in table:
            return table[code]
    return ""


# Sectors that answer a need besides their own (audited for the easy-read mode, docs/easy-read.md): someone to talk
# to is listening, social and psychological help — never leisure (neighbourhood houses have no need of their own).
ALSO_ANSWERS = {
    "talk": ("mental_health",),
    "mental_health": ("listening_line",),
    "money": ("social_work_centre",),
    "papers": ("social_work_centre", "cpas"),
    "family": ("domestic_violence",),
    "elderly": ("home_care",),
}


def sectors_for(need: str) -> list[str]:
    """The sector codes that answer `need`: those whose pictogram is the need, and ALSO_ANSWERS (empty for an
    unknown need)."""
    own = {code for code, value in sector_needs().items() if value == need}
    return sorted(own | set(ALSO_ANSWERS.get(need, ())) if own else own)


def filters_for(need: str) -> dict[str, list[str]]:
    """The search filter that answers `need`: its coordination functions, or its sectors."""
    if need in FUNCTION_NEEDS:
        return {"function": list(FUNCTION_NEEDS[need])}
    return {"sector": sectors_for(need)}


def offered_needs() -> dict[str, object]:
    """The needs of the first screen: every sector need, and each function need that an active service answers at
    every address or at one (a button that could only lead to nothing is not shown). Cached for a minute."""
    now = time.monotonic()
    cache = _cache()
    hit = cache.get("offered")
    if hit and now - hit[0] < _CACHE_SECONDS:
        return {need: EASY_NEEDS[need] for need in hit[1]}
    from sqlalchemy import Text, cast, or_

    from directory.models import Service, ServiceFunction

    offered = dict.fromkeys(NEEDS, "")
    for need, functions in FUNCTION_NEEDS.items():
        everywhere = or_(*(cast(Service.functions, Text).like(f'%"{code}"%') for code in functions))
        at_one = select(ServiceFunction.service_id).where(ServiceFunction.function.in_(functions))
        declared = Service.status != "inactive", everywhere | Service.id.in_(at_one)
        if db.session.scalar(select(Service.id).where(*declared).limit(1)) is not None:
            offered[need] = ""
    cache["offered"] = (now, offered)
    return {need: EASY_NEEDS[need] for need in offered}
