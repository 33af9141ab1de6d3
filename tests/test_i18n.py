"""Both languages, always: the catalogs are complete and up to date with the sources."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from directory.cli import EXTRACT_KEYWORDS
from directory.config import REPO_ROOT

TRANSLATIONS = REPO_ROOT / "translations"


def _ids(path: Path) -> set:
    with path.open("rb") as fh:
        return {m.id for m in read_po(fh) if m.id}


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_every_message_is_translated(lang: str) -> None:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    untranslated = [
        m.id for m in catalog if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]
    assert untranslated == []


def test_catalogs_match_the_sources(tmp_path: Path) -> None:
    """Re-extract the messages: none may be missing from the committed template (run `flask i18n extract`)."""
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "translations/babel.cfg",
            *EXTRACT_KEYWORDS,
            "--no-location",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    missing = _ids(fresh) - _ids(TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po")
    assert missing == set()
    for lang in ("fr", "nl"):
        assert _ids(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po") == _ids(TRANSLATIONS / "messages.pot")


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", text))


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_placeholders_survive_translation(lang: str) -> None:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(_placeholders(i) for i in ids))
        wrong += [(message.id, s) for s in strings if _placeholders(s) != expected]
    assert wrong == []
