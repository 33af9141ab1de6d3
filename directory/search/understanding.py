"""Query understanding: "OCMW Anderlecht arabophone" → kind cpas, commune 21001, language ar, no free words.

The longest known term wins at each position; the language of the query (the page's or the API's `lang`) decides
which terms apply. Kinds and places become filters, publics and languages too; what is left is searched as words.
A person can dismiss one understood term (`not=<term>`): its words are then searched as plain words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from directory.extensions import db
from directory.search.lexicon import DATA_DIR, PLACE_KINDS, WORD, Entry, Lexicon, build_lexicon, fold, tokens


def _word_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(stop words, soft words) from directory/data/stopwords.txt: soft words follow the "# soft" line."""
    stop: set[str] = set()
    soft: set[str] = set()
    target = stop
    for line in (DATA_DIR / "stopwords.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("# soft"):
            target = soft
        elif not line.startswith("#"):
            target.update(line.split())
    return frozenset(stop), frozenset(soft)


STOP_WORDS, SOFT_WORDS = _word_lists()
MARKERS = {"bassin", "zorgzone"}


@dataclass
class Term:
    """One understood part of the query: the words as typed and what they mean."""

    text: str
    key: str  # folded words, the value of `not=` that dismisses it
    entry: Entry
    use_sector: bool = True  # False when the term only qualifies another kind ("médecin sans papiers")
    sectors: list[str] | None = None  # narrower than the entry's when several terms agree ("SDF douches")

    @property
    def is_kind(self) -> bool:
        """True when the term names what is looked for: a kind of service or a coordination function."""
        return bool(self.entry.sector or self.entry.function)

    def kinds(self) -> list[tuple[str, list[str]]]:
        """[(facet, codes)] this term sets."""
        result: list[tuple[str, list[str]]] = []
        if self.is_kind and self.use_sector:  # a kind of service, a coordination function, or both ("hulplijn")
            if self.entry.sector:
                result.append(("sector", self.sectors or self.entry.sector))
            if self.entry.function:
                result.append(("function", self.entry.function))
        elif self.entry.public:
            result.append(("public", self.entry.public))
        if self.entry.language:
            result.append(("language", self.entry.language))
        for kind in PLACE_KINDS:
            codes = [code for k, code in self.entry.places if k == kind]
            if codes:
                result.append((kind, codes))
        return result


@dataclass
class Understood:
    """What a query means: facet → codes, the understood terms, and the remaining free words."""

    terms: list[Term] = field(default_factory=list)
    words: str = ""
    region: bool = False

    def values(self, kind: str) -> list[str]:
        seen: list[str] = []
        for term in self.terms:
            for k, codes in term.kinds():
                if k == kind:
                    seen.extend(c for c in codes if c not in seen)
        return seen

    @property
    def sectors(self) -> list[str]:
        return self.values("sector")

    @property
    def functions(self) -> list[str]:
        return self.values("function")

    def places(self) -> dict[str, list[str]]:
        """Understood places by kind (a quartier is searched as words, not filtered: see `understand`)."""
        return {kind: codes for kind in PLACE_KINDS if (codes := self.values(kind))}

    def place_filters(self) -> dict[str, list[str]]:
        """Places that filter, as index fields: a section of Brussels-City is a set of quartiers."""
        places = {kind: codes for kind, codes in self.places().items() if kind not in ("quartier", "section")}
        if sections := self.values("section"):
            places["quartier"] = sections
        return places

    def place_terms(self) -> list[Term]:
        return [t for t in self.terms if t.entry.places]

    def __bool__(self) -> bool:
        return bool(self.terms)

    def as_dict(self) -> dict:
        """The API's `understood` object."""
        out: dict = {kind: self.values(kind) for kind in ("sector", "function", *PLACE_KINDS, "public", "language")}
        out["words"] = self.words
        out["terms"] = [{"text": t.text, "remove": t.key, **dict(t.kinds())} for t in self.terms]
        return out


def _areas() -> dict[str, list[tuple[str, str, str]]]:
    """Official area names from the database, shaped so that they cannot be mistaken for common words."""
    from directory.models import Bassin, Commune, PostalCode, Quartier

    areas: dict[str, list[tuple[str, str, str]]] = {"commune": [], "quartier": [], "bassin": []}
    for nis, fr, nl in db.session.execute(select(Commune.nis, Commune.name_fr, Commune.name_nl)):
        areas["commune"].append((nis, fr, nl))
    for code, nis in db.session.execute(select(PostalCode.code, PostalCode.commune_nis)):
        areas["commune"].append((nis, code, code))  # Brussels-City's sections: places.csv
    for code, fr, nl in db.session.execute(select(Quartier.code, Quartier.name_fr, Quartier.name_nl)):
        # Named neighbourhoods only (parks, cemeteries and industrial zones are 8xx/9xx), and only names of two
        # words or more: single names such as "Paix" or "Delta" are too often part of an organisation's name.
        if code.isdigit() and int(code) < 800:
            areas["quartier"].append((code, fr if len(tokens(fr)) > 1 else "", nl if len(tokens(nl)) > 1 else ""))
    for code, fr, nl in db.session.execute(select(Bassin.code, Bassin.name_fr, Bassin.name_nl)):
        areas["bassin"].append((code, f"bassin {fr}", f"zorgzone {nl}"))
        areas["bassin"].append((code, f"bassin de {fr}", f"{nl} zorgzone"))
        if len(tokens(fr)) > 1:  # "Nord-Est", "Centrum-West" alone are clear enough
            areas["bassin"].append((code, fr, nl))
    return areas


_lexicons: dict[int, Lexicon] = {}


def lexicon() -> Lexicon:
    """The application's lexicon, built on first use from the data files and the geography tables (kept per
    process for each set of area names, so that test applications on the same geography share one)."""
    cached = current_app.extensions.get("search_lexicon")
    if cached is None:
        areas = _areas()
        key = hash(repr(sorted(areas.items())))
        if key not in _lexicons:
            _lexicons[key] = build_lexicon(areas)
        cached = current_app.extensions["search_lexicon"] = _lexicons[key]
    return cached


def understand(q: str, lang: str, dismissed: frozenset[str] = frozenset(), lex: Lexicon | None = None) -> Understood:
    """Parse `q` (in language `lang`) into understood terms and the remaining words."""
    lex = lex or lexicon()
    words = WORD.findall(q)
    folded = [fold(w) for w in words]
    corrected = [lex.correct(t) for t in folded]
    used = [False] * len(words)
    result = Understood()
    i, longest = 0, lex.max_tokens
    while i < len(words):
        match = _match_at(lex, folded, corrected, i, longest, lang, dismissed)
        if match is None:
            i += 1
            continue
        n, key, entry = match
        # A neighbourhood name stays a searched word too: the index holds each fiche's quartier name, and the same
        # word may be part of a fiche's own name ("Maison médicale Helmet" outside the Helmet quartier).
        weak = bool(entry.places) and all(kind == "quartier" for kind, _code in entry.places)
        for j in range(i, i + n):
            used[j] = not weak
        if entry.region:
            result.region = True
        elif not all(t in MARKERS for t in key.split()):
            result.terms.append(Term(" ".join(words[i : i + n]), key, entry))
        i += n
    _qualify(result.terms)
    ignored = STOP_WORDS | SOFT_WORDS if result.terms or result.region else STOP_WORDS
    result.words = " ".join(w for w, u, f in zip(words, used, folded, strict=True) if not u and f not in ignored)
    return result


def _match_at(
    lex: Lexicon,
    folded: list[str],
    corrected: list[str],
    i: int,
    longest: int,
    lang: str,
    dismissed: frozenset[str],
) -> tuple[int, str, Entry] | None:
    for n in range(min(longest, len(folded) - i), 0, -1):
        for source in (folded, corrected):
            key = tuple(source[i : i + n])
            entry = lex.terms.get(key)
            if entry is not None and lang in entry.langs and " ".join(key) not in dismissed:
                return n, " ".join(key), entry
    return None


def _qualify(terms: list[Term]) -> None:
    """With several kinds in one query, a term that also names a public qualifies the others instead of adding its
    own kind: "médecin sans papiers" is a doctor for undocumented people, "aide alimentaire SDF" food aid for
    homeless people."""
    kinds = [t for t in terms if t.is_kind]
    if len(kinds) < 2:
        return
    qualifiers = [t for t in kinds if t.entry.public]
    if len(qualifiers) == len(kinds):  # every term names a public too: the kinds they share, else the first's
        common = set.intersection(*(set(t.entry.sector) for t in kinds))
        if common:
            kinds[0].sectors = [s for s in kinds[0].entry.sector if s in common]
        qualifiers = qualifiers[1:]
    for term in qualifiers:
        term.use_sector = False
