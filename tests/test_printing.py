"""Paper: the printable map of an area (HTML and PDF) and the referral sheet for a person."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from directory.extensions import db
from directory.models import Service
from directory.operations.pdf import ForbiddenFetch, html_to_pdf
from directory.presenters import week_summary
from directory.search.sync import wait_until_indexed
from tests.factories import ANDERLECHT, make_service

SCHAERBEEK_NIS = "21015"


@pytest.fixture
def services(app: Flask) -> list[int]:
    """Seven pharmacies in Schaerbeek, one in Anderlecht."""
    with app.app_context():
        ids = []
        for n in range(7):
            at = (50.8676 + n * 0.0006, 4.3737 + n * 0.0004)
            service = make_service(
                f"Pharmacie numéro {n}", ("pharmacy",), at=at, opening_hours="Mo-Fr 09:00-18:00; Sa 10:00-12:00"
            )
            ids.append(service.id)
        make_service("Pharmacie de la Gare", ("pharmacy",), at=ANDERLECHT, postcode="1070")
        service = db.session.get(type(service), ids[0])
        service.documents_fr = "Carte d'identité et vignette de mutuelle"
        service.documents_nl = "Identiteitskaart en klevertje van het ziekenfonds"
        db.session.commit()
        wait_until_indexed()
        return ids


def _pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_print_map_lists_the_area_with_numbers_matching_the_map(client: FlaskClient, services: list[int]) -> None:
    page = client.get(f"/fr/print/map?commune={SCHAERBEEK_NIS}&sector=pharmacy").get_data(as_text=True)
    assert "Schaerbeek" in page
    assert len(re.findall(r'<li value="\d+" class="paper-entry">', page)) == 7
    assert "Pharmacie de la Gare" not in page
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert len(re.findall(r'<circle class="paper-marker"', svg)) == 7
    assert sorted(int(n) for n in re.findall(r'data-number="(\d+)"', svg)) == list(range(1, 8))
    assert "lun.–ven. 09:00–18:00 · sam. 10:00–12:00" in page


def test_print_map_pdf_has_every_entry(client: FlaskClient, services: list[int]) -> None:
    response = client.get(f"/nl/print/map?commune={SCHAERBEEK_NIS}&sector=pharmacy&format=pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    pages, text = _pdf_text(response.data)
    assert pages == 1
    assert len(re.findall(r"Pharmacie numéro \d", text)) == 7
    assert "Schaarbeek" in text  # the Dutch name of the area


def test_print_map_a3_and_limits(client: FlaskClient, services: list[int]) -> None:
    from directory.views import printing

    printing.PAPER_LIMITS["a4"], saved = 3, printing.PAPER_LIMITS["a4"]
    try:
        page = client.get(f"/fr/print/map?commune={SCHAERBEEK_NIS}&sector=pharmacy").get_data(as_text=True)
    finally:
        printing.PAPER_LIMITS["a4"] = saved
    assert len(re.findall(r'class="paper-entry"', page)) == 3
    assert "3 des 7 services" in page  # says what is left out, and how to see it all
    a3 = client.get(f"/fr/print/map?commune={SCHAERBEEK_NIS}&paper=a3").get_data(as_text=True)
    assert 'class="paper paper-a3"' in a3


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sector=pharmacy", "une seule commune"),
        (f"commune={SCHAERBEEK_NIS}&commune=21001", "une seule commune"),
        (f"commune={SCHAERBEEK_NIS}&paper=a5", "A4 ou A3"),
    ],
)
def test_print_map_errors_are_explained(client: FlaskClient, query: str, message: str) -> None:
    response = client.get(f"/fr/print/map?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_referral_sheet_in_the_language_of_the_person(client: FlaskClient, services: list[int]) -> None:
    ids = ",".join(str(i) for i in services[:5])
    page = client.get(f"/nl/sheet?ids={ids}").get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert len(re.findall(r'<section class="sheet-entry"', page)) == 5
    assert "Identiteitskaart en klevertje van het ziekenfonds" in page  # what to bring, in Dutch
    assert page.count('class="sheet-qr"><svg') == 5  # a QR code per service
    assert "ma–vr 09:00–18:00" in page


def test_referral_sheet_pdf_is_one_a4_page(client: FlaskClient, services: list[int]) -> None:
    ids = ",".join(str(i) for i in services[:5])
    response = client.get(f"/fr/sheet?ids={ids}&format=pdf")
    pages, text = _pdf_text(response.data)
    assert pages == 1
    assert len(re.findall(r"Pharmacie numéro \d", text)) == 5
    assert "Carte d'identité et vignette de mutuelle" in text
    reader = PdfReader(io.BytesIO(response.data))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_referral_sheet_with_its_fixed_words_in_english(client: FlaskClient, services: list[int]) -> None:
    """For a person who reads neither French nor Dutch: labels, dates and day names in English, with pictograms;
    the services' own texts stay in the page language and say so; the toolbar stays in the professional's language."""
    ids = ",".join(str(i) for i in services[:5])
    page = html.unescape(client.get(f"/nl/sheet?ids={ids}&sheet_lang=en").get_data(as_text=True))
    body = page[page.index('<div class="sheet-body"') :]
    assert body.startswith('<div class="sheet-body" lang="en">')
    for word in ("Services for you", "Address", "How to get there", "Phone", "Opening hours this week", "Cost"):
        assert word in body, word
    assert "What to bring" in body and "Mon–Fri 09:00–18:00" in body and "Made on December" in body
    assert "Mee te brengen" not in body and "Adres" not in body  # no Dutch fixed word left on the sheet
    assert '<span lang="nl">Identiteitskaart en klevertje van het ziekenfonds</span>' in body  # content: Dutch
    assert "pictos/bring.svg" in body and "pictos/clock.svg" in body and "pictos/address.svg" in body
    assert '<html lang="nl">' in page and "Terug naar de gids" in page  # the toolbar is the professional's
    dutch = html.unescape(client.get(f"/nl/sheet?ids={ids}").get_data(as_text=True))
    assert '<div class="sheet-body" lang="nl">' in dutch and "Mee te brengen" in dutch
    pdf = client.get(f"/fr/sheet?ids={ids}&sheet_lang=en&format=pdf")
    pages, text = _pdf_text(pdf.data)
    assert pages == 1 and "What to bring" in text and "Carte d'identité et vignette de mutuelle" in text


def test_a_sheet_passes_on_by_short_link_qr_mail_and_sms(client: FlaskClient, services: list[int]) -> None:
    from directory.sharing import SheetLink, decode, encode

    ids = tuple(services[:3])
    page = html.unescape(client.get(f"/fr/sheet?ids={','.join(map(str, ids))}&sheet_lang=en").get_data(as_text=True))
    code = encode(SheetLink("fr", ids, english=True))
    short = f"http://localhost/s/{code}"
    assert code.startswith("fe-") and len(short) < 40 and decode(code) == SheetLink("fr", ids, True)
    share = page[page.index('class="sheet-share"') :]
    assert f'href="{short}"' in share and "<svg" in share  # the short link and its QR code
    assert re.search(r'href="mailto:\?subject=[^"]*body=[^"]*/s/' + code + '"', share)
    assert re.search(r'href="sms:\?&body=[^"]*/s/' + code + '"', share)
    answer = client.get(f"/s/{code}")  # no account, nothing stored: the code is the sheet
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/fr/sheet?ids={','.join(map(str, ids))}&sheet_lang=en"
    assert client.get(f"/s/{encode(SheetLink('nl', ids))}").headers["Location"].startswith("/nl/sheet?ids=")
    for bad in ("x-1", "f", "f-", "f-1-2-3-4-5-6", "fe-!"):
        assert client.get(f"/s/{bad}").status_code == 404, bad


@pytest.mark.parametrize(
    ("ids", "status", "message"),
    [
        ("", 400, "au moins un service"),
        ("1,2,3,4,5,6", 400, "au plus 5"),
        ("abc", 400, "est pas un numéro de service"),
        ("999999", 404, "ne sont pas dans le répertoire"),
    ],
)
def test_referral_sheet_errors(client: FlaskClient, ids: str, status: int, message: str) -> None:
    response = client.get(f"/fr/sheet?ids={ids}")
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("paper", ["a4", "a3"])
def test_a_full_printed_map_fits_on_one_sheet(app: Flask, client: FlaskClient, paper: str) -> None:
    """As many long entries as the paper allows (PAPER_LIMITS), with phones and split hours: still one page."""
    from directory.views.printing import PAPER_LIMITS, PAPER_ROWS

    with app.app_context():
        for n in range(PAPER_LIMITS[paper] + 3):
            at = (50.8676 + (n % 6) * 0.0005, 4.3737 + (n // 6) * 0.0005)  # all inside Schaerbeek
            make_service(
                f"Maison médicale de quartier numéro {n} — antenne Josaphat",
                ("medical_house",),
                at=at,
                opening_hours="Mo-Fr 08:30-12:30,13:30-19:00; Sa 09:00-12:00",
                languages=["fr", "nl", "ar"],
                cost="free",
                access="unconditional",
            )
        db.session.commit()
        wait_until_indexed()
    response = client.get(f"/fr/print/map?commune={SCHAERBEEK_NIS}&paper={paper}&format=pdf")
    pages, text = _pdf_text(response.data)
    reader = PdfReader(io.BytesIO(response.data))
    size = (round(float(reader.pages[0].mediabox.width)), round(float(reader.pages[0].mediabox.height)))
    assert size == {"a4": (595, 842), "a3": (842, 1191)}[paper]
    assert pages == 1
    printed = len(re.findall(r"numéro \d+", " ".join(text.split())))
    assert 2 * PAPER_ROWS[paper] <= printed <= PAPER_LIMITS[paper]  # very long entries: fewer rows, one sheet
    assert f"{printed} des {PAPER_LIMITS[paper] + 3} services" in " ".join(text.split())  # and the page says so


def test_sheet_says_when_a_service_left_the_directory(app: Flask, client: FlaskClient, services: list[int]) -> None:
    with app.app_context():
        db.session.get(Service, services[1]).status = "inactive"
        closed = db.session.get(Service, services[2])
        closed.status, closed.closed_until = "temporarily_closed", date(2027, 1, 15)
        db.session.commit()
    page = html.unescape(client.get(f"/fr/sheet?ids={services[0]},{services[1]},{services[2]}").get_data(as_text=True))
    assert len(re.findall(r'<section class="sheet-entry"', page)) == 2
    assert "1 service n'est plus dans le répertoire" in page
    assert "Fermé temporairement jusqu'au 15 janvier 2027" in page  # never sent to a closed service unwarned


def test_print_map_of_an_unknown_area_is_404(client: FlaskClient) -> None:
    assert client.get("/fr/print/map?commune=99999").status_code == 404


def test_pdf_never_fetches_a_remote_url(app: Flask) -> None:
    html = '<p>x</p><img src="https://tiles.example.org/1/2/3.png"><img src="/static/pictos/eat.svg">'
    with app.test_request_context("/fr/"):
        fetched = []
        from directory.operations import pdf

        fetcher = pdf._static_fetcher()
        with pytest.raises(ForbiddenFetch):
            fetcher.fetch("https://tiles.example.org/1/2/3.png")
        for outside in (
            "http://localhost/static/../directory/config.py",
            "http://localhost/etc/passwd",
            "http://localhost/static//etc/passwd",
            "file:///etc/passwd",
        ):
            with pytest.raises((ForbiddenFetch, ValueError)):
                fetcher.fetch(outside)
        fetched.append(fetcher.fetch("http://localhost/static/pictos/eat.svg").read())
        assert fetched[0].startswith(b"<svg")
        assert html_to_pdf(html, "http://localhost/").startswith(b"%PDF")


def test_week_summary_groups_days(app: Flask) -> None:
    with app.test_request_context("/nl/"):
        app.preprocess_request()  # sets the page language from the URL
        monday = date(2026, 11, 23)
        assert week_summary("Mo-Fr 09:00-12:00,13:00-17:00; We 09:00-12:00", monday) == (
            "ma–di 09:00–12:00, 13:00–17:00 · wo 09:00–12:00 · do–vr 09:00–12:00, 13:00–17:00"
        )
        assert week_summary(None, monday) == ""
        assert week_summary("Sa 10:00-12:00", monday) == "za 10:00–12:00"
