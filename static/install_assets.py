"""Copy the front-end files the pages use from static/node_modules (installed by `npm ci`) to static/vendor,
with each package's licence. Run by the Makefile; static/vendor and static/node_modules are not committed."""

from __future__ import annotations

import shutil
from pathlib import Path

STATIC = Path(__file__).resolve().parent
FILES = {
    "leaflet": ["dist/leaflet.js", "dist/leaflet.css", "dist/images", "LICENSE"],
    "leaflet.markercluster": ["dist/leaflet.markercluster.js", "dist/MarkerCluster.css",
                              "dist/MarkerCluster.Default.css", "MIT-LICENCE.txt"],
    "axe-core": ["axe.min.js", "LICENSE"],
}


def main() -> None:
    for package, names in FILES.items():
        source, target = STATIC / "node_modules" / package, STATIC / "vendor" / package
        target.mkdir(parents=True, exist_ok=True)
        for name in names:
            path = source / name
            if path.is_dir():
                shutil.copytree(path, target / path.name, dirs_exist_ok=True)
            else:
                shutil.copy2(path, target / path.name)
    print(f"static/vendor: {', '.join(FILES)}")


if __name__ == "__main__":
    main()
