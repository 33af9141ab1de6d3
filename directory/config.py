"""Configuration: defaults here, then instance/config.py, then DIRECTORY_* environment variables, then test_config."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


class DefaultConfig:
    """Defaults suitable for development on one machine (`make run`)."""

    SECRET_KEY = "dev-only-change-me"
    INSTANCE_DIR = str(REPO_ROOT / "instance")
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{REPO_ROOT / 'instance' / 'directory.sqlite3'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    # Meilisearch: leave MEILI_URL empty to let `flask serve` start the managed binary on loopback.
    MEILI_URL = ""
    MEILI_MASTER_KEY = ""
    MEILI_INDEX_PREFIX = ""
    MEILI_TIMEOUT = 5.0
    # A search slower than this is answered from SQL instead (directory.search.fallback), and Meilisearch is left
    # alone for SEARCH_FALLBACK_PAUSE seconds before it is tried again.
    MEILI_SEARCH_TIMEOUT = 2.0
    SEARCH_FALLBACK_PAUSE = 5.0
    # Every SEARCH_RETRY_SECONDS a background thread of each app process pushes the outbox that failed to reach
    # Meilisearch and rebuilds a missing index (0 = off: tests that drive it themselves).
    SEARCH_RETRY_SECONDS = 10.0
    MEILI_BINARY = str(REPO_ROOT / "instance" / "meilisearch" / "meilisearch")
    MEILI_DATA_DIR = str(REPO_ROOT / "instance" / "meili-data")
    MEILI_PORT = 7700
    # False in tests that do not start Meilisearch: changes stay in the outbox for `flask search sync`.
    SEARCH_SYNC_ON_COMMIT = True

    # Reference data (see ../shared/data/PROVENANCE.md); read at set-up, never committed.
    SHARED_DATA_DIR = os.environ.get("DIRECTORY_SHARED_DATA_DIR", str(REPO_ROOT.parent / "shared" / "data"))

    # i18n
    LANGUAGES = ("fr", "nl")
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Brussels"
    BABEL_TRANSLATION_DIRECTORIES = str(REPO_ROOT / "translations")

    # Maps: tiles are the only remote resource. Empty (the default) = no third-party tiles: maps draw the
    # orientation layers (transport, water, parks, area names) instead. A deployer with a tile server sets
    # DIRECTORY_TILE_URL (https://host/{z}/{x}/{y}.png); printed maps then fetch those tiles server-side too.
    TILE_URL = ""
    TILE_ATTRIBUTION = "© OpenStreetMap contributors"
    TILE_TIMEOUT = 5.0

    # Geocoding: "nominatim", "photon", or "none".
    GEOCODER = "nominatim"
    GEOCODER_URL = ""
    GEOCODER_USER_AGENT = "qui-fait-quoi-brussels/0.1"
    GEOCODER_MIN_DELAY = 1.0

    # Accounts (issue 5). Without MAIL_SERVER, e-mails stay in the outbox table (shown at /<lang>/dev/outbox in debug).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MAIL_SERVER = ""
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USE_SSL = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_SENDER = "Qui fait quoi / Wie doet wat <noreply@localhost>"
    PUBLIC_URL = "http://127.0.0.1:5000"  # base of links in e-mails sent from the CLI
    SIGN_IN_LINK_MINUTES = 30
    INVITE_LINK_DAYS = 7
    RATE_LIMIT_SIGN_IN = (5, 900)  # requests per client address per seconds
    RATE_LIMIT_REPORT = (5, 3600)
    RATE_LIMIT_CLAIM = (5, 3600)  # "this is my organisation" and "add a service": per client address, per e-mail
    RATE_LIMIT_SIMILAR = (120, 600)  # the duplicate hints of "add a service", asked while typing
    CLAIM_LINK_HOURS = 48
    RATE_LIMIT_PDF = (30, 600)  # PDFs are CPU-heavy: per client address per seconds
    RATE_LIMIT_API = (300, 60)  # API requests per client address per seconds (exports count as one)
    # Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto (0 = none). Without it, rate limits would
    # count every visitor as the proxy's address.
    PROXY_COUNT = 0
    FRESHNESS_REMIND_AFTER_DAYS = 182
    FRESHNESS_REMIND_EVERY_DAYS = 30
    FRESHNESS_STALE_AFTER_DAYS = 365

    # Operations (directory.observability, /readyz, flask doctor): "json" logs one object per line, "text" for
    # people, "auto" = text in debug, json otherwise.
    LOG_FORMAT = "auto"
    LOG_LEVEL = "INFO"
    SLOW_REQUEST_MS = 1000
    OUTBOX_LAG_WARN_SECONDS = 300

    PAGE_SIZE = 20
    MAX_TOTAL_HITS = 200_000


def load_config(app, test_config: dict | None = None) -> None:
    """Apply the configuration layers to `app` in order."""
    app.config.from_object(DefaultConfig)
    app.config["SESSION_COOKIE_SECURE"] = not app.debug  # plain HTTP only for the debug server
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("DIRECTORY")
    if test_config:
        app.config.update(test_config)
