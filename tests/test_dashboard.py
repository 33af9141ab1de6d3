"""The bassin dashboard: counts per sector × commune and × quartier on a small database, rates per 10,000
inhabitants, the cache and its invalidation, coordinator-only parts, the CSV export, both languages."""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from directory.extensions import db
from directory.geo.tagging import tag_location
from directory.models import (
    AccessCondition,
    AreaPopulation,
    Bassin,
    Candidate,
    CandidateStatus,
    Cost,
    Location,
    Organization,
    Phone,
    Quartier,
    Role,
    Sector,
    Service,
    ServiceStatus,
    UnmetSearch,
)
from directory.operations import coverage as coverage_ops
from directory.operations import dashboard as figures
from directory.operations import dashboard_unmet, freshness
from directory.operations.hours import BRUSSELS
from directory.operations.population import per_10k, populations
from tests.account_helpers import make_user, page_text, sign_in
from tests.factories import ANDERLECHT, SCHAERBEEK, make_service

SCHAERBEEK_NIS, ANDERLECHT_NIS = "21015", "21001"


@pytest.fixture
def seeded(app: Flask) -> dict[str, str]:
    """Three fiches in Schaerbeek (two pharmacies, one also a food aid; one pharmacy inactive), one in Anderlecht,
    two candidates and unmet searches; returns the bassin and quartier codes of the Schaerbeek fiches."""
    figures.clear_cache()
    with app.app_context():
        a = make_service("Pharmacie A", ("pharmacy", "food_aid"), at=SCHAERBEEK)
        make_service("Pharmacie B", ("pharmacy",), at=SCHAERBEEK)
        make_service("Pharmacie fermée", ("pharmacy",), at=SCHAERBEEK, status=ServiceStatus.INACTIVE)
        make_service("Banque alimentaire", ("food_aid",), at=ANDERLECHT, postcode="1070")
        location = a.locations[0]
        bassin, quartier = location.bassin_code, location.quartier_code
        db.session.add(Candidate(source="t", source_id="1", name_fr="Épicerie sociale X", bassin_code=bassin,
                                 commune_nis=SCHAERBEEK_NIS, record={"sectors": ["food_aid"]}))  # fmt: skip
        db.session.add(Candidate(source="t", source_id="2", name_fr="Autre", bassin_code="sud", record={}))
        today = datetime.now(BRUSSELS).date()
        filters = json.dumps({"understood_commune": [SCHAERBEEK_NIS]})
        db.session.add(UnmetSearch(day=today, lang="fr", query="logopede", filters=filters, count=5))
        db.session.add(UnmetSearch(day=today, lang="fr", query="jean dupont", filters=filters, count=1))
        db.session.add(UnmetSearch(day=today, lang="nl", query="elders", filters=json.dumps({"bassin": ["sud"]})))
        db.session.commit()
    return {"bassin": bassin or "", "quartier": quartier or ""}


def test_population_is_loaded_with_its_date(app: Flask) -> None:
    with app.app_context():
        counts, when = populations("commune")
        assert len(counts) == 19 and sum(counts.values()) == 1_218_255  # Statbel's region row, 1 January 2020
        assert when is not None and when.isoformat() == "2020-01-01"
        assert db.session.get(AreaPopulation, ("commune", SCHAERBEEK_NIS)).population == 132_799


def test_rates_per_10000_inhabitants() -> None:
    assert per_10k(2, 132_799) == 0.2  # 2 × 10,000 / 132,799 = 0.1506 → 0.2
    assert per_10k(40, 20_000) == 20.0
    assert per_10k(3, None) is None and per_10k(3, 0) is None


def test_region_counts_per_sector_commune_and_quartier(app: Flask, seeded: dict[str, str]) -> None:
    with app.app_context():
        data = figures.compute()
        assert data.fiches == 3  # the inactive fiche is not counted
        assert data.by_commune[("pharmacy", SCHAERBEEK_NIS)] == 2
        assert data.by_commune[("food_aid", SCHAERBEEK_NIS)] == 1
        assert data.by_commune[("food_aid", ANDERLECHT_NIS)] == 1
        assert ("pharmacy", ANDERLECHT_NIS) not in data.by_commune
        assert data.per_commune == {SCHAERBEEK_NIS: 2, ANDERLECHT_NIS: 1}  # a fiche once, whatever its sectors
        assert data.by_quartier[("pharmacy", seeded["quartier"])] == 2
        assert data.per_sector == {"pharmacy": 2, "food_aid": 2}
        assert "pharmacy" in data.absent_in_commune(ANDERLECHT_NIS)
        assert data.population[SCHAERBEEK_NIS] == 132_799
        assert data.candidates_by_commune == {SCHAERBEEK_NIS: 1, "": 1}
        assert data.population_in_scope() == (1_218_255, [])  # the region: every commune whole
        assert data.coverage["pharmacy"].fiches == 2 and data.coverage["pharmacy"].share("phone") == 1.0


def test_bassin_counts_only_its_own_fiches(app: Flask, seeded: dict[str, str]) -> None:
    with app.app_context():
        data = figures.compute(seeded["bassin"])
        assert data.fiches == 2
        assert SCHAERBEEK_NIS in data.communes and ANDERLECHT_NIS not in data.communes
        assert set(data.per_commune) == {SCHAERBEEK_NIS}
        assert data.candidates == 1
        assert seeded["quartier"] in data.quartiers
        assert data.quartiers_without("pharmacy") == [q for q in data.quartiers if q != seeded["quartier"]]
        total, left_out = data.population_in_scope()
        assert total is not None and total >= 132_799 and SCHAERBEEK_NIS not in left_out


def test_a_fiche_in_two_bassins_counts_once_in_the_region(app: Flask, client: FlaskClient) -> None:
    """A stale fiche with a location in Schaerbeek and one in Anderlecht (two bassins): once in the region's
    fiches, per-commune and stale totals, once in each bassin."""
    figures.clear_cache()
    with app.app_context():
        service = make_service("Antenne double", ("food_aid",), at=SCHAERBEEK, verified_at=datetime(2020, 1, 1))
        other = Location(street_fr="Rue Test", street_nl="Teststraat", house_number="2", postcode="1070")
        other.lat, other.lon = ANDERLECHT
        tag_location(other)
        service.locations.append(other)
        db.session.commit()
        here, there = service.locations[0].bassin_code, other.bassin_code
        assert here and there and here != there
        region = figures.compute()
        assert region.fiches == 1 and region.per_commune == {SCHAERBEEK_NIS: 1, ANDERLECHT_NIS: 1}
        assert region.per_sector == {"food_aid": 1}
        assert region.by_bassin == {("food_aid", here): 1, ("food_aid", there): 1}
        assert region.stale == {here: 1, there: 1}
        assert region.stale_total == 1  # not 2: the sum of the bassins counts it twice
        assert figures.compute(here).stale_total == 1 and figures.compute(there).fiches == 1
    rows = list(csv.reader(io.StringIO(client.get("/fr/bassins/region.csv").get_data(as_text=True))))
    assert [row[6] for row in rows if row[:2] == ["stale_fiches", "region"]] == ["1"]


def test_unmet_searches_of_a_bassin(app: Flask, seeded: dict[str, str]) -> None:
    with app.app_context():
        today = datetime.now(BRUSSELS).date()
        rows = dashboard_unmet.unmet_searches(seeded["bassin"], today.replace(day=1))
        assert [(r["query"], r["searches"]) for r in rows] == [("logopede", 5), ("jean dupont", 1)]
        assert {r["query"] for r in dashboard_unmet.unmet_searches("", today.replace(day=1))} == {
            "logopede",
            "jean dupont",
            "elders",
        }
        assert dashboard_unmet.unmet_per_month(seeded["bassin"], today)[today.strftime("%Y-%m")] == 6


def test_the_cache_is_renewed_when_a_fiche_changes(app: Flask, seeded: dict[str, str]) -> None:
    with app.app_context():
        first = figures.dashboard()
        assert figures.dashboard() is first  # unchanged data: the cached figures
        make_service("Pharmacie C", ("pharmacy",), at=ANDERLECHT, postcode="1070")
        db.session.commit()
        second = figures.dashboard()
        assert second is not first and second.by_commune[("pharmacy", ANDERLECHT_NIS)] == 1


def test_the_region_page_in_french_and_dutch(client: FlaskClient, seeded: dict[str, str]) -> None:
    fr = client.get("/fr/bassins/")
    assert fr.status_code == 200
    text = page_text(fr)
    assert "Schaerbeek" in text and "Pharmacie" in text
    assert "0,2" in text or "0.2" in text  # 2 pharmacies per 132,799 inhabitants
    nl = client.get("/nl/zorgzones/")
    assert nl.status_code == 200 and "Schaarbeek" in page_text(nl) and 'lang="nl"' in nl.get_data(as_text=True)
    assert client.get("/fr/zorgzones/").status_code == 404


def test_a_bassin_page_and_an_unknown_bassin(client: FlaskClient, seeded: dict[str, str]) -> None:
    page = client.get(f"/fr/bassins/{seeded['bassin']}")
    assert page.status_code == 200
    assert "<svg" in page.get_data(as_text=True)  # the gaps map
    assert client.get(f"/nl/zorgzones/{seeded['bassin']}?sector=pharmacy").status_code == 200
    assert client.get(f"/fr/bassins/{seeded['bassin']}?sector=nope").status_code == 404
    assert client.get("/fr/bassins/atlantis").status_code == 404


def test_lists_of_people_and_rare_searches_are_for_coordinators(
    app: Flask, client: FlaskClient, seeded: dict[str, str]
) -> None:
    url = f"/fr/bassins/{seeded['bassin']}"
    public = page_text(client.get(url))
    assert "logopede" in public  # searched 5 times
    assert "jean dupont" not in public  # searched once: could name a person
    assert "Épicerie sociale X" not in public
    with app.app_context():
        editor = make_user("editor@example.org").id
        moderator = make_user("moderator@example.org", Role.MODERATOR).id
        db.session.commit()
    sign_in(client, editor)
    assert "Épicerie sociale X" not in page_text(client.get(url))
    sign_in(client, moderator)
    coordinator = page_text(client.get(url))
    assert "jean dupont" in coordinator and "Épicerie sociale X" in coordinator


def test_csv_export(client: FlaskClient, seeded: dict[str, str]) -> None:
    response = client.get("/fr/bassins/region.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    cell = next(r for r in rows if r["section"] == "fiches" and r["area_code"] == SCHAERBEEK_NIS
                and r["sector_code"] == "pharmacy")  # fmt: skip
    assert (cell["value"], cell["per_10000"], cell["population"]) == ("2", "0.2", "132799")
    assert cell["population_date"] == "2020-01-01" and cell["area_name"] == "Schaerbeek"
    assert any(r["section"] == "unmet_search" and r["area_name"] == "logopede" for r in rows)
    assert not any(r["area_name"] == "jean dupont" for r in rows)
    nl = client.get(f"/nl/zorgzones/{seeded['bassin']}.csv")
    assert nl.status_code == 200 and "Schaarbeek" in nl.get_data(as_text=True)


def _generated_fiches(rnd: random.Random) -> None:
    """150 fiches of every shape the figures must handle: 0–2 sectors, 0–2 locations (two in one quartier, one
    outside the areas, with and without a street), inactive ones, each fact present or not, stale or not; and
    pending candidates with 0–2 sectors, in a bassin or none."""
    quartiers = db.session.execute(select(Quartier.code, Quartier.commune_nis, Quartier.bassin_code)).all()
    sectors = list(db.session.scalars(select(Sector)))
    now = datetime.now(UTC)
    old, recent = now - timedelta(days=3 * 365), now - timedelta(days=10)
    for i in range(150):
        locations: list[Location] = []
        area: tuple[str | None, ...] = (None, None, None)
        for _ in range(rnd.choice([0, 1, 1, 1, 2, 2])):
            same = locations and rnd.random() < 0.3  # a second location in the first one's quartier
            q, commune, bassin = area if same else rnd.choice(quartiers)
            area = (q, commune, bassin) if rnd.random() > 0.1 else (None, None, None)  # or outside the areas
            q, commune, bassin = area
            street = rnd.choice(["", "Rue Test"])
            locations.append(Location(street_fr=street, street_nl="", house_number="1", postcode="1000",
                                      commune_nis=commune, quartier_code=q, bassin_code=bassin))  # fmt: skip
        service = Service(
            organization=Organization(name_fr=f"Organisation {i}"),
            name_fr=f"Service {i}",
            status=rnd.choice([ServiceStatus.ACTIVE] * 5 + [ServiceStatus.INACTIVE]),
            cost=rnd.choice(list(Cost)),
            access=rnd.choice(list(AccessCondition)),
            languages=rnd.choice([[], ["fr"], ["fr", "nl"]]),
            opening_hours=rnd.choice([None, "", "Mo-Fr 09:00-17:00"]),
            hours_note_fr=rnd.choice(["", "", "Sur rendez-vous"]),
            verified_at=rnd.choice([None, None, old, recent]),
            source_date=rnd.choice([None, old.date(), recent.date()]),
            source=rnd.choice(["manual", "osm"]),
            updated_at=rnd.choice([old, recent]),
            locations=locations,
        )
        service.sectors = rnd.sample(sectors, rnd.choice([0, 1, 1, 1, 2]))
        service.phones = [Phone(number="+3222220000")] if rnd.random() < 0.7 else []
        db.session.add(service)
    for i in range(30):
        record = rnd.choice([{}, {"sectors": []}, {"sectors": [rnd.choice(sectors).code]},
                             {"sectors": [s.code for s in rnd.sample(sectors, 2)]}])  # fmt: skip
        bassin = rnd.choice([None, *(b for _q, _c, b in quartiers)])
        db.session.add(Candidate(source="t", source_id=str(i), name_fr=f"Candidat {i}", record=record,
                                 bassin_code=bassin))  # fmt: skip
    db.session.commit()


def _expected(bassin: str) -> dict[str, Any]:
    """The figures of `bassin` counted fiche by fiche from the ORM objects (no SQL grouping)."""
    listed = [s for s in db.session.scalars(select(Service)) if s.status != ServiceStatus.INACTIVE]
    tables: dict[str, Counter] = {name: Counter() for name in figures.LEVELS}
    cells: dict[tuple[str, str], coverage_ops.Cell] = defaultdict(coverage_ops.Cell)
    stale_total = 0
    for service in listed:
        codes = [sector.code for sector in service.sectors] or [None]
        places = [loc for loc in service.locations if not bassin or loc.bassin_code == bassin]
        found = [{"sector": code, "commune": loc.commune_nis, "quartier": loc.quartier_code,
                  "bassin": loc.bassin_code or ""} for code in codes for loc in places]  # fmt: skip
        for name, columns in figures.LEVELS.items():
            for key in {tuple(cell[column] for column in columns) for cell in found}:
                if None not in key:
                    tables[name][key if len(key) > 1 else (key[0] if key else None)] += 1
        have = [
            any(loc.street_fr or loc.street_nl for loc in service.locations),
            bool(service.phones),
            bool(service.opening_hours or service.hours_note_fr or service.hours_note_nl),
            bool(service.languages),
            service.cost != Cost.UNKNOWN,
            service.access != AccessCondition.UNKNOWN,
            service.verified_at is not None,
        ]
        areas = {loc.bassin_code or coverage_ops.NONE for loc in service.locations} or {coverage_ops.NONE}
        for key in {(code or coverage_ops.NONE, area) for code in codes for area in areas}:
            cells[key].add(1, map(int, have))
        if freshness.is_stale(service) and (not bassin or bassin in areas):
            stale_total += 1
    for candidate in db.session.scalars(select(Candidate).where(Candidate.status == CandidateStatus.PENDING)):
        for code in set((candidate.record or {}).get("sectors") or []) or {coverage_ops.NONE}:
            cells[(code, candidate.bassin_code or coverage_ops.NONE)].candidates += 1
    table = {key: cell for key, cell in cells.items() if not bassin or key[1] == bassin}
    return {"tables": tables, "coverage": coverage_ops.totals(table, 0), "cells": dict(cells),
            "stale_total": stale_total}  # fmt: skip


def test_the_one_pass_figures_equal_a_fiche_by_fiche_count(app: Flask) -> None:
    """The region's and every bassin's offer, completeness, candidates and stale fiches, read in one grouped pass,
    equal a count made fiche by fiche, the coverage page's cells and the moderators' stale counts."""
    figures.clear_cache()
    with app.app_context():
        _generated_fiches(random.Random(14))
        db.session.expire_all()
        stale_counts = {(b.code if b else ""): n for b, n in freshness.stale_counts()}
        assert sum(stale_counts.values()) > 0
        assert coverage_ops.coverage() == _expected("")["cells"]
        for bassin in ["", *(code for (code,) in db.session.execute(select(Bassin.code)))]:
            data, expected = figures.compute(bassin), _expected(bassin)
            assert expected["tables"]["fiches"][None] > 0
            assert data.fiches == expected["tables"]["fiches"][None]
            for name in ("per_commune", "per_quartier", "per_sector", "by_commune", "by_quartier", "by_bassin"):
                assert getattr(data, name) == dict(expected["tables"][name]), (bassin, name)
            assert data.coverage == expected["coverage"]
            assert data.stale_total == expected["stale_total"]
            assert data.stale == ({bassin: stale_counts.get(bassin, 0)} if bassin else stale_counts)
