"""Which services a printed map shows when more match than fit: chosen to cover the area, not the first N.

Services with a position come first (only they are on the map); the neighbourhoods (quartiers) take turns in
the order their first service appears in the search: each turn adds its next service in search order, so twelve
pharmacies of Brussels-City spread over Laeken, the Pentagon and Neder-Over-Heembeek instead of all sitting in one.
"""

from __future__ import annotations

from collections import OrderedDict


def cover_area(hits: list[dict], limit: int) -> list[dict]:
    """At most `limit` of `hits` (in search order), taking each neighbourhood's next service in turn; services
    without a position only fill what is left."""
    groups: OrderedDict[str, list[dict]] = OrderedDict()
    unplaced: list[dict] = []
    seen: set[object] = set()
    for hit in hits:
        if hit.get("service_id") in seen:
            continue  # one entry per service, at its best-ranked location
        seen.add(hit.get("service_id"))
        if hit.get("_geo"):
            groups.setdefault(str(hit.get("quartier") or hit.get("commune") or ""), []).append(hit)
        else:
            unplaced.append(hit)
    chosen: list[dict] = []
    while len(chosen) < limit and any(groups.values()):
        for group in groups.values():
            if group and len(chosen) < limit:
                chosen.append(group.pop(0))
    return chosen + unplaced[: limit - len(chosen)]
