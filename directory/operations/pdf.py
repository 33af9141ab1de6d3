"""HTML print pages → PDF with WeasyPrint, reading only our own static files (never the network).

The PDF is the same page as the print view, laid out by its print stylesheet (`@page` sets A4 or A3), so what
an association prints from the browser and what it downloads are one design.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app


class ForbiddenFetch(ValueError):
    """The page asked for something other than one of our static files."""


def _static_fetcher() -> object:
    """A WeasyPrint URL fetcher that serves /static/... from disk and `data:` URLs, and refuses anything else (a
    remote URL in a PDF would be a privacy leak and, without network, a long wait)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    prefix = (current_app.static_url_path or "/static") + "/"
    root = Path(current_app.static_folder or "").resolve()

    class StaticFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = unquote(urlsplit(url).path)
            file = (root / path[len(prefix) :]).resolve() if path.startswith(prefix) else root
            if root not in file.parents or not file.is_file():
                raise ForbiddenFetch(url)
            mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, file.read_bytes(), {"Content-Type": mime})

    return StaticFetcher(allowed_protocols=("http", "https", "data"))


def html_to_pdf(html: str, base_url: str) -> bytes:
    """Render a print page (absolute URLs resolved against `base_url`, e.g. request.host_url) to PDF bytes."""
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    return HTML(string=html, base_url=base_url, url_fetcher=_static_fetcher()).write_pdf()  # type: ignore[no-any-return]


def render_pdf(html: str, base_url: str) -> tuple[int, bytes]:
    """Like `html_to_pdf`, with the number of pages (laid out once)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url, url_fetcher=_static_fetcher()).render()
    return len(document.pages), document.write_pdf()  # type: ignore[no-any-return]
