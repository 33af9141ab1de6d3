"""Every fiche says how old its facts are: the source's own date, never the import date; old facts are to check;
a 2020 hospital fiche that a newer source may contradict is not shown as current."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from directory.extensions import db
from directory.importing.defaults import OSM_EXTRACT_DATE, import_default_dataset
from directory.models import MergeCandidate, Service
from directory.search.sync import wait_until_indexed
from tests.account_helpers import page_text
from tests.factories import make_service


@pytest.fixture
def defaults(app: Flask) -> dict[str, int]:
    """The default dataset; ids of an OpenStreetMap fiche and of a fiche only the 2020 hospital list knows."""
    with app.app_context():
        import_default_dataset(Path(app.config["SHARED_DATA_DIR"]))
        osm = db.session.scalar(select(Service.id).where(Service.source == "osm").order_by(Service.id))
        hospital = db.session.scalar(
            select(Service.id).where(Service.source == "eurostat-hospitals").order_by(Service.id)
        )
        wait_until_indexed()
    return {"osm": osm, "hospital": hospital}


def test_fiches_and_results_show_the_date_of_their_source_and_old_facts_are_to_check(
    app: Flask, client: FlaskClient, defaults: dict[str, int]
) -> None:
    with app.app_context():
        assert db.session.get(Service, defaults["osm"]).source_date == date.fromisoformat(OSM_EXTRACT_DATE)
        hospital = db.session.get(Service, defaults["hospital"])
        assert hospital.source_date == date(2020, 2, 1)
        name = hospital.name_fr
    page = page_text(client.get(f"/fr/services/{defaults['hospital']}", follow_redirects=True))
    assert "telles que la source les donnait le 1 février 2020" in page
    assert "Faits de 2020 : à vérifier" in page
    assert "Dernière mise à jour" not in page  # the import date is never shown as an update
    osm = page_text(client.get(f"/nl/services/{defaults['osm']}", follow_redirects=True))
    assert "zoals de bron ze gaf op 16 mei 2026" in osm and "Gegevens van 2026" not in osm
    assert "Faits de 2020 : à vérifier" in page_text(client.get("/fr/search", query_string={"q": name}))
    app.config["FRESHNESS_STALE_AFTER_DAYS"] = 30  # the age is configurable
    assert "Gegevens van 2026: na te kijken" in page_text(
        client.get(f"/nl/services/{defaults['osm']}", follow_redirects=True)
    )


def test_a_2020_fiche_that_a_newer_source_may_contradict_is_flagged(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        old = make_service("Hôpital du Test", ("hospital",), source="eurostat-hospitals", source_date=date(2020, 2, 1))
        new = make_service("Hôpital du Test (site)", ("hospital",), source="osm", source_date=date(2026, 5, 16))
        db.session.add(MergeCandidate(service_id=old.id, candidate_id=new.id, score=80, reasons=["name 80%"]))
        db.session.commit()
        ids = old.id, new.id
    flagged = page_text(client.get(f"/fr/services/{ids[0]}", follow_redirects=True))
    assert "Une source plus récente" in flagged and "Hôpital du Test (site)" in flagged
    assert "Une source plus récente" not in page_text(client.get(f"/fr/services/{ids[1]}", follow_redirects=True))
