"""KBO/BCE open data: full and update extracts become candidates; bad input is reported with file and line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from directory.extensions import db
from directory.importing.candidate_sources import import_candidates
from directory.models import Candidate, Service
from tests.factories import make_service
from tests.kbo_helpers import CODES, address, enterprise, full_extract, write_extract


def _candidates() -> dict[str, Candidate]:
    return {c.source_id: c for c in db.session.scalars(select(Candidate))}


def test_a_full_extract_selects_health_and_social_work_in_brussels(app: Flask, tmp_path: Path) -> None:
    path = write_extract(tmp_path / "KboOpenData_0160_2026_11_Full.zip", full_extract())
    with app.app_context():
        report = import_candidates("kbo", path)
        found = _candidates()
        assert sorted(found) == ["ent:0200.000.002", "ent:0200.000.005", "est:2.100.000.001"]
        unit = found["est:2.100.000.001"]
        assert (unit.name_fr, unit.name_nl) == ("Cabinet médical de test", "Testpraktijk")
        assert (unit.organization_fr, unit.organization_nl) == (
            "Association de test du Nord",
            "Testvereniging van het Noorden",
        )
        assert unit.bce_number == "0200000001" and unit.postcode == "1030" and unit.bassin_code == "nord-est"
        assert unit.record["street_fr"] == "Rue d'Essai" and unit.record["street_nl"] == "Proefstraat"
        assert unit.record["house_number"] == "12 bte 3" and unit.record["phones"] == ["02 240 30 80"]
        assert unit.record["sectors"] == ["general_practitioner"]
        assert unit.details["activities"][0] == {
            "version": "2008",
            "code": "86210",
            "main": True,
            "fr": "Activités des médecins généralistes",
            "nl": "Algemene medische praktijken",
        }
        assert unit.details["legal_form"] == {
            "fr": "Association sans but lucratif",
            "nl": "Vereniging zonder winstoogmerk",
        }
        assert unit.source_date == date(2026, 11, 7)
        seat = found["ent:0200.000.002"]
        assert (seat.name_fr, seat.name_nl) == ("Steunpunt Test", "Steunpunt Test")  # language unknown: both
        assert seat.record["website"] == "www.example.org" and seat.record["sectors"] == []
        assert [(i.line, i.field, i.params.get("code")) for i in report.issues] == [(7, "activity.csv", "86999")]
        assert report.ok and report.issues[0].level == "warning"  # an unknown code drops the label, not the row
        assert db.session.scalar(select(func.count()).select_from(Service)) == 0


def test_rerun_changes_nothing_and_dry_run_writes_nothing(app: Flask, tmp_path: Path) -> None:
    path = write_extract(tmp_path / "full.zip", full_extract())
    with app.app_context():
        assert import_candidates("kbo", path, dry_run=True).created == 3
        assert db.session.scalar(select(func.count()).select_from(Candidate)) == 0
        assert import_candidates("kbo", path).created == 3
        again = import_candidates("kbo", path)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_a_bce_number_links_the_candidate_to_the_fiche_of_its_organisation(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        fiche = make_service("Steunpunt", bce="0200000002", at=(50.8366, 4.3078), postcode="1070")
        db.session.commit()
        import_candidates("kbo", write_extract(tmp_path / "full.zip", full_extract()))
        seat = _candidates()["ent:0200.000.002"]
        assert (seat.duplicate_id, seat.duplicate_score, seat.duplicate_reasons) == (
            fiche.id,
            100,
            ["same BCE/KBO number"],
        )


def test_an_update_replaces_what_changed_removes_what_is_gone_and_adds_what_is_new(app: Flask, tmp_path: Path) -> None:
    update = {
        "meta": [["SnapshotDate", "14-11-2026"], ["ExtractType", "update"], ["ExtractNumber", "161"]],
        "code": CODES,
        "enterprise_delete": [["0200.000.002"]],
        "enterprise_insert": [enterprise("0200.000.009", "01-11-2026")],
        "establishment_delete": [],
        "establishment_insert": [],
        "denomination_delete": [["2.100.000.001"]],
        "denomination_insert": [
            ["2.100.000.001", "1", "003", "Cabinet médical de test (nouveau nom)"],
            ["0200.000.009", "1", "001", "Nouvelle association de test"],
        ],
        "address_delete": [],
        "address_insert": [
            address("0200.000.009", "REGO", "1190", ("Vorst", "Forest"), ("Nieuwstraat", "Rue Neuve d'Essai"), "7")
        ],
        "contact_delete": [],
        "contact_insert": [],
        "activity_delete": [],
        "activity_insert": [["0200.000.009", "003", "2025", "88990", "MAIN"]],
    }
    with app.app_context():
        import_candidates("kbo", write_extract(tmp_path / "full.zip", full_extract()))
        report = import_candidates("kbo", write_extract(tmp_path / "KboOpenData_0161_2026_11_Update.zip", update))
        assert (report.created, report.updated, report.gone) == (1, 1, 1), report.summary()
        found = _candidates()
        unit = found["est:2.100.000.001"]
        assert unit.name_fr == "Cabinet médical de test (nouveau nom)"
        assert unit.name_nl == "Cabinet médical de test (nouveau nom)"  # the NL commercial name was removed upstream
        assert unit.record["street_fr"] == "Rue d'Essai" and unit.record["phones"] == ["02 240 30 80"]  # kept
        assert unit.source_date == date(2026, 11, 14)
        assert found["ent:0200.000.002"].gone_from_source
        assert found["ent:0200.000.009"].name_fr == "Nouvelle association de test"


def test_bad_archives_are_reported_with_file_and_line(app: Flask, tmp_path: Path) -> None:
    good = write_extract(tmp_path / "full.zip", full_extract())
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    changed = dict(full_extract())
    headers = {"address": ["EntityNumber", "TypeOfAddress", "Zipcode"]}
    with app.app_context():
        report = import_candidates("kbo", truncated)
        assert [(i.field, i.line) for i in report.issues] == [("truncated.zip", 0)] and not report.ok
        report = import_candidates("kbo", write_extract(tmp_path / "header.zip", changed, headers))
        assert ("address.csv", 1) in [(i.field, i.line) for i in report.issues]
        assert "EntityNumber,TypeOfAddress,Zipcode" in report.issues[0].params["found"]
        missing = {k: v for k, v in full_extract().items() if k != "contact"}
        report = import_candidates("kbo", write_extract(tmp_path / "missing.zip", missing))
        assert ("contact.csv", 0) in [(i.field, i.line) for i in report.issues]
        assert report.created == 3  # what is readable is imported


def test_flask_import_kbo_prints_the_problems_and_the_summary(app: Flask, tmp_path: Path) -> None:
    path = write_extract(tmp_path / "full.zip", full_extract())
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["import", "kbo", str(path), "--dry-run", "--lang", "nl"])
    assert dry.exit_code == 0, dry.output
    assert "[dry run] kbo candidates: 3 new" in dry.output
    assert "line 7 [warning] activity.csv: Onbekende NACE-BEL-2008-code 86999." in dry.output
    result = runner.invoke(args=["import", "kbo", str(path)])
    assert result.exit_code == 0 and "kbo candidates: 3 new" in result.output
    assert (tmp_path / "full.zip.report.csv").read_text(encoding="utf-8").count("86999") == 2  # FR and NL


def _moves_in(snapshot: str, extract: str) -> dict[str, list[list[str]]]:
    """An update in which the Ghent health centre (86210 since the full extract) moves its seat to Brussels: an
    address row and nothing else, as the real update files carry only what changed."""
    brussels = ["0200.000.003", "REGO", "", "", "1000", "Brussel", "Bruxelles", "Nieuwstraat", "Rue Neuve", "9"]
    return {
        "meta": [["SnapshotDate", snapshot], ["ExtractType", "update"], ["ExtractNumber", extract]],
        "code": CODES,
        **{f"{kind}_delete": [] for kind in ("enterprise", "establishment", "denomination", "contact", "activity")},
        **{f"{kind}_insert": [] for kind in ("enterprise", "establishment", "denomination", "contact", "activity")},
        "address_delete": [["0200.000.003"]],
        "address_insert": [[*brussels, "", "", ""]],
    }


def test_an_update_adds_an_entity_that_moves_into_brussels_without_new_activity_rows(
    app: Flask, tmp_path: Path
) -> None:
    with app.app_context():
        import_candidates("kbo", write_extract(tmp_path / "full.zip", full_extract()))
        assert "ent:0200.000.003" not in _candidates()  # in Ghent at the full extract
        update = write_extract(tmp_path / "KboOpenData_0161_2026_11_Update.zip", _moves_in("14-11-2026", "161"))
        assert import_candidates("kbo", update, dry_run=True).created == 1
        assert "ent:0200.000.003" not in _candidates()
        report = import_candidates("kbo", update)
        assert report.created == 1, report.summary()
        moved = _candidates()["ent:0200.000.003"]
        assert (moved.name_nl, moved.postcode, moved.record["street_fr"]) == ("Gents testcentrum", "1000", "Rue Neuve")
        assert moved.record["sectors"] == ["general_practitioner"]  # from the activity kept since the full extract
        assert moved.details["activities"][0]["fr"] == "Activités des médecins généralistes"
        assert moved.source_date == date(2026, 11, 14)
        assert import_candidates("kbo", update).created == 0  # re-run safe


def test_the_watch_list_follows_updates_that_remove_an_activity(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        import_candidates("kbo", write_extract(tmp_path / "full.zip", full_extract()))
        dropped = {**_moves_in("10-11-2026", "161"), "address_delete": [], "address_insert": []}
        dropped["activity_delete"] = [["0200.000.003"]]  # no selected activity any more
        import_candidates("kbo", write_extract(tmp_path / "u161.zip", dropped))
        report = import_candidates("kbo", write_extract(tmp_path / "u162.zip", _moves_in("14-11-2026", "162")))
        assert report.created == 0 and "ent:0200.000.003" not in _candidates()
