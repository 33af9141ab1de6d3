"""A typed address resolves fast or fails fast: short timeout, no waiting, a circuit breaker after a failure, a
translated message that keeps what was typed and suggests the postcode or commune found in it."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from directory.maps.locate import LocateError, locate
from directory.operations.geocoding import breaker

DEAD = "http://127.0.0.1:9"  # the discard port: nothing listens, the connection is refused at once


@pytest.fixture(autouse=True)
def fresh_breaker() -> Iterator[None]:
    breaker.reset()
    yield
    breaker.reset()


@pytest.fixture
def counting_listener() -> Iterator[tuple[str, list[int]]]:
    """A loopback port that counts the connections made to it (and answers nothing)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.05)
    yield f"http://127.0.0.1:{server.getsockname()[1]}", [server]  # type: ignore[list-item]
    server.close()


def connections(server: socket.socket) -> int:
    count = 0
    while True:
        try:
            connection, _ = server.accept()
        except (TimeoutError, OSError):
            return count
        connection.close()
        count += 1


def test_unreachable_geocoder_fails_fast_with_a_suggestion(app: Flask, counting_listener) -> None:
    app.config.update(GEOCODER="nominatim", GEOCODER_URL=DEAD, GEOCODER_MIN_DELAY=0)
    with app.test_request_context("/fr/map"):
        started = time.monotonic()
        with pytest.raises(LocateError) as failed:
            locate("Rue Imaginaire 12, 1030 Schaerbeek")
        assert time.monotonic() - started < 2.0
        assert "pas disponible" in failed.value.message
        assert failed.value.suggestion == "1030"

        # The breaker is open: the next address does not even try the (now listening) provider.
        url, (server,) = counting_listener
        app.config["GEOCODER_URL"] = url
        with pytest.raises(LocateError) as again:
            locate("Avenue Imaginaire 3 Anderlecht")
        assert again.value.suggestion == "Anderlecht"
        assert connections(server) == 0


@pytest.mark.parametrize(
    ("lang", "message", "link"),
    [("fr", "pas disponible pour le moment", "Chercher près de 1030"), ("nl", "nu niet beschikbaar", "1030")],
)
def test_map_keeps_the_typed_address_and_offers_the_postcode(
    app: Flask, client: FlaskClient, lang: str, message: str, link: str
) -> None:
    app.config.update(GEOCODER="nominatim", GEOCODER_URL=DEAD, GEOCODER_MIN_DELAY=0)
    started = time.monotonic()
    response = client.get(f"/{lang}/map", query_string={"address": "Rue Imaginaire 12, 1030", "radius": "1000"})
    assert time.monotonic() - started < 3.0
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'value="Rue Imaginaire 12, 1030"' in page
    assert link in page and "address=1030" in page
    assert "near=latitude" not in page


def test_a_postcode_needs_no_geocoder(app: Flask, client: FlaskClient) -> None:
    app.config.update(GEOCODER="nominatim", GEOCODER_URL=DEAD)
    response = client.get("/fr/map", query_string={"address": "1030", "radius": "1000"})
    assert response.status_code == 302 and "near=" in response.headers["Location"]
