"""Coordination and orientation functions (concertation organiser, case manager, RAQ…): a bilingual vocabulary kept
as data in directory/data/functions.csv, with plain definitions and how each differs from its neighbours.

A function is neither a sector nor a public: a service declares the functions it offers at all its locations
(`Service.functions`) with the conditions of access to them (`Service.function_conditions`, codes of `CONDITIONS`),
and may declare more per location, each with its own conditions (`ServiceFunction`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import Model

if TYPE_CHECKING:
    from directory.models.services import Location, Service

#: structured conditions a service may declare for the functions it offers: who is eligible, who may ask
ELIGIBILITY = ("lives_in_region", "adult", "has_network", "insurance_not_required", "not_in_other_scheme")
REQUESTERS = ("asked_by_person", "asked_by_carer", "asked_by_professional")
CONDITIONS = ELIGIBILITY + REQUESTERS


class CoordinationFunction(Model):
    """One function, e.g. "organisateur de concertation / overlegorganisator"."""

    __tablename__ = "coordination_function"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(120))
    name_nl: Mapped[str] = mapped_column(String(120))
    synonyms: Mapped[str] = mapped_column(Text, default="")  # "|"-separated other names, both languages
    definition_fr: Mapped[str] = mapped_column(Text, default="")
    definition_nl: Mapped[str] = mapped_column(Text, default="")
    contrast_fr: Mapped[str] = mapped_column(Text, default="")  # how it differs from its neighbours
    contrast_nl: Mapped[str] = mapped_column(Text, default="")
    neighbours: Mapped[str] = mapped_column(String(200), default="")  # "|"-separated codes of close functions
    source: Mapped[str] = mapped_column(String(300), default="")  # the context documents the definition is from

    @property
    def names(self) -> list[str]:
        """Every name of the function, FR and NL: the two names, then the other names."""
        return [self.name_fr, self.name_nl, *(t for t in self.synonyms.split("|") if t)]

    @property
    def neighbour_codes(self) -> list[str]:
        """Codes of the functions it is most often confused with."""
        return [c for c in self.neighbours.split("|") if c]


class ServiceFunction(Model):
    """A function a service offers at one of its locations, with the conditions that hold there (codes of
    `CONDITIONS`). What a service offers at every location stays in `Service.functions` / `function_conditions`."""

    __tablename__ = "service_function"
    __table_args__ = (UniqueConstraint("service_id", "location_id", "function", name="uq_service_function"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"), index=True)
    function: Mapped[str] = mapped_column(ForeignKey("coordination_function.code"))
    conditions: Mapped[list[str]] = mapped_column(JSON, default=list)

    service: Mapped[Service] = relationship(back_populates="function_offers")
    location: Mapped[Location] = relationship()
