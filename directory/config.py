"""Configuration: defaults here, then instance/config.py, then DIRECTORY_* environment variables, then test_config."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent


class DefaultConfig:
    """Defaults suitable for development on one machine (`make run`)."""

    # Unset: generated once into instance/secret-key (mode 600). A known or empty key is refused outside debug/tests.
    SECRET_KEY: str | None = None
    SECRET_KEY_FILE = ""  # default instance/secret-key
    INSTANCE_DIR = str(REPO_ROOT / "instance")
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{REPO_ROOT / 'instance' / 'directory.sqlite3'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # SQLite only (directory.database): seconds a write waits for another one to finish before "database is locked".
    SQLITE_BUSY_TIMEOUT = 30.0

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
    GEOCODER_REQUEST_TIMEOUT = 2.0  # seconds a visitor may wait for an address
    GEOCODER_COOLDOWN = 60.0  # seconds without asking a geocoder that failed

    # Accounts (issue 5). Without MAIL_SERVER, e-mails stay in the outbox table (shown at /<lang>/dev/outbox in debug).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # None: `Secure` when the request came over HTTPS (directly, or a proxy's X-Forwarded-Proto with PROXY_COUNT),
    # so signing in works on plain http://127.0.0.1; True or False forces it.
    SESSION_COOKIE_SECURE = None
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # Host names the site answers to (others get 400): None = PUBLIC_URL's host and the loopback names.
    TRUSTED_HOSTS: list[str] | None = None
    MAIL_SERVER = ""
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USE_SSL = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_SENDER = "Qui fait quoi / Wie doet wat <noreply@localhost>"
    PUBLIC_URL = ""  # base of every link in e-mails, never the request's Host; empty = http://127.0.0.1:<PORT>
    SIGN_IN_LINK_MINUTES = 30
    # Without MAIL_SERVER: minutes a message's body (it may hold a link) stays in the development outbox, unless
    # the outbox page has shown it already (then it is emptied at once).
    DEV_OUTBOX_KEEP_MINUTES = 30
    INVITE_LINK_DAYS = 7
    RATE_LIMIT_SIGN_IN = (5, 900)  # requests per client address per seconds
    # At most this many sign-in mails per account per seconds; more requests get the same answer and no new mail
    # (the link already sent stays valid), so nobody can lock the owner out by asking for their links.
    RATE_LIMIT_SIGN_IN_MAIL = (1, 300)
    RATE_LIMIT_INVITE = (10, 3600)  # invitations per inviting account per seconds
    # Look the address up and mail the link after the response, so its timing does not tell who has an account
    # (tests that read the link at once turn it off; tests/test_hardening.py keeps it on).
    SIGN_IN_IN_BACKGROUND = True
    RATE_LIMIT_REPORT = (5, 3600)
    RATE_LIMIT_CLAIM = (5, 3600)  # "this is my organisation" and "add a service": per client address, per e-mail
    RATE_LIMIT_SIMILAR = (120, 600)  # the duplicate hints of "add a service", asked while typing
    CLAIM_LINK_HOURS = 48
    RATE_LIMIT_HELPDESK = (120, 3600)  # sheets sent and needs noted per helpdesk account per seconds
    RATE_LIMIT_PDF = (30, 600)  # PDFs are CPU-heavy: per client address per seconds
    RATE_LIMIT_API = (300, 60)  # API requests per client address per seconds (exports count as one)
    # Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto (0 = none). Without it, rate limits would
    # count every visitor as the proxy's address.
    PROXY_COUNT = 0
    FRESHNESS_REMIND_AFTER_DAYS = 182
    FRESHNESS_REMIND_EVERY_DAYS = 30
    FRESHNESS_STALE_AFTER_DAYS = 365

    # Cadastre: KBO/BCE activities selected as candidates (NACE-BEL code prefixes: divisions, classes or codes).
    KBO_NACE_PREFIXES = ("86", "87", "88")
    KBO_EXTRA_NACE_CODES: tuple[str, ...] = ()  # e.g. a list agreed with the bassins, set in the instance config
    KBO_WATCH_DIR = ""  # the KBO watch list (importers/kbo.py); empty: beside the SQLite file, else INSTANCE_DIR

    # Bruxelles Social / Sociaal Brussel: where its JSON interface answers, what the deployment may do with the data
    # (to be filled with the agreement obtained; shown as each fiche's licence), and the pause between requests.
    SOCIAL_BRUSSELS_BASE_URL = "https://social.brussels/rest"
    SOCIAL_BRUSSELS_LICENCE = "Bruxelles Social / Sociaal Brussel (CMDC-CDCS): reuse terms to be agreed"
    SOCIAL_BRUSSELS_DELAY = 1.0  # seconds between two requests
    SOCIAL_BRUSSELS_USER_AGENT = "qui-fait-quoi-brussels/0.1 (cadastre import)"

    # `flask serve` (gunicorn): 0 workers = one per core plus one; threads per worker; seconds a request may take;
    # seconds a graceful stop (SIGTERM) waits for the requests in progress.
    SERVE_WORKERS = 0
    SERVE_THREADS = 4
    SERVE_TIMEOUT = 120
    SERVE_GRACEFUL_TIMEOUT = 30
    SERVE_ACCESS_LOG = False

    # Operations (directory.observability, /readyz, flask doctor): "json" logs one object per line, "text" for
    # people, "auto" = text in debug, json otherwise.
    LOG_FORMAT = "auto"
    LOG_LEVEL = "INFO"
    SLOW_REQUEST_MS = 1000
    OUTBOX_LAG_WARN_SECONDS = 300

    PAGE_SIZE = 20
    MAX_TOTAL_HITS = 200_000


# Keys that were shipped or are commonly pasted from examples: a cookie signed with one of them is forgeable.
KNOWN_SECRET_KEYS = frozenset({"dev-only-change-me", "dev", "secret", "changeme", "change-me", "secret-key"})


class InsecureConfig(RuntimeError):
    """The configuration would make the site unsafe; the message says what to change."""


def load_config(app, test_config: dict | None = None) -> None:
    """Apply the configuration layers to `app` in order, then resolve the secret key, public URL and hosts."""
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("DIRECTORY")
    if test_config:
        app.config.update(test_config)
    from directory.instance import protect

    protect(Path(app.instance_path), app.config["SQLALCHEMY_DATABASE_URI"])
    resolve_secret_key(app)
    if not app.config["PUBLIC_URL"]:
        app.config["PUBLIC_URL"] = f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
    if app.config["TRUSTED_HOSTS"] is None:
        public_host = urlsplit(app.config["PUBLIC_URL"]).hostname or "127.0.0.1"
        app.config["TRUSTED_HOSTS"] = sorted({public_host, "127.0.0.1", "localhost", "::1"})


def resolve_secret_key(app) -> None:
    """An unset SECRET_KEY is generated once into instance/secret-key; a known or empty one set explicitly is
    refused outside debug and tests."""
    if app.config["SECRET_KEY"] is None:
        from directory.instance import secret_file

        path = app.config["SECRET_KEY_FILE"] or os.path.join(app.instance_path, "secret-key")
        app.config["SECRET_KEY"] = secret_file(Path(path))
    key = app.config["SECRET_KEY"] or ""
    if (not key.strip() or key in KNOWN_SECRET_KEYS) and not (app.debug or app.testing):
        raise InsecureConfig(
            "SECRET_KEY is empty or a published example: anyone could forge a session. Remove it from the "
            "configuration to have one generated into the instance folder, or set DIRECTORY_SECRET_KEY to a long "
            "random value (python -c 'import secrets; print(secrets.token_urlsafe(32))')."
        )
