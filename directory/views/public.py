"""Public pages under /fr/ and /nl/ (TO BE WRITTEN by the web helper)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/<lang_code>")


@bp.get("/")
def home() -> str:
    return "Qui fait quoi / Wie doet wat"
