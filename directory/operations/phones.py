"""Phone numbers with `phonenumbers`: stored in E.164, shown in the Belgian national format.

Both conversions are pure and cached: a results page formats and links twenty numbers, and parsing one costs
about half a millisecond (bench/load.py, profiled)."""

from __future__ import annotations

import functools

import phonenumbers


@functools.lru_cache(maxsize=8192)
def normalize_phone(raw: str, region: str = "BE") -> str:
    """E.164 form of `raw` ("02/221.91.11" → "+3222219111"); ValueError with a reason when invalid."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number: {raw!r}") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"invalid phone number: {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@functools.lru_cache(maxsize=8192)
def format_phone(e164: str) -> str:
    """Display form: national for Belgian numbers ("02 221 91 11"), international otherwise."""
    try:
        number = phonenumbers.parse(e164, "BE")
    except phonenumbers.NumberParseException:
        return e164
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 32
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def tel_uri(e164: str) -> str:
    """`tel:` link target."""
    return f"tel:{e164}"
