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
from directory.maps.orientation import METRES_PER_DEG
from directory.maps.paper_layers import Labels, area_labels, orientation_layers, scale_and_north
from directory.maps.spread import Placed, spread
from directory.maps.tiles import tile_images

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


@dataclass(frozen=True)
class Paper:
    """Where the map prints: the page's content width and the map's highest allowed height (static/css/print.css)."""

    width_mm: float
    max_height_mm: float


BUS_LEVELS = ("commune", "quartier")


def area_map_svg(
    level: str,
    code: str,
    markers: list[PaperMarker],
    title: str,
    width: int = 1000,
    lang: str = "fr",
    paper: Paper = Paper(186, 105),
    tile_url: str = "",
    tile_timeout: float = 5.0,
) -> Markup:
    """An SVG map of one area: street tiles when `tile_url` is set, else parks and water; transport lines and
    stops, area names, numbered markers that never hide each other (leader lines to their true place), a scale
    bar and a north arrow. `title` is its accessible name."""
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
    height = projection.height
    printed_mm = min(paper.width_mm, paper.max_height_mm * width / height)
    unit_pt = printed_mm * 72 / 25.4 / width  # points on paper per SVG unit
    view = (  # what the frame shows, padding included, in lng/lat
        projection.x0 / projection.kx,
        projection.y0 - height / projection.scale,
        (projection.x0 + width / projection.scale) / projection.kx,
        projection.y0,
    )
    frame = box(*view).buffer(max(bounds[2] - bounds[0], bounds[3] - bounds[1]))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="paper-map" viewBox="0 0 {width} {height:.0f}" '
        f'role="img" aria-labelledby="paper-map-title"><title id="paper-map-title">{escape(title)}</title>',
        f'<rect width="{width}" height="{height:.0f}" fill="#fbfbf8"/>',
    ]
    radius = marker_radius(unit_pt)
    placed = placed_markers(markers, projection, radius, height)
    labels = Labels()  # names never run under a number, nor over another name
    for spot in placed:
        labels.reserve(spot.x, spot.y, radius + 2, radius + 2)
    labels.reserve(width - 14 / unit_pt, 16 / unit_pt, 12 / unit_pt, 12 / unit_pt)  # north arrow
    labels.reserve(50 / unit_pt, height - 12 / unit_pt, 50 / unit_pt, 10 / unit_pt)  # scale bar
    tiles = tile_images(tile_url, view, projection.point, width, tile_timeout) if tile_url else []
    out += tiles
    for _code, _props, geometry in area_shapes("commune"):
        if geometry.intersects(frame):
            out.append(f'<path {COMMUNE_STYLE} d="{_path(geometry, projection)}"/>')
    if area is not None:
        out.append(f'<path {AREA_STYLE} d="{_path(area, projection)}"/>')
    area_names = area_labels(
        view, projection.point, unit_pt, lang, labels, quartiers_in=area if level == "commune" else None
    )
    # Bus lines only on the map of a commune or a quartier: at the scale of a bassin they would hide the rest.
    out += orientation_layers(
        view, projection.point, unit_pt, lang, labels, polygons=not tiles, bus=level in BUS_LEVELS
    )
    out += area_names
    out += _markers(markers, placed, radius)
    out += scale_and_north(width, height, METRES_PER_DEG / projection.scale, unit_pt)
    out.append("</svg>")
    return Markup("".join(out))


def marker_radius(unit_pt: float) -> float:
    """The radius of a numbered marker in SVG units: 7.5 pt on paper, whatever the map's scale."""
    return 7.5 / unit_pt


def placed_markers(markers: list[PaperMarker], projection: Projection, radius: float, height: float) -> list[Placed]:
    """Marker positions with none hiding another, in number order (for drawing and for tests)."""
    ordered = sorted(markers, key=lambda m: m.number)
    return spread([projection.point(m.lng, m.lat) for m in ordered], radius, projection.width, height)


def _markers(markers: list[PaperMarker], placed: list[Placed], radius: float) -> list[str]:
    ordered = sorted(markers, key=lambda m: m.number)
    out = []
    for spot in placed:  # leader lines first, under every disc
        if spot.moved:
            out.append(
                f'<line x1="{spot.ax:.1f}" y1="{spot.ay:.1f}" x2="{spot.x:.1f}" y2="{spot.y:.1f}" stroke="#111" '
                f'stroke-width="{radius / 6:.1f}"/><circle cx="{spot.ax:.1f}" cy="{spot.ay:.1f}" r="{radius / 4:.1f}" '
                'fill="#111"/>'
            )
    for spot in placed:
        marker = ordered[spot.index]
        colour = NEED_COLOURS.get(marker.need, NEED_COLOURS[""])
        out.append(
            f'<circle class="paper-marker" data-number="{marker.number}" cx="{spot.x:.1f}" cy="{spot.y:.1f}" '
            f'r="{radius:.1f}" fill="#fff" stroke="{colour}" stroke-width="{radius / 6:.1f}"/>'
            f'<text x="{spot.x:.1f}" y="{spot.y + radius * 0.38:.1f}" font-size="{radius * 1.1:.1f}" {TEXT_STYLE}>'
            f"{marker.number}</text>"
        )
    return out
