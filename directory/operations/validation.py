"""Validation of imported or edited values. Each check returns the clean value or raises `Invalid`.

Messages are English msgids with parameters, translated when shown (report, form) in FR and NL.
"""

from __future__ import annotations

import difflib
from datetime import date
from urllib.parse import urlsplit

from babel import Locale
from email_validator import EmailNotValidError, validate_email

from directory.models import AccessCondition, Accessibility, Availability, Cost, ServiceStatus
from directory.operations.hours import validate_hours
from directory.operations.phones import normalize_phone

KNOWN_LANGUAGES = frozenset(
    code for code in Locale("en").languages if isinstance(code, str) and len(code) in (2, 3) and code.isalpha()
)


class Invalid(ValueError):
    """A value that cannot be used; `reason` is a msgid, `params` its parameters."""

    def __init__(self, reason: str, **params: object):
        super().__init__(reason % params if params else reason)
        self.reason, self.params = reason, params


def clean_phone(raw: str) -> str:
    try:
        return normalize_phone(raw)
    except ValueError:
        raise Invalid("Invalid phone number “%(value)s”.", value=raw) from None


def clean_email(raw: str) -> str:
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise Invalid("Invalid e-mail address “%(value)s”.", value=raw) from None


def clean_url(raw: str) -> str:
    value = raw.strip()
    if value and "://" not in value:
        value = f"https://{value}"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or "." not in parts.netloc or " " in value:
        raise Invalid("Invalid web address “%(value)s”.", value=raw)
    return value


def clean_hours(raw: str) -> str:
    error = validate_hours(raw)
    if error:
        raise Invalid("Opening hours “%(value)s” are not in opening_hours syntax (%(error)s).", value=raw, error=error)
    return raw.strip()


def clean_languages(raw: list[str]) -> list[str]:
    codes = sorted({c.strip().lower() for c in raw if c.strip()})
    unknown = [c for c in codes if c not in KNOWN_LANGUAGES]
    if unknown:
        raise Invalid("Unknown language code “%(value)s” (use ISO 639-1 codes such as fr, nl, ar).", value=unknown[0])
    return codes


#: the values of each choice field, read once (an import checks one or more per row)
_CHOICES = {
    kind: tuple(m.value for m in enum)
    for kind, enum in (
        ("cost", Cost),
        ("access", AccessCondition),
        ("wheelchair", Accessibility),
        ("availability", Availability),
        ("status", ServiceStatus),
    )
}


def clean_choice(kind: str, raw: str) -> str:
    value = raw.strip().lower()
    allowed = _CHOICES[kind]
    if value not in allowed:
        raise Invalid(
            "Unknown value “%(value)s” for %(field)s; expected one of: %(allowed)s.",
            value=raw,
            field=kind,
            allowed=", ".join(allowed),
        )
    return value


def clean_date(raw: str) -> date:
    """An ISO date (YYYY-MM-DD)."""
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise Invalid("Invalid date “%(value)s” (use YYYY-MM-DD).", value=raw) from None


def clean_days(raw: str) -> int:
    """A number of days, 0 to 3650."""
    if not raw.strip().isdigit() or int(raw) > 3650:
        raise Invalid("Invalid number of days “%(value)s”.", value=raw)
    return int(raw)


def term_lookup(vocabulary: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Lower-cased code, FR name and NL name → code."""
    return {term.strip().lower(): code for code, names in vocabulary.items() for term in (code, *names)}


def match_codes(raw: list[str], lookup: dict[str, str], field: str) -> list[str]:
    """Codes for vocabulary codes or FR/NL names (see `term_lookup`); unknown → Invalid with the closest one."""
    codes = []
    for item in raw:
        key = item.strip().lower()
        if not key:
            continue
        if key not in lookup:
            close = difflib.get_close_matches(key, list(lookup), n=1, cutoff=0.6)
            suggestion = lookup[close[0]] if close else ""
            if suggestion:
                raise Invalid(
                    "Unknown %(field)s “%(value)s”; did you mean “%(suggestion)s”?",
                    field=field,
                    value=item,
                    suggestion=suggestion,
                )
            raise Invalid("Unknown %(field)s “%(value)s”.", field=field, value=item)
        codes.append(lookup[key])
    return sorted(set(codes))
