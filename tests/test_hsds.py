"""Open Referral HSDS 3.0: every export validates against the official schemas, every declared field of a fiche
survives export → import (JSON and tabular), and a file written by another tool imports too."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from directory import create_app, fields
from directory.extensions import db
from directory.importing.run import run_import
from directory.models import Service
from directory.models.services import whole_service
from directory.operations.editing import current_values
from directory.operations.hsds import export_services
from importers.hsds import HsdsImporter, hours_from_schedules
from importers.hsds_tabular import compile_tables, flatten, read_tables, write_tables
from importers.template import TemplateImporter
from tests.conftest import _config
from tests.hsds_schema import errors, tabular_errors

DATA = Path(__file__).parent / "data"
EXAMPLE = Path(__file__).parent.parent / "docs" / "examples" / "template-example.csv"
EVERY_FIELD = DATA / "template-every-field.csv"
OTHER_TOOL = DATA / "hsds-other-tool.json"
SHARED = ("organization", "location", "taxonomy_term")


def _fiches() -> list[dict[str, Any]]:
    """Every declared field of every fiche: the editing state, the organization's names and BCE number."""
    services = db.session.scalars(select(Service).options(*whole_service()).order_by(Service.id))
    return [
        current_values(s)
        | {"organisation": (s.organization.name_fr, s.organization.name_nl, s.organization.bce_number)}
        | {"function_offers": _offers(s)}
        for s in services
    ]


def _offers(service: Service) -> list[tuple[str, str, str, list[str]]]:
    """The functions offered at one location: function, the location's street and postcode, conditions."""
    return sorted(
        (o.function, o.location.street_fr, o.location.postcode, list(o.conditions)) for o in service.function_offers
    )


def _without_ids(value: Any) -> Any:
    """An export without its ids (organizations and locations get new database ids in another database)."""
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k != "id" and not k.endswith("_id")}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def _other_app(tmp_path: Path, seeded_database: Path, meili_server: Any) -> Flask:
    """A second application on a copy of the seeded database: reference data, no fiches."""
    shutil.copy(seeded_database, tmp_path / "second.sqlite3")
    other = create_app(_config(f"sqlite:///{tmp_path / 'second.sqlite3'}", meili_server, "hsds2_"))
    other.config["SEARCH_SYNC_ON_COMMIT"] = False
    return other


def _close(other: Flask) -> None:
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
    other.extensions["meili"].close()


@pytest.mark.parametrize("form", ["json", "tabular"])
def test_every_declared_field_survives_export_and_import(
    app: Flask, tmp_path: Path, seeded_database: Path, meili_server: Any, form: str
) -> None:
    with app.app_context():
        for path in (EVERY_FIELD, EXAMPLE):
            report = run_import(TemplateImporter(), path, source="fed")
            assert (report.rejected, report.issues) == (0, [])
        before = _fiches()
        first = list(export_services())
        assert list(export_services()) == first  # stable ids
    every = before[0]
    for field in fields.EDITABLE:
        for key in field.keys:
            assert every[key] not in ("", None, [], field.empty), f"the test file leaves {key} empty"
    assert all(every["organisation"])
    assert every["function_offers"] == [
        ("case_manager", "Rue Test", "1030", ["adult", "asked_by_person"]),
        ("hospital_referent", "Rue Test", "1030", []),
    ]
    assert [errors("service", service) for service in first] == [[]] * len(first)
    ids = [value for service in first for value in _ids(service)]
    assert len(ids) == len(set(ids)), "an id names two objects"

    if form == "json":
        path = tmp_path / "hsds.json"
        path.write_text(json.dumps(first), encoding="utf-8")
    else:
        path = tmp_path / "hsds-tables"
        write_tables(flatten(first), path)
        assert tabular_errors(path) == []
        assert compile_tables(read_tables(path)) == first  # the tabular form loses nothing

    other = _other_app(tmp_path, seeded_database, meili_server)
    with other.app_context():
        report = run_import(HsdsImporter(), path, source="hsds")
        assert (report.created, report.rejected, report.issues) == (4, 0, [])
        after = _fiches()
        second = list(export_services())
    _close(other)
    assert after == before
    assert [s["id"] for s in second] == [s["id"] for s in first]
    for a, b in zip(_without_ids(first), _without_ids(second), strict=True):
        assert a.pop("x_qfq").pop("source") == "fed" and b.pop("x_qfq").pop("source") == "hsds"
        assert a == b


def _ids(obj: Any) -> list[str]:
    """The ids of an object and of the objects it contains, but for shared ones (organization, location, term)."""
    if isinstance(obj, list):
        return [i for item in obj for i in _ids(item)]
    if not isinstance(obj, dict):
        return []
    own = [obj["id"]] if "id" in obj else []
    return own + [i for key, value in obj.items() if key not in SHARED for i in _ids(value)]


def test_a_file_written_by_another_tool_imports(app: Flask) -> None:
    """The specification's own example objects: read what maps onto a fiche; an address outside Brussels is refused."""
    contents = json.loads(OTHER_TOOL.read_text(encoding="utf-8"))["contents"]
    assert [errors("service", service) for service in contents] == [[], []]
    with app.app_context():
        report = run_import(HsdsImporter(), OTHER_TOOL, source="other")
        assert (report.created, report.rejected) == (1, 1)
        assert {(i.line, i.field) for i in report.issues if i.level == "error"} == {(2, "postcode")}
        service = db.session.scalar(select(Service).where(Service.source == "other"))
        assert (service.name_fr, service.organization.name_fr) == ("Community Counselling", "Example Organization Inc.")
        assert service.cost_details_fr.startswith("Non-NHS patients are expected to pay")
        assert service.access_details_fr.startswith("If you are an NHS patient")
        assert service.documents_fr.startswith("Any official identification document")
        assert (service.email, service.website) == ("email@example.com", "http://example.com/counselling")
        assert (service.languages, service.opening_hours) == (["ur"], "Th 10:00-18:00; Fr 10:00-18:00")
        assert str(service.status) == "active" and service.sectors == []


def test_schedules_without_extension() -> None:
    rows = [
        {"freq": "WEEKLY", "byday": "MO,TU", "opens_at": "09:00", "closes_at": "12:00"},
        {"freq": "WEEKLY", "byday": "MO", "opens_at": "13:00:00", "closes_at": "17:00:00"},
    ]
    assert hours_from_schedules(rows) == "Mo 09:00-12:00,13:00-17:00; Tu 09:00-12:00"
