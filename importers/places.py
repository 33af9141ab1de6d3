"""Pure helpers to compare places, shared by the parsers and the application (which imports them from here)."""

from __future__ import annotations

import math
import unicodedata


def normalize(text: str) -> str:
    """Lower case, without accents and punctuation: "Pharmacie Saint-Josse" → "pharmacie saint josse"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance, exact enough at city scale."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6_371_000 * math.hypot(x, math.radians(lat2 - lat1))
