"""The same service from two sources becomes one fiche; doubtful pairs go to a moderator."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from directory.extensions import db
from directory.importing.run import run_import
from directory.models import MergeCandidate, Service, ServiceSource
from directory.text import normalize
from importers.template import TemplateImporter
from tests.factories import make_service

HEADER = "source_id,name_fr,name_nl,sectors,phones,website,street_fr,house_number,postcode,lat,lon\n"


def write(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "federation.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_normalize() -> None:
    assert normalize("Pharmacie Saint-Josse (Madou)") == "pharmacie saint josse madou"


def test_same_service_is_merged_and_fills_only_empty_fields(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        existing = make_service("Pharmacie Josaphat", ("pharmacy",), at=(50.8676, 4.3737), source="osm")
        existing.phones = []
        db.session.commit()
        path = write(
            tmp_path,
            "f-1,Pharmacie Josaphat,Apotheek Josaphat,pharmacy,02 215 00 00,josaphat.example.be,"
            "Place Josaphat,1,1030,50.86765,4.37372\n",
        )
        report = run_import(TemplateImporter(), path, source="federation")
        assert (report.created, report.merged) == (0, 1)
        db.session.refresh(existing)
        assert existing.name_fr == "Pharmacie Josaphat" and existing.name_nl == "Apotheek Josaphat"
        assert [p.number for p in existing.phones] == ["+3222150000"]
        assert existing.field_provenance["name_nl"] == {"source": "federation"}
        assert [i.level for i in report.issues] == ["merge"]
        assert "Fusionné avec la fiche" in report.issues[0].message("fr")

        again = run_import(TemplateImporter(), path, source="federation")  # found again through ServiceSource
        assert (again.created, again.merged, again.unchanged) == (0, 0, 1)
        assert db.session.scalar(select(func.count()).select_from(ServiceSource)) == 1


def test_doubtful_pair_is_queued_not_merged(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        existing = make_service(
            "Hôpital Delta", ("hospital",), at=(50.8190, 4.4020), source="osm", website="https://www.chirec.be"
        )
        db.session.commit()
        path = write(tmp_path, "f-2,CHIREC Delta,,hospital,,chirec.be,,,1160,50.8194,4.4025\n")
        report = run_import(TemplateImporter(), path, source="federation")
        assert (report.created, report.merged) == (1, 0)
        candidate = db.session.scalar(select(MergeCandidate))
        assert candidate.candidate_id == existing.id and candidate.status == "pending"
        assert 70 <= candidate.score < 90


def test_far_or_different_services_stay_apart(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        make_service("Pharmacie Josaphat", ("pharmacy",), at=(50.8676, 4.3737), source="osm")
        db.session.commit()
        path = write(
            tmp_path,
            "f-3,Pharmacie Josaphat,,pharmacy,,,,,1070,50.8366,4.3078\n"  # 5 km away
            "f-4,Maison médicale Le Noyer,,medical_house,,,,,1030,50.8677,4.3738\n",
        )  # next door
        report = run_import(TemplateImporter(), path, source="federation")
        assert (report.created, report.merged) == (2, 0)
        assert db.session.scalar(select(func.count()).select_from(MergeCandidate)) == 0
        assert db.session.scalar(select(func.count()).select_from(Service)) == 3
