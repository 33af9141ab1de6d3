"""The importer interface: a parser turns one source file into `ServiceRecord`s and `RowError`s.

Importers never touch the database session or the search index; `directory.importing` validates,
tags, de-duplicates and upserts what they yield.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar


@dataclass
class ServiceRecord:
    """One service at one place, as a source describes it (raw strings; validated by the runner).

    One attribute per field declared in `directory.fields` (`Field.record_names`; a test checks it)."""

    source_id: str
    line: int
    name_fr: str = ""
    name_nl: str = ""
    organization_fr: str = ""
    organization_nl: str = ""
    description_fr: str = ""
    description_nl: str = ""
    easy_description_fr: str = ""
    easy_description_nl: str = ""
    sectors: list[str] = field(default_factory=list)
    publics: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    function_conditions: list[str] = field(default_factory=list)
    location_functions: str = ""  # "code[condition;condition]|code": functions offered at this location only
    phones: list[str] = field(default_factory=list)
    email: str = ""
    website: str = ""
    opening_hours: str = ""
    hours_note_fr: str = ""
    hours_note_nl: str = ""
    cost: str = ""
    cost_details_fr: str = ""
    cost_details_nl: str = ""
    access: str = ""
    access_details_fr: str = ""
    access_details_nl: str = ""
    documents_fr: str = ""
    documents_nl: str = ""
    agreements_fr: str = ""
    agreements_nl: str = ""
    area_served_fr: str = ""
    area_served_nl: str = ""
    wheelchair: str = ""
    accessibility_note_fr: str = ""
    accessibility_note_nl: str = ""
    availability: str = ""
    availability_delay_days: str = ""
    status: str = ""
    closed_from: str = ""
    closed_until: str = ""
    street_fr: str = ""
    street_nl: str = ""
    house_number: str = ""
    postcode: str = ""
    lat: float | None = None
    lon: float | None = None
    bce_number: str = ""
    licence: str = ""
    source_date: str = ""  # the date the source gives for these facts ("2020-02-01", "2026"), never the import date


@dataclass
class RowError:
    """A row the parser could not read at all (`level` "error": rejected), or a value it could not read
    ("warning": the row goes on without it). `reason` is an English msgid with %(name)s parameters."""

    line: int
    field: str
    reason: str
    params: dict = dataclasses.field(default_factory=dict)  # (the attribute `field` hides the function here)
    level: str = "error"


class Importer:
    """Base class of every source format. Subclasses set `name`, `description`, `licence` and `parse`."""

    name: ClassVar[str]
    description: ClassVar[str]
    licence: ClassVar[str] = ""
    suffixes: ClassVar[tuple[str, ...]] = ()

    def parse(self, path: Path) -> Iterator[ServiceRecord | RowError]:
        raise NotImplementedError
