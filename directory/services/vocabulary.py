"""Bilingual vocabularies: sectors and publics (TO BE WRITTEN by the geo helper)."""

from __future__ import annotations


def load_vocabularies() -> str:
    """Upsert sectors and publics; return a one-line summary."""
    raise NotImplementedError
