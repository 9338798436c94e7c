"""Suggest which procurement followed a challenge: text similarity and the reason shown to users.

Pure functions. A suggestion is only ever a suggestion: the page says so, and the publisher's own
outcome_ocid (an explicit link) always comes first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from loti_demand.normalise.text import fold

# Lowest similarity (0-100) for a suggestion. Unrelated pairs that share a borough and category score 38-49 on
# the sample data (its notices are templated); a true pair in tests/test_challenges.py scores 94.
THRESHOLD = 70
MIN_SHARED_WORDS = 2  # token_set_ratio gives 100 when one text's words are a subset of the other's
WINDOW_MONTHS = 24  # a notice first published more than two years after the challenge opened is not suggested
MAX_SUGGESTIONS = 3  # per challenge, best first

# Words that say nothing about what is being bought: English function words and procurement boilerplate.
_STOPWORD_TEXT = (
    "a about above after all also an and any are as at be been being both but by can could do does for from had "
    "has have how if in into is it its may might more most must need needs no not of on or our out over own per "
    "so some such than that the their them then there these they this those through to too under up us very was "
    "we were what when where which while who whom why will with within without would you your borough boroughs "
    "council councils london local authority authorities resident residents service services provide provides "
    "provided provision provider providers supply supplies supplier suppliers contract contracts procurement "
    "tender tenders framework lot lots requirement requirements solution solutions new project projects deliver "
    "delivery help support improve better way ways use using work working challenge challenges people"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def content_words(*texts: str | None) -> set[str]:
    """Distinct meaningful words, folded and naively singular ('sensors' and 'sensor' agree)."""
    words = set()
    for text in texts:
        for token in re.findall(r"[a-z0-9]+", fold(text or "")):
            plural = len(token) > 4 and token.endswith("s") and not token.endswith(("ss", "us", "is"))
            word = token[:-1] if plural else token
            if len(word) >= 3 and word not in STOPWORDS:
                words.add(word)
    return words


@dataclass(frozen=True)
class Similarity:
    score: int  # 0-100
    basis: str  # "title" or "text"
    shared: tuple[str, ...]


def similarity(
    challenge_title: str | None, statement: str | None, notice_title: str | None, description: str | None
) -> Similarity:
    """Similarity of a challenge and a procurement: the better of title-to-title and whole-text
    rapidfuzz token_set_ratio over content words, with the words they share."""
    title_a, title_b = content_words(challenge_title), content_words(notice_title)
    text_a, text_b = title_a | content_words(statement), title_b | content_words(description)
    title_score = (
        fuzz.token_set_ratio(" ".join(sorted(title_a)), " ".join(sorted(title_b))) if title_a and title_b else 0
    )
    text_score = fuzz.token_set_ratio(" ".join(sorted(text_a)), " ".join(sorted(text_b)))
    basis, score = ("title", title_score) if title_score >= text_score else ("text", text_score)
    return Similarity(round(score), basis, tuple(sorted(text_a & text_b)))


def is_suggestion(sim: Similarity) -> bool:
    return sim.score >= THRESHOLD and len(sim.shared) >= MIN_SHARED_WORDS


def months_after(start: dt.date, later: dt.date) -> int:
    """Whole months from start to later (0 when under a month)."""
    months = (later.year - start.year) * 12 + later.month - start.month
    return months - (later.day < start.day)


def _months_phrase(months: int) -> str:
    if months <= 0:
        return "less than a month"
    return "1 month" if months == 1 else f"{months} months"


def match_reason(borough_name: str, category_label: str, sim: Similarity, months: int) -> str:
    """'same borough (Camden), same category (Data and analytics), title similarity 78% (shared words: ...),
    notice published 3 months after the challenge opened'."""
    shared = ", ".join(sim.shared[:6]) + (", ..." if len(sim.shared) > 6 else "")
    return (
        f"same borough ({borough_name}), same category ({category_label}), {sim.basis} similarity "
        f"{sim.score}% (shared words: {shared}), first notice published {_months_phrase(months)} after the "
        "challenge opened"
    )
