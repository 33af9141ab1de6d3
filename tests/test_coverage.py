"""Coverage per sector and bassin: fiches, candidates and the share of fiches with each fact (CLI and page)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from directory.extensions import db
from directory.models import Candidate, CandidateStatus
from directory.models.base import utcnow
from directory.operations.coverage import coverage
from tests.account_helpers import Team, page_text, sign_in
from tests.factories import ANDERLECHT, make_service


def _fill(app: Flask) -> None:
    with app.app_context():
        full = make_service("Banque alimentaire A", ("food_aid",), at=ANDERLECHT, postcode="1070", languages=["fr"])
        full.opening_hours, full.cost, full.verified_at = "Mo 09:00-12:00", "free", utcnow()
        bare = make_service("Banque alimentaire B", ("food_aid",), at=ANDERLECHT, postcode="1070")
        bare.phones = []
        for bassin, source_id in (("centre-ouest", "a"), ("centre-ouest", "b"), ("nord", "c")):
            record = {"sectors": ["food_aid"]}
            db.session.add(Candidate(source="t", source_id=source_id, name_fr="X", record=record, bassin_code=bassin))
        db.session.add(Candidate(source="t", source_id="d", name_fr="Y", status=CandidateStatus.DISMISSED))
        db.session.commit()


def test_coverage_counts_fiches_candidates_and_shares(app: Flask, team: Team) -> None:
    _fill(app)
    with app.app_context():
        cell = coverage()[("food_aid", "centre-ouest")]
        assert (cell.fiches, cell.candidates) == (2, 2)
        assert [cell.share(f) for f in ("address", "phone", "hours", "languages", "cost", "verified")] == [
            1.0,
            0.5,
            0.5,
            0.5,
            0.5,
            0.5,
        ]
        assert cell.share("access") == 0.0
        assert coverage()[("food_aid", "nord")].fiches == 0


def test_flask_data_coverage_prints_the_table(app: Flask, team: Team) -> None:
    _fill(app)
    result = app.test_cli_runner().invoke(args=["data", "coverage", "--bassin", "centre-ouest"])
    assert result.exit_code == 0, result.output
    [line] = [row for row in result.output.splitlines() if row.startswith("food_aid")]
    assert line.split()[:5] == ["food_aid", "centre-ouest", "2", "2", "100%"]
    assert "nord" not in result.output.split("\n", 1)[1]


def test_the_coverage_page_for_coordinators(app: Flask, client: FlaskClient, team: Team) -> None:
    _fill(app)
    sign_in(client, team.moderator)
    page = page_text(client.get("/nl/coordination/coverage/", query_string={"bassin": "centre-ouest"}))
    assert "Voedselhulp" in page and "50%" in page
    assert client.get("/nl/coordination/coverage/", query_string={"bassin": "nowhere"}).status_code == 404
