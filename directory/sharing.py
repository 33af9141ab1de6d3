"""Short links to a referral sheet: /s/<code>, where the code *is* the sheet (nothing is stored, no account).

A code is the page language (`f` French, `n` Dutch), `e` when the sheet's fixed words are in English, then the
service ids in base 36, all joined by "-": `/s/fe-2n-9ix` is the French sheet of services 95 and 12345 with its
fixed words in English. Codes are stable (the same sheet always has the same code) and short enough for an SMS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from directory.presenters import MAX_SHEET

LANG_LETTERS = {"fr": "f", "nl": "n"}
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_CODE = re.compile(rf"(?P<lang>[fn])(?P<en>e?)(?P<ids>(?:-[0-9a-z]{{1,7}}){{1,{MAX_SHEET}}})")


@dataclass(frozen=True)
class SheetLink:
    """What a short code stands for."""

    lang: str
    ids: tuple[int, ...]
    english: bool = False


def _base36(number: int) -> str:
    if number < 0:
        raise ValueError("ids are positive")
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = _DIGITS[digit] + text
        if not number:
            return text


def encode(link: SheetLink) -> str:
    """The short code of a sheet (the ids in their order)."""
    head = LANG_LETTERS[link.lang] + ("e" if link.english else "")
    return head + "".join("-" + _base36(i) for i in link.ids)


def decode(code: str) -> SheetLink | None:
    """The sheet a short code stands for; None when the code is not one of ours."""
    match = _CODE.fullmatch(code.lower())
    if match is None:
        return None
    lang = next(lang for lang, letter in LANG_LETTERS.items() if letter == match["lang"])
    ids = tuple(int(part, 36) for part in match["ids"].split("-")[1:])
    return SheetLink(lang, ids, bool(match["en"]))
