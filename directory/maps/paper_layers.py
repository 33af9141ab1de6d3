"""What a printed map needs besides its markers: parks, water, metro/tram/train lines and stops, area names,
a scale bar and a north arrow, as SVG elements (presentation attributes only: PDF renderers ignore the page's CSS).

Sizes are in SVG units; `unit_pt` (points per unit on paper) turns a wanted type size into units, so names print
at the same size on A4 and A3 whatever the viewBox.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import escape
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep

from directory.maps.boundaries import area_shapes
from directory.maps.orientation import features, stops

Project = Callable[[float, float], tuple[float, float]]
HALO = 'stroke="#fff" stroke-width="2.5" stroke-linejoin="round"'
FONT = 'font-family="DejaVu Sans, sans-serif"'
BUS_INK = "#6b7280"  # bus lines and their numbers (printed maps of a commune or quartier)


def _line_path(geometry: BaseGeometry, project: Project) -> str:
    parts = getattr(geometry, "geoms", [geometry])
    out = []
    for part in parts:
        if part.geom_type in ("LineString", "LinearRing"):
            points = [project(x, y) for x, y in part.coords]
            out.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points))
        elif part.geom_type == "Polygon":
            for ring in [part.exterior, *part.interiors]:
                points = [project(x, y) for x, y in ring.coords]
                out.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z")
    return "".join(out)


class Labels:
    """Greedy label placement: a label that would overlap one already placed (or a reserved box) is left out."""

    def __init__(self) -> None:
        self.boxes: list[tuple[float, float, float, float]] = []

    def reserve(self, x: float, y: float, half_w: float, half_h: float) -> None:
        self.boxes.append((x - half_w, y - half_h, x + half_w, y + half_h))

    def place(self, x: float, y: float, label: str, size: float) -> bool:
        """True (and the space taken) when `label` centred on (x, y) at `size` overlaps nothing placed."""
        half_w, half_h = 0.31 * size * len(label) + size * 0.2, 0.6 * size
        left, top, right, bottom = x - half_w, y - half_h, x + half_w, y + half_h
        for a, b, c, d in self.boxes:
            if left < c and a < right and top < d and b < bottom:
                return False
        self.boxes.append((left, top, right, bottom))
        return True


def text(x: float, y: float, label: str, size: float, extra: str = "") -> str:
    """A text with a white halo (drawn twice: PDF renderers ignore `paint-order`), centred on (x, y)."""
    start = f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:.1f}" text-anchor="middle" {FONT} '
    return (
        f'{start}fill="#fff" {HALO} {extra.replace("fill=", "data-fill=")}>{escape(label)}</text>'
        f"{start}{extra}>{escape(label)}</text>"
    )


def orientation_layers(
    bounds: tuple[float, float, float, float],
    project: Project,
    unit_pt: float,
    lang: str,
    labels: Labels,
    polygons: bool = True,
    bus: bool = False,
) -> list[str]:
    """Parks and water (unless `polygons` is False: a tile background already has them), then the lines (with
    `bus`, thin bus lines under the trams and metro), then metro and train stops with their names, all clipped to
    `bounds` (lng/lat). Bus numbers come last, one per line and only where no other name or number is."""
    frame = box(*bounds)
    ready = prep(frame)
    line = 1 / unit_pt  # one point on paper, in units
    out = []
    bus_labels: list[tuple[float, float, str, str]] = []
    for feature in features(("park", "water", "bus", "transit") if bus else ("park", "water", "transit")):
        if not ready.intersects(feature.geometry):
            continue
        geometry = feature.geometry.intersection(frame)
        if geometry.is_empty:
            continue
        d = _line_path(geometry, project)
        polygon = geometry.geom_type in ("Polygon", "MultiPolygon")
        if feature.layer == "park" and polygons:
            out.append(f'<path d="{d}" fill="#d7ebcd" stroke="none"/>')
        elif feature.layer == "water" and polygons and polygon:
            out.append(f'<path d="{d}" fill="#b9d6ee" stroke="#8dbbe0" stroke-width="{0.5 * line:.2f}"/>')
        elif feature.layer == "water" and not polygon:
            out.append(f'<path d="{d}" fill="none" stroke="#8dbbe0" stroke-width="{1.5 * line:.2f}"/>')
        elif feature.layer == "bus":
            colour = BUS_INK  # one quiet grey: the colours stay for the metro and the trams
            out.append(
                f'<path class="bus-line" d="{d}" fill="none" stroke="{colour}" stroke-opacity="0.6" '
                f'stroke-width="{0.6 * line:.2f}" stroke-linecap="round"/>'
            )
            parts = [g for g in getattr(geometry, "geoms", [geometry]) if g.geom_type == "LineString"]
            if feature.ref and parts:
                middle = max(parts, key=lambda g: g.length).interpolate(0.5, normalized=True)
                x, y = project(middle.x, middle.y)
                bus_labels.append((x, y, feature.ref, colour))
        elif feature.layer == "transit":
            width = {"metro": 2.6, "tram": 1.3, "train": 1.1}.get(feature.kind, 1) * line
            dash = f' stroke-dasharray="{4 * line:.1f} {2 * line:.1f}"' if feature.kind == "train" else ""
            colour = feature.colour or "#555"
            opacity = "0.55" if feature.tunnel else "0.9"
            out.append(
                f'<path d="{d}" fill="none" stroke="{colour}" stroke-opacity="{opacity}" '
                f'stroke-width="{width:.2f}"{dash} stroke-linecap="round"/>'
            )
    for stop in stops():
        if not (bounds[0] <= stop.lon <= bounds[2] and bounds[1] <= stop.lat <= bounds[3]):
            continue
        x, y = project(stop.lon, stop.lat)
        major = "metro" in stop.modes or "train" in stop.modes
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{(2.2 if major else 1.2) * line:.1f}" fill="#fff" '
            f'stroke="#222" stroke-width="{(0.9 if major else 0.5) * line:.2f}"/>'
        )
        name = stop.name_nl if lang == "nl" else stop.name_fr
        if major and labels.place(x, y - 4.5 * line, name, 6.5 * line):
            out.append(text(x, y - 3 * line, name, 6.5 * line, 'font-weight="700" fill="#222"'))
    for x, y, ref, colour in bus_labels:  # after the stop names: a bus number never hides a station
        if labels.place(x, y - 1.8 * line, ref + " ", 5.5 * line):
            out.append(text(x, y + 1.8 * line, ref, 5.5 * line, f'class="bus-label" font-weight="700" fill="{colour}"'))
    return out


def area_labels(
    bounds: tuple[float, float, float, float],
    project: Project,
    unit_pt: float,
    lang: str,
    labels: Labels,
    quartiers_in: BaseGeometry | None = None,
) -> list[str]:
    """Commune names in capitals; with `quartiers_in` (the printed area), the names of its quartiers too."""
    frame = box(*bounds)
    line = 1 / unit_pt
    out = []
    if quartiers_in is not None:
        inside = prep(quartiers_in)
        for _code, props, geometry in area_shapes("quartier"):
            point = geometry.representative_point()
            if not inside.contains(point):
                continue
            x, y = project(point.x, point.y)
            name = props.get(f"name_{lang}") or props.get("name_fr") or ""
            if labels.place(x, y - 2 * line, name, 6 * line):
                out.append(text(x, y, name, 6 * line, 'font-style="italic" fill="#5b4a2e"'))
    for _code, props, geometry in area_shapes("commune"):
        clipped = geometry.intersection(frame)
        if clipped.is_empty or clipped.area < 0.05 * geometry.area:
            continue
        point = clipped.representative_point()
        x, y = project(point.x, point.y)
        name = (props.get(f"name_{lang}") or props.get("name_fr") or "").upper()
        if labels.place(x, y - 3 * line, name + "  ", 8 * line):
            out.append(text(x, y, name, 8 * line, 'font-weight="700" fill="#4a5361" letter-spacing="1"'))
    return out


def nice_length(max_m: float) -> int:
    """The longest of 100, 200, 250, 500 m, 1, 2, 5 km that fits in `max_m`."""
    for metres in (5000, 2000, 1000, 500, 250, 200, 100, 50):
        if metres <= max_m:
            return metres
    return 50


def scale_and_north(width: float, height: float, metres_per_unit: float, unit_pt: float) -> list[str]:
    """A scale bar at the bottom left and a north arrow at the top right, on white."""
    line = 1 / unit_pt
    metres = nice_length(0.25 * width * metres_per_unit)
    length = metres / metres_per_unit
    label = f"{metres // 1000} km" if metres >= 1000 else f"{metres} m"
    x0, y0 = 8 * line, height - 8 * line
    north = "N"
    return [
        f'<rect x="{x0 - 3 * line:.1f}" y="{y0 - 14 * line:.1f}" width="{length + 6 * line:.1f}" '
        f'height="{17 * line:.1f}" fill="#fff" fill-opacity="0.85"/>',
        f'<path d="M{x0:.1f} {y0 - 3 * line:.1f}V{y0:.1f}H{x0 + length:.1f}V{y0 - 3 * line:.1f}" fill="none" '
        f'stroke="#111" stroke-width="{1.2 * line:.2f}"/>',
        f'<text x="{x0 + length / 2:.1f}" y="{y0 - 5 * line:.1f}" font-size="{8 * line:.1f}" text-anchor="middle" '
        f'{FONT} fill="#111">{label}</text>',
        f'<g transform="translate({width - 14 * line:.1f} {16 * line:.1f})">'
        f'<circle r="{11 * line:.1f}" fill="#fff" fill-opacity="0.85"/>'
        f'<path d="M0 {-8 * line:.1f}L{4 * line:.1f} {5 * line:.1f}L0 {2 * line:.1f}L{-4 * line:.1f} {5 * line:.1f}Z" '
        f'fill="#111"/><text y="{-10 * line:.1f}" font-size="{7 * line:.1f}" text-anchor="middle" {FONT} '
        f'font-weight="700" fill="#111" dy="-1">{north}</text></g>',
    ]
