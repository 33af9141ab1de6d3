"""Validation of one parsed record: clean values, or rejection with the reasons in the report.

The value checks themselves (`directory.operations.validation`) are shared with the edit form.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from directory import fields
from directory.extensions import db
from directory.geo.tagging import point_in_region
from directory.importing.dates import parse_source_date
from directory.importing.locating import Geocoding
from directory.importing.records import CleanRecord, Vocabulary
from directory.importing.report import ImportReport
from directory.models import Location, Organization, PostalCode, Service
from directory.models.functions import CONDITIONS
from directory.operations import validation as v
from directory.operations.vocabulary import terms_lookup
from importers.base import ServiceRecord


class _Row:
    """Collects the issues of one record while it is cleaned."""

    def __init__(self, record: ServiceRecord, report: ImportReport):
        self.record, self.report, self.rejected = record, report, False
        self.refused: set[str] = set()  # fields with an error already: one error per field is enough

    def issue(self, level: str, field_name: str, exc: v.Invalid) -> None:
        self.report.add(self.record.line, level, field_name, exc.reason, exc.params)
        self.rejected = self.rejected or level == "error"
        if level == "error":
            self.refused.add(field_name)

    def optional(self, field_name: str, fn: Callable[[Any], Any], raw: Any, default: Any = "") -> Any:
        """Clean a value; an invalid one is dropped with a warning."""
        if not raw:
            return default
        try:
            return fn(raw)
        except v.Invalid as exc:
            self.issue("warning", field_name, exc)
            return default

    def choice(self, field: fields.Field, raw: str) -> str:
        """One of the allowed values of an enum field; its default when absent or invalid."""
        return self.optional(field.name, lambda x: v.clean_choice(field.choices, x), raw, field.default)


CLEAN: dict[str, Callable[[Any], Any]] = {"email": v.clean_email, "url": v.clean_url, "date": v.clean_date}
CLEAN |= {"languages": v.clean_languages, "integer": v.clean_days}


def _terms(field: fields.Field, raw: list[str]) -> list[str]:
    """Codes of a "terms" field from codes or names (an unknown one is refused with the closest suggested)."""
    return sorted(set(v.match_codes(raw, terms_lookup(field.choices), field.choices)))


_OFFER = re.compile(r"^\s*([^\[\]]+?)\s*(?:\[([^\[\]]*)\])?\s*$")


def parse_offers(raw: str) -> tuple[list[tuple[str, list[str]]], list[v.Invalid]]:
    """The `location_functions` syntax, "concertation_organiser[adult;asked_by_person]|case_manager": functions
    (codes or names) separated by |, each with its conditions (codes) in brackets separated by ;. Returns the
    (function code, condition codes) read, and one Invalid per item that cannot be read or names an unknown code
    (that item is left out)."""
    offers: dict[str, list[str]] = {}
    problems: list[v.Invalid] = []
    functions, conditions = terms_lookup("function"), terms_lookup("function_condition")
    for item in (i for i in raw.split("|") if i.strip()):
        found = _OFFER.match(item)
        if found is None:
            problems.append(
                v.Invalid("Cannot read “%(value)s”: write function[condition;condition].", value=item.strip())
            )
            continue
        try:
            code = v.match_codes([found.group(1)], functions, "function")[0]
            codes = v.match_codes((found.group(2) or "").split(";"), conditions, "function_condition")
            codes = [c for c in CONDITIONS if c in codes]
        except v.Invalid as exc:
            problems.append(exc)
            continue
        offers[code] = codes
    return list(offers.items()), problems


#: owner → (attribute, field) of the declared fields by how they are cleaned, read once rather than for each row
_TEXTS = {
    owner: tuple(n for f in fields.owned_by(owner) if f.kind in ("text", "area") for n in f.names)
    for owner in ("service", "location")
}
_OTHERS = {
    owner: tuple((n, f) for f in fields.owned_by(owner) if f.kind in ("choice", "terms", *CLEAN) for n in f.names)
    for owner in ("service", "location")
}


def _cleaned(row: _Row, owner: str) -> dict[str, Any]:
    """The record's values of the fields declared for `owner` (texts stripped; invalid values dropped with a
    warning); coordinates and hours are cleaned by the caller."""
    record = row.record
    values: dict[str, Any] = {}
    for name in _TEXTS[owner]:
        raw = getattr(record, name)
        values[name] = raw.strip() if isinstance(raw, str) else raw
    for name, field in _OTHERS[owner]:
        raw = getattr(record, name)
        raw = raw.strip() if isinstance(raw, str) else raw
        if field.kind == "choice":
            values[name] = row.choice(field, raw)
        elif field.kind == "terms":
            values[name] = row.optional(field.name, functools.partial(_terms, field), raw, [])
        else:
            values[name] = row.optional(field.name, CLEAN[field.kind], raw, field.empty)
    return values


def _check_place(row: _Row, r: ServiceRecord) -> None:
    """Reject a postcode outside the region, half a coordinate pair, or a point outside the region."""
    if r.postcode and db.session.get(PostalCode, r.postcode.strip()) is None:
        row.issue(
            "error",
            "postcode",
            v.Invalid("Postcode %(value)s is not in the Brussels-Capital Region.", value=r.postcode),
        )
    if r.lat is None or r.lon is None:
        if (r.lat is None) != (r.lon is None):
            row.issue("error", "lat", v.Invalid("Give both latitude and longitude, or neither."))
    elif not point_in_region(r.lat, r.lon):
        row.issue(
            "error",
            "lat",
            v.Invalid(
                "The coordinates %(lat)s, %(lon)s are outside the Brussels-Capital Region.", lat=r.lat, lon=r.lon
            ),
        )


# Record fields stored in a column of limited length (the declared text fields): a longer value is reported, never
# cut (SQLite would keep it whole, PostgreSQL would refuse the whole batch).
MODELS: dict[str, type] = {"service": Service, "location": Location, "organization": Organization}
LIMITED = {
    record_name: getattr(MODELS.get(field.owner, Service), name)
    for field in fields.FIELDS
    if field.kind in ("text", "email", "url")
    for name, record_name in zip(field.names, field.record_names, strict=True)
}


_LIMITS = tuple((name, column.type.length) for name, column in LIMITED.items() if column.type.length)


def _check_lengths(row: _Row, r: ServiceRecord) -> None:
    for name, limit in _LIMITS:
        value = getattr(r, name)
        if len(value) > limit and len(value := value.strip()) > limit and name not in row.refused:
            too_long = v.Invalid(
                "Too long: %(length)s characters, at most %(max)s fit. Shorten it; nothing was cut.",
                length=len(value),
                max=limit,
            )
            row.issue("error", name, too_long)


def clean_record(
    record: ServiceRecord, report: ImportReport, vocab: Vocabulary, geocoding: Geocoding | None = None
) -> CleanRecord | None:
    """Validated values of a record, or None when it is rejected (issues are added to the report)."""
    row = _Row(record, report)
    r = record
    if not (r.name_fr.strip() or r.name_nl.strip()):
        row.issue("error", "name", v.Invalid("Missing name (name_fr or name_nl)."))
    _check_place(row, r)
    _check_lengths(row, r)
    sectors: list[str] = []
    try:
        sectors = v.match_codes(r.sectors, vocab.sector_terms, "sector")
    except v.Invalid as exc:
        row.issue("error", "sector", exc)
    publics = row.optional("public", lambda raw: v.match_codes(raw, vocab.public_terms, "public"), r.publics, [])
    hours = row.optional("opening_hours", v.clean_hours, r.opening_hours.strip(), None)
    hours_note_fr, hours_note_nl = r.hours_note_fr, r.hours_note_nl
    if r.opening_hours.strip() and hours is None:  # keep what the source said, as a note, rather than lose it
        hours_note_fr = hours_note_fr or r.opening_hours.strip()
        hours_note_nl = hours_note_nl or r.opening_hours.strip()
    phones = [p for p in (row.optional("phone", v.clean_phone, raw) for raw in r.phones) if p]
    location_functions: list[tuple[str, list[str]]] = []
    if r.location_functions.strip():
        location_functions, problems = parse_offers(r.location_functions)
        for problem in problems:
            row.issue("warning", "location_functions", problem)
    if row.rejected:
        report.rejected += 1
        return None
    lat, lon, precision = r.lat, r.lon, ("source" if r.lat is not None else None)
    if lat is None and geocoding is not None and (r.street_fr.strip() or r.street_nl.strip()) and r.postcode.strip():
        found = geocoding.locate(record, report)
        if found is not None:
            lat, lon, precision = found.lat, found.lon, found.precision
    service = _cleaned(row, "service") | {"opening_hours": hours, "source_date": parse_source_date(r.source_date)}
    service |= {"hours_note_fr": hours_note_fr, "hours_note_nl": hours_note_nl}
    location = _cleaned(row, "location") | {"lat": lat, "lon": lon, "geocode_precision": precision}
    return CleanRecord(
        service=service,
        location=location,
        sectors=sectors,
        publics=publics,
        phones=phones,
        location_functions=location_functions,
    )
