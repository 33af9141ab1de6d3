"""The typed records an import run passes from one stage to the next."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from directory.extensions import db
from directory.models import Public, Sector
from directory.operations.validation import term_lookup


@dataclass
class CleanRecord:
    """A record after validation: column → value maps for its service and its location, and its lists."""

    service: dict[str, Any]
    location: dict[str, Any]
    sectors: list[str] = field(default_factory=list)
    publics: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    #: (function code, condition codes) offered at this record's location only
    location_functions: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass
class Vocabulary:
    """Sectors and publics: lookups from codes and FR/NL names, and the rows by code."""

    sector_terms: dict[str, str]
    public_terms: dict[str, str]
    sectors: dict[str, Sector]
    publics: dict[str, Public]

    @classmethod
    def load(cls) -> Vocabulary:
        """The current vocabulary (read once per batch, in the batch's transaction)."""
        sectors = {s.code: s for s in db.session.scalars(select(Sector))}
        publics = {p.code: p for p in db.session.scalars(select(Public))}
        return cls(
            sector_terms=term_lookup({c: (s.name_fr, s.name_nl) for c, s in sectors.items()}),
            public_terms=term_lookup({c: (p.name_fr, p.name_nl) for c, p in publics.items()}),
            sectors=sectors,
            publics=publics,
        )
