"""The declaration of a fiche's fields is the one list: the form, the import template and its documentation,
the importer's record, the editing state and the search facets all follow it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from directory import fields
from directory.forms import ServiceForm
from directory.importing.validation import LIMITED
from directory.models import Location, Organization, Service
from directory.operations import editing
from directory.search.settings import FACETS
from importers.base import ServiceRecord
from importers.template import COLUMNS, documentation_table, record_from_row
from tests.account_helpers import Team, sign_in

DOC = Path(__file__).parent.parent / "docs" / "import-template.md"


def test_the_template_documentation_follows_the_declaration(app: Flask) -> None:
    with app.test_request_context():
        table = documentation_table()
    assert table in DOC.read_text(encoding="utf-8"), "update docs/import-template.md with this table:\n" + table
    assert table.count("\n") == 2 + sum(1 for f in fields.FIELDS if f.columns)


def test_every_declared_field_has_a_column_a_record_attribute_and_a_form_field() -> None:
    record = {f.name for f in dataclasses.fields(ServiceRecord)} - {"line", "licence", "source_date"}  # provenance
    assert record == {name for f in fields.FIELDS for name in f.record_names}
    assert len(COLUMNS) == len(set(COLUMNS)) == len(record)
    assert all(hasattr(ServiceForm, name) for f in fields.EDITABLE if f.kind != "hours" for name in f.names)
    assert tuple(key for f in fields.EDITABLE for key in f.keys) == editing.KEYS
    models = {"service": Service, "location": Location, "organization": Organization}
    for field in fields.FIELDS:
        if field.owner in ("service", "location"):
            assert all(hasattr(models[field.owner], name) for name in field.names), field.name
    assert {f.facet for f in fields.FIELDS if f.facet} <= set(FACETS)


def test_declared_lengths_are_the_column_lengths() -> None:
    """The form refuses what the database could not hold, and the import checks the same lengths."""
    assert set(LIMITED) == {n for f in fields.FIELDS if f.kind in ("text", "email", "url") for n in f.record_names}
    for name, column in LIMITED.items():
        field = next(f for f in fields.FIELDS if name in f.record_names)
        assert field.max_length == column.type.length, name


def test_a_template_row_fills_every_record_attribute() -> None:
    row = {column: "1" for column in COLUMNS}
    record = record_from_row(row, 2)
    assert isinstance(record, ServiceRecord)
    empty = [f.name for f in dataclasses.fields(ServiceRecord) if getattr(record, f.name) in ("", [], None)]
    assert empty == ["licence", "source_date"]  # provenance the parser sets, not template columns


def test_labels_of_a_pair_name_the_language(app: Flask) -> None:
    with app.test_request_context(), app.app_context():
        from flask_babel import force_locale

        with force_locale("nl"):
            assert fields.label("location.accessibility_note_nl") == "Opmerking over toegankelijkheid (Nederlands)"
            assert fields.label("phones") == "Telefoonnummers"


def test_the_edit_page_shows_every_editable_field(client: FlaskClient, team: Team) -> None:
    page = sign_in(client, team.editor).get(f"/fr/edit/services/{team.own}").data.decode()
    missing = [n for f in fields.EDITABLE if f.kind != "hours" for n in f.names if f'name="{n}"' not in page]
    assert missing == [], "templates/edit/form.html does not show these declared fields"
