"""Place numbered markers on paper so that none hides another.

Markers are placed in number order. A marker that would touch one already placed moves to the nearest free spot
on rings around its true position (a leader line then joins the two); ring after ring, a free spot always exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

RING_STEPS = 16  # candidate directions on each ring


@dataclass(frozen=True)
class Placed:
    """Where marker `index` is drawn (x, y) and where it really is (ax, ay)."""

    index: int
    x: float
    y: float
    ax: float
    ay: float

    @property
    def moved(self) -> bool:
        return (self.x, self.y) != (self.ax, self.ay)


def spread(points: list[tuple[float, float]], radius: float, width: float, height: float) -> list[Placed]:
    """Positions for discs of `radius` at `points` (in drawing order) that do not overlap each other and stay in
    the `width` × `height` frame; a 2-unit gap is kept between discs."""
    gap = 2 * radius + 2
    placed: list[Placed] = []

    def free(x: float, y: float) -> bool:
        if not (radius <= x <= width - radius and radius <= y <= height - radius):
            return False
        return all(math.hypot(x - p.x, y - p.y) >= gap for p in placed)

    for index, (ax, ay) in enumerate(points):
        x, y = min(max(ax, radius), width - radius), min(max(ay, radius), height - radius)
        ring = 0
        while not free(x, y):
            ring += 1
            distance = ring * gap * 0.6
            candidates = [
                (
                    ax + distance * math.cos(2 * math.pi * k / RING_STEPS),
                    ay + distance * math.sin(2 * math.pi * k / RING_STEPS),
                )
                for k in range(RING_STEPS)
            ]
            options = [c for c in candidates if free(*c)]
            if options:
                x, y = min(options, key=lambda c: (c[1] - ay) ** 2 + (c[0] - ax) ** 2 + 0.001 * c[0])
                break
            if ring > 200:  # cannot happen for the at most 24 markers of a page; never loop forever
                raise ValueError("no room for the markers")
        placed.append(Placed(index, x, y, ax, ay))
    return placed


def overlaps(placed: list[Placed], radius: float) -> list[tuple[int, int]]:
    """Pairs of markers whose discs touch (for tests and checks): empty when none hides another."""
    return [
        (a.index, b.index)
        for i, a in enumerate(placed)
        for b in placed[i + 1 :]
        if math.hypot(a.x - b.x, a.y - b.y) < 2 * radius
    ]
