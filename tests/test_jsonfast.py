"""The orjson provider answers what Flask's own encoder would mean: HTTP dates, dataclasses, big integers, pretty
output in debug."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask
from werkzeug.http import http_date

from directory.jsonfast import FastJSONProvider


@dataclass
class Point:
    name: str
    count: int


def _app(debug: bool = False) -> Flask:
    app = Flask(__name__)
    app.debug = debug
    app.json = FastJSONProvider(app)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # as create_app sets it
    return app


def test_the_fast_encoder_means_what_flask_means() -> None:
    app = _app()
    moment = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    payload = {"at": moment, "point": Point("Saint-Gilles / Sint-Gillis", 3), "big": 2**70, "name": "Forêt", 1: "one"}
    with app.app_context():
        response = app.json.response(payload)
        text = app.json.dumps(payload)
    assert response.mimetype == "application/json" and response.data.endswith(b"\n")
    expected = {"at": http_date(moment), "point": {"name": "Saint-Gilles / Sint-Gillis", "count": 3}, "big": 2**70}
    expected |= {"name": "Forêt", "1": "one"}
    assert json.loads(response.data) == expected == json.loads(text)  # 2**70: Flask's encoder, orjson refuses it
    small = app.json.response({"name": "Forêt"}).data
    assert small == '{"name":"Forêt"}\n'.encode()  # compact UTF-8, as the API sends it


def test_debug_answers_stay_pretty() -> None:
    app = _app(debug=True)
    with app.app_context():
        assert app.json.response({"a": 1}).data == b'{\n  "a": 1\n}\n'
