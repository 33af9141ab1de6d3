"""Bruxelles Social: fetched politely into a folder (resumable), imported with each field's source and date;
an organisation with missing keys is reported with its file, the others are imported."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import httpx
import pytest
from flask import Flask

from directory.extensions import db
from directory.importing.run import run_import
from directory.importing.social_brussels import fetch, social_brussels_importer
from directory.models import Service

RECORDED = Path(__file__).parent / "data" / "social_brussels"


class Recorded(httpx.MockTransport):
    """Answers from the recorded files; `fail` lists paths that answer 500 once; `calls` keeps the paths asked."""

    def __init__(self, fail: set[str] | None = None):
        self.calls: list[str] = []
        self.fail = set(fail or ())
        super().__init__(self.answer)

    def answer(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.calls.append(path)
        assert request.headers["User-Agent"].startswith("qui-fait-quoi")
        if path in self.fail:
            self.fail.discard(path)
            return httpx.Response(500)
        name = (
            "search.json"
            if path.endswith("/search/organisation/*")
            else path.rsplit("/", 1)[1].join(("organisation-", ".json"))
        )
        return httpx.Response(200, content=(RECORDED / name).read_bytes())


@pytest.fixture
def polite(app: Flask) -> Flask:
    app.config["SOCIAL_BRUSSELS_DELAY"] = 0
    return app


def test_fetch_fills_the_folder_and_a_rerun_resumes(polite: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "sb"
    with polite.app_context():
        first = Recorded(fail={"/rest/organisation/103"})
        report = fetch(folder, limit=None, transport=first)
        assert (report.fetched, report.kept) == (2, 0) and report.problems == [
            "https://social.brussels/rest/organisation/103: HTTP 500"
        ]
        second = Recorded()
        report = fetch(folder, transport=second)
        assert (report.fetched, report.kept, second.calls) == (1, 2, ["/rest/organisation/103"])
    assert sorted(p.name for p in folder.iterdir()) == [
        "index.json",
        "organisation-101.json",
        "organisation-102.json",
        "organisation-103.json",
    ]


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "sb"
    folder.mkdir()
    shutil.copy(RECORDED / "search.json", folder / "index.json")
    for name in ("organisation-101.json", "organisation-102.json", "organisation-103.json"):
        shutil.copy(RECORDED / name, folder / name)
    return folder


def test_import_maps_the_bilingual_fields_with_their_source_and_date(app: Flask, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    with app.app_context():
        assert run_import(social_brussels_importer(), folder, dry_run=True).created == 2
        assert db.session.query(Service).count() == 0
        report = run_import(social_brussels_importer(), folder)
        assert (report.created, report.rejected) == (2, 1)
        [problem] = [i for i in report.issues if i.level == "error"]
        assert (problem.field, problem.params["file"]) == ("organisation-102.json", "organisation-102.json")
        [unknown] = [i for i in report.issues if i.field == "langStatus"]  # "DE": not in the table, not guessed
        assert (unknown.level, unknown.params) == ("warning", {"value": "DE", "file": "organisation-103.json"})
        fiche = db.session.query(Service).filter_by(source_id="101").one()
        assert (fiche.name_fr, fiche.name_nl) == ("Centre d'essai social", "Sociaal proefcentrum")
        assert fiche.hours_note_nl == "Vrij onthaal op dinsdag van 9 tot 12 uur."
        assert [p.number for p in fiche.phones] == ["+3222403080"]
        assert (fiche.email, fiche.website) == ("accueil@example.org", "https://example.org/fr")
        location = fiche.locations[0]
        assert (location.street_fr, location.street_nl, location.postcode) == ("Rue d'Essai", "Proefstraat", "1030")
        assert location.bassin_code == "nord-est"
        assert fiche.source_date == date(2018, 11, 8)
        assert fiche.organization.bce_number == "0200.000.101"
        assert fiche.source_licence == app.config["SOCIAL_BRUSSELS_LICENCE"]
        assert fiche.field_provenance["hours_note_fr"] == {"source": "social-brussels"}
        assert fiche.languages == ["fr", "nl"]  # langStatus "FR-NL", through social_brussels_values.csv
        assert fiche.field_provenance["languages"] == {"source": "social-brussels"}
        assert db.session.query(Service).filter_by(source_id="103").one().languages == []
        assert run_import(social_brussels_importer(), folder).unchanged == 2


def test_flask_import_social_brussels(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(args=["import", "social-brussels", str(_folder(tmp_path))])
    assert result.exit_code == 1  # one organisation was rejected
    assert "social-brussels: 2 created" in result.output and "organisation-102.json" in result.output
