"""Every Jinja global in one list: display helpers, labels, language and request helpers, the signed-in user."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app
from flask_babel import format_date, format_percent

from directory import presenters as p
from directory.i18n import LANGUAGES, get_locale, localized, other_language
from directory.labels import ENUM_LABELS, code_label, enum_label, language_name
from directory.maps.orientation import nearest_stops
from directory.operations import bilingual, completeness
from directory.operations.coordination import offers
from directory.operations.freshness import is_stale
from directory.operations.moderation import queue_counts
from directory.operations.phones import format_phone, tel_uri
from directory.search.alternatives import missing_message
from directory.security import current_user
from directory.web import csp_nonce, query_args, search_url, switch_language_url


def leaflet_available() -> bool:
    """The map pin is optional: shown when the Leaflet assets were installed (static/vendor/leaflet)."""
    return (Path(current_app.static_folder or "") / "vendor" / "leaflet" / "leaflet.js").is_file()


def role_label(role: str) -> str:
    """The translated name of an account role."""
    return str(ENUM_LABELS["role"].get(role, role))


# Exposed under their own names.
GLOBALS = (
    # language and request
    localized,
    other_language,
    switch_language_url,
    search_url,
    csp_nonce,
    leaflet_available,
    # display
    p.open_state,
    p.this_week,
    p.week_summary,
    p.verified_label,
    p.facts_label,
    p.stale_label,
    p.newer_conflict,
    p.as_datetime,
    p.closure_label,
    p.today,
    p.format_bce,
    p.source_label,
    p.field_source,
    p.phone_href,
    p.fiche_url,
    p.service_jsonld,
    p.understood_chips,
    missing_message,
    query_args,
    format_date,
    format_percent,
    format_phone,
    tel_uri,
    # labels
    enum_label,
    code_label,
    language_name,
    role_label,
    # accounts and moderation
    current_user,
    is_stale,
    queue_counts,
)


def init_app(app: Flask) -> None:
    """Expose the helpers to every template."""
    app.jinja_env.globals.update({helper.__name__: helper for helper in GLOBALS})
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        current_locale=get_locale,
        has_endpoint=lambda name: name in app.view_functions,
        sheet_max=p.MAX_SHEET,
        nearest_stops=nearest_stops,  # "how to get there" on fiches, cards and paper
        completeness=completeness.of,
        function_offers=offers,  # the fiche: functions at every address and at one address, with conditions
        languages_behind=bilingual.behind,
    )
