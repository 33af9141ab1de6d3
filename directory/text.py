"""Text keys shared by the layers: accent-free, punctuation-free forms of names and streets for matching.

The function lives with the parsers (`importers.places`), which may not import the application."""

from __future__ import annotations

from importers.places import normalize

__all__ = ["normalize"]
