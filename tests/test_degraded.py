"""Search degrades instead of failing (Meilisearch down, hung, killed mid-request or mid-reindex): the SQL fallback
answers like Meilisearch, edits made meanwhile reach the index by themselves, and a reindex never loses an edit
made while it runs."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import SearchOutbox, Service
from directory.search import get_client, index_name, retry, sync
from directory.search.client import MeiliClient, MeiliError
from directory.search.fallback import breaker
from directory.search.server import MeiliProcess, free_port
from directory.search.sync import reindex, wait_until_indexed
from tests.factories import ANDERLECHT, GRAND_PLACE, SCHAERBEEK, make_service

NOTE = {"fr": "Recherche réduite", "nl": "Beperkte zoekfunctie"}


def api(client: FlaskClient, **params) -> dict:
    response = client.get("/api/v1/services", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def fiches(app: Flask) -> dict[str, int]:
    """Eight varied fiches, indexed."""
    with app.app_context():
        made = [
            make_service("Pharmacie du Centre", ("pharmacy",), at=GRAND_PLACE, postcode="1000", cost="paid"),
            make_service("Pharmacie Josaphat", ("pharmacy",), languages=["fr", "nl"], cost="paid"),
            make_service("Maison médicale Vinçotte", ("medical_house",), languages=["fr", "ar"], cost="free"),
            make_service("Maison médicale du Midi", ("medical_house",), at=ANDERLECHT, postcode="1070", cost="free"),
            make_service("Planning familial Rosa", ("family_planning",), at=ANDERLECHT, postcode="1070"),
            make_service("Restaurant social Le Pivot", ("food_aid",), wheelchair="yes", access="unconditional"),
            make_service("Centre de santé mentale Chapelle", ("mental_health",), at=None, languages=["nl"]),
            make_service("Épicerie sociale Josaphat", ("food_aid",), availability="waiting_list"),
        ]
        db.session.commit()
        wait_until_indexed()
        return {s.name_fr: s.id for s in made}


@pytest.fixture
def meili_down(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The app's Meilisearch client points where nothing listens; `.undo()` brings it back."""
    dead = MeiliClient(f"http://127.0.0.1:{free_port()}", timeout=1.0)
    monkeypatch.setitem(app.extensions, "meili", dead)
    yield monkeypatch
    dead.close()


def _comparable(answer: dict) -> tuple:
    facets = {name: {v["value"]: v["count"] for v in values} for name, values in answer["facets"].items()}
    return answer["total"], sorted(hit["id"] for hit in answer["hits"]), facets


QUERIES = [
    {},
    {"q": "pharmacie"},
    {"q": "vincotte"},
    {"q": "josaphat"},
    {"q": "pharmacie josaphat"},
    {"q": "pharmacie introuvable"},  # no result for both words: none (no word is dropped)
    {"q": "maison médicale Anderlecht"},  # understood: a kind and a commune
    {"sector": "pharmacy,food_aid"},
    {"sector": "medical_house", "cost": "free"},
    {"commune": "21001"},
    {"language": "nl"},
    {"wheelchair": "unknown"},
    {"availability": "waiting_list", "q": "sociale"},
    {"near": f"{SCHAERBEEK[0]},{SCHAERBEEK[1]}", "radius": "1000"},
    {"q": "sante", "lang": "nl"},
]


@pytest.mark.parametrize("query", QUERIES, ids=[str(q) for q in QUERIES])
def test_sql_fallback_gives_the_same_answer_as_meilisearch(
    app: Flask, client: FlaskClient, fiches: dict, meili_down: pytest.MonkeyPatch, query: dict
) -> None:
    degraded = api(client, **query)
    meili_down.undo()
    with app.app_context():
        breaker().reset()
    full = api(client, **query)
    assert degraded["degraded"] is True and full["degraded"] is False
    assert _comparable(degraded) == _comparable(full)


def test_fallback_pages_cover_every_result_once(client: FlaskClient, fiches: dict, meili_down) -> None:
    pages = [api(client, per_page=3, page=page) for page in (1, 2, 3)]
    assert [p["pages"] for p in pages] == [3, 3, 3] and [len(p["hits"]) for p in pages] == [3, 3, 2]
    assert len({hit["id"] for p in pages for hit in p["hits"]}) == 8


def test_fallback_orders_by_distance_and_keeps_the_document_shape(
    app: Flask, client: FlaskClient, fiches: dict, meili_down: pytest.MonkeyPatch
) -> None:
    near = {"near": f"{ANDERLECHT[0]},{ANDERLECHT[1]}"}
    degraded = api(client, **near)["hits"]
    meili_down.undo()
    with app.app_context():
        breaker().reset()
    full = api(client, **near)["hits"]
    assert [h["id"] for h in degraded[:3]] == [h["id"] for h in full[:3]]  # the two in Anderlecht, then the nearest
    assert degraded[0] == full[0]  # same fields and values as the index document


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_every_search_page_answers_with_a_note_when_meilisearch_is_down(
    app: Flask, client: FlaskClient, fiches: dict, meili_down: pytest.MonkeyPatch, lang: str
) -> None:
    easy = "facile" if lang == "fr" else "eenvoudig"
    pages = [
        f"/{lang}/search?q=pharmacie",
        f"/{lang}/map?q=pharmacie",
        f"/{lang}/{easy}/eat/list?commune=21015",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert NOTE[lang] in response.get_data(as_text=True), url
    assert "Pharmacie Josaphat" in client.get(f"/{lang}/search?q=pharmacie").get_data(as_text=True)
    points = client.get(f"/{lang}/map/points.json?q=pharmacie")
    assert points.status_code == 200 and points.get_json()["total"] == 2
    popup = client.get(f"/{lang}/map/popup/{points.get_json()['points'][0][2]}")
    assert popup.status_code == 200 and "Pharmacie" in popup.get_data(as_text=True)
    assert client.get(f"/{lang}/map/popup/999999-1").status_code == 404


def test_search_recovers_by_itself_after_the_pause(app: Flask, client: FlaskClient, meili_down) -> None:
    app.config["SEARCH_FALLBACK_PAUSE"] = 1.0
    assert api(client, q="x")["degraded"] is True
    meili_down.undo()
    assert api(client, q="x")["degraded"] is True  # still within the pause: Meilisearch is not tried
    time.sleep(1.05)
    assert api(client, q="x")["degraded"] is False


def _outbox() -> int:
    return db.session.scalar(select(func.count()).select_from(SearchOutbox)) or 0


def test_edit_made_while_down_is_found_at_once_and_reaches_the_index_by_itself(
    app: Flask, client: FlaskClient, fiches: dict, meili_down: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        service = db.session.get(Service, fiches["Pharmacie Josaphat"])
        service.name_fr = "Pharmacie Helmet"
        db.session.commit()
        assert _outbox() == 1
    assert [h["name_fr"] for h in api(client, q="helmet")["hits"]] == ["Pharmacie Helmet"]  # SQL text is current
    meili_down.undo()
    with app.app_context():
        assert retry.retry_once() == 1
        assert retry.retry_once() == 0  # nothing left, nothing pushed twice
        wait_until_indexed()
        assert _outbox() == 0
        assert get_client().stats(index_name())["numberOfDocuments"] == 8  # no duplicate
    answer = api(client, q="helmet")
    assert answer["degraded"] is False and [h["name_fr"] for h in answer["hits"]] == ["Pharmacie Helmet"]


def test_retry_thread_of_the_app_process_pushes_the_outbox(
    app: Flask, client: FlaskClient, fiches: dict, meili_down: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        db.session.get(Service, fiches["Planning familial Rosa"]).name_fr = "Planning familial Aimer"
        db.session.commit()
    meili_down.undo()
    app.config["SEARCH_RETRY_SECONDS"] = 0.1
    stop = retry.start(app)
    try:
        deadline = time.monotonic() + 10
        with app.app_context():
            while _outbox() and time.monotonic() < deadline:
                time.sleep(0.05)
                db.session.rollback()
            assert _outbox() == 0
            wait_until_indexed()
    finally:
        stop.set()
    assert api(client, q="aimer")["total"] == 1


def test_first_request_starts_the_retry_thread_and_is_answered(make_app) -> None:
    other = make_app(SEARCH_RETRY_SECONDS=60)
    assert "search_retry" not in other.extensions  # nothing runs at create_app
    assert other.test_client().get("/healthz").status_code == 200
    stop = other.extensions["search_retry"]
    stop.set()


def test_missing_index_degrades_then_is_rebuilt(app: Flask, client: FlaskClient, fiches: dict) -> None:
    with app.app_context():
        get_client().wait_for_task(get_client().delete_index(index_name()))
    assert api(client, q="pharmacie")["degraded"] is True
    assert api(client, q="pharmacie")["total"] == 2
    with app.app_context():
        retry.retry_once()
    assert api(client, q="pharmacie") | {"degraded": None} == api(client, q="pharmacie") | {"degraded": None}
    assert api(client, q="pharmacie")["degraded"] is False


def test_reindex_keeps_an_edit_committed_while_it_runs(
    app: Flask, client: FlaskClient, fiches: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sync._load_services

    def load_then_edit(session, ids):
        yield from real(session, ids)
        if ids is None:  # the full read of the reindex is over; another request edits a fiche
            with app.app_context():
                db.session.get(Service, fiches["Restaurant social Le Pivot"]).name_fr = "Restaurant social Nouveau"
                db.session.commit()

    monkeypatch.setattr(sync, "_load_services", load_then_edit)
    with app.app_context():
        assert reindex() == 8
        wait_until_indexed()
        assert _outbox() == 0
    assert [h["name_fr"] for h in api(client, q="nouveau")["hits"]] == ["Restaurant social Nouveau"]


def test_meilisearch_killed_mid_reindex_keeps_the_live_index_and_the_outbox(
    make_app, own_meili: MeiliProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(MEILI_URL=own_meili.url)
    client = app.test_client()
    with app.app_context():
        sync.ensure_index()
        make_service("Pharmacie Brugmann", ("pharmacy",))
        db.session.commit()
        wait_until_indexed()
        real = sync._load_services

        def load_then_die(session, ids):
            yield from real(session, ids)
            if ids is None:
                with app.app_context():
                    make_service("Pharmacie Tenbosch", ("pharmacy",))
                    db.session.commit()  # while the reindex runs: pushed to the live index, row kept
                own_meili.process.kill()
                own_meili.process.wait()

        monkeypatch.setattr(sync, "_load_services", load_then_die)
        with pytest.raises(MeiliError):
            reindex()
        monkeypatch.undo()
        assert db.session.scalar(select(func.count()).where(SearchOutbox.service_id == sync.REINDEX_MARK)) == 0
        assert _outbox() >= 1  # Tenbosch waits in the outbox
    assert api(client, q="tenbosch")["total"] == 1  # degraded, from SQL
    own_meili.start()
    with app.app_context():
        breaker().reset()
        retry.retry_once()
        wait_until_indexed()
        assert _outbox() == 0
    answer = api(client, q="pharmacie")
    assert answer["degraded"] is False and answer["total"] == 2


def test_a_hanging_meilisearch_costs_one_short_timeout(make_app) -> None:
    """A server that accepts connections and never answers (hung, or killed mid-request from the client's view)."""
    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(64)
    try:
        app = make_app(MEILI_URL=f"http://127.0.0.1:{hung.getsockname()[1]}", MEILI_SEARCH_TIMEOUT=0.3)
        client = app.test_client()
        started = time.monotonic()
        assert api(client, q="pharmacie")["degraded"] is True
        assert api(client, q="pharmacie")["degraded"] is True  # the breaker skips Meilisearch: no second wait
        assert time.monotonic() - started < 2
    finally:
        hung.close()


@pytest.fixture
def related(app: Flask) -> None:
    """Fiches for the answers beyond true matches: another kind mentioning a kind, neighbours, a function."""
    with app.app_context():
        make_service("Planning familial Rosa", ("family_planning",), at=ANDERLECHT, postcode="1070")
        make_service("Maison médicale Aurore", ("medical_house",), description_fr="Consultations de planning familial.")
        make_service("CPAS de Molenbeek", ("cpas",), at=(50.8550, 4.3240), postcode="1080")
        make_service("Réseau Concertation Midi", ("social_work_centre",), functions=["concertation_organiser"])
        db.session.commit()
        wait_until_indexed()


def test_sql_fallback_lists_other_kinds_and_alternatives_as_meilisearch(
    app: Flask, client: FlaskClient, related: None, meili_down: pytest.MonkeyPatch
) -> None:
    queries = [
        {"q": "planning familial", "lang": "fr"},  # the kind, then a fiche of another kind that mentions it
        {"q": "OCMW Anderlecht", "lang": "nl"},  # none: the same kind in a neighbouring commune
        {"q": "planning familial xylophone", "lang": "fr"},  # none: the kind without the word
        {"q": "organisateur de concertation Anderlecht", "lang": "fr"},  # none here: the function elsewhere
    ]

    def shown(answer: dict) -> tuple:
        groups = [(g["reason"], g["label"], [h["name_fr"] for h in g["hits"]]) for g in answer["alternatives"]]
        return answer["total"], [h["name_fr"] for h in answer["hits"]], groups

    degraded = [api(client, **query) for query in queries]
    meili_down.undo()
    with app.app_context():
        breaker().reset()
    full = [api(client, **query) for query in queries]
    assert all(answer["degraded"] for answer in degraded)
    assert [shown(answer) for answer in degraded] == [shown(answer) for answer in full]
    assert shown(degraded[0])[1] == ["Planning familial Rosa", "Maison médicale Aurore"]
    assert [g[0] for g in shown(degraded[1])[2]] == ["neighbouring_commune"]
    assert shown(degraded[2])[2][0][2] == ["Planning familial Rosa"]
    assert shown(degraded[3])[2][-1][2] == ["Réseau Concertation Midi"]


def test_meilisearch_killed_mid_request_gives_the_answer_from_sql(make_app, own_meili: MeiliProcess) -> None:
    """The search request reaches a real Meilisearch, which is killed (SIGKILL) before it answers: the page, the
    API and the map still answer, from SQL, and search comes back once Meilisearch is restarted."""
    setup = make_app(MEILI_URL=own_meili.url)
    with setup.app_context():
        sync.ensure_index()
        make_service("Pharmacie Brugmann", ("pharmacy",))
        make_service("Pharmacie Tenbosch", ("pharmacy",))
        db.session.commit()
        wait_until_indexed()
    front = socket.socket()  # in front of Meilisearch: takes the search request, then kills the server
    front.bind(("127.0.0.1", 0))
    front.listen(16)
    requests: list[bytes] = []

    def kill_on_request() -> None:
        while True:
            try:
                connection, _ = front.accept()
            except OSError:
                return
            with connection:
                requests.append(connection.recv(65536))
                if own_meili.process and own_meili.process.poll() is None:
                    own_meili.process.kill()  # mid-request: asked, not answered
                    own_meili.process.wait()

    killer = threading.Thread(target=kill_on_request, daemon=True)
    killer.start()
    app = make_app(MEILI_URL=f"http://127.0.0.1:{front.getsockname()[1]}", MEILI_SEARCH_TIMEOUT=5.0)
    client = app.test_client()
    try:
        answer = api(client, q="pharmacie")
        page = client.get("/fr/search?q=pharmacie")
        points = client.get("/fr/map/points.json?q=pharmacie")
    finally:
        front.close()
        killer.join(5)
    assert requests and b"search HTTP/1.1" in requests[0]  # /multi-search or /indexes/…/search
    assert own_meili.process is not None and own_meili.process.returncode is not None  # it was killed
    assert answer["degraded"] is True and answer["total"] == 2
    assert page.status_code == 200 and NOTE["fr"] in page.get_data(as_text=True)
    assert points.status_code == 200
    own_meili.start()
    with setup.app_context():
        breaker().reset()
    back = make_app(MEILI_URL=own_meili.url)
    assert api(back.test_client(), q="pharmacie") | {"degraded": None} == answer | {"degraded": None}
    assert api(back.test_client(), q="pharmacie")["degraded"] is False
