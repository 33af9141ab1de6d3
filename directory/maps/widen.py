"""Easy-read never ends in "nothing": the search widens step by step until it finds something, and each step says
in plain words where it looked (docs/easy-read.md).

In a commune: the commune, then the communes that touch it (computed from the polygons), then its bassin, then the
whole region, nearest to the commune's centre first. Near a position: 2 km, 5 km, then the region by distance.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache

from flask_babel import gettext as _

from directory.i18n import localized
from directory.maps.boundaries import area_shapes
from directory.models import Commune
from directory.operations.hours import is_open
from directory.search.query import SearchParams

TOUCH_DEG = 0.0003  # ≈ 25 m: simplified borders of neighbours may leave hairline gaps


@dataclass
class Step:
    """One widening: the search to run and the sentence that says where it looked (empty for the first)."""

    params: SearchParams
    said: str = ""
    wider: bool = False


@cache
def _touching() -> dict[str, tuple[str, ...]]:
    shapes = area_shapes("commune")
    return {
        code: tuple(
            other
            for other, _props, other_geometry in shapes
            if other != code and geometry.buffer(TOUCH_DEG).intersects(other_geometry)
        )
        for code, _props, geometry in shapes
    }


def neighbours(nis: str) -> tuple[str, ...]:
    """The communes whose border touches commune `nis` (from the polygons)."""
    table = _touching()
    if not table:
        _touching.cache_clear()  # the geography was not loaded yet: do not keep an empty answer
    return table.get(nis, ())


def commune_steps(base: SearchParams, commune: Commune) -> list[Step]:
    """The commune, its neighbours, its bassin, the region; all sorted by distance from the commune's centre."""
    centre = (commune.lat, commune.lon) if commune.lat is not None and commune.lon is not None else None
    name = localized(commune, "name").text

    def search(**filters: list[str]) -> SearchParams:
        kept = {k: v for k, v in base.filters.items() if k not in ("commune", "bassin")}
        return replace(base, filters={**kept, **filters}, near=centre, radius=None)

    steps = [Step(search(commune=[commune.nis]))]
    if around := neighbours(commune.nis):
        steps.append(
            Step(
                search(commune=list(around)),
                _("We found nothing in %(place)s.", place=name)
                + " "
                + _("Here are places in the communes next to it."),
                wider=True,
            )
        )
    if commune.bassin_code:
        steps.append(
            Step(
                search(bassin=[commune.bassin_code]),
                _("We found nothing in %(place)s or next to it.", place=name)
                + " "
                + _("Here are places a bit further away."),
                wider=True,
            )
        )
    steps.append(
        Step(
            search(),
            _("We found nothing close to %(place)s.", place=name) + " " + _("Here are places elsewhere in Brussels."),
            wider=True,
        )
    )
    return steps


def near_steps(base: SearchParams, radius: int) -> list[Step]:
    """Within `radius`, within 5 km, then the whole region, nearest first."""
    steps = [Step(replace(base, radius=radius))]
    if radius < 5000:
        steps.append(
            Step(
                replace(base, radius=5000),
                _("We found nothing close to you.") + " " + _("Here are places a bit further away."),
                wider=True,
            )
        )
    steps.append(
        Step(
            replace(base, radius=None),
            _("We found nothing close to you.") + " " + _("Here are places elsewhere in Brussels."),
            wider=True,
        )
    )
    return steps


def best_first(hits: list[dict], at: datetime | None = None) -> list[dict]:
    """Open now first, then the nearest, then the free ones; temporarily closed services last."""

    def key(hit: dict) -> tuple:
        state = is_open(hit.get("opening_hours"), at)
        return (
            hit.get("status") == "temporarily_closed",
            0 if state else (1 if state is None else 2),
            hit.get("_geoDistance", 10**9),
            hit.get("cost") != "free",
        )

    return sorted(hits, key=key)
