"""Load the Brussels geography from the reference files (../shared/data, see its PROVENANCE.md).

Idempotent: every row is upserted and a second run changes nothing. Geometries are kept as GeoJSON text.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from directory.extensions import db
from directory.models import Bassin, Commune, PostalCode, Quartier

BASSIN_CODES = {
    "Nord": "nord",
    "Nord-Est": "nord-est",
    "Centre-Ouest": "centre-ouest",
    "Ouest": "centre-ouest",  # older documents
    "Sud": "sud",
    "Sud-Est": "sud-est",
}
SPLIT_COMMUNE = "21004"  # Bruxelles-Ville is split across bassins
DUTCH_PARTICLES = {"van", "de", "der", "den", "het", "ten", "ter", "te", "op", "aan", "en", "in", "'t"}


class GeographyDataError(ValueError):
    """A reference file is missing or not in the expected shape."""


def bassin_code(name_fr: str | None) -> str | None:
    """ "Nord-Est" → "nord-est"; also accepts values like "Sud (guess: …)"; None when empty or split."""
    if not name_fr:
        return None
    base = name_fr.split("(")[0].strip()
    return BASSIN_CODES.get(base)


def dutch_title(text: str) -> str:
    """UrbIS upper-case Dutch names in readable case: "BEGIJNHOF - DIKSMUIDE" → "Begijnhof - Diksmuide"."""
    words = re.split(r"(\s+|-)", text.lower())
    out = []
    for i, word in enumerate(words):
        if i and word in DUTCH_PARTICLES:
            out.append(word)
        else:
            out.append(word[:1].upper() + word[1:])
    return "".join(out)


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise GeographyDataError(f"missing reference file: {path}")
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _read_features(path: Path) -> list[dict]:
    if not path.is_file():
        raise GeographyDataError(f"missing reference file: {path}")
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except (ValueError, KeyError) as exc:
        raise GeographyDataError(f"{path.name} is not a GeoJSON FeatureCollection: {exc}") from exc
    return features


def _upsert(model: type, key: Any, values: dict[str, Any]) -> bool:
    """Insert or update one row; True when something changed."""
    row = db.session.get(model, key)
    if row is None:
        db.session.add(model(**values))
        return True
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def load_geography(data_dir: Path, orientation: bool = True) -> str:
    """Upsert bassins, communes, quartiers and postcodes from `data_dir`, and the orientation layers unless told not
    to; return a one-line summary."""
    changes = 0
    mapping = _read_csv(data_dir / "bassins_mapping.csv")
    sources: dict[str, set[str]] = defaultdict(set)
    for row in mapping:
        for url in row["source"].split(";"):
            if url.strip() and (code := bassin_code(row["bassin_fr"])):
                sources[code].add(url.strip())

    bassins = _read_features(data_dir / "bassins_approx.geojson")
    for feature in bassins:
        props = feature["properties"]
        code = bassin_code(props["bassin_fr"])
        if code is None:
            raise GeographyDataError(f"bassins_approx.geojson: unknown bassin {props['bassin_fr']!r}")
        changes += _upsert(
            Bassin,
            code,
            {
                "code": code,
                "name_fr": props["bassin_fr"],
                "name_nl": props["bassin_nl"],
                "confidence": props.get("confidence", ""),
                "source": " ; ".join(sorted(sources[code])),
                "geometry": json.dumps(feature["geometry"]),
            },
        )
    db.session.flush()

    geometries = {f["properties"]["nis"]: f["geometry"] for f in _read_features(data_dir / "communes_bxl_osm.geojson")}
    communes = _read_csv(data_dir / "communes_bxl.csv")
    for row in communes:
        changes += _upsert(
            Commune,
            row["nis"],
            {
                "nis": row["nis"],
                "name_fr": row["name_fr"],
                "name_nl": row["name_nl"],
                "bassin_code": bassin_code(row["bassin_fr"]),
                "lat": float(row["center_lat_best"]),
                "lon": float(row["center_lon_best"]),
                "geometry": json.dumps(geometries[row["nis"]]) if row["nis"] in geometries else None,
            },
        )
    db.session.flush()

    shapes = {
        str(f["properties"]["mdrc"]): f["geometry"]
        for f in _read_features(data_dir / "quartiers_monitoring_145.geojson")
    }
    quartiers = _read_csv(data_dir / "quartiers_monitoring_145.csv")
    for row in quartiers:
        code = str(row["mdrc"])
        changes += _upsert(
            Quartier,
            code,
            {
                "code": code,
                "name_fr": row["name_fr"],
                "name_nl": dutch_title(row["name_nl_urbis"]),
                "commune_nis": row["commune_main_nis"],
                "bassin_code": bassin_code(row["bassin_main"]),
                "bassin_confidence": row["bassin_confidence"],
                "lat": float(row["repr_lat"]),
                "lon": float(row["repr_lon"]),
                "geometry": json.dumps(shapes[code]) if code in shapes else None,
            },
        )

    by_code: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _read_csv(data_dir / "postal_codes_bxl.csv"):
        by_code[row["postal_code"]].append(row)
    for code, rows in by_code.items():
        main = next((r for r in rows if r["nis"] != SPLIT_COMMUNE), rows[0])
        certain = "guess" not in main["bassin_fr"].lower() and len(rows) == 1
        changes += _upsert(
            PostalCode,
            code,
            {
                "code": code,
                "commune_nis": main["nis"],
                "shared": len(rows) > 1,
                "bassin_code": bassin_code(main["bassin_fr"]) if certain else None,
                "lat": float(main["lat"]),
                "lon": float(main["lon"]),
            },
        )
    db.session.flush()

    from directory.geo.orientation import load_orientation
    from directory.geo.tagging import invalidate_cache

    invalidate_cache()
    summary = (
        f"geography: {len(bassins)} bassins, {len(communes)} communes, {len(quartiers)} quartiers, "
        f"{len(by_code)} postcodes ({changes} rows changed)"
    )
    return f"{summary}; {load_orientation(data_dir)}" if orientation else summary
