"""Coordinates for records that have an address but none: the local gazetteer first, then the geocoder."""

from __future__ import annotations

from directory.geo.tagging import point_in_region
from directory.i18n import N_
from directory.importing.report import ImportReport
from directory.operations import gazetteer
from directory.operations.geocoding import Geocoded, GeocoderUnavailable, address_query, geocode
from importers.base import ServiceRecord


class Geocoding:
    """Geocodes records of one run; stops asking the provider once it is unreachable."""

    def __init__(self, provider: tuple | None):
        self.provider = provider

    def locate(self, record: ServiceRecord, report: ImportReport) -> Geocoded | None:
        """The place of `record`'s address, or None (with a warning in `report` when the geocoder failed)."""
        local = gazetteer.lookup(record.street_fr or record.street_nl, record.house_number, record.postcode)
        if local is None and record.street_nl and record.street_fr:
            local = gazetteer.lookup(record.street_nl, record.house_number, record.postcode)
        if local is not None:
            return local
        if self.provider is None:
            return None
        query = address_query(record.street_fr or record.street_nl, record.house_number, record.postcode)
        try:
            found = geocode(query, self.provider)
        except GeocoderUnavailable:
            self.provider = None
            message = N_("The geocoder could not be reached: from this row on, the commune comes from the postcode.")
            report.add(record.line, "warning", "geocoding", message)
            return None
        if found is None or not point_in_region(found.lat, found.lon):
            message = N_("Address not found by the geocoder: the commune comes from the postcode.")
            report.add(record.line, "warning", "geocoding", message)
            return None
        return found
