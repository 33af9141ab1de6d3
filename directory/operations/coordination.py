"""Who coordinates: the coordination functions (`CoordinationFunction`), the services that declare them in an area,
the comparisons of close functions and the guided question flow of the glossary page.

A service offers a function only when it declared it (edit form, import, moderation): nothing here guesses it."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Text, cast, select

from directory.extensions import db
from directory.models import CoordinationFunction, Location, Service, ServiceFunction
from directory.models.base import utcnow
from directory.models.functions import CONDITIONS
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
    """Active services that declared the function `code`, at every location (with a location in the commune (NIS)
    or bassin if given) or at one location (that location in the commune or bassin if given).

    `code` is a vocabulary code ([a-z_]), so the quoted LIKE on the JSON list is exact."""
    everywhere: ColumnElement[bool] = cast(Service.functions, Text).like(f'%"{code}"%')
    at_one = select(ServiceFunction.service_id).where(ServiceFunction.function == code)
    if commune or bassin:
        area = Location.commune_nis == commune if commune else Location.bassin_code == bassin
        located = select(service_at_location.c.service_id).join(
            Location, Location.id == service_at_location.c.location_id
        )
        everywhere = everywhere & Service.id.in_(located.where(area))
        at_one = at_one.join(Location, Location.id == ServiceFunction.location_id).where(area)
    stmt = (
        select(Service)
        .where(Service.status != "inactive", everywhere | Service.id.in_(at_one))
        .order_by(Service.name_fr, Service.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class Offer:
    """A function a service offers, where (None: at every location) and on which conditions."""

    function: str
    location: Location | None
    conditions: tuple[str, ...]


def offers(service: Service) -> list[Offer]:
    """Everything a service declares: the functions of every location (with the service's conditions), then those
    of one location (with their own), in location order."""
    everywhere = [Offer(code, None, tuple(service.function_conditions or ())) for code in service.functions or []]
    located = sorted(service.function_offers, key=lambda o: (o.location_id, o.id))
    return everywhere + [Offer(o.function, o.location, tuple(o.conditions or ())) for o in located]


def functions_at(service: Service, location_id: int | None) -> list[str]:
    """Codes of the functions a service offers at one location: those of every location, then its own."""
    own = [o.function for o in service.function_offers if location_id is not None and o.location_id == location_id]
    return list(dict.fromkeys([*(service.functions or []), *own]))


def check_declaration(service: Service, location: Location, code: str, conditions: list[str]) -> None:
    """ValueError unless `location` is one of the service's, `code` a known function and `conditions` known codes."""
    if location not in service.locations:
        raise ValueError(f"location {location.id} is not a location of service {service.id}")
    if db.session.get(CoordinationFunction, code) is None:
        raise ValueError(f"unknown function {code!r}")
    unknown = set(conditions) - set(CONDITIONS)
    if unknown:
        raise ValueError(f"unknown conditions {sorted(unknown)}")


def declare_at_location(service: Service, location: Location, code: str, conditions: list[str]) -> ServiceFunction:
    """Declare (or re-declare with new conditions) that `service` offers function `code` at `location`, one of its
    own. ValueError for a location of another service, an unknown function or an unknown condition. Flushed; the
    service is marked changed so that its index documents follow."""
    check_declaration(service, location, code, conditions)
    offer = next((o for o in service.function_offers if o.location_id == location.id and o.function == code), None)
    if offer is None:
        offer = ServiceFunction(location=location, function=code)
        service.function_offers.append(offer)
    offer.conditions = [c for c in CONDITIONS if c in conditions]
    service.updated_at = utcnow()  # re-indexed with the service (directory/search/sync.py follows services)
    db.session.flush()
    return offer


def withdraw_at_location(service: Service, location_id: int, code: str) -> bool:
    """Remove the declaration of `code` at a location; False when there was none."""
    offer = next((o for o in service.function_offers if o.location_id == location_id and o.function == code), None)
    if offer is None:
        return False
    service.function_offers.remove(offer)
    service.updated_at = utcnow()
    db.session.flush()
    return True
