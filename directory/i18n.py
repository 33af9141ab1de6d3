"""Locale selection and bilingual content with a visible fallback.

UI strings go through Flask-Babel (`gettext`). Content is not gettext material: it lives in `*_fr` / `*_nl`
columns (or document keys) and `localized()` picks the page language, falling back to the other one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, g, has_request_context, request
from markupsafe import Markup, escape

LANGUAGES = ("fr", "nl")


def get_locale() -> str:
    """The page language: from the URL prefix, else the browser's preference, else French."""
    if has_request_context():
        lang = g.get("lang_code")
        if lang in LANGUAGES:
            return lang
        return request.accept_languages.best_match(LANGUAGES) or current_app.config["BABEL_DEFAULT_LOCALE"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def N_(msgid: str) -> str:
    """Mark a message for extraction without translating it now (it is stored, then translated when shown)."""
    return msgid


def other_language(lang: str) -> str:
    """The other official language of the directory."""
    return "nl" if lang == "fr" else "fr"


@dataclass(frozen=True)
class LocalizedText:
    """A content value with the language it is really in; `fallback` is True when it is not the page language."""

    text: str
    lang: str
    fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    def __html__(self) -> Markup:
        """Render with a `lang` attribute and a visible marker when the text is in the other language."""
        if not self.fallback:
            return escape(self.text)
        return Markup(
            '<span lang="{lang}" class="fallback">{text} <abbr class="lang-marker" title="{title}">{code}</abbr></span>'
        ).format(lang=self.lang, text=self.text, title=fallback_title(self.lang), code=self.lang.upper())


def fallback_title(lang: str) -> str:
    """The tooltip explaining that a text is only available in `lang`."""
    from flask_babel import gettext

    return gettext("Only available in Dutch") if lang == "nl" else gettext("Only available in French")


def _get(obj: Any, key: str) -> str:
    value = obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)
    return value or ""


def localized(obj: Any, field: str, lang: str | None = None) -> LocalizedText:
    """`obj.<field>_<lang>`, or the other language's value marked as a fallback, or empty."""
    lang = lang or get_locale()
    text = _get(obj, f"{field}_{lang}")
    if text:
        return LocalizedText(text, lang, False)
    other = other_language(lang)
    text = _get(obj, f"{field}_{other}")
    if text:
        return LocalizedText(text, other, True)
    return LocalizedText("", lang, False)
