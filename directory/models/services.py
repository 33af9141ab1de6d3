"""The directory itself, shaped after Open Referral HSDS 3.0: Organization → Service ⇄ Location, plus phones.

Every text a reader sees exists in French and Dutch (`*_fr`, `*_nl`); `directory.i18n.localized` picks one
with a visible fallback. Opening hours are stored in OpenStreetMap `opening_hours` syntax, a structured,
standard format from which "open now" is computed (`directory.operations.hours`); NULL means "hours unknown".
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Column, DateTime, Enum, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from directory.extensions import Model, db
from directory.models.base import utcnow
from directory.models.functions import ServiceFunction
from directory.models.geography import Bassin, Commune, Quartier
from directory.models.vocabulary import Public, Sector


class ServiceStatus(enum.StrEnum):
    ACTIVE = "active"
    TEMPORARILY_CLOSED = "temporarily_closed"
    INACTIVE = "inactive"


class Cost(enum.StrEnum):
    FREE = "free"
    REDUCED = "reduced"  # income-based, symbolic or "tiers payant"
    PAID = "paid"
    UNKNOWN = "unknown"


class AccessCondition(enum.StrEnum):
    UNCONDITIONAL = "unconditional"  # walk in
    APPOINTMENT = "appointment"
    REGISTRATION = "registration"  # registration / membership (e.g. a maison médicale)
    REFERRAL = "referral"  # needs a referral by a professional
    UNKNOWN = "unknown"


class Accessibility(enum.StrEnum):
    YES = "yes"
    LIMITED = "limited"
    NO = "no"
    UNKNOWN = "unknown"


class Availability(enum.StrEnum):
    ACCEPTING = "accepting"
    WAITING_LIST = "waiting_list"
    FULL = "full"
    CLOSED = "closed"
    UNKNOWN = "unknown"


def _enum(cls: type[enum.Enum]) -> Enum:
    values = [m.value for m in cls]
    return Enum(cls, native_enum=False, validate_strings=True, values_callable=lambda _: values, length=30)


service_sector = Table(
    "service_sector",
    db.metadata,
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_code", ForeignKey("sector.code"), primary_key=True),
)
service_public = Table(
    "service_public",
    db.metadata,
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
    Column("public_code", ForeignKey("public.code"), primary_key=True),
)
service_at_location = Table(
    "service_at_location",
    db.metadata,
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
    Column("location_id", ForeignKey("location.id", ondelete="CASCADE"), primary_key=True),
)


class Organization(Model):
    """A legal or de facto body (ASBL/VZW, CPAS/OCMW, hospital) that provides services."""

    __table_args__ = (UniqueConstraint("source", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(200), default="")
    name_nl: Mapped[str] = mapped_column(String(200), default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_nl: Mapped[str] = mapped_column(Text, default="")
    bce_number: Mapped[str | None] = mapped_column(String(12))  # BCE/KBO, 10 digits
    website: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(40), default="manual")
    source_id: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    services: Mapped[list[Service]] = relationship(back_populates="organization", cascade="all, delete-orphan")


class Location(Model):
    """A physical place; its commune, quartier and bassin are set by `directory.geo.tagging`."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(200), default="")
    name_nl: Mapped[str] = mapped_column(String(200), default="")
    street_fr: Mapped[str] = mapped_column(String(200), default="")
    street_nl: Mapped[str] = mapped_column(String(200), default="")
    house_number: Mapped[str] = mapped_column(String(20), default="")
    postcode: Mapped[str] = mapped_column(String(4), default="")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    geocode_precision: Mapped[str | None] = mapped_column(String(20))  # source|address|street|postcode
    commune_nis: Mapped[str | None] = mapped_column(ForeignKey("commune.nis"), index=True)
    quartier_code: Mapped[str | None] = mapped_column(ForeignKey("quartier.code"), index=True)
    bassin_code: Mapped[str | None] = mapped_column(ForeignKey("bassin.code"), index=True)
    area_to_review: Mapped[bool] = mapped_column(default=False)
    area_note: Mapped[str] = mapped_column(Text, default="")
    wheelchair: Mapped[Accessibility] = mapped_column(_enum(Accessibility), default=Accessibility.UNKNOWN)
    accessibility_note_fr: Mapped[str] = mapped_column(Text, default="")
    accessibility_note_nl: Mapped[str] = mapped_column(Text, default="")

    commune: Mapped[Commune | None] = relationship()
    quartier: Mapped[Quartier | None] = relationship()
    bassin: Mapped[Bassin | None] = relationship()
    services: Mapped[list[Service]] = relationship(secondary=service_at_location, back_populates="locations")


class Service(Model):
    """What an organization does for people: the unit a professional searches for and refers to."""

    __table_args__ = (UniqueConstraint("source", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name_fr: Mapped[str] = mapped_column(String(200), default="")
    name_nl: Mapped[str] = mapped_column(String(200), default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_nl: Mapped[str] = mapped_column(Text, default="")
    # one short sentence in everyday words, written by the service for the easy-read cards (docs/easy-read.md)
    easy_description_fr: Mapped[str] = mapped_column(String(120), default="")
    easy_description_nl: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    website: Mapped[str] = mapped_column(String(300), default="")

    status: Mapped[ServiceStatus] = mapped_column(_enum(ServiceStatus), default=ServiceStatus.ACTIVE)
    closed_from: Mapped[date | None]
    closed_until: Mapped[date | None]

    cost: Mapped[Cost] = mapped_column(_enum(Cost), default=Cost.UNKNOWN)
    cost_details_fr: Mapped[str] = mapped_column(Text, default="")
    cost_details_nl: Mapped[str] = mapped_column(Text, default="")

    access: Mapped[AccessCondition] = mapped_column(_enum(AccessCondition), default=AccessCondition.UNKNOWN)
    access_details_fr: Mapped[str] = mapped_column(Text, default="")
    access_details_nl: Mapped[str] = mapped_column(Text, default="")
    documents_fr: Mapped[str] = mapped_column(Text, default="")  # what to bring
    documents_nl: Mapped[str] = mapped_column(Text, default="")
    # who recognises or subsidises the service (agréments/erkenningen), and the territory it serves
    agreements_fr: Mapped[str] = mapped_column(Text, default="")
    agreements_nl: Mapped[str] = mapped_column(Text, default="")
    area_served_fr: Mapped[str] = mapped_column(Text, default="")
    area_served_nl: Mapped[str] = mapped_column(Text, default="")

    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO 639-1 codes spoken
    # coordination functions offered (codes of `CoordinationFunction`) and their conditions (`functions.CONDITIONS`)
    functions: Mapped[list[str]] = mapped_column(JSON, default=list)
    function_conditions: Mapped[list[str]] = mapped_column(JSON, default=list)
    opening_hours: Mapped[str | None] = mapped_column(Text)  # OSM opening_hours syntax; NULL = unknown
    hours_note_fr: Mapped[str] = mapped_column(Text, default="")
    hours_note_nl: Mapped[str] = mapped_column(Text, default="")

    availability: Mapped[Availability] = mapped_column(_enum(Availability), default=Availability.UNKNOWN)
    availability_delay_days: Mapped[int | None]
    availability_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # last checked by a person
    verified_by: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(40), default="manual")
    source_id: Mapped[str | None] = mapped_column(String(120))
    source_licence: Mapped[str] = mapped_column(String(200), default="")
    source_date: Mapped[date | None]  # the date the source gives for its facts (never the import date)
    field_provenance: Mapped[dict] = mapped_column(JSON, default=dict)  # field → {"source": ..., "human": bool}
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # indexed: the bassin dashboard reads its maximum on every view to know whether a fiche changed
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow, index=True)

    organization: Mapped[Organization] = relationship(back_populates="services")
    sectors: Mapped[list[Sector]] = relationship(secondary=service_sector, order_by=Sector.code)
    publics: Mapped[list[Public]] = relationship(secondary=service_public, order_by=Public.code)
    locations: Mapped[list[Location]] = relationship(
        secondary=service_at_location, back_populates="services", order_by=Location.id
    )
    phones: Mapped[list[Phone]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="Phone.id"
    )
    # functions offered at one location only, each with its conditions (the ones of every location: `functions`)
    function_offers: Mapped[list[ServiceFunction]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="ServiceFunction.id"
    )


class Phone(Model):
    """A phone number of a service, stored in E.164 (+32...) and formatted for display."""

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(10), default="voice")  # voice|fax|sms
    label_fr: Mapped[str] = mapped_column(String(120), default="")
    label_nl: Mapped[str] = mapped_column(String(120), default="")

    service: Mapped[Service] = relationship(back_populates="phones")


def whole_service() -> tuple[LoaderOption, ...]:
    """Loader options for a service with everything a fiche or an index document shows, in a few queries."""
    return (
        joinedload(Service.organization),
        selectinload(Service.sectors),
        selectinload(Service.publics),
        selectinload(Service.phones),
        selectinload(Service.function_offers),
        selectinload(Service.locations).options(
            joinedload(Location.commune), joinedload(Location.quartier), joinedload(Location.bassin)
        ),
    )
