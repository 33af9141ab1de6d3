"""Sign-in answer time for an address with an account and one without, interleaved, with mail work after the
response (SIGN_IN_IN_BACKGROUND, the default) and in the request, to show the answer does not tell who has an
account. One command: `.venv/bin/python bench/sign_in_timing.py [rounds]`."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from directory import create_app
from directory.extensions import db
from directory.models.accounts import User
from directory.operations import mail

ADDRESSES = ("ana@example.org", "nobody@example.org")  # the first one has an account


def measure(background: bool, rounds: int) -> dict[str, float]:
    """Median milliseconds of a sign-in request per address (SMTP on a closed port: delivery fails at once)."""
    folder = tempfile.mkdtemp()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-secret-key-0123456789abcdef",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            "MEILI_URL": "http://127.0.0.1:9",
            "WTF_CSRF_ENABLED": False,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": 9,
            "MAIL_USE_TLS": False,
            "RATE_LIMIT_SIGN_IN": (100_000, 900),
            "RATE_LIMIT_SIGN_IN_MAIL": (100_000, 300),
            "SEARCH_RETRY_SECONDS": 0,
            "SIGN_IN_IN_BACKGROUND": background,
        }
    )
    with app.app_context():
        db.create_all()
        db.session.add(User(email=ADDRESSES[0]))
        db.session.commit()
    client = app.test_client()
    timings: dict[str, list[float]] = {address: [] for address in ADDRESSES}
    for _ in range(rounds):
        for address in ADDRESSES:
            start = time.perf_counter()
            assert client.post("/fr/account/sign-in", data={"email": address}).status_code == 200
            timings[address].append(time.perf_counter() - start)
            mail.worker.wait(60)  # each request alone, as an observer would time it
    return {address: statistics.median(values) * 1000 for address, values in timings.items()}


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    print("| mail work | with an account (ms) | without (ms) |\n|---|---:|---:|")
    for background in (True, False):
        medians = measure(background, rounds)
        label = "after the response" if background else "in the request"
        print(f"| {label} | {medians[ADDRESSES[0]]:.0f} | {medians[ADDRESSES[1]]:.0f} |")


if __name__ == "__main__":
    main()
