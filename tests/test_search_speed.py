"""What keeps the search endpoint close to raw Meilisearch: no database write or wait inside a search request
(the API's rate-limit hit is written after the answer, in batches), the areas read once per application."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from directory.extensions import db
from directory.models.accounts import RateLimitHit
from directory.search.alternatives import geography


def _hits(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(RateLimitHit)) or 0


def test_api_hits_are_written_after_the_answer_and_still_limit(make_app: Any) -> None:
    production = make_app(TESTING=False, RATE_LIMIT_API=(4, 60))
    client = production.test_client()
    before = _hits(production)
    codes = []
    for _ in range(5):
        response = client.get("/api/v1/services", query_string={"q": "pharmacie"})
        response.close()  # as a WSGI server does once the answer is sent: the hit goes to the writer then
        codes.append(response.status_code)
    assert codes == [200, 200, 200, 200, 429]  # counted in the process between two reads of the database
    deadline = time.monotonic() + 10
    while _hits(production) < before + 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _hits(production) == before + 4  # the writer thread recorded every answered request, once
    other_process = make_app(TESTING=False, RATE_LIMIT_API=(4, 60)).test_client()
    assert other_process.get("/api/v1/sectors").status_code == 429  # the limit holds across processes


def test_alternatives_read_the_areas_once_per_application(app: Flask) -> None:
    with app.app_context():
        first = geography()
        assert "21012" in first.neighbours["21001"]  # Molenbeek borders Anderlecht
        assert first.commune_bassin["21001"] and first.quartiers
        assert geography() is first
