"""Every Jinja global in one list: display helpers, labels, language and request helpers, the signed-in user."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app
from flask_babel import format_date

from directory import presenters as p
from directory.i18n import LANGUAGES, get_locale, localized, other_language
from directory.labels import ENUM_LABELS, code_label, enum_label, language_name
from directory.operations.freshness import is_stale
from directory.operations.moderation import queue_counts
from directory.operations.phones import format_phone, tel_uri
from directory.security import current_user
from directory.web import csp_nonce, search_url, switch_language_url


def leaflet_available() -> bool:
    """The map pin is optional: shown when the Leaflet assets were installed (static/vendor/leaflet)."""
    return (Path(current_app.static_folder or "") / "vendor" / "leaflet" / "leaflet.js").is_file()


def role_label(role: str) -> str:
    """The translated name of an account role."""
    return str(ENUM_LABELS["role"].get(role, role))


def init_app(app: Flask) -> None:
    """Expose the helpers to every template."""
    app.jinja_env.globals.update(
        # language and request
        LANGUAGES=LANGUAGES,
        current_locale=get_locale,
        localized=localized,
        other_language=other_language,
        switch_language_url=switch_language_url,
        search_url=search_url,
        csp_nonce=csp_nonce,
        has_endpoint=lambda name: name in app.view_functions,
        leaflet_available=leaflet_available,
        # display
        open_state=p.open_state,
        this_week=p.this_week,
        week_summary=p.week_summary,
        verified_label=p.verified_label,
        as_datetime=p.as_datetime,
        closure_label=p.closure_label,
        today=p.today,
        format_bce=p.format_bce,
        source_label=p.source_label,
        phone_href=p.phone_href,
        fiche_url=p.fiche_url,
        service_jsonld=p.service_jsonld,
        sheet_max=p.MAX_SHEET,
        format_date=format_date,
        format_phone=format_phone,
        tel_uri=tel_uri,
        # labels
        enum_label=enum_label,
        code_label=code_label,
        language_name=language_name,
        role_label=role_label,
        # accounts and moderation
        current_user=current_user,
        is_stale=is_stale,
        queue_counts=queue_counts,
    )
