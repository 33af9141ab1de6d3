"""Display helpers shared by pages, maps and print: open-now badges, dates, phones, fiche links, JSON-LD.

Registered as Jinja globals by `directory.templating`. Code → label mappings live in `directory.labels`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import url_for
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _

from directory.i18n import get_locale, localized
from directory.operations.hours import BRUSSELS, is_open, next_change, week_schedule
from directory.operations.phones import normalize_phone, tel_uri

MAX_SHEET = 5  # services on one referral sheet (views/printing.py refuses more; templates say so)

# Names of the sources loaded by default (directory/importing/defaults.py); other sources show their own name.
SOURCE_NAMES = {
    "osm": "OpenStreetMap",
    "eurostat-hospitals": "Eurostat GISCO / SPF Santé publique – FOD Volksgezondheid",
    "kbo": "BCE/KBO",
    "social-brussels": "Bruxelles Social / Sociaal Brussel",
}


def open_state(expr: str | None, at: datetime | None = None) -> dict:
    """{"state": "open"|"closed"|"unknown", "label": translated, "detail": "until 17:00" or ""}."""
    state = is_open(expr, at)
    if state is None:
        return {"state": "unknown", "label": _("Hours unknown"), "detail": ""}
    change = next_change(expr, at)
    detail = ""
    if change is not None:
        local = change.astimezone(BRUSSELS)
        now = (at or datetime.now(BRUSSELS)).astimezone(BRUSSELS)
        when = format_datetime(local, "HH:mm") if local.date() == now.date() else format_datetime(local, "EEE HH:mm")
        detail = _("until %(time)s", time=when) if state else _("opens %(time)s", time=when)
    return {
        "state": "open" if state else "closed",
        "label": _("Open now") if state else _("Closed now"),
        "detail": detail,
    }


def this_week(expr: str | None, today: date | None = None) -> list:
    """The schedule from Monday of the current week."""
    today = today or datetime.now(BRUSSELS).date()
    return week_schedule(expr, today - timedelta(days=today.weekday()))


def week_summary(expr: str | None, today: date | None = None) -> str:
    """This week's hours on one line for paper ("Mon–Fri 09:00–17:00 · Sat 10:00–12:00"); "" when unknown.
    Days with the same hours are grouped; closed days are left out."""
    days = this_week(expr, today)
    if not days or any(day.unknown for day in days):
        return ""
    groups: list[tuple[date, date, str]] = []
    for day in days:
        hours = ", ".join(f"{a.strftime('%H:%M')}–{b.strftime('%H:%M')}" for a, b in day.intervals)
        if groups and groups[-1][2] == hours and (day.day - groups[-1][1]).days == 1:
            groups[-1] = (groups[-1][0], day.day, hours)
        else:
            groups.append((day.day, day.day, hours))
    parts = []
    for first, last, hours in groups:
        if not hours:
            continue
        name = format_date(first, "EEE")
        if last != first:
            name += "–" + format_date(last, "EEE")
        parts.append(f"{name} {hours}")
    return " · ".join(parts) or _("closed this week")


def today() -> date:
    """Today's date in Brussels (to highlight today in a weekly schedule)."""
    return datetime.now(BRUSSELS).date()


def format_bce(number: str | None) -> str:
    """BCE/KBO enterprise number in its usual form ("0123456789" → "0123.456.789")."""
    digits = re.sub(r"\D", "", number or "")
    if len(digits) == 9:  # old numbers without the leading 0
        digits = "0" + digits
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}" if len(digits) == 10 else (number or "")


def as_datetime(value: int | datetime | None) -> datetime | None:
    """A search document's unix timestamp (or a datetime) as an aware datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromtimestamp(value, UTC)


def verified_label(timestamp: int | datetime | None) -> str:
    """ "Checked on 3 March 2026" or "Never checked by a person"."""
    if not timestamp:
        return _("Never checked by a person")
    moment = as_datetime(timestamp)
    return _("Checked on %(date)s", date=format_date(moment, "long"))


def facts_label(item: Any) -> str:
    """How old the facts of a fiche (or a search document) are, in words, with what dates them."""
    from directory.operations.freshness import facts_basis

    basis, moment = facts_basis(item)
    if basis == "checked":
        return _("Checked on %(date)s", date=format_date(moment, "long"))
    if basis == "source":
        return _("Facts as the source gave them on %(date)s", date=format_date(moment, "long"))
    if basis == "edited":
        return _("Entered on %(date)s, never checked since", date=format_date(moment, "long"))
    return _("The source gives no date for these facts")


def newer_conflict(service: Any) -> Any:
    """See `directory.operations.freshness.newer_conflict`."""
    from directory.operations.freshness import newer_conflict as find

    return find(service)


def stale_label(item: Any) -> str:
    """The "to check" badge of a fiche whose facts are older than FRESHNESS_STALE_AFTER_DAYS."""
    from directory.operations.freshness import facts_basis

    basis, moment = facts_basis(item)
    if basis == "source" and moment is not None:
        return _("Facts from %(year)s: to check", year=moment.year)
    return _("Not checked for over a year")


def closure_label(closed_from: date | None, closed_until: date | None) -> str:
    """ "Temporarily closed from 1 March 2026 to 15 April 2026", or with one end only, or without dates."""
    start = format_date(closed_from, "long") if closed_from else None
    end = format_date(closed_until, "long") if closed_until else None
    if start and end:
        return _("Temporarily closed from %(start)s to %(end)s", start=start, end=end)
    if end:
        return _("Temporarily closed until %(end)s", end=end)
    if start:
        return _("Temporarily closed since %(start)s", start=start)
    return _("Temporarily closed")


def source_label(source: str | None) -> str:
    """A readable name for the `source` of a fiche."""
    if not source or source == "manual":
        return _("Entered by the directory team")
    return SOURCE_NAMES.get(source, source)


def field_source(service: Any, name: str) -> str:
    """ "Source: Bruxelles Social / Sociaal Brussel (8 Nov 2018)" for a pair field an import filled in the page
    language; "" when a person entered or corrected it."""
    provenance = (service.field_provenance or {}).get(f"{name}_{get_locale()}") or {}
    if not provenance.get("source") or provenance.get("human"):
        return ""
    label = _("Source: %(source)s", source=source_label(provenance["source"]))
    return f"{label} ({format_date(service.source_date)})" if service.source_date else label


def phone_href(display: str) -> str | None:
    """`tel:` link for a phone shown in national format (search documents hold display strings); None if invalid."""
    try:
        return tel_uri(normalize_phone(display))
    except ValueError:
        return None


def slugify(text: str) -> str:
    """ASCII slug for readable fiche URLs ("Maison médicale Le Noyer" → "maison-medicale-le-noyer")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].rstrip("-")


def fiche_url(obj: Any, lang: str | None = None, **kwargs: Any) -> str:
    """URL of a fiche with its slug in the page language; `obj` is a Service or a search hit."""
    service_id = obj["service_id"] if isinstance(obj, dict) else obj.id
    lang = lang or get_locale()
    slug = slugify(localized(obj, "name", lang).text) or None
    return url_for("public.service", service_id=service_id, slug=slug, lang_code=lang, **kwargs)


def service_jsonld(service: Any) -> dict:
    """schema.org description of a fiche (JSON-LD), in the page language."""
    lang = get_locale()
    org = service.organization
    places = []
    for location in service.locations:
        street = localized(location, "street", lang).text
        place: dict[str, Any] = {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "streetAddress": " ".join(p for p in (street, location.house_number) if p),
                "postalCode": location.postcode,
                "addressLocality": localized(location.commune, "name", lang).text if location.commune else "",
                "addressCountry": "BE",
            },
        }
        if location.lat is not None and location.lon is not None:
            place["geo"] = {"@type": "GeoCoordinates", "latitude": location.lat, "longitude": location.lon}
        places.append(place)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Service",
        "name": localized(service, "name", lang).text,
        "url": fiche_url(service, lang, _external=True),
        "inLanguage": lang,
        "availableLanguage": list(service.languages or []),
        "provider": {"@type": "Organization", "name": localized(org, "name", lang).text},
        "availableChannel": {
            "@type": "ServiceChannel",
            "serviceLocation": places,
            "servicePhone": [{"@type": "ContactPoint", "telephone": p.number} for p in service.phones],
        },
    }
    description = localized(service, "description", lang).text
    if description:
        data["description"] = description
    if org.website:
        data["provider"]["url"] = org.website
    if service.sectors:
        data["serviceType"] = [localized(s, "name", lang).text for s in service.sectors]
    return data


def understood_chips(params: Any) -> list[dict[str, str]]:
    """One chip per understood term of a search: "Sector: CPAS (OCMW)", with the `not=` value that dismisses it."""
    from directory.labels import FACET_TITLES
    from directory.search.places import value_label

    chips = []
    for term in params.understood.terms:
        parts = []
        for kind, codes in term.kinds():
            names = (
                term.text if kind == "section" else ", ".join(value_label(kind, code, params.lang) for code in codes)
            )
            parts.append(f"{FACET_TITLES['quartier' if kind == 'section' else kind]}: {names}")
        chips.append({"label": f"{' · '.join(parts)} ({term.text})", "key": term.key})
    return chips
