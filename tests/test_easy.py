"""Easy-read that always leads somewhere: widening step by step, helplines with sources, best places first."""

from __future__ import annotations

import html
import re
from datetime import datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from directory.extensions import db
from directory.maps.helplines import all_helplines, helplines_for
from directory.maps.needs import NEEDS, sectors_for
from directory.maps.widen import best_first, neighbours
from directory.models import Service
from directory.search.sync import wait_until_indexed
from tests.account_helpers import Team
from tests.factories import ANDERLECHT, make_service

IXELLES, SCHAERBEEK, ANDERLECHT_NIS, EVERE = "21009", "21015", "21001", "21006"


def test_neighbours_come_from_the_polygons(app: Flask) -> None:
    with app.app_context():
        around = neighbours(IXELLES)
        assert {"21005", "21013", "21004"} <= set(around)  # Etterbeek, Saint-Gilles, Brussels-City
        assert ANDERLECHT_NIS not in around and IXELLES not in around
        assert EVERE in neighbours(SCHAERBEEK)


def test_someone_to_talk_to_is_listening_not_leisure(app: Flask) -> None:
    with app.app_context():
        talk = sectors_for("talk")
        assert "community_centre" not in talk
        assert {"listening_line", "mental_health", "social_work_centre"} <= set(talk)
        assert all(sectors_for(need) for need in NEEDS)  # every need has sectors


def test_every_helpline_has_a_source_and_a_date() -> None:
    lines = all_helplines()
    assert {"0800 99 340", "107", "106", "+32 2 880 29 80"} <= {line.phone for line in lines}
    for line in lines:
        assert line.source_url and line.source_date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", line.checked), line.key
        assert line.tel.lstrip("+").isdigit() and set(line.needs) <= set(NEEDS), line.key
    assert [h.key for h in helplines_for("sleep")] == ["samusocial"]
    assert [h.key for h in helplines_for("money", "professional")] == ["brusano"]  # for professionals only
    # money and papers: a sourced line the public can call (no number without a page that shows it)
    assert [h.key for h in helplines_for("money")] == ["allo-aide-sociale"]
    assert [h.key for h in helplines_for("papers")] == ["allo-aide-sociale", "balie-brussel-helpline"]


def test_best_first_puts_open_then_near_then_free_first() -> None:
    monday_noon = datetime(2026, 11, 30, 12, 0)
    hits = [
        {"id": "closed-near", "opening_hours": "Mo-Fr 18:00-20:00", "_geoDistance": 10},
        {"id": "open-far", "opening_hours": "Mo-Fr 09:00-17:00", "_geoDistance": 900},
        {"id": "open-near-paid", "opening_hours": "Mo-Fr 09:00-17:00", "_geoDistance": 100, "cost": "paid"},
        {"id": "open-near-free", "opening_hours": "Mo-Fr 09:00-17:00", "_geoDistance": 100, "cost": "free"},
        {"id": "unknown", "_geoDistance": 5},
        {"id": "shut", "opening_hours": "Mo-Fr 09:00-17:00", "status": "temporarily_closed", "_geoDistance": 1},
    ]
    order = [h["id"] for h in best_first(hits, monday_noon)]
    assert order == ["open-near-free", "open-near-paid", "open-far", "unknown", "closed-near", "shut"]


def _page(client: FlaskClient, url: str) -> str:
    answer = client.get(url)
    assert answer.status_code == 200
    return html.unescape(answer.get_data(as_text=True))


def test_a_commune_with_nothing_widens_and_says_so(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_service("Restaurant social Clemenceau", ("food_aid",), at=ANDERLECHT, postcode="1070")
        db.session.commit()
        wait_until_indexed()
    page = _page(client, f"/fr/facile/eat/list?commune={SCHAERBEEK}")
    assert "Nous n'avons rien trouvé près de Schaerbeek." in page and "ailleurs à Bruxelles" in page
    assert "Restaurant social Clemenceau" in page
    first_call = page.index('class="easy-call"')
    assert first_call < page.index('class="map-frame')  # the call button comes before the map
    assert "0800 99 340" in page  # the night-shelter line comes after the places
    near = _page(client, f"/nl/eenvoudig/eat/list?commune={ANDERLECHT_NIS}")
    assert "Restaurant social Clemenceau" in near and "easy-wider" not in near  # found at home: nothing to say


def test_nothing_anywhere_ends_with_helplines_not_nothing(client: FlaskClient) -> None:
    page = _page(client, f"/fr/facile/talk/list?commune={IXELLES}")
    assert "Nous n'avons trouvé aucun lieu pour cela à Bruxelles." in page
    assert 'href="tel:107"' in page and 'href="tel:106"' in page
    assert "Source de ce numéro" in page and "alterechos.be" in page
    nl = _page(client, "/nl/eenvoudig/sleep/list?near=50.85,4.35")
    assert 'href="tel:080099340"' in nl and "Bron van dit nummer" in nl


def test_easy_pages_have_their_own_light_frame(client: FlaskClient) -> None:
    page = _page(client, "/fr/facile/")
    assert 'class="easy-header"' in page and 'class="site-header"' not in page
    assert "ODbL" not in page  # no licence footer with abbreviations
    where = _page(client, "/fr/facile/eat")
    assert "pictos/near_me.svg" in where and "pictos/walk_in.svg" not in where  # Near me ≠ no appointment


def test_fiche_and_sheet_say_how_to_get_there_and_the_sheet_can_be_sent(app: Flask, client: FlaskClient) -> None:
    from directory.presenters import fiche_url

    with app.test_request_context("/fr/"):
        service = make_service("Épicerie sociale Colignon", ("food_aid",))  # at Schaerbeek's town hall
        db.session.commit()
        url = fiche_url(service)
        ids = str(service.id)
    fiche = _page(client, url)
    assert "Pour y aller" in fiche and "min" in fiche
    sheet = _page(client, f"/fr/sheet?ids={ids}")
    assert re.search(r'href="sms:\?&body=[^"]*/s/f-[0-9a-z]+"', sheet)
    assert re.search(r'href="mailto:\?subject=[^"]*body=[^"]*/s/f-[0-9a-z]+"', sheet)


def test_a_service_writes_its_own_easy_read_line(app: Flask, client: FlaskClient, team: Team) -> None:
    """Declared once (directory/fields): form, template column, HSDS extension, revisions; the easy-read card shows
    it, and a card without one falls back to its sectors' plain words."""
    from directory.models.moderation import Revision
    from directory.operations import accounts
    from directory.operations.hsds import extension
    from importers.template import COLUMNS
    from tests.account_helpers import edit_form_data, sign_in

    assert {"easy_description_fr", "easy_description_nl"} <= set(COLUMNS)
    with app.app_context():
        service = db.session.get(Service, team.own)
        accounts.set_trusted(service.organization, True, db.session.get(accounts.User, team.admin))
        db.session.commit()
    sign_in(client, team.editor)
    assert 'name="easy_description_fr"' in client.get(f"/fr/edit/services/{team.own}").get_data(as_text=True)
    line = "On vous soigne, même sans argent."
    with app.app_context():
        too_long = edit_form_data(db.session.get(Service, team.own), easy_description_fr="x" * 121)
        data = edit_form_data(db.session.get(Service, team.own), easy_description_fr=line)
    refused = client.post(f"/fr/edit/services/{team.own}", data=too_long)  # longer than 120: refused, kept to fix
    assert refused.status_code == 400 and "x" * 121 in refused.get_data(as_text=True)
    assert client.post(f"/fr/edit/services/{team.own}", data=data).status_code == 302
    with app.app_context():
        service = db.session.get(Service, team.own)
        assert service.easy_description_fr == line
        assert extension(service, "service")["easy_description_fr"] == line  # HSDS x_qfq
        revision = db.session.scalars(select(Revision).order_by(Revision.number.desc())).first()
        assert revision is not None and revision.kind == "edit"
        sectors = [s.code for s in service.sectors]
        commune = service.locations[0].commune_nis
        other = make_service("Maison médicale sans phrase", tuple(sectors), at=ANDERLECHT, postcode="1070")
        db.session.commit()
        wait_until_indexed()
        need = next(n for n in NEEDS if set(sectors) & set(sectors_for(n)))
        other_commune = other.locations[0].commune_nis
    page = _page(client, f"/fr/facile/{need}/list?commune={commune}")
    assert f'<p class="easy-what easy-own">{line}</p>' in page
    plain = _page(client, f"/fr/facile/{need}/list?commune={other_commune}")
    assert "Maison médicale sans phrase" in plain and 'class="easy-what"' in plain and "easy-own" not in plain
