"""Static SVG maps for paper: one area drawn bold, the commune boundaries around it, and numbered markers.

Paper has no tiles and no JavaScript, so printed maps are plain SVG (inline in the print page, rendered as vector
graphics in the PDF). Coordinates are projected with a local equirectangular projection, accurate to well under a
percent across a region of 15 km.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from directory.maps.boundaries import area_shapes

# Presentation attributes, not CSS classes: PDF renderers draw inline SVG without the page's stylesheet.
COMMUNE_STYLE = 'fill="none" stroke="#8a8f96" stroke-width="1.2" stroke-dasharray="5 4"'
AREA_STYLE = 'fill="#0b5394" fill-opacity="0.06" stroke="#0b5394" stroke-width="4" stroke-linejoin="round"'
TEXT_STYLE = 'text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-weight="700" fill="#111"'
# Marker outline by need (contrast ≥ 4.5:1 on white); the number, not the colour, carries the meaning.
NEED_COLOURS = {"": "#0b5394", "health": "#b3261e", "eat": "#1d6b37", "sleep": "#5b3c88", "money": "#7a4b00"}


@dataclass(frozen=True)
class PaperMarker:
    """A numbered marker; `need` chooses its outline colour."""

    number: int
    lat: float
    lng: float
    need: str = ""


class Projection:
    """Longitude/latitude → SVG units, fitting `bounds` (min_lng, min_lat, max_lng, max_lat) into `width`."""

    def __init__(self, bounds: tuple[float, float, float, float], width: float, padding: float = 0.04):
        min_lng, min_lat, max_lng, max_lat = bounds
        self.kx = math.cos(math.radians((min_lat + max_lat) / 2))
        span_x = max((max_lng - min_lng) * self.kx, 1e-6)
        span_y = max(max_lat - min_lat, 1e-6)
        pad = padding * max(span_x, span_y)
        self.scale = width / (span_x + 2 * pad)
        self.width = width
        self.height = (span_y + 2 * pad) * self.scale
        self.x0 = min_lng * self.kx - pad
        self.y0 = max_lat + pad

    def point(self, lng: float, lat: float) -> tuple[float, float]:
        return (lng * self.kx - self.x0) * self.scale, (self.y0 - lat) * self.scale


def _path(geometry: BaseGeometry, projection: Projection) -> str:
    """SVG path data for a (multi)polygon's rings."""
    polygons = getattr(geometry, "geoms", [geometry])
    parts = []
    for polygon in polygons:
        for ring in [polygon.exterior, *polygon.interiors]:
            points = [projection.point(x, y) for x, y in ring.coords]
            parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


def area_geometry(level: str, code: str) -> BaseGeometry | None:
    """The simplified polygon of one area, or None if the geography has no polygon for it."""
    return next((geometry for c, _props, geometry in area_shapes(level) if c == code), None)


def area_map_svg(level: str, code: str, markers: list[PaperMarker], title: str, width: int = 1000) -> Markup:
    """An SVG map of one area with numbered markers; `title` is its accessible name."""
    area = area_geometry(level, code)
    if area is None:
        points = [(m.lng, m.lat) for m in markers] or [(4.3525, 50.8467)]
        xs, ys = zip(*points, strict=True)
        bounds = (min(xs) - 0.005, min(ys) - 0.005, max(xs) + 0.005, max(ys) + 0.005)
    else:
        bounds = area.bounds
        if markers:  # services of the area tagged from a postcode may lie just outside its polygon
            lngs = [bounds[0], bounds[2], *(m.lng for m in markers)]
            lats = [bounds[1], bounds[3], *(m.lat for m in markers)]
            bounds = (min(lngs), min(lats), max(lngs), max(lats))
    projection = Projection(bounds, width)
    frame = box(*bounds).buffer(max(bounds[2] - bounds[0], bounds[3] - bounds[1]))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="paper-map" viewBox="0 0 {width} {projection.height:.0f}" '
        f'role="img" aria-labelledby="paper-map-title"><title id="paper-map-title">{escape(title)}</title>',
        f'<rect width="{width}" height="{projection.height:.0f}" fill="#fff"/>',
    ]
    for _code, _props, geometry in area_shapes("commune"):
        if geometry.intersects(frame):
            out.append(f'<path {COMMUNE_STYLE} d="{_path(geometry, projection)}"/>')
    if area is not None:
        out.append(f'<path {AREA_STYLE} d="{_path(area, projection)}"/>')
    radius = max(12.0, width / 48)
    for marker in sorted(markers, key=lambda m: -m.number):  # number 1 drawn last, on top
        x, y = projection.point(marker.lng, marker.lat)
        colour = NEED_COLOURS.get(marker.need, NEED_COLOURS[""])
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="#fff" stroke="{colour}" stroke-width="3"/>'
            f'<text x="{x:.1f}" y="{y + radius * 0.38:.1f}" font-size="{radius * 1.1:.1f}" {TEXT_STYLE}>'
            f"{marker.number}</text>"
        )
    out.append("</svg>")
    return Markup("".join(out))
