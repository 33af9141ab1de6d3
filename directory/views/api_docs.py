"""The API's human documentation in FR and NL (/<lang>/api), rendered from the OpenAPI document that
/api/v1/openapi.json serves (directory.api.openapi), with local assets only."""

from __future__ import annotations

from flask import Blueprint, render_template

from directory.api.openapi import EXPORT_FORMATS, document

bp = Blueprint("api_docs", __name__, url_prefix="/<lang_code>")


@bp.get("/api")
def page() -> str:
    """Every route with its parameters and answers, and examples of use."""
    return render_template("public/api.html", spec=document(), export_formats=EXPORT_FORMATS)
