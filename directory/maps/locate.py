""" "Near an address": a Brussels postcode, a commune name, an address from the local gazetteer, else the
configured geocoder (cached in the database). The caller commits (the geocoder cache is a table).

Fails fast: the geocoder is asked with a short timeout, never waited for, and not at all for a while after it
failed (directory/operations/geocoding.py). A failure says what to type instead, and names the postcode or the
commune found in what the person typed (`LocateError.suggestion`), so that one click searches there."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from directory.extensions import db
from directory.geo.tagging import point_in_region
from directory.models import Commune, PostalCode
from directory.operations import gazetteer
from directory.operations.geocoding import GeocoderBusy, GeocoderUnavailable, build_provider, geocode

ADDRESS = re.compile(r"^(?P<street>.+?)\s+(?P<number>\d+[A-Za-z]?)\s*,?\s*(?P<postcode>1\d{3})\b")


@dataclass(frozen=True)
class Located:
    lat: float
    lng: float


class LocateError(ValueError):
    """The place could not be found; `message` is translated and safe to show; `suggestion` is a postcode or a
    commune taken from the typed text that would work, or None."""

    def __init__(self, message: str, suggestion: str | None = None):
        super().__init__(message)
        self.message, self.suggestion = message, suggestion


def suggestion_in(text: str) -> str | None:
    """A Brussels postcode or a commune name found in `text` ("Rue Haute 300, 1000" → "1000")."""
    for code in re.findall(r"\b1\d{3}\b", text):
        if db.session.get(PostalCode, code) is not None:
            return code
    words = f" {' '.join(text.lower().replace('-', ' ').split())} "
    for commune in db.session.scalars(select(Commune)):
        for name in (commune.name_fr, commune.name_nl):
            if f" {name.lower().replace('-', ' ')} " in words:
                return name
    return None


def locate(text: str) -> Located:
    """Coordinates for a postcode, a commune or an address in the Brussels-Capital Region; raises LocateError."""
    text = " ".join(text.split())[:200]
    if not text:
        raise LocateError(_("Type an address, a postcode or a commune."))
    if re.fullmatch(r"1\d{3}", text):
        postal = db.session.get(PostalCode, text)
        if postal is None or postal.lat is None or postal.lon is None:
            raise LocateError(_("This postcode is not in the Brussels-Capital Region."))
        return Located(postal.lat, postal.lon)
    lowered = text.lower()
    commune = db.session.scalar(
        select(Commune).where(or_(func.lower(Commune.name_fr) == lowered, func.lower(Commune.name_nl) == lowered))
    )
    if commune is not None and commune.lat is not None and commune.lon is not None:
        return Located(commune.lat, commune.lon)
    match = ADDRESS.match(text)
    if match:
        found = gazetteer.lookup(match["street"], match["number"], match["postcode"])
        if found is not None:
            return Located(found.lat, found.lon)
    return _geocode(text)


def _geocode(text: str) -> Located:
    provider = build_provider(interactive=True)
    hint = suggestion_in(text)
    if provider is None:
        raise LocateError(_("Address search is not available here: type a postcode or a commune."), hint)
    try:
        found = geocode(f"{text}, Bruxelles, Belgique".lower(), provider)
    except GeocoderBusy:
        raise LocateError(
            _("Address search is busy: try again in a moment, or type a postcode or a commune."), hint
        ) from None
    except GeocoderUnavailable:
        raise LocateError(_("Address search is not available right now: type a postcode or a commune."), hint) from None
    if found is None:
        raise LocateError(_("We did not find this address. Check it, or type a postcode."), hint)
    if not point_in_region(found.lat, found.lon):
        raise LocateError(_("This address is not in the Brussels-Capital Region."))
    return Located(found.lat, found.lon)
