"""The gaps map of the bassin dashboard: a static SVG of the quartiers of a bassin (or of the region), each filled by
how many sectors have no fiche there, or — for one chosen sector — whether that sector is absent.

No tiles and no JavaScript, so the map prints as it shows; the fills are presentation attributes (PDF renderers
ignore the page's stylesheet), and the numbers are in the table beside it: colour never carries the meaning alone.
Drawn maps are kept (per fills, title and bassin): the same figures draw the same map.
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape
from shapely.ops import unary_union

from directory.maps.boundaries import area_shapes
from directory.maps.svg import Projection, _path

# Absent-sector classes, light to dark; "absent" for one sector in a dark red that white text would pass on.
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
    return Markup(_drawn(tuple(sorted(fills.items())), title, bassin, width))


@lru_cache(maxsize=256)
def _drawn(fills: tuple[tuple[str, str], ...], title: str, bassin: str, width: int) -> str:
    colour = dict(fills)
    quartiers = [(code, geometry) for code, _props, geometry in area_shapes("quartier") if code in colour]
    if not quartiers:
        return ""
    outline = next((g for c, _p, g in area_shapes("bassin") if c == bassin), None) if bassin else None
    extent = unary_union([geometry for _code, geometry in quartiers])
    projection = Projection(extent.bounds, width, padding=0.02)
    height = projection.height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gaps-map" viewBox="0 0 {width} {height:.0f}" '
        f'role="img" aria-labelledby="gaps-map-title"><title id="gaps-map-title">{escape(title)}</title>',
    ]
    for code, geometry in quartiers:
        out.append(f'<path fill="{colour[code]}" {QUARTIER_STROKE} d="{_path(geometry, projection)}"/>')
    for _code, _props, geometry in area_shapes("commune"):
        if geometry.intersects(extent):  # drawn whole; the frame clips what lies outside
            out.append(f'<path {COMMUNE_STYLE} d="{_path(geometry, projection)}"/>')
    if outline is not None:
        out.append(f'<path fill="none" stroke="#111" stroke-width="3" d="{_path(outline, projection)}"/>')
    out.append("</svg>")
    return "".join(out)
