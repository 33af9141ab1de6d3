"""Street-map tiles under a printed map, when the deployer runs or rents a tile server (TILE_URL).

The server fetches the few tiles that cover the area (never the reader's browser: the printed page and its PDF
carry them as data), and places each one by projecting its corners with the map's own projection. Without
TILE_URL, or when the tile server fails, printed maps keep their orientation layers alone.
"""

from __future__ import annotations

import base64
import logging
import math
import urllib.request
from collections.abc import Callable

log = logging.getLogger(__name__)
MAX_TILES = 48
USER_AGENT = "qui-fait-quoi-brussels/0.1 (printed maps)"


def _tile_x(lng: float, zoom: int) -> float:
    return (lng + 180) / 360 * 2**zoom


def _tile_y(lat: float, zoom: int) -> float:
    rad = math.radians(lat)
    return (1 - math.log(math.tan(rad) + 1 / math.cos(rad)) / math.pi) / 2 * 2**zoom


def _lng(x: float, zoom: int) -> float:
    return x / 2**zoom * 360 - 180


def _lat(y: float, zoom: int) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / 2**zoom))))


def tile_range(bounds: tuple[float, float, float, float], width_units: float) -> tuple[int, range, range]:
    """(zoom, x range, y range) of the tiles covering `bounds` at about one tile pixel per SVG unit."""
    min_lng, min_lat, max_lng, max_lat = bounds
    zoom = round(math.log2(width_units * 360 / (256 * max(max_lng - min_lng, 1e-6))))
    zoom = max(10, min(17, zoom))
    while True:
        xs = range(int(_tile_x(min_lng, zoom)), int(_tile_x(max_lng, zoom)) + 1)
        ys = range(int(_tile_y(max_lat, zoom)), int(_tile_y(min_lat, zoom)) + 1)
        if len(xs) * len(ys) <= MAX_TILES or zoom <= 10:
            return zoom, xs, ys
        zoom -= 1


def tile_images(
    url: str,
    bounds: tuple[float, float, float, float],
    project: Callable[[float, float], tuple[float, float]],
    width_units: float,
    timeout: float = 5.0,
) -> list[str]:
    """SVG <image> elements with the tiles of `url` ({z}/{x}/{y}) as data; [] when any tile fails."""
    zoom, xs, ys = tile_range(bounds, width_units)
    images = []
    try:
        for x in xs:
            for y in ys:
                request = urllib.request.Request(url.format(z=zoom, x=x, y=y), headers={"User-Agent": USER_AGENT})
                with urllib.request.urlopen(request, timeout=timeout) as answer:
                    mime = answer.headers.get_content_type()
                    data = base64.b64encode(answer.read()).decode()
                if not mime.startswith("image/"):
                    raise ValueError(f"tile {zoom}/{x}/{y} is {mime}")
                left, top = project(_lng(x, zoom), _lat(y, zoom))
                right, bottom = project(_lng(x + 1, zoom), _lat(y + 1, zoom))
                images.append(
                    f'<image href="data:{mime};base64,{data}" x="{left:.2f}" y="{top:.2f}" '
                    f'width="{right - left:.2f}" height="{bottom - top:.2f}" preserveAspectRatio="none"/>'
                )
    except (OSError, ValueError) as exc:
        log.warning("printed map without tiles: %s", exc)
        return []
    return images
