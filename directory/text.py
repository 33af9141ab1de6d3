"""Text keys shared by the layers: accent-free, punctuation-free forms of names and streets for matching.

`normalize` lives with the parsers (`importers.places`), which may not import the application."""

from __future__ import annotations

from urllib.parse import urlsplit

from importers.places import normalize

__all__ = ["host", "normalize"]


def host(url: str) -> str:
    """The host of a website without "www.": "https://www.example.org/x" → "example.org"."""
    netloc = urlsplit(url if "://" in url else f"https://{url}").netloc.lower()
    return netloc.removeprefix("www.")
