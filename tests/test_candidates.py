"""Candidates: loaded from a source, never public, queued per bassin; publish, merge, dismiss (also in bulk)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from directory.extensions import db
from directory.importing.candidates import bce_digits, load_candidates, parse_source_date
from directory.models import Candidate, CandidateStatus, Organization, Service, ServiceSource
from importers.leads import LeadsImporter
from tests.account_helpers import Team, sign_in
from tests.factories import make_service

SAMPLE = Path(__file__).parent / "data" / "leads-sample.csv"


def _load(path: Path = SAMPLE, dry_run: bool = False):
    return load_candidates(LeadsImporter().parse(path), "leads", path, dry_run=dry_run)


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_the_shared_list_becomes_candidates_never_fiches(app: Flask) -> None:
    shared = Path(app.config["SHARED_DATA_DIR"]) / "candidates_bxl_2026.csv"
    with app.app_context():
        report = _load(shared)
        assert (report.created, report.rejected) == (69, 0), report.issues
        assert _count(Service) == 0
        with_bassin = db.session.scalar(select(func.count()).where(Candidate.bassin_code.is_not(None)))
        assert with_bassin >= 30  # from the postcode or the commune the page names
        again = _load(shared)
        assert (again.created, again.unchanged) == (0, 69)


def test_rows_are_read_with_their_provenance_and_area(app: Flask) -> None:
    with app.app_context():
        report = _load()
        assert report.created == 3
        assert [(i.line, i.field) for i in report.issues] == [(5, "name")] and report.rejected == 1
        one = db.session.scalar(select(Candidate).where(Candidate.source_id == "t:one"))
        assert one.bce_number == "0212345678"
        assert one.source_date == date(2022, 7, 12) and one.source_date_text.startswith("2022-07-12")
        assert (one.commune_nis, one.bassin_code) == ("21015", "nord-est")
        assert one.source_url.split(" | ") == ["https://example.org/a", "https://example.org/b"]
        two = db.session.scalar(select(Candidate).where(Candidate.source_id == "t:two"))
        assert (two.commune_nis, two.bassin_code, two.source_date) == ("21001", "centre-ouest", None)
        three = db.session.scalar(select(Candidate).where(Candidate.source_id == "t:three"))
        assert (three.commune_nis, three.bassin_code) == ("21004", "nord")  # Laeken: a section of bassin Nord


def test_a_dry_run_changes_nothing(app: Flask) -> None:
    with app.app_context():
        report = _load(dry_run=True)
        assert report.created == 3
        assert _count(Candidate) == 0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0403.199.702", "0403199702"), ("BE 403 199 702", "0403199702"), ("12", None), ("", None)],
)
def test_bce_numbers_are_normalised(raw: str, expected: str | None) -> None:
    assert bce_digits(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2019-05", date(2019, 5, 1)), ("2017 (rapport)", date(2017, 1, 1)), ("n.d. (flyer)", None), ("", None)],
)
def test_source_dates_are_read_as_the_source_gives_them(text: str, expected: date | None) -> None:
    assert parse_source_date(text) == expected


def test_likely_duplicate_by_bce_number_then_by_name_in_the_commune(app: Flask) -> None:
    with app.app_context():
        by_bce = make_service("Guichet social", bce="0212345678")
        by_name = make_service("Aide alimentaire Test", sectors=("food_aid",), at=(50.8366, 4.3078), postcode="1070")
        db.session.commit()
        _load()
        one = db.session.scalar(select(Candidate).where(Candidate.source_id == "t:one"))
        assert (one.duplicate_id, one.duplicate_score) == (by_bce.id, 100)
        two = db.session.scalar(select(Candidate).where(Candidate.source_id == "t:two"))
        assert two.duplicate_id == by_name.id and two.duplicate_score >= 90


def _candidate_id(app: Flask, source_id: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Candidate.id).where(Candidate.source_id == source_id))


def test_publish_creates_the_fiche_with_the_chosen_sector(app: Flask, client: FlaskClient, team: Team) -> None:
    with app.app_context():
        _load()
    one = _candidate_id(app, "t:one")
    sign_in(client, team.moderator)
    page = client.get(f"/fr/coordination/candidates/{one}")
    assert page.status_code == 200 and "CPAS de Test – accueil" in page.text
    refused = client.post(f"/fr/coordination/candidates/{one}/publish", data={"name_fr": "CPAS de Test"})
    assert refused.status_code == 400 and "Choisissez au moins un secteur" in refused.text
    data = {"sectors": ["cpas"], "name_fr": "CPAS de Test – accueil", "name_nl": "", "phones": "02 240 30 80"}
    data |= {"location.street_fr": "Rue Test", "location.house_number": "1", "location.postcode": "1030"}
    response = client.post(f"/fr/coordination/candidates/{one}/publish", data=data)
    assert response.status_code == 302
    assert "/coordination/candidates/" in response.headers["Location"]  # on to the next candidate of the bassin
    with app.app_context():
        candidate = db.session.get(Candidate, one)
        service = candidate.service
        assert candidate.status == CandidateStatus.PUBLISHED and candidate.decided_by_id == team.moderator
        assert [s.code for s in service.sectors] == ["cpas"]
        assert [p.number for p in service.phones] == ["+3222403080"]
        assert service.organization.bce_number == "0212345678"
        assert service.source_date == date(2022, 7, 12)
        assert service.locations[0].bassin_code == "nord-est"
        assert db.session.scalar(select(ServiceSource).where(ServiceSource.source_id == "t:one")) is not None
    assert client.post(f"/fr/coordination/candidates/{one}/publish", data=data).status_code == 409


def test_merge_gives_the_fiche_its_bce_number_and_fills_what_is_empty(
    app: Flask, client: FlaskClient, team: Team
) -> None:
    with app.app_context():
        _load()
        fiche = make_service("Centre public d'action sociale", website="")
        fiche.opening_hours = None
        db.session.commit()
        fiche_id = fiche.id
    one = _candidate_id(app, "t:one")
    sign_in(client, team.moderator)
    response = client.post(f"/fr/coordination/candidates/{one}/merge", data={"service_id": str(fiche_id)})
    assert response.status_code == 302
    with app.app_context():
        fiche = db.session.get(Service, fiche_id)
        assert fiche.organization.bce_number == "0212345678"
        assert fiche.opening_hours == "Mo-Fr 09:00-11:30"
        assert fiche.field_provenance["opening_hours"] == {"source": "leads"}
        assert fiche.name_fr == "Centre public d'action sociale"  # never overwritten
        assert db.session.get(Candidate, one).status == CandidateStatus.MERGED


def test_dismissed_candidates_stay_dismissed_after_a_reimport(app: Flask, client: FlaskClient, team: Team) -> None:
    with app.app_context():
        _load()
    ids = [_candidate_id(app, "t:two"), _candidate_id(app, "t:three")]
    sign_in(client, team.moderator)
    response = client.post("/fr/coordination/candidates/dismiss", data={"ids": [str(i) for i in ids], "note": "x"})
    assert response.status_code == 302
    with app.app_context():
        again = _load()
        assert again.decided == 2 and again.created == 0
        statuses = db.session.scalars(select(Candidate.status).where(Candidate.id.in_(ids))).all()
        assert set(statuses) == {CandidateStatus.DISMISSED}
    queue = client.get("/fr/coordination/candidates/?bassin=nord")
    assert "Centre à Laeken" not in queue.text
    dismissed = client.get("/fr/coordination/candidates/?bassin=nord&status=dismissed")
    assert "Centre à Laeken" in dismissed.text


def test_candidates_are_never_public(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        _load()
        assert _count(Organization) == 0
    assert "CPAS de Test" not in client.get("/fr/search?q=CPAS").text


def test_the_bassin_map_numbers_the_located_candidates(app: Flask, client: FlaskClient, team: Team) -> None:
    with app.app_context():
        located = Candidate(source="t", source_id="located", name_fr="Point", lat=50.8676, lon=4.3737)
        blind = Candidate(source="t", source_id="blind", name_fr="Sans")
        located.bassin_code = blind.bassin_code = "nord-est"
        db.session.add_all([located, blind])
        db.session.commit()
    sign_in(client, team.moderator)
    page = client.get("/nl/coordination/candidates/map?bassin=nord-est")
    assert page.status_code == 200
    assert page.text.count('class="paper-marker"') == 1 and "Point" in page.text
    assert "1 kandidaat heeft geen positie" in page.text
    assert client.get("/nl/coordination/candidates/map?bassin=nowhere").status_code == 404
