"""Search a text with only the patterns that can match it: the supplier rules are many and most names match none."""

from __future__ import annotations

import re
import re._parser as re_parser  # the standard library's own pattern parser (sre_parse)
from functools import lru_cache


class Prefilter:
    """Which of a list of case-insensitive patterns can match a text: a pattern that must match some words ('vodafone'
    in '\\bvodafone\\b', 'bt' or 'british telecom' in '^bt\\b|\\bbritish telecom') cannot match an ASCII text that holds
    none of them, so only the others are searched. Exact: a text that is not ASCII (where case-insensitive
    matching goes beyond lower-casing) and a pattern with no words it must match are always searched."""

    def __init__(self, patterns: list[re.Pattern]) -> None:
        self._always: list[int] = []
        self._needs: dict[str, list[int]] = {}  # a word a pattern must match -> the patterns that need it
        for i, pattern in enumerate(patterns):
            words = required_words(pattern.pattern) if pattern.flags & re.IGNORECASE else None
            for word in words or ():
                self._needs.setdefault(word, []).append(i)
            if not words:
                self._always.append(i)
        self._count = len(patterns)
        self._short = [w for w in self._needs if len(w) < 3]  # looked for in every text; longer words by trigram
        self._by_trigram: dict[str, list[str]] = {}
        for word in self._needs:
            if len(word) >= 3:
                self._by_trigram.setdefault(word[:3], []).append(word)

    def which(self, text: str) -> list[int]:
        """Indexes of the patterns that may match `text`, in order."""
        if not text.isascii():
            return list(range(self._count))
        low = text.lower()
        found = set(self._always)
        for word in self._short:
            if word in low:
                found.update(self._needs[word])
        for trigram in {low[i : i + 3] for i in range(len(low) - 2)}:
            for word in self._by_trigram.get(trigram, ()):
                if word in low:
                    found.update(self._needs[word])
        return sorted(found)


@lru_cache(maxsize=8192)
def required_words(pattern: str) -> frozenset[str] | None:
    """Lower-case ASCII strings one of which every match of `pattern` holds; None when there are none to name (worked
    out once per pattern and process)."""
    try:
        parsed = re_parser.parse(pattern, re.IGNORECASE)
    except re.error:
        return None
    return _required(list(parsed))


def _required(items: list) -> frozenset[str] | None:
    """_required of a parsed sequence: its longest run of literal characters, else what one of its alternations or
    groups requires."""
    best, run = "", ""
    for op, av in items:
        if op is re_parser.LITERAL and av < 128:
            run += chr(av).lower()
            best = max(best, run, key=len)
        else:
            run = ""
    if best:
        return frozenset({best})
    for op, av in items:
        if op is re_parser.BRANCH:
            branches = [_required(list(branch)) for branch in av[1]]
            if all(branches):
                return frozenset().union(*branches)
        elif op is re_parser.SUBPATTERN and (found := _required(list(av[3]))):
            return found
    return None
