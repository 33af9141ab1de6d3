"""`flask serve`: gunicorn with the managed Meilisearch; a graceful stop on SIGTERM finishes the request in progress,
then stops Meilisearch after the last worker."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from directory.config import REPO_ROOT
from directory.search.server import free_port


def _environment(tmp_path: Path, database: Path, meili_port: int, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DIRECTORY_SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "DIRECTORY_MEILI_PORT": str(meili_port),
        "DIRECTORY_MEILI_DATA_DIR": str(tmp_path / "meili"),
        "DIRECTORY_MEILI_MASTER_KEY": "serve-test-key-0123456789abcdef",
        "DIRECTORY_MEILI_INDEX_PREFIX": f"s{uuid.uuid4().hex[:8]}_",
        "DIRECTORY_SECRET_KEY_FILE": str(tmp_path / "secret-key"),
        "DIRECTORY_GEOCODER": "none",
        "DIRECTORY_SERVE_WORKERS": "2",
        "DIRECTORY_SERVE_THREADS": "2",
        "PORT": str(port),
    }


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Served:
    def __init__(self, process: subprocess.Popen[str], port: int, meili_port: int, log: Path) -> None:
        self.process, self.port, self.meili_port, self.log = process, port, meili_port, log

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def served(tmp_path: Path, seeded_database: Path) -> Iterator[Served]:
    """`flask serve` in its own process group on free ports, on a copy of the seeded database."""
    database = tmp_path / "served.sqlite3"
    shutil.copy(seeded_database, database)
    port, meili_port = free_port(), free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "directory", "serve"],
            cwd=REPO_ROOT,
            env=_environment(tmp_path, database, meili_port, port),
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    served = Served(process, port, meili_port, log)
    try:
        deadline = time.monotonic() + 120
        while not _listening(port):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield served
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_serve_answers_through_gunicorn_and_stops_gracefully_on_sigterm(served: Served) -> None:
    response = httpx.get(f"{served.url}/fr/", timeout=60)
    assert response.status_code == 200
    assert _listening(served.meili_port)
    assert "gunicorn" in served.log.read_text() and "Using worker: gthread" in served.log.read_text()

    # A request in progress: headers and half the body sent, the worker is reading the rest.
    body = b"email=ana%40example.org&next="
    in_flight = socket.create_connection(("127.0.0.1", served.port))
    in_flight.sendall(
        b"POST /fr/account/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    in_flight.sendall(body[:10])
    time.sleep(1.0)
    served.process.send_signal(signal.SIGTERM)
    time.sleep(1.0)
    in_flight.sendall(body[10:])
    in_flight.settimeout(60)
    answer = b""
    while chunk := in_flight.recv(65536):
        answer += chunk
    in_flight.close()
    head, _, page = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), answer[:200]  # a whole answer (no CSRF token: 400), not a cut
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
    )
    assert len(page) == length

    assert served.process.wait(timeout=120) == 0
    log = served.log.read_text()
    assert log.index("Shutting down: Master") < log.index("Meilisearch stopped")
    assert not _listening(served.meili_port)
    assert not _listening(served.port)
