"""Text keys shared by the layers: accent-free, punctuation-free forms of names and streets for matching."""

from __future__ import annotations

import unicodedata


def normalize(text: str) -> str:
    """Lower case, without accents and punctuation: "Pharmacie Saint-Josse" → "pharmacie saint josse"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())
