"""Phone numbers with `phonenumbers`: stored in E.164, shown in the Belgian national format."""

from __future__ import annotations

import functools

import phonenumbers


@functools.lru_cache(maxsize=8192)  # pure; an import or a push meets the same numbers again
def normalize_phone(raw: str, region: str = "BE") -> str:
    """E.164 form of `raw` ("02/221.91.11" → "+3222219111"); ValueError with a reason when invalid."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number: {raw!r}") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"invalid phone number: {raw!r}")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not number.extension:  # the index documents show it soon after: spare a second parse
        if len(_display) >= _DISPLAY_SIZE:
            _display.clear()
        _display[e164] = _format(number)
    return e164


_DISPLAY_SIZE = 8192
_display: dict[str, str] = {}


def _format(number: phonenumbers.PhoneNumber) -> str:
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 32
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def format_phone(e164: str) -> str:
    """Display form: national for Belgian numbers ("02 221 91 11"), international otherwise."""
    known = _display.get(e164)
    if known is not None:
        return known
    try:
        number = phonenumbers.parse(e164, "BE")
    except phonenumbers.NumberParseException:
        return e164
    return _format(number)


def tel_uri(e164: str) -> str:
    """`tel:` link target."""
    return f"tel:{e164}"
