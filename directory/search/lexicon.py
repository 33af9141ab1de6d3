"""The words the search understands: the professional thesaurus (directory/data/thesaurus.csv: kinds of service,
coordination functions, publics, languages), everyday place
names (directory/data/places.csv) and the official names of communes, quartiers, bassins and postcodes.

Each term applies only in its own language(s): NL "arts" is a doctor, FR "arts" means nothing here. Terms are
matched on folded tokens (lower case, no accents, punctuation as spaces). Tokens of six letters or more may
carry one typo; shorter ones (acronyms such as CPAS, MG, ONE) match exactly or not at all.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz.distance import DamerauLevenshtein

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
TYPO_MIN_LENGTH = 6
MAX_TERM_TOKENS = 8
WORD = re.compile(r"[^\W_]+", re.UNICODE)
PLACE_KINDS = ("commune", "section", "quartier", "bassin")
SAINTS = {"saint": "st", "sainte": "ste", "sint": "st"}


def fold(token: str) -> str:
    """Lower case without accents: "Médecin" → "medecin"."""
    decomposed = unicodedata.normalize("NFKD", token.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """Folded word tokens of `text` (apostrophes, hyphens and other punctuation separate words)."""
    return [fold(word) for word in WORD.findall(text)]


@dataclass
class Entry:
    """What a term means, in the languages it is used in."""

    langs: set[str] = field(default_factory=set)
    sector: list[str] = field(default_factory=list)
    public: list[str] = field(default_factory=list)
    language: list[str] = field(default_factory=list)
    places: list[tuple[str, str]] = field(default_factory=list)  # (kind, code)
    region: bool = False
    function: list[str] = field(default_factory=list)  # coordination functions (directory/data/functions.csv)

    def merge(self, other: Entry) -> None:
        self.langs |= other.langs
        for name in ("sector", "public", "language", "places", "function"):
            mine = getattr(self, name)
            mine.extend(v for v in getattr(other, name) if v not in mine)
        self.region = self.region or other.region


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def _rows(name: str) -> Iterable[dict[str, str]]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["term"].strip() and not row["term"].startswith("#"):
                yield row


def thesaurus_entries() -> Iterable[tuple[str, Entry]]:
    """(term, entry) for every row of thesaurus.csv."""
    for row in _rows("thesaurus.csv"):
        yield (
            row["term"],
            Entry(
                set(_split(row["lang"])),
                _split(row["sector"]),
                _split(row["public"]),
                _split(row["language"]),
                function=_split(row.get("function")),
            ),
        )


def place_entries() -> Iterable[tuple[str, Entry]]:
    """(term, entry) for every row of places.csv."""
    for row in _rows("places.csv"):
        kind, langs = row["kind"].strip(), set(_split(row["lang"]))
        if kind == "region":
            yield row["term"], Entry(langs, region=True)
        else:
            yield row["term"], Entry(langs, places=[(kind, code) for code in _split(row["code"])])


def _variants(key: tuple[str, ...]) -> set[tuple[str, ...]]:
    """A name and its short forms: "saint gilles" → also "st gilles"."""
    short = tuple(SAINTS.get(t, t) for t in key)
    return {key, short}


class Lexicon:
    """Folded term → meaning, with an index of one-typo corrections for the longer words."""

    def __init__(self) -> None:
        self.terms: dict[tuple[str, ...], Entry] = {}
        self.exact_only: set[str] = set()  # acronyms and short words: never corrected, never a typo target
        self._deletions: dict[str, set[str]] = defaultdict(set)
        self._vocabulary: set[str] = set()
        self.max_tokens = 1  # the longest term, in words (set by `finish`)

    def add(self, term: str, entry: Entry, override: bool = False) -> None:
        key = tuple(tokens(term))
        if not key or len(key) > MAX_TERM_TOKENS:
            return
        for variant in _variants(key):
            if override or variant not in self.terms:
                self.terms[variant] = Entry()
            self.terms[variant].merge(entry)
            for token in variant:
                self._vocabulary.add(token)

    def finish(self) -> Lexicon:
        """Build the typo index once every term is in."""
        self.max_tokens = max((len(k) for k in self.terms), default=1)
        for token in self._vocabulary:
            if len(token) >= TYPO_MIN_LENGTH and not token.isdigit():
                self._deletions[token].add(token)
                for i in range(len(token)):
                    self._deletions[token[:i] + token[i + 1 :]].add(token)
        return self

    def correct(self, token: str) -> str:
        """The vocabulary word one typo away from `token` when there is exactly one; else `token`."""
        if token in self._vocabulary or len(token) < TYPO_MIN_LENGTH or token.isdigit():
            return token
        candidates = set(self._deletions.get(token, ()))
        for i in range(len(token)):
            candidates |= self._deletions.get(token[:i] + token[i + 1 :], set())
        close = {c for c in candidates if DamerauLevenshtein.distance(token, c) <= 1}
        return close.pop() if len(close) == 1 else token


def build_lexicon(areas: dict[str, list[tuple[str, str, str]]]) -> Lexicon:
    """The lexicon from the data files and `areas`: kind → [(code, name_fr, name_nl)] read from the database.

    Official names come first; places.csv may override them (plain "Bruxelles" is the region, not the City)."""
    lexicon = Lexicon()
    for kind, rows in areas.items():
        for code, name_fr, name_nl in rows:
            for name in (name_fr, name_nl):
                if name:
                    lexicon.add(name, Entry({"fr", "nl"}, places=[(kind, code)]))
    for term, entry in thesaurus_entries():
        lexicon.add(term, entry)
    for term, entry in place_entries():
        lexicon.add(term, entry, override=True)
    return lexicon.finish()
