"""The default dataset loaded by `make run` (TO BE WRITTEN by the importers helper)."""

from __future__ import annotations

from pathlib import Path


def import_default_dataset(data_dir: Path) -> str:
    """Import the OSM points and hospital sites from `data_dir`; return a summary."""
    raise NotImplementedError
