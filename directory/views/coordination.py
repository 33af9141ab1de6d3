"""The glossary "Who does what in coordination?": each coordination function in plain words, close functions side by
side, the services that declared each one in the reader's bassin or commune, and a guided question flow."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select

from directory.extensions import db
from directory.i18n import get_locale
from directory.models import Bassin, Commune
from directory.operations.coordination import BY_SITUATION, COMPARISONS, SITUATIONS, all_functions, offering

bp = Blueprint("coordination", __name__, url_prefix="/<lang_code>/coordination")


def _area(raw: str) -> tuple[str | None, str | None, str]:
    """("commune:21004" | "bassin:nord" | "") → (commune NIS, bassin code, the chosen value); 404 on anything else."""
    if not raw:
        return None, None, ""
    level, _, code = raw.partition(":")
    model = {"commune": Commune, "bassin": Bassin}.get(level)
    if model is None or db.session.get(model, code) is None:
        abort(404)
    return (code, None, raw) if level == "commune" else (None, code, raw)


@bp.get("/")
def glossary() -> str:
    """The glossary page; `area` narrows the services listed, `situation` answers the guided flow."""
    commune, bassin, area = _area(request.args.get("area", "").strip())
    situation = BY_SITUATION.get(request.args.get("situation", ""))
    functions = all_functions()
    services = {code: offering(code, commune, bassin) for code in functions}
    lang = get_locale()
    return render_template(
        "coordination/glossary.html",
        functions=functions,
        services=services,
        comparisons=[(functions[a], functions[b]) for a, b in COMPARISONS if a in functions and b in functions],
        situations=SITUATIONS,
        situation=situation,
        area=area,
        commune=commune,
        bassin=bassin,
        bassins=db.session.scalars(select(Bassin).order_by(getattr(Bassin, f"name_{lang}"))).all(),
        communes=db.session.scalars(select(Commune).order_by(getattr(Commune, f"name_{lang}"))).all(),
    )
