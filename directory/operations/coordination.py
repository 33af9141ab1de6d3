"""Who coordinates: the coordination functions (`CoordinationFunction`), the services that declare them in an area,
the comparisons of close functions and the guided question flow of the glossary page.

A service offers a function only when it declared it (edit form, import, moderation): nothing here guesses it."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, cast, select

from directory.extensions import db
from directory.models import CoordinationFunction, Location, Service
from directory.models.services import service_at_location

#: close functions shown side by side on the glossary page
COMPARISONS = (
    ("proximity_referent", "concertation_organiser"),
    ("hospital_referent", "case_manager"),
    ("neighbourhood_relay", "clss_referent"),
    ("cultural_mediator", "social_interpreter"),
)


@dataclass(frozen=True)
class Situation:
    """One answer of the guided flow: what the professional sees, the function it points to, and alternatives."""

    code: str
    label: object
    function: str
    also: tuple[str, ...] = ()
    note: object = ""


SITUATIONS = (
    Situation(
        "blocked",
        _l("Several carers or professionals are involved but do not talk to each other; the situation is stuck"),
        "concertation_organiser",
        ("proximity_referent",),
    ),
    Situation(
        "no_network",
        _l("The person has almost no network left, or it has fallen apart, and nobody coordinates"),
        "concertation_organiser",
        ("proximity_referent", "case_manager"),
        _l(
            "Check the conditions on each fiche: some concertation organisers ask that a support network, "
            "professionals included, still exists."
        ),
    ),
    Situation(
        "hospital",
        _l("The person is leaving hospital and the return home must be prepared"),
        "hospital_referent",
        ("proximity_referent", "concertation_organiser"),
    ),
    Situation(
        "daily",
        _l("The person needs someone who follows them day to day and organises the care with them"),
        "proximity_referent",
        ("case_manager",),
    ),
    Situation(
        "language",
        _l("You and the person have no language in common"),
        "social_interpreter",
        ("cultural_mediator",),
    ),
    Situation(
        "understanding",
        _l("The person and the services misunderstand each other, beyond language, or the person mistrusts services"),
        "cultural_mediator",
        ("peer_support",),
    ),
    Situation(
        "who_to_call",
        _l("You do not know whom to call: you need an answer or the right service"),
        "helpdesk",
        ("neighbourhood_relay",),
    ),
    Situation(
        "neighbourhood",
        _l("You look for what exists in a neighbourhood and who works together there"),
        "neighbourhood_relay",
        ("clss_referent",),
    ),
)
BY_SITUATION = {s.code: s for s in SITUATIONS}


def all_functions() -> dict[str, CoordinationFunction]:
    """Every function by code, in the order of the vocabulary file."""
    return {f.code: f for f in db.session.scalars(select(CoordinationFunction))}


def offering(code: str, commune: str | None = None, bassin: str | None = None, limit: int = 6) -> list[Service]:
    """Active services that declared the function `code`, with a location in the commune (NIS) or bassin if given.

    `code` is a vocabulary code ([a-z_]), so the quoted LIKE on the JSON list is exact."""
    stmt = (
        select(Service)
        .where(Service.status != "inactive", cast(Service.functions, Text).like(f'%"{code}"%'))
        .order_by(Service.name_fr, Service.id)
        .limit(limit)
    )
    if commune or bassin:
        area = Location.commune_nis == commune if commune else Location.bassin_code == bassin
        located = select(service_at_location.c.service_id).join(
            Location, Location.id == service_at_location.c.location_id
        )
        stmt = stmt.where(Service.id.in_(located.where(area)))
    return list(db.session.scalars(stmt))
