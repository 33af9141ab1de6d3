"""Address → coordinates with geopy, behind one small function, rate-limited and cached in the database.

Provider by configuration: GEOCODER = "nominatim" (default; GEOCODER_URL for a self-hosted Nominatim),
"photon" (GEOCODER_URL required), or "none". Precision is recorded: address, street or postcode.
When the provider cannot be reached, callers fall back to postcode → commune and say so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
    """The provider did not answer (no network, refused, timed out)."""


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


def build_provider(adapter_factory: Callable[..., Any] | None = None) -> tuple[str, Callable[[str], Any]] | None:
    """(provider name, rate-limited geocode function) from the configuration, or None when geocoding is off."""
    config = current_app.config
    kind = (config.get("GEOCODER") or "none").lower()
    if kind == "none":
        return None
    options: dict[str, Any] = {"user_agent": config["GEOCODER_USER_AGENT"], "timeout": 10}
    if adapter_factory is not None:
        options["adapter_factory"] = adapter_factory
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
    try:
        location = call(query)
    except GeopyError as exc:
        raise GeocoderUnavailable(str(exc)) from exc
    result = Geocoded(location.latitude, location.longitude, _precision(location.raw)) if location else None
    row = cached or GeocodeCache(query=query)
    row.provider = name
    row.lat, row.lon, row.precision = (result.lat, result.lon, result.precision) if result else (None, None, None)
    db.session.add(row)
    return result
