"""Small factories for fiches in tests: real rows, tagged with their real areas, flushed (the test commits)."""

from __future__ import annotations

from directory.extensions import db
from directory.geo.tagging import tag_location
from directory.models import Location, Organization, Phone, Sector, Service

SCHAERBEEK = (50.8676, 4.3737)
ANDERLECHT = (50.8366, 4.3078)
GRAND_PLACE = (50.8467, 4.3525)  # central Brussels-City: its bassin is a guess, marked to review


def make_service(
    name_fr: str, sectors: tuple[str, ...] = ("pharmacy",), at: tuple[float, float] | None = SCHAERBEEK, **fields
) -> Service:
    """A service with one organization, one location (tagged with commune, quartier, bassin) and one phone.

    `org_fr`, `org_nl`, `bce` go to the organization, `postcode` and `wheelchair` to the location, the rest to the
    service.
    """
    org = Organization(
        name_fr=fields.pop("org_fr", name_fr), name_nl=fields.pop("org_nl", ""), bce_number=fields.pop("bce", None)
    )
    location = Location(
        street_fr="Rue Test",
        street_nl="Teststraat",
        house_number="1",
        postcode=fields.pop("postcode", "1030"),
        wheelchair=fields.pop("wheelchair", "unknown"),
    )
    if at is not None:
        location.lat, location.lon = at
    tag_location(location)
    service = Service(organization=org, name_fr=name_fr, locations=[location], **fields)
    service.sectors = [db.session.get(Sector, code) for code in sectors]
    service.phones = [Phone(number="+3222220000")]
    db.session.add(service)
    db.session.flush()
    return service
