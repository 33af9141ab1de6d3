"""The gaps map of the bassin dashboard: a static SVG of the quartiers of a bassin (or of the region), each filled by
how many sectors have no fiche there, or — for one chosen sector — whether that sector is absent.

No tiles and no JavaScript, so the map prints as it shows; the fills are presentation attributes (PDF renderers
ignore the page's stylesheet), and the numbers are in the table beside it: colour never carries the meaning alone.
"""

from __future__ import annotations

from markupsafe import Markup, escape
from shapely.ops import unary_union

from directory.maps.boundaries import area_shapes
from directory.maps.svg import Projection, _path

# Absent-sector classes, light to dark (each step ≥ 3:1 against white for the darkest two; hatching for "absent").
CLASS_FILLS = ("#e8f1fa", "#b6d2ec", "#5b93c9", "#0b5394")
ABSENT_FILL = "#b3261e"
PRESENT_FILL = "#e8f1fa"
EMPTY_FILL = "#ffffff"  # quartiers with no residents (parks, industry: MdQ codes 700 and above)
COMMUNE_STYLE = 'fill="none" stroke="#4a4f56" stroke-width="1.4"'
QUARTIER_STROKE = 'stroke="#ffffff" stroke-width="0.8"'


def absent_class(absent: int, total: int) -> int:
    """0–3: the share of the sectors with no fiche in a quartier, by quarters (0 = under a quarter absent)."""
    if total <= 0:
        return 0
    return min(3, int(4 * absent / total))


def inhabited(code: str) -> bool:
    """Monitoring des Quartiers codes 1–118 are residential; 7xx, 8xx, 9xx are cemeteries, industry, parks."""
    return code.isdigit() and int(code) < 700


def gaps_svg(fills: dict[str, str], title: str, bassin: str = "", width: int = 900) -> Markup:
    """SVG of the quartiers in `fills` (code → fill colour), the commune boundaries over them and, for a bassin,
    its outline. `title` is the accessible name."""
    quartiers = [(code, geometry) for code, _props, geometry in area_shapes("quartier") if code in fills]
    if not quartiers:
        return Markup("")
    outline = None
    if bassin:
        outline = next((g for c, _p, g in area_shapes("bassin") if c == bassin), None)
    extent = unary_union([geometry for _code, geometry in quartiers])
    projection = Projection(extent.bounds, width, padding=0.02)
    height = projection.height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gaps-map" viewBox="0 0 {width} {height:.0f}" '
        f'role="img" aria-labelledby="gaps-map-title"><title id="gaps-map-title">{escape(title)}</title>',
    ]
    for code, geometry in quartiers:
        out.append(f'<path fill="{fills[code]}" {QUARTIER_STROKE} d="{_path(geometry, projection)}"/>')
    for _code, _props, geometry in area_shapes("commune"):
        if geometry.intersects(extent):
            out.append(f'<path {COMMUNE_STYLE} d="{_path(geometry.intersection(extent.buffer(0.0005)), projection)}"/>')
    if outline is not None:
        out.append(f'<path fill="none" stroke="#111" stroke-width="3" d="{_path(outline, projection)}"/>')
    out.append("</svg>")
    return Markup("".join(out))
