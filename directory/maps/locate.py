""" "Near an address": a Brussels postcode, a commune name, an address from the local gazetteer, else the
configured geocoder (cached in the database). The caller commits (the geocoder cache is a table)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from directory.extensions import db
from directory.geo.tagging import point_in_region
from directory.models import Commune, PostalCode
from directory.operations import gazetteer
from directory.operations.geocoding import GeocoderUnavailable, build_provider, geocode

ADDRESS = re.compile(r"^(?P<street>.+?)\s+(?P<number>\d+[A-Za-z]?)\s*,?\s*(?P<postcode>1\d{3})\b")


@dataclass(frozen=True)
class Located:
    lat: float
    lng: float


class LocateError(ValueError):
    """The place could not be found; `message` is translated and safe to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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
    provider = build_provider()
    if provider is None:
        raise LocateError(_("Address search is not available here: type a postcode or a commune."))
    try:
        found = geocode(f"{text}, Bruxelles, Belgique".lower(), provider)
    except GeocoderUnavailable:
        raise LocateError(_("Address search is not available right now: type a postcode or a commune.")) from None
    if found is None:
        raise LocateError(_("We did not find this address. Check it, or type a postcode."))
    if not point_in_region(found.lat, found.lon):
        raise LocateError(_("This address is not in the Brussels-Capital Region."))
    return Located(found.lat, found.lon)
