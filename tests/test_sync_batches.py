"""An import keeps the index in step in a few large pushes, not one per commit, and new fiches skip the delete."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from directory.importing.run import run_import
from directory.search import get_client, index_name, sync
from directory.search.sync import wait_until_indexed
from importers.template import TemplateImporter


def _tasks(kind: str) -> int:
    answer = get_client().request("GET", "/tasks", params={"indexUids": index_name(), "types": kind, "limit": 100})
    return len(answer["results"])


def test_an_import_pushes_in_batches_and_ends_in_step(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sync, "PUSH_AT", 3)
    path = tmp_path / "rows.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["source_id", "name_fr", "sectors", "lat", "lon"])
        for i in range(7):
            writer.writerow([f"r{i}", f"Service lot {i}", "food_aid", f"{50.85 + i / 1000:.4f}", "4.35"])
    with app.app_context():
        before = _tasks("documentAdditionOrUpdate"), _tasks("documentDeletion")
        report = run_import(TemplateImporter(), path, source="lots", batch_size=2)  # 4 commits
        wait_until_indexed()
        additions = _tasks("documentAdditionOrUpdate") - before[0]
        assert report.created == 7
        assert additions == 2  # 4 services pending after the 2nd commit, 3 after the 4th
        assert _tasks("documentDeletion") == before[1]  # new fiches have no documents to delete
        stats = get_client().request("GET", f"/indexes/{index_name()}/stats")
        assert stats["numberOfDocuments"] == 7
        again = run_import(TemplateImporter(), path, source="lots", batch_size=2)
        assert again.unchanged == 7


def test_documents_built_in_bulk_equal_those_built_from_each_service(app: Flask):
    """`documents_of` (plain SQL, the import's path) gives exactly the documents of `build_documents` (ORM)."""
    from sqlalchemy import select

    from directory.extensions import db
    from directory.models import Location, Phone, Public, Service
    from directory.models.services import whole_service
    from directory.search.documents import build_documents, documents_of
    from tests.factories import make_service

    with app.app_context():
        plain = make_service("Pharmacie simple")
        rich = make_service(
            "Relais social",
            ("social_work_centre", "food_aid"),
            functions=["helpdesk"],
            function_conditions=["adult"],
            languages=["nl", "fr"],
            cost="free",
            opening_hours="Mo-Fr 09:00-17:00",
            description_nl="Hulp",
            website="https://relais.example.org",
        )
        rich.publics = [db.session.get(Public, code) for code in db.session.scalars(select(Public.code).limit(2))]
        rich.phones.append(Phone(number="+3225551234"))
        rich.locations.append(Location(street_fr="Rue Neuve", postcode="1000", lat=50.853, lon=4.357))
        nowhere = make_service("Permanence mobile", at=None)
        nowhere.locations = []
        gone = make_service("Service fermé", status="inactive")
        db.session.commit()
        ids = {plain.id, rich.id, nowhere.id, gone.id, 999_999}
        loaded = db.session.scalars(
            select(Service).where(Service.id.in_(ids)).options(*whole_service()).order_by(Service.id)
        )
        expected = [doc for service in loaded for doc in build_documents(service)]
        assert len(expected) == 4  # two places, one without a place, the inactive one leaves the index
        assert expected[1]["function_fr"] and expected[1]["public"] and len(expected[1]["phones"]) == 2
        assert documents_of(db.session(), ids) == expected


def test_areas_of_a_whole_batch_are_those_of_each_place(app: Flask):
    """The import tags a batch's locations in a few vectorised calls (`areas_many`): same answers as `areas`."""
    import random

    from directory.geo.tagging import areas, areas_many

    rnd = random.Random(7)
    places: list[tuple[float | None, float | None, str | None]] = [
        (50.80 + rnd.random() * 0.12, 4.25 + rnd.random() * 0.22, None) for _ in range(300)
    ]  # the region's bounding box: inside, near the edge and outside
    places += [(None, None, "1000"), (None, None, "1030"), (None, None, "9999"), (50.8467, 4.3525, "1000")]
    with app.app_context():
        expected = [areas(*place) for place in places]
        assert areas_many(places) == expected
        assert {e["area_note"] for e in expected} > {""}  # some outside, some to review


def _capture_prebuilt(monkeypatch: pytest.MonkeyPatch) -> dict[int, list[dict]]:
    """Record the documents the bulk insert builds from the values it inserts (passed to `sync.enqueue`)."""
    from directory.importing import bulk

    captured: dict[int, list[dict]] = {}

    def recording(session, service_ids, new=False, documents=None):  # type: ignore[no-untyped-def]
        captured.update(documents or {})
        sync.enqueue(session, service_ids, new=new, documents=documents)

    monkeypatch.setattr(bulk, "enqueue", recording)
    return captured


@pytest.fixture
def time_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The process's local time zone set to the parameter for the test, then restored."""
    import time

    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("time_zone", ["UTC", "Europe/Brussels"], indirect=True)
def test_documents_built_from_inserted_values_equal_those_read_back(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, time_zone: str
):
    """An import builds its new services' documents (and fallback text) from the values it inserts: exactly what
    `documents_of` reads back once committed, for every field of the template and an organization that exists,
    whatever the server's time zone (SQLite gives back dates without their zone)."""
    from directory.extensions import db
    from directory.models import Organization
    from directory.search import textindex
    from directory.search.documents import documents_of

    data = Path(__file__).parent / "data"
    captured = _capture_prebuilt(monkeypatch)
    with app.app_context():
        for name in ("template-every-field.csv", "template-mixed.csv"):
            assert run_import(TemplateImporter(), data / name, source="values").created
        org = db.session.scalars(db.select(Organization).where(Organization.source == "values")).first()
        assert org is not None
        org.website = "https://org.example.org"  # a known organization's website fills a service's missing one
        db.session.commit()
        later = tmp_path / "later.csv"
        later.write_text(f"source_id;organisation_fr;name_fr;sectors\nlater-1;{org.name_fr};Antenne;food_aid\n")
        assert run_import(TemplateImporter(), later, source="values").created == 1
        assert len(captured) >= 4
        read_back: dict[int, list[dict]] = {}
        for document in documents_of(db.session(), captured):
            read_back.setdefault(document["service_id"], []).append(document)
        assert captured == read_back
        rich = next(docs[0] for docs in captured.values() if docs[0]["function"])
        assert rich["phones"] and rich["public"] and rich["function_fr"] and rich["language"]
        assert any(docs[0]["website"] == "https://org.example.org" for docs in captured.values())
        stored = dict(db.session.execute(db.text(f"SELECT rowid, body FROM {textindex.TABLE}")).all())
        assert {sid: stored[sid] for sid in captured} == textindex.bodies(db.session.connection(), captured)


@pytest.mark.parametrize("other_pushed", [True, False], ids=["edit-pushed", "edit-waiting"])
def test_documents_built_at_insert_are_not_sent_over_a_later_edit(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, other_pushed: bool
):
    """Another process edits a new fiche before the import's deferred push, and pushes it or not (Meilisearch
    was busy): the import must not send its older documents over the edit (its own outbox row gone, or a newer
    one there, says so); it reads the fiche again."""
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from directory.extensions import db
    from directory.models import Service

    captured = _capture_prebuilt(monkeypatch)
    path = tmp_path / "one.csv"
    path.write_text("source_id;name_fr;sectors;lat;lon\nedited-1;Nom importé;food_aid;50.85;4.35\n")
    with app.app_context():
        with sync.batched():
            run_import(TemplateImporter(), path, source="race")
            (sid,) = captured
            with Session(db.engine) as other:  # the other process: edit, commit, push
                other.execute(update(Service).where(Service.id == sid).values(name_fr="Nom corrigé"))
                sync.enqueue(other, [sid])
                other.commit()
                if other_pushed:
                    sync.push_services(other, {sid})
                    other.commit()
        wait_until_indexed()
        document = get_client().request("GET", f"/indexes/{index_name()}/documents/{captured[sid][0]['id']}")
        assert captured[sid][0]["name_fr"] == "Nom importé"
        assert document["name_fr"] == "Nom corrigé"


def test_an_import_paces_the_garbage_collector_and_gives_its_settings_back():
    """While an import runs the objects already there are frozen and collections come less often (a quarter of
    an import's CPU went to the collector); nested imports keep that until the outer one ends, which restores."""
    import gc

    from directory.importing.run import IMPORT_GC_THRESHOLD, fewer_collections

    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    with fewer_collections():
        assert gc.get_threshold() == IMPORT_GC_THRESHOLD and gc.get_freeze_count() > frozen
        with fewer_collections():
            pass
        assert gc.get_threshold() == IMPORT_GC_THRESHOLD and gc.get_freeze_count() > frozen
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen
    gc.freeze()  # frozen by another part of the process (a server before forking): left frozen
    try:
        held = gc.get_freeze_count()
        with fewer_collections():
            assert gc.get_threshold() == IMPORT_GC_THRESHOLD
        assert held > 0 and gc.get_freeze_count() > 0  # not unfrozen (a few frozen objects may be freed meanwhile)
    finally:
        gc.unfreeze()


def test_bulk_inserted_rows_get_their_own_ids_in_order(app: Flask):
    """The bulk insert's ids map to their rows, in order, also after rows with the highest ids were deleted (on
    SQLite they are read as the last ids given, not from a RETURNING row per INSERT)."""
    from sqlalchemy import delete, select

    from directory.extensions import db
    from directory.importing.bulk import _returning_ids
    from directory.models import Organization

    with app.app_context():
        rows = [{"source": "ids", "source_id": f"o{i}", "name_fr": f"Org {i}", "name_nl": ""} for i in range(5)]
        first = _returning_ids(Organization, rows[:3])
        db.session.execute(delete(Organization).where(Organization.id == first[-1]))
        more = _returning_ids(Organization, rows[3:])
        names = dict(
            db.session.execute(select(Organization.id, Organization.name_fr).where(Organization.source == "ids")).all()
        )
        assert [names.get(i) for i in first[:2] + more] == ["Org 0", "Org 1", "Org 3", "Org 4"]
        db.session.rollback()
