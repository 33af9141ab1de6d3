"""Address → coordinates with geopy, behind one small function, rate-limited and cached in the database.

Provider by configuration: GEOCODER = "nominatim" (default; GEOCODER_URL for a self-hosted Nominatim),
"photon" (GEOCODER_URL required), or "none". Precision is recorded: address, street or postcode.
When the provider cannot be reached, callers fall back to postcode → commune and say so.

Fail fast: a request (`interactive=True`) waits at most GEOCODER_REQUEST_TIMEOUT seconds, never sleeps to respect
the provider's rate limit (it answers "busy" instead), and a circuit breaker stops asking a provider that failed
for GEOCODER_COOLDOWN seconds, for every caller of this process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter

from directory.extensions import db
from directory.models import GeocodeCache

HOUSE_TYPES = {"house", "building", "amenity", "office", "shop", "place", "healthcare", "social_facility"}
STREET_TYPES = {"road", "street", "residential", "pedestrian", "tertiary", "secondary", "primary", "living_street"}


class GeocoderUnavailable(RuntimeError):
    """The provider did not answer (no network, refused, timed out), or failed recently (circuit open)."""


class GeocoderBusy(GeocoderUnavailable):
    """The provider was asked less than GEOCODER_MIN_DELAY ago by this process: a request does not wait."""


class _Breaker:
    """Per provider: when it may be asked again (after a failure), and when it was last asked."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.closed_until: dict[str, float] = {}
        self.last_call: dict[str, float] = {}

    def check(self, name: str) -> None:
        if time.monotonic() < self.closed_until.get(name, 0.0):
            raise GeocoderUnavailable(f"{name}: failed recently, not asked again yet")

    def trip(self, name: str, cooldown: float) -> None:
        with self.lock:
            self.closed_until[name] = time.monotonic() + cooldown

    def reset(self) -> None:
        with self.lock:
            self.closed_until.clear()
            self.last_call.clear()


breaker = _Breaker()


def _without_waiting(name: str, call: Callable[[str], Any], min_delay: float) -> Callable[[str], Any]:
    """`call`, refused (GeocoderBusy) instead of delayed when the provider was asked less than `min_delay` ago."""

    def limited(query: str) -> Any:
        with breaker.lock:
            now = time.monotonic()
            if now - breaker.last_call.get(name, -min_delay) < min_delay:
                raise GeocoderBusy(f"{name}: asked less than {min_delay}s ago")
            breaker.last_call[name] = now
        return call(query)

    return limited


@dataclass(frozen=True)
class Geocoded:
    lat: float
    lon: float
    precision: str


def _precision(raw: dict) -> str:
    kind = str(raw.get("addresstype") or raw.get("type") or raw.get("properties", {}).get("type") or "")
    if kind in HOUSE_TYPES or raw.get("properties", {}).get("housenumber"):
        return "address"
    if kind in STREET_TYPES or raw.get("class") == "highway":
        return "street"
    return "postcode"


def build_provider(
    adapter_factory: Callable[..., Any] | None = None, interactive: bool = False
) -> tuple[str, Callable[[str], Any]] | None:
    """(provider name, rate-limited geocode function) from the configuration, or None when geocoding is off.

    `interactive` (a web request): a short timeout and no waiting; else (imports) the provider's pace is kept."""
    config = current_app.config
    kind = (config.get("GEOCODER") or "none").lower()
    if kind == "none":
        return None
    timeout = float(config.get("GEOCODER_REQUEST_TIMEOUT", 2.0)) if interactive else 10
    options: dict[str, Any] = {"user_agent": config["GEOCODER_USER_AGENT"], "timeout": timeout}
    if adapter_factory is not None:
        options["adapter_factory"] = adapter_factory
    elif interactive:  # no connection retries inside a request (geopy's default adapter retries twice)
        from geopy.adapters import RequestsAdapter

        options["adapter_factory"] = partial(RequestsAdapter, max_retries=0)
    if config.get("GEOCODER_URL"):
        parts = urlsplit(config["GEOCODER_URL"])
        options.update(domain=parts.netloc + parts.path.rstrip("/"), scheme=parts.scheme or "https")
    if kind == "nominatim":
        from geopy.geocoders import Nominatim

        geocoder: Any = Nominatim(**options)
        call = lambda q: geocoder.geocode(q, country_codes="be", addressdetails=False)  # noqa: E731
    elif kind == "photon":
        from geopy.geocoders import Photon

        geocoder = Photon(**options)
        call = lambda q: geocoder.geocode(q)  # noqa: E731
    else:
        raise ValueError(f"unknown GEOCODER {kind!r}")
    delay = float(config.get("GEOCODER_MIN_DELAY", 1.0))
    # One breaker per provider (and per replaced HTTP adapter: recorded answers in tests)
    kind = f"{kind}:{adapter_factory.__name__}" if adapter_factory is not None else kind
    if interactive:
        return kind, _without_waiting(kind, call, delay)
    return kind, RateLimiter(call, min_delay_seconds=delay, max_retries=1, swallow_exceptions=False)


def address_query(street: str, number: str, postcode: str) -> str:
    """The normalised query for an address in Brussels."""
    line = " ".join(p for p in (street.strip(), number.strip()) if p)
    return ", ".join(p for p in (line, f"{postcode.strip()} Bruxelles" if postcode else "", "Belgique") if p).lower()


def geocode(query: str, provider: tuple[str, Callable[[str], Any]]) -> Geocoded | None:
    """Coordinates for `query` from the cache or the provider; None when not found.

    Raises GeocoderUnavailable when the provider cannot be reached (nothing is cached then).
    """
    name, call = provider
    cached = db.session.get(GeocodeCache, query)
    if cached is not None and cached.provider == name:
        if cached.lat is None or cached.lon is None:
            return None
        return Geocoded(cached.lat, cached.lon, cached.precision or "postcode")
    breaker.check(name)
    try:
        location = call(query)
    except GeopyError as exc:
        breaker.trip(name, float(current_app.config.get("GEOCODER_COOLDOWN", 60.0)))
        raise GeocoderUnavailable(str(exc)) from exc
    result = Geocoded(location.latitude, location.longitude, _precision(location.raw)) if location else None
    row = cached or GeocodeCache(query=query)
    row.provider = name
    row.lat, row.lon, row.precision = (result.lat, result.lon, result.precision) if result else (None, None, None)
    db.session.add(row)
    return result
