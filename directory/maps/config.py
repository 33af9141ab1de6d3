"""What static/js/map.js needs to fill a folium map (the map page and the easy-read map share it)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _

from directory.maps.builder import MapDocument


def map_config(doc: MapDocument, levels: tuple[str, ...], **extra: Any) -> dict:
    """What static/js/map.js needs to fill a folium map: its layers, first view, the popup and boundary URLs
    (for `levels`), and `extra` (markers or their URL, messages...)."""
    return {
        "map": doc.name,
        "layers": doc.layers,
        "bounds": doc.bounds,
        "popup_url": url_for("maps.popup", doc_id="__ID__"),
        "boundaries": {level: url_for("maps.boundaries", level=level) for level in levels},
        "orientation_url": url_for("maps.orientation"),
        "bus_url": url_for("maps.bus_lines"),
        "attribution": _("Map data © OpenStreetMap contributors"),
        "controls": {"zoom_in": _("Zoom in"), "zoom_out": _("Zoom out"), "map": _("Map")},
        **extra,
    }
