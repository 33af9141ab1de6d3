"""Serve folium's JavaScript and CSS from /static/vendor/ instead of its CDNs.

folium declares its assets as `default_js` / `default_css` lists of (name, CDN URL) on the classes. `localize`
replaces them, on each element of one map only (the class lists are shared), by local files, and drops what our
maps do not use (jQuery, Bootstrap, Awesome Markers, Font Awesome). An asset we do not know is an error, never a
silent request to a CDN.
"""

from __future__ import annotations

from branca.element import Element
from flask import url_for

# folium asset name → file under static/vendor/ (see static/install_assets.py); None = not needed by our maps.
LOCAL_ASSETS: dict[str, str | None] = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "leaflet_css": "vendor/leaflet/leaflet.css",
    "markerclusterjs": "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "markerclustercss": "vendor/leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "vendor/leaflet.markercluster/MarkerCluster.Default.css",
    "jquery": None,
    "bootstrap": None,
    "bootstrap_css": None,
    "glyphicons_css": None,
    "awesome_markers": None,
    "awesome_markers_font_css": None,
    "awesome_markers_css": None,
    "awesome_rotate_css": None,
}


class UnknownAsset(LookupError):
    """folium wants a file we have not vendored: add it to package.json, install_assets.py and LOCAL_ASSETS."""


def _local(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    result = []
    for name, _url in pairs:
        if name not in LOCAL_ASSETS:
            raise UnknownAsset(name)
        path = LOCAL_ASSETS[name]
        if path is not None:
            result.append((name, url_for("static", filename=path)))
    return result


def localize(element: Element) -> None:
    """Point every asset of `element` and its descendants to /static/vendor/ (instance attributes only)."""
    if hasattr(element, "default_js"):
        element.default_js = _local(element.default_js)
    if hasattr(element, "default_css"):
        element.default_css = _local(element.default_css)
    for child in element._children.values():
        localize(child)
