"""Load communes, bassins, quartiers and postal codes from ../shared/data (TO BE WRITTEN by the geo helper)."""

from __future__ import annotations

from pathlib import Path


def load_geography(data_dir: Path) -> str:
    """Upsert the geography from `data_dir`; return a one-line summary."""
    raise NotImplementedError
