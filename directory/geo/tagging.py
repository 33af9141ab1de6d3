"""Point/postcode → commune, quartier, bassin (TO BE WRITTEN by the geo helper)."""

from __future__ import annotations

from directory.models import Location


def tag_location(location: Location) -> None:
    """Set commune_nis, quartier_code, bassin_code, area_to_review and area_note on `location`."""
    raise NotImplementedError
