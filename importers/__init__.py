"""Importers: one module per source format; they parse and yield records, never touch the session or index.

`REGISTRY` maps the FORMAT name of `flask import FORMAT FILE` to its importer class.
"""

from __future__ import annotations

from importers.base import Importer
from importers.hospitals import HospitalsImporter
from importers.hsds import HsdsImporter
from importers.osm import OsmImporter
from importers.social_brussels import SocialBrusselsImporter
from importers.template import TemplateImporter

REGISTRY: dict[str, type[Importer]] = {
    cls.name: cls for cls in (TemplateImporter, HsdsImporter, OsmImporter, HospitalsImporter, SocialBrusselsImporter)
}


def get_importer(name: str) -> Importer:
    """An importer instance by format name; KeyError when unknown."""
    return REGISTRY[name]()
