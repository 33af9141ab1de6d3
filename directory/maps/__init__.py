"""Maps: folium documents with local assets (`builder`), boundaries and marker data (`boundaries`, `points`),
static SVG maps for paper (`svg`), PDFs (`pdf`) and the easy-read needs with their pictograms (`needs`).

Nothing here reaches a third-party host: Leaflet and its plugins come from /static/vendor/ (installed from npm at
set-up), and the only remote URL a page may hold is the configured tile server (TILE_URL, empty = no tiles).
"""
