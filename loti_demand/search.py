"""Word search over notices and challenges: whole words matched by their English stem, "quoted phrases", and
a list of synonyms (data/reference/search_synonyms.csv), with the matches marked in the text.

A document is indexed as the stems of its words, one field after another (`index_text`); a search is a list of
clauses that must all match, each a list of alternative phrases of which one must (`parse`). `search_match` in
warehouse/models/macros.sql runs that test in SQL; `mark` and `highlight` find the same matches in a text to show.
Stems come from the Snowball English stemmer, so "sensor" finds "sensors" and "predicting" finds "prediction",
but "AI" never finds "air" or "repairs".
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import snowballstemmer

from loti_demand.exceptions import InputFileError
from loti_demand.reference_files import read_table

MAX_CLAUSES = 10
FIELD_BREAK = "|"  # between fields in the index, so a phrase never runs from a title into a description
# A word: letters and digits, with inner apostrophes ("council's"); hyphens and other marks split words.
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_QUOTED = re.compile(r'"([^"]*)"?')
# Left out of a search typed without quotes (they match almost everything); kept inside quoted phrases.
# "it" is not here: "IT support" is a technology search.
STOP_WORDS = frozenset(["a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"])

_STEMMER = snowballstemmer.stemmer("english")
_STEMMER_LOCK = threading.Lock()  # a Snowball stemmer keeps its state between calls: one thread at a time


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The index form of one word: accents folded, lower case, Snowball English stem ("Councils" -> "council")."""
    text = word.replace("\u2019", "'")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    if not folded.strip("'"):  # a word in a script with no ASCII form is kept as it is, lower-cased
        return text.casefold()
    with _STEMMER_LOCK:
        stemmed = _STEMMER.stemWord(folded)
    return stemmed.replace("'", "") or folded.replace("'", "")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    stem: str


def tokens(text: str | None) -> list[Token]:
    """The words of a text with their positions and stems."""
    return [Token(m.start(), m.end(), stem(m.group())) for m in _WORD.finditer(text or "")]


def stems(text: str | None) -> tuple[str, ...]:
    return tuple(t.stem for t in tokens(text))


def index_text(*fields: str | None) -> str:
    """The searchable form of a document: ' stem stem | stem stem ' (fields in order, blank fields left out)."""
    parts = [" ".join(found) for found in (stems(f) for f in fields) if found]
    return f" {f' {FIELD_BREAK} '.join(parts)} " if parts else " "


EXCLUDED = "-"  # the first element of an excluded clause's patterns (a pattern is never a lone minus)


def pattern(phrase: Sequence[str]) -> str:
    """What a phrase's stems look like inside index_text: ' machin learn '."""
    return f" {' '.join(phrase)} "


# --- Synonyms ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Synonyms:
    """Groups of terms that find each other: each term as typed, and its stems."""

    groups: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...] = ()

    @classmethod
    def as_stored(cls, groups: Iterable[Iterable[str]]) -> Synonyms:
        """The groups read_synonyms gives, as the warehouse's search_synonyms table gives them back (every term
        kept, with its stems): the synonyms the pages search with."""
        return cls(tuple(tuple((t, stems(t)) for t in group) for group in groups))

    @classmethod
    def from_terms(cls, groups: Iterable[Iterable[str]]) -> Synonyms:
        built = []
        for group in groups:
            terms = tuple((t, stems(t)) for t in group if stems(t))
            if len(terms) > 1:
                built.append(terms)
        return cls(tuple(built))

    def alternatives(self, phrase: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
        """Every (term, stems) of the groups holding this phrase, the phrase itself first; [] when it is in none."""
        found: dict[tuple[str, ...], str] = {}
        for group in self.groups:
            if any(s == phrase for _, s in group):
                for term, s in group:
                    found.setdefault(s, term)
        if not found:
            return []
        return [(found[phrase], phrase)] + [(t, s) for s, t in found.items() if s != phrase]

    @cached_property
    def _terms(self) -> frozenset[tuple[str, ...]]:
        return frozenset(s for group in self.groups for _, s in group)

    def longest_at(self, words: Sequence[tuple[str, ...]]) -> int:
        """How many of `words` (each the stems of a typed word), from the first, make up the longest synonym term;
        0 when none does."""
        best, joined = 0, ()
        for n, word in enumerate(words, start=1):
            joined += word
            if joined in self._terms:
                best = n
        return best


SYNONYMS_FILE = "search_synonyms.csv"


def read_synonyms(path: Path) -> list[tuple[str, ...]]:
    """data/reference/search_synonyms.csv: one group a row, its terms in `terms` separated by ';'. No file, no
    synonyms. A row with fewer than two usable terms is an error naming the row (as is a file that cannot be read
    as meant: reference_files.read_table)."""
    if not path.is_file():
        return []
    groups = []
    for row_number, row in read_table(path, ("terms",))[1]:
        terms = tuple(t.strip() for t in (row.get("terms") or "").split(";") if t.strip())
        if not terms:
            continue
        if len([t for t in terms if stems(t)]) < 2:
            raise InputFileError(
                str(path),
                f"row {row_number}, column terms: {row['terms']!r} is not a group of synonyms",
                "give two or more terms with letters or digits, separated by ';' (AI; artificial intelligence)",
            )
        groups.append(terms)
    return groups


# --- Queries ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clause:
    """One part of a search: found when any of its phrases is (the typed one, then its synonyms)."""

    phrases: tuple[tuple[str, tuple[str, ...]], ...]  # (as typed, stems)
    excluded: bool = False  # typed with a minus ('-parking'): found when none of its phrases is

    def describe(self) -> str:
        shown = [f'"{t}"' if len(s) > 1 else t for t, s in self.phrases]
        said = shown[0] + (f" (or {', '.join(shown[1:])})" if len(shown) > 1 else "")
        return f"not {said}" if self.excluded else said


@dataclass(frozen=True)
class SearchQuery:
    clauses: tuple[Clause, ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.clauses)

    def patterns(self) -> list[list[str]]:
        """The clauses as the SQL macro search_match takes them: every clause must match one of its patterns, but an
        excluded clause, marked by a first element EXCLUDED, must match none."""
        return [[*([EXCLUDED] if c.excluded else []), *(pattern(s) for _, s in c.phrases)] for c in self.clauses]

    def phrases(self) -> list[tuple[str, ...]]:
        """Every phrase any clause accepts, longest first (for marking matches; not those a search excludes)."""
        found = {s for c in self.clauses if not c.excluded for _, s in c.phrases}
        return sorted(found, key=lambda s: (-len(s), s))

    def describe(self) -> str:
        """'AI (or "machine learning") and sensor': what the search looked for, in words."""
        return " and ".join(c.describe() for c in self.clauses)


def found_in(index: str, clauses: Sequence[Sequence[str]]) -> bool:
    """The SQL macro search_match in Python: whether a document's index_text holds, for every clause of
    SearchQuery.patterns(), one of its patterns (none, for an excluded clause). No clauses: everything matches."""
    return all(
        not any(p in index for p in alternatives[1:])
        if alternatives and alternatives[0] == EXCLUDED
        else any(p in index for p in alternatives)
        for alternatives in clauses
    )


def _units(text: str) -> list[tuple[bool, str, tuple[str, ...], bool]]:
    """The parts of a search box: (quoted, as typed, stems, excluded) for each quoted phrase and each unquoted word (a
    hyphenated word such as 'e-learning' is one part: a phrase of its words; one typed after a minus, '-parking' or
    '-"machine learning"', is excluded)."""
    units, last = [], 0
    for m in [*_QUOTED.finditer(text), None]:
        before = text[last : m.start() if m else len(text)]
        for chunk in before.split():
            word = chunk.strip("'\u2019.,;:!?()")
            excluded = len(word) > 1 and word[0] == "-" and word[1].isalnum()  # -parking, (-parking), -5G
            found = stems(word)
            if found and not (len(found) == 1 and found[0] in STOP_WORDS):
                units.append((False, word[1:] if excluded else word, found, excluded))
        if m:
            # -"machine learning": the minus touching the quote, as it touches an excluded word
            excluded = (
                m.start() > 0 and text[m.start() - 1] == "-" and (m.start() == 1 or text[m.start() - 2].isspace())
            )
            if found := stems(m.group(1)):
                units.append((True, " ".join(m.group(1).split()), found, excluded))
            last = m.end()
    return units


def parse(text: str | None, synonyms: Synonyms = Synonyms()) -> SearchQuery:
    """A search box as clauses: each quoted phrase and each unquoted word must be found, and a word typed after a
    minus ('-parking') must not be; a run of unquoted words that is a synonym term (artificial intelligence) is one
    clause, found by any term of its group (and excluded with all of them)."""
    units = _units(text or "")
    clauses: list[Clause] = []
    i = 0
    while i < len(units) and len(clauses) < MAX_CLAUSES:
        quoted, typed, found, excluded = units[i]
        n = 1
        if not quoted and not excluded:
            run_end = next((j for j in range(i, len(units)) if units[j][0] or units[j][3]), len(units))
            n = max(1, synonyms.longest_at([u[2] for u in units[i:run_end]]))
            if n > 1:
                typed = " ".join(u[1] for u in units[i : i + n])
                found = tuple(x for u in units[i : i + n] for x in u[2])
        clauses.append(Clause(tuple(synonyms.alternatives(found)) or ((typed, found),), excluded))
        i += n
    return SearchQuery(tuple(dict.fromkeys(clauses)))


# --- Showing the matches ----------------------------------------------------------------------------------------


def highlight(text: str | None, query: SearchQuery) -> list[tuple[str, bool]]:
    """The text in pieces, (piece, is_match), where a piece is a match when its words are one of the query's
    phrases (whole words, compared by stem)."""
    text = text or ""
    if not query:
        return [(text, False)] if text else []
    words = tokens(text)
    stems_only = [t.stem for t in words]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        n = next((len(p) for p in query.phrases() if tuple(stems_only[i : i + len(p)]) == p), 0)
        if n:
            spans.append((words[i].start, words[i + n - 1].end))
            i += n
        else:
            i += 1
    pieces, last = [], 0
    for start, end in spans:
        if start > last:
            pieces.append((text[last:start], False))
        pieces.append((text[start:end], True))
        last = end
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces


def mark(text: str | None, query: SearchQuery, *, width: int = 160, before: str = "«", after: str = "»") -> str:
    """An extract of about `width` characters around the text's first match, each match between « and »; ''
    when the text does not match."""
    text = text or ""
    pieces, pos, spans = highlight(text, query), 0, []
    for piece, is_match in pieces:
        spans.append((pos, pos + len(piece), is_match))
        pos += len(piece)
    first = next((start for start, _, is_match in spans if is_match), None)
    if first is None:
        return ""
    start = max(0, first - width // 3)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + width)
    if end < len(text) and (space := text.rfind(" ", first, end)) > first:
        end = space
    out = []
    for s, e, is_match in spans:
        chunk = text[max(s, start) : min(e, end)]
        if chunk:
            out.append(f"{before}{chunk}{after}" if is_match else chunk)
    return ("…" if start else "") + " ".join("".join(out).split()) + ("…" if end < len(text) else "")
