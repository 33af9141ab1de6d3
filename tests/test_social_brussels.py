"""Bruxelles Social: fetched politely into a folder (resumable), imported with each field's source and date
(agreements, action zones and sectors included); an organisation with missing keys is reported with its file, a
value a table or lookup lacks is a warning, the others are imported."""

from __future__ import annotations

import csv
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
from importers.social_brussels import SECTORS_TABLE
from tests.account_helpers import Team, edit_form_data, sign_in

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
        last = path.rsplit("/", 1)[1]
        if path.endswith("/search/organisation/*"):
            name = "search.json"
        elif path.endswith("/search/organisation"):
            name = f"agreement-{request.url.params['agreements']}.json"
        elif "/organisation/" in path:
            name = f"organisation-{last}.json"
        else:
            name = f"{last}.json"  # a lookup: /rest/agreements, /rest/actionzones, /rest/sectors
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
        # the index, 3 lookups, 2 of the 3 organisations, the searches of the 2 agreements of the lookup
        assert (report.fetched, report.kept) == (8, 0) and report.problems == [
            "https://social.brussels/rest/organisation/103: HTTP 500"
        ]
        assert "/rest/search/organisation" in first.calls  # ?agreements=9001, then 9002
        second = Recorded()
        report = fetch(folder, transport=second)
        assert (report.fetched, report.kept, second.calls) == (1, 8, ["/rest/organisation/103"])
    assert sorted(p.name for p in folder.iterdir()) == [
        "actionzones.json",
        "agreement-9001.json",
        "agreement-9002.json",
        "agreements.json",
        "index.json",
        "organisation-101.json",
        "organisation-102.json",
        "organisation-103.json",
        "sectors.json",
    ]


def test_fetch_limit_caps_the_answers_asked_in_one_run(polite: Flask, tmp_path: Path) -> None:
    with polite.app_context():
        calls = Recorded()
        report = fetch(tmp_path / "sb", limit=1, transport=calls)
    assert report.fetched == 5 and calls.calls[-1] == "/rest/organisation/101"  # index, lookups, one organisation


def _folder(tmp_path: Path) -> Path:
    """A fetch folder holding every recorded answer."""
    folder = tmp_path / "sb"
    folder.mkdir()
    shutil.copy(RECORDED / "search.json", folder / "index.json")
    for path in RECORDED.glob("*.json"):
        if path.name != "search.json":
            shutil.copy(path, folder / path.name)
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


def test_agreements_action_zones_and_sectors_are_mapped_and_what_lacks_is_reported(app: Flask, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    with app.app_context():
        report = run_import(social_brussels_importer(), folder)
        fiche = db.session.query(Service).filter_by(source_id="101").one()
        # its own agreement (also listed by the search of 9001: kept once), then the free text of otherAgreementFr
        assert fiche.agreements_fr == "Agrément d'essai A - Autorité d'essai; Convention d'essai avec la commune"
        assert fiche.agreements_nl == "Proeferkenning A - Proefoverheid; Proefovereenkomst met de gemeente"
        assert (fiche.area_served_fr, fiche.area_served_nl) == ("Schaerbeek, Evere", "Schaarbeek, Evere")
        assert [s.code for s in fiche.sectors] == ["mental_health"]  # their sector 107, through the shipped table
        for name in ("agreements_fr", "agreements_nl", "area_served_fr", "area_served_nl"):
            assert fiche.field_provenance[name] == {"source": "social-brussels"}
        other = db.session.query(Service).filter_by(source_id="103").one()
        # agreement 9003 has no label anywhere (warned); the search of agreement 9002 returned this organisation
        assert (other.agreements_fr, other.agreements_nl) == (
            "Agrément d'essai B - Autorité d'essai",
            "Proeferkenning B - Proefoverheid",
        )
        assert (other.area_served_fr, other.area_served_nl) == ("Région bruxelloise", "Brussels Gewest")  # a bare id
        assert other.sectors == []  # 9299 is unknown (warned), 241 is left unmapped by the table (not warned)
        warnings = sorted(
            (i.field, i.params.get("value"), i.params["file"], i.line) for i in report.issues if i.level == "warning"
        )
        assert warnings == [
            ("agreements", "9003", "organisation-103.json", 1),
            ("langStatus", "DE", "organisation-103.json", 1),
            ("sectorsObjects", "9299", "organisation-103.json", 1),
        ]
        again = run_import(social_brussels_importer(), folder)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_the_sector_table_names_its_source_and_only_our_codes() -> None:
    with SECTORS_TABLE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with (SECTORS_TABLE.parent / "sectors.csv").open(encoding="utf-8") as fh:
        ours = {row["code"] for row in csv.DictReader(fh)}
    assert len(rows) == 21 and len({row["sector_id"] for row in rows}) == 21
    assert {row["code"] for row in rows} - {""} <= ours
    assert all("lukefromstarwars/elk" in row["evidence"] for row in rows)


def test_an_export_file_with_lists_of_the_wrong_shape_is_imported_without_them(app: Flask, tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    export.write_text(
        '[{"id": 201, "nameOfficialFr": "Maison d\'essai", "actionZones": "Schaerbeek", "agreements": [{"id": 1}],'
        ' "otherAgreementNl": ["Proeftekst"], "sectorsObjects": {"id": 107}}]',
        encoding="utf-8",
    )
    with app.app_context():
        report = run_import(social_brussels_importer(), export)
        assert report.created == 1
        assert sorted((i.field, i.level) for i in report.issues) == [
            ("actionZones", "warning"),
            ("agreements", "warning"),
            ("sectorsObjects", "warning"),
        ]
        fiche = db.session.query(Service).one()
        assert (fiche.area_served_fr, fiche.agreements_fr, fiche.agreements_nl) == ("", "", "Proeftekst")


def test_the_fiche_shows_the_agreements_and_the_area_with_their_source(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        run_import(social_brussels_importer(), _folder(tmp_path))
        service_id = db.session.query(Service.id).filter_by(source_id="101").scalar()
    client = app.test_client()
    page = client.get(f"/fr/services/{service_id}").get_data(as_text=True)
    assert "Agrément d&#39;essai A - Autorité d&#39;essai; Convention d&#39;essai avec la commune" in page
    assert "Schaerbeek, Evere" in page and "Source : Bruxelles Social / Sociaal Brussel (8 nov. 2018)" in page
    page = client.get(f"/nl/services/{service_id}").get_data(as_text=True)
    assert "Erkend door" in page and "Proeferkenning A - Proefoverheid; Proefovereenkomst met de gemeente" in page


def test_flask_import_social_brussels(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(args=["import", "social-brussels", str(_folder(tmp_path))])
    assert result.exit_code == 1  # one organisation was rejected
    assert "social-brussels: 2 created" in result.output and "organisation-102.json" in result.output


def test_a_person_s_correction_wins_over_the_next_import(app: Flask, tmp_path: Path, team: Team) -> None:
    """Edited by a moderator, the agreements lose their source note on the fiche; the next import keeps the
    person's text and reports the difference."""
    folder = _folder(tmp_path)
    with app.app_context():
        run_import(social_brussels_importer(), folder)
        fiche = db.session.query(Service).filter_by(source_id="101").one()
        data = edit_form_data(fiche, agreements_fr="Agrément d'essai A (vérifié par téléphone)")
    client = sign_in(app.test_client(), team.moderator)
    assert client.post(f"/fr/edit/services/{fiche.id}", data=data).status_code == 302
    page = client.get(f"/fr/services/{fiche.id}").get_data(as_text=True)
    assert "Agrément d&#39;essai A (vérifié par téléphone)" in page
    assert "Source : Bruxelles Social / Sociaal Brussel" not in page.split("Agréé par", 1)[1].split("</dd>", 1)[0]
    with app.app_context():
        report = run_import(social_brussels_importer(), folder)
        [conflict] = [i for i in report.issues if i.level == "conflict"]
        assert conflict.field == "agreements_fr"
        fiche = db.session.query(Service).filter_by(source_id="101").one()
        assert fiche.agreements_fr == "Agrément d'essai A (vérifié par téléphone)"
        assert fiche.field_provenance["agreements_fr"]["human"] is True
        assert fiche.agreements_nl == "Proeferkenning A - Proefoverheid; Proefovereenkomst met de gemeente"
