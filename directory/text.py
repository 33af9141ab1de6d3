"""Text keys shared by the layers: accent-free, punctuation-free forms of names and streets for matching."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit


def normalize(text: str) -> str:
    """Lower case, without accents and punctuation: "Pharmacie Saint-Josse" → "pharmacie saint josse"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def host(url: str) -> str:
    """The host of a website without "www.": "https://www.example.org/x" → "example.org"."""
    netloc = urlsplit(url if "://" in url else f"https://{url}").netloc.lower()
    return netloc.removeprefix("www.")
