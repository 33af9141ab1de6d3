"""Printed maps that an association can hang on its wall: markers that never hide each other, services chosen to
cover the area, one page for every commune on A4 and A3, with the orientation layers, scale, north and legend."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from directory.extensions import db
from directory.maps.coverage import cover_area
from directory.maps.spread import overlaps, spread
from directory.models import Commune

MARKER = re.compile(r'<circle class="paper-marker" data-number="(\d+)" cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"')


def test_spread_keeps_twenty_four_markers_on_one_spot_apart() -> None:
    points = [(500.0, 300.0)] * 24
    placed = spread(points, 15, 1000, 700)
    assert overlaps(placed, 15) == []
    assert all(15 <= p.x <= 985 and 15 <= p.y <= 685 for p in placed)
    assert not placed[0].moved and all(p.moved for p in placed[1:])  # number 1 stays on its place


def test_spread_keeps_markers_in_the_frame_near_a_corner() -> None:
    placed = spread([(2.0, 2.0)] * 6, 10, 200, 100)
    assert overlaps(placed, 10) == [] and all(10 <= p.x <= 190 and 10 <= p.y <= 90 for p in placed)


def test_coverage_takes_each_neighbourhood_in_turn() -> None:
    hits = [{"service_id": i, "quartier": "A", "_geo": {"lat": 0, "lng": 0}} for i in range(10)]
    hits += [{"service_id": 100 + i, "quartier": "B", "_geo": {"lat": 0, "lng": 0}} for i in range(3)]
    hits += [{"service_id": 200, "quartier": None}]  # no position: only fills what is left
    chosen = cover_area(hits, 6)
    assert [h["service_id"] for h in chosen] == [0, 100, 1, 101, 2, 102]
    assert [h["service_id"] for h in cover_area(hits[10:], 6)] == [100, 101, 102, 200]


def _communes(app: Flask) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Commune.nis)))


def _markers(page: str) -> list[tuple[int, float, float, float]]:
    return [(int(n), float(x), float(y), float(r)) for n, x, y, r in MARKER.findall(page)]


@pytest.mark.parametrize("paper", ["a4", "a3"])
def test_every_commune_prints_with_no_hidden_number(run_app: Flask, paper: str) -> None:
    client = run_app.test_client()
    densest = []
    for nis in _communes(run_app):
        page = client.get(f"/fr/print/map?commune={nis}&paper={paper}").get_data(as_text=True)
        markers = _markers(page)
        assert markers, nis
        for i, (n1, x1, y1, r1) in enumerate(markers):
            for n2, x2, y2, _r2 in markers[i + 1 :]:
                assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 >= 2 * r1, f"{nis} {paper}: {n1} hides {n2}"
        numbers = sorted(n for n, *_ in markers)
        assert numbers == list(range(1, len(numbers) + 1))  # each listed service with a position has its disc
        assert page.count('class="paper-entry"') <= {"a4": 12, "a3": 24}[paper]
        densest.append((page.count("<line x1="), nis))  # leader lines: markers moved aside
    assert max(densest)[0] > 0  # the densest areas really needed spreading


def test_every_commune_prints_on_one_page(run_app: Flask) -> None:
    client = run_app.test_client()
    for nis in _communes(run_app):
        for paper in ("a4", "a3"):
            answer = client.get(f"/nl/print/map?commune={nis}&paper={paper}&format=pdf")
            assert answer.status_code == 200
            assert len(PdfReader(io.BytesIO(answer.data)).pages) == 1, (nis, paper)


def test_printed_map_orients_a_reader(run_app: Flask) -> None:
    page = run_app.test_client().get("/fr/print/map?commune=21004&paper=a4").get_data(as_text=True)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'fill="#d7ebcd"' in svg and 'fill="#b9d6ee"' in svg  # parks and water
    assert svg.count('font-weight="700" fill="#222"') >= 3  # names of metro and train stations
    assert re.search(r'fill="#4a5361"[^>]*>(?:SCHAERBEEK|ETTERBEEK|IXELLES|JETTE)<', svg)  # neighbouring communes
    assert ">N</text>" in svg and re.search(r">\d+ (?:m|km)</text>", svg)  # north arrow, scale bar
    assert "contributeurs d'OpenStreetMap" in page and 'class="paper-legend"' in page
    assert "choisissez A3" not in page.lower()
    a3 = run_app.test_client().get("/fr/print/map?commune=21004&paper=a3").get_data(as_text=True)
    assert "A3" not in a3.split("paper-choice")[1].split("</div>")[0]  # no "use A3" on A3


def test_bus_lines_on_the_map_of_a_commune_only(run_app: Flask) -> None:
    """Thin bus lines under the trams and metro, numbers only where no name or number is; none on a bassin's map."""
    client = run_app.test_client()
    page = client.get("/fr/print/map?commune=21004&paper=a4").get_data(as_text=True)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count('class="bus-line"') >= 5 and 'class="bus-label"' in svg
    first_tram = re.search(r'stroke-width="[\d.]+" stroke-linecap="round"/>', svg[svg.rindex('class="bus-line"') :])
    assert first_tram is not None  # the metro and tram lines come after (above) the last bus line
    assert "Bus (" in page  # in the legend
    refs = re.findall(r'class="bus-label" font-weight="700" fill="[^"]+">([^<]+)<', svg)
    assert len(refs) == len(set(refs))  # one number per line at most
    bassin = client.get("/fr/print/map?bassin=nord-est&paper=a4")
    assert bassin.status_code == 200 and 'class="bus-line"' not in bassin.get_data(as_text=True)


def test_no_call_before_without_a_phone(run_app: Flask) -> None:
    page = run_app.test_client().get("/fr/print/map?commune=21015&paper=a3").get_data(as_text=True)
    for entry in page.split('class="paper-entry"')[1:]:
        if "téléphonez" in entry:
            assert "☎" in entry


def _png() -> bytes:
    """A 1×1 light grey PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xdd\xdd\xdd"))
        + chunk(b"IEND", b"")
    )


def test_printed_map_draws_tiles_from_a_configured_server(app: Flask) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    asked: list[str] = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            body = _png()
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        app.config["TILE_URL"] = f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png"
        page = app.test_client().get("/fr/print/map?commune=21009&paper=a4").get_data(as_text=True)
    finally:
        server.shutdown()
        server.server_close()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert asked and all(re.fullmatch(r"/1[0-7]/\d+/\d+\.png", path) for path in asked)
    assert svg.count('<image href="data:image/png;base64,') == len(asked)
    assert 'fill="#d7ebcd"' not in svg  # the tiles have the parks; the lines and stops stay on top
    assert "Plan des rues" in page  # the tile server's attribution is printed


def test_printed_map_without_its_tile_server_keeps_the_orientation_layers(app: Flask) -> None:
    from directory.search.server import free_port

    app.config["TILE_URL"] = f"http://127.0.0.1:{free_port()}/{{z}}/{{x}}/{{y}}.png"  # nothing listens there
    app.config["TILE_TIMEOUT"] = 1.0
    page = app.test_client().get("/fr/print/map?commune=21009&paper=a4").get_data(as_text=True)
    assert "<image " not in page and 'fill="#d7ebcd"' in page
