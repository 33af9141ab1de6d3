"""Build a folium map (tiles, boundary layers, an empty marker cluster, layer control) and split it into the
parts a page template places: asset links, the map element and its inline script (which gets the CSP nonce).

Markers and boundary shapes are not embedded: static/js/map.js fetches them (JSON, cached, gzipped) and fills the
layers folium created, whose JavaScript names are returned in `MapDocument.layers`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import cast

import folium
from branca.element import CssLink, Figure, JavascriptLink
from flask import current_app
from flask_babel import gettext as _
from folium.plugins import MarkerCluster
from folium.utilities import JsCode

from directory.maps.assets import localize

BRUSSELS_BOUNDS = [[50.7636, 4.2438], [50.9138, 4.4821]]
BRUSSELS_CENTER = (50.8467, 4.3525)
BOUNDARY_STYLES = {
    "bassin": {"color": "#0b5394", "weight": 3, "fillColor": "#0b5394", "fillOpacity": 0.04},
    "commune": {"color": "#4a5361", "weight": 1.5, "fill": False, "dashArray": "6 4"},
    "quartier": {"color": "#7a4b00", "weight": 1, "fill": False},
}


@dataclass
class MapDocument:
    """A folium map ready for a template: `html` and `script` go in the page, `js`/`css` in its head."""

    name: str
    html: str
    script: str
    js: list[str]
    css: list[str]
    layers: dict[str, str] = field(default_factory=dict)
    bounds: list[list[float]] = field(default_factory=lambda: BRUSSELS_BOUNDS)


def layer_titles() -> dict[str, str]:
    """Names of the boundary layers in the layer control, in the page language."""
    return {"bassin": _("Care areas (bassins)"), "commune": _("Communes"), "quartier": _("Neighbourhoods")}


def _cluster_icon() -> str:
    hidden = json.dumps(" " + _("services here: zoom in"))
    return (
        "function (cluster) { var n = cluster.getChildCount();"
        " var size = n < 10 ? 'small' : (n < 100 ? 'medium' : 'large');"
        f" return L.divIcon({{html: '<div><span>' + n + '</span><span class=\"visually-hidden\">' + {hidden}"
        " + '</span></div>', className: 'marker-cluster marker-cluster-' + size, iconSize: L.point(40, 40)}); }"
    )


def build_map(
    shown: tuple[str, ...] = ("bassin", "commune"),
    near: tuple[float, float] | None = None,
    radius: int | None = None,
    cluster: bool = True,
    layer_control: bool = True,
    easy: bool = False,
) -> MapDocument:
    """A map of Brussels with the orientation layer, the three boundary layers (those in `shown` visible), an
    optional search circle, an empty marker cluster for static/js/map.js and, unless `layer_control` is False, a
    layer switcher. An `easy` map (easy-read mode) has no zoom buttons and no keyboard stop: the list below it
    holds the same places, and fingers zoom."""
    fmap = folium.Map(
        location=near or BRUSSELS_CENTER,
        zoom_start=12,
        tiles=None,
        control_scale=True,
        zoom_control=not easy,
        keyboard=not easy,
        # On the map itself, not only on the tile layer (folium's min_zoom/max_zoom): without tiles the marker
        # cluster still needs a maximum zoom.
        minZoom=10,
        maxZoom=19,
    )
    tile_url = current_app.config.get("TILE_URL") or ""
    if tile_url:
        folium.TileLayer(
            tiles=tile_url,
            attr=current_app.config.get("TILE_ATTRIBUTION") or "",
            name=_("Street map"),
            max_zoom=19,
            control=False,
        ).add_to(fmap)
    layers: dict[str, str] = {}
    # Filled by static/js/map.js from /map/orientation.json; shown by default when there is no street map.
    orientation = folium.FeatureGroup(name=_("Transport, water, parks"), show=not tile_url).add_to(fmap)
    layers["orientation"] = orientation.get_name()
    for level, title in layer_titles().items():
        layer = folium.GeoJson(
            {"type": "FeatureCollection", "features": []},
            name=title,
            show=level in shown,
            style=BOUNDARY_STYLES[level],
            on_each_feature=JsCode(
                "function (f, l) { l.bindTooltip(document.createTextNode(f.properties.name), {sticky: true}); }"
            ),
        ).add_to(fmap)
        layers[level] = layer.get_name()
    if near and radius:
        folium.Circle(near, radius=radius, color="#083b6b", weight=2, fill=False, interactive=False).add_to(fmap)
    if near:
        folium.CircleMarker(near, radius=6, color="#083b6b", fill=True, fill_opacity=1, interactive=False).add_to(fmap)
    if cluster:
        markers = MarkerCluster(
            name=_("Services"),
            icon_create_function=_cluster_icon(),
            chunkedLoading=True,
            chunkInterval=50,  # ms of work per slice: the page stays responsive while 10,000 markers load
            showCoverageOnHover=False,
            maxClusterRadius=60,
        ).add_to(fmap)
        layers["cluster"] = markers.get_name()
    if layer_control:
        folium.LayerControl(collapsed=False).add_to(fmap)
    # static/js/map.js fits these bounds without animation (folium's animated fit_bounds could end after the
    # script's own fit to the markers and undo it).
    bounds = _circle_bounds(near, radius) if near and radius else BRUSSELS_BOUNDS
    return render(fmap, layers, bounds)


def _circle_bounds(near: tuple[float, float], radius: int) -> list[list[float]]:
    dlat = radius / 111_320
    dlng = radius / (111_320 * math.cos(math.radians(near[0])))
    return [[near[0] - dlat, near[1] - dlng], [near[0] + dlat, near[1] + dlng]]


def render(
    fmap: folium.Map, layers: dict[str, str] | None = None, bounds: list[list[float]] | None = None
) -> MapDocument:
    """Render `fmap` with local assets into template parts (folium's own head, which sets a viewport that
    blocks zooming and full-page styles, is not used)."""
    localize(fmap)
    root = cast(Figure, fmap.get_root())  # a map's root is its Figure
    root.render()
    links = list(root.header._children.values())
    return MapDocument(
        name=fmap.get_name(),
        html=root.html.render(),
        script=root.script.render(),
        js=[link.url for link in links if isinstance(link, JavascriptLink)],
        css=[link.url for link in links if isinstance(link, CssLink)],
        layers=layers or {},
        bounds=bounds or BRUSSELS_BOUNDS,
    )
