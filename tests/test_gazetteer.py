"""BeST addresses as the first, local geocoder (a sample written in the real BeST column layout)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from directory.extensions import db
from directory.importing.run import run_import
from directory.models import Address, Service
from directory.operations.gazetteer import load_best, lookup
from importers.template import TemplateImporter

SAMPLE = Path(__file__).parent / "data" / "best-sample.csv"


def test_load_is_idempotent_and_keeps_current_addresses(app: Flask) -> None:
    with app.app_context():
        assert load_best(SAMPLE) == 4  # the retired address is left out
        assert load_best(SAMPLE) == 4
        assert db.session.scalar(select(func.count()).select_from(Address)) == 4


def test_lookup_exact_then_street(app: Flask) -> None:
    with app.app_context():
        load_best(SAMPLE)
        exact = lookup("place colignon", "3", "1030")
        assert (exact.lat, exact.lon, exact.precision) == (50.86728, 4.37497, "address")
        dutch = lookup("Colignonplein", "1", "1030")
        assert dutch.precision == "address" and dutch.lat == 50.86705
        street = lookup("Place Colignon", "99", "1030")
        assert street.precision == "street" and 50.867 < street.lat < 50.8673
        assert lookup("Place Colignon", "1", "1070") is None


def test_import_uses_the_gazetteer_without_any_remote_geocoder(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(
        "source_id,name_fr,sectors,street_fr,house_number,postcode\n"
        "g-1,Épicerie sociale,food_aid,Chaussée de Mons,475,1070\n",
        encoding="utf-8",
    )
    with app.app_context():
        load_best(SAMPLE)
        assert app.config["GEOCODER"] == "none"
        run_import(TemplateImporter(), path, source="g")
        location = db.session.scalar(select(Service)).locations[0]
        assert (location.lat, location.geocode_precision, location.commune_nis) == (50.83595, "address", "21001")
        assert location.quartier_code is not None  # tagged from the point, not only the postcode


def test_cli_rejects_a_file_in_another_layout(runner: FlaskCliRunner) -> None:
    bad = runner.invoke(args=["gazetteer", "load", str(Path(__file__).parent / "data" / "template-mixed.csv")])
    assert bad.exit_code != 0 and "not a BeST address file" in bad.output
    good = runner.invoke(args=["gazetteer", "load", str(SAMPLE)])
    assert good.exit_code == 0 and "4 addresses loaded" in good.output
