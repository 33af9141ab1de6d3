"""Phone numbers with `phonenumbers`: stored in E.164, shown in the Belgian national format."""

from __future__ import annotations

import functools
import re

import phonenumbers

# "02 240 30 80", "02/240.30.80", "+32 2 240 30 80", "0032 475 12 34 56": a Belgian number in one of its usual
# spellings is read without phonenumbers.parse (most of an import's cost for phones); anything else is parsed.
_PLAIN_BELGIAN = re.compile(r"(?:\+32|0032|0)[ ./-]*[1-9][0-9 ./-]*")
_NOT_DIGIT = re.compile(r"[^0-9]")


@functools.lru_cache(maxsize=8192)  # pure; an import or a push meets the same numbers again
def normalize_phone(raw: str, region: str = "BE") -> str:
    """E.164 form of `raw` ("02/221.91.11" → "+3222219111"); ValueError with a reason when invalid."""
    if region == "BE" and _PLAIN_BELGIAN.fullmatch(raw.strip()):
        digits = _NOT_DIGIT.sub("", raw)
        national = digits[4:] if digits.startswith("0032") else digits[2:] if raw.lstrip()[0] == "+" else digits[1:]
        number = phonenumbers.PhoneNumber(country_code=32, national_number=int(national))
        if phonenumbers.is_valid_number(number):  # else: the full parse says why
            e164 = f"+32{national}"
            _remember(e164, number)
            return e164
    return _parsed(raw, region)


def _parsed(raw: str, region: str) -> str:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number: {raw!r}") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"invalid phone number: {raw!r}")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not number.extension:
        _remember(e164, number)
    return e164


def _remember(e164: str, number: phonenumbers.PhoneNumber) -> str:
    """Keep and return the display form of a number just read: the index documents show it soon after (an
    import's push), a results page shows the same numbers again. The one cache of display forms."""
    if len(_display) >= _DISPLAY_SIZE:
        _display.clear()
    shown = _display[e164] = _format(number)
    return shown


_DISPLAY_SIZE = 8192
_display: dict[str, str] = {}  # E.164 → display form


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
    return _remember(e164, number)


def tel_uri(e164: str) -> str:
    """`tel:` link target."""
    return f"tel:{e164}"
