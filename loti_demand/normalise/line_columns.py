"""Read a spend line's descriptive columns ('Header: value | ...', see sources/spend_batches.describe): which say
what was bought (expense type, account, subjective, purpose, ProClass or merchant category), which say who bought it
(department, service, cost centre), and which values say nothing (a code, the capital/revenue flag)."""

from __future__ import annotations

import re

DESCRIPTION_JOIN = " | "
# Header words of columns that say who bought, not what: they suggest technology (low confidence), never decide.
WHO_WORDS = frozenset(
    {
        "department",
        "directorate",
        "division",
        "service",
        "services",
        "area",
        "unit",
        "team",
        "portfolio",
        "centre",
        "center",
        "entity",
        "section",
        "organisational",
        "organizational",
        "profit",
    }
)
# ...unless the header also names what was bought ('Service Type', 'Department Account').
WHAT_WORDS = frozenset(
    {
        "type",
        "subjective",
        "account",
        "purpose",
        "classification",
        "element",
        "nominal",
        "merchant",
        "item",
        "goods",
        "narrative",
    }
)
# Header words of columns known to say what was bought. A generic heading ('Communications & Computing') only
# suggests beside such a column that is silent; a column whose header names neither (a system's own name such as
# 'Nstrg(T)') is still searched for keywords, but its silence is no evidence against the heading.
SAYS_WHAT_WORDS = WHAT_WORDS | {
    "description",
    "descriptions",
    "desc",
    "details",
    "detail",
    "expense",
    "expenditure",
    "category",
    "catergory",
    "spend",
    "purchase",
    "product",
    "commodity",
    "analysis",
    "proclass",
    "procurement",
    "sercop",
    "cipfa",
}
_WORD = re.compile(r"[a-z]+")
# A value that says nothing of what was bought: a code ('HC50', 'MY37') or the capital/revenue flag, also in words
# ('Revenue Expenditure', 'Capital Income').
NOT_WORDS = re.compile(
    r"((capital|revenue)( (expenditure|income|spend))?|capital\s*/\s*revenue|[a-z]{0,4}\d{2,}[\w./-]*)", re.IGNORECASE
)


# A ledger path's separators ('LFRS.EXPENDITURE.SUPPLIES_&_SERVICES.COMPUTER_HARDWARE'): underscores, and dots between
# words, are read as spaces, so its words are words ('I.T.' keeps its dots: one letter each side).
_SEPARATORS = re.compile(r"_+|(?<=[A-Za-z]{2})\.(?=[A-Za-z]{2})")


def as_words(value: str) -> str:
    """'SUPPLIES_&_SERVICES.COMPUTER_HARDWARE' -> 'SUPPLIES & SERVICES COMPUTER HARDWARE'."""
    return _SEPARATORS.sub(" ", value)


def description_parts(descriptions: str | None) -> list[tuple[str, str]]:
    """'Expense type: IT Software | Service: Libraries' -> [('Expense type', 'IT Software'), ('Service', ...)].
    A piece without 'Header: ' continues the value before it (a value holding ' | ')."""
    parts: list[tuple[str, str]] = []
    for piece in (descriptions or "").split(DESCRIPTION_JOIN):
        header, sep, value = piece.partition(": ")
        if sep and header:
            parts.append((header, value))
        elif parts:
            parts[-1] = (parts[-1][0], parts[-1][1] + DESCRIPTION_JOIN + piece)
        elif piece.strip():
            parts.append(("", piece))
    return parts


def _header_words(header: str) -> set[str]:
    return set(_WORD.findall(re.sub(r"([a-z])([A-Z])", r"\1 \2", header).lower()))


def is_who_column(header: str) -> bool:
    """True for a column that says who bought (department, service area, cost centre), not what was bought."""
    words = _header_words(header)
    return bool(words & WHO_WORDS) and not words & WHAT_WORDS


def says_what(header: str) -> bool:
    """True for a column whose header says it describes what was bought (expense type, account, description)."""
    return bool(_header_words(header) & SAYS_WHAT_WORDS)


def names_a_party(header: str) -> bool:
    """True for a column that names who was paid or who paid ('clean_name', 'company_name', 'org_short_name'): a
    'name' header that says neither what was bought nor which department bought it ('Account Name' and 'Cost
    Centre Name' do)."""
    words = _header_words(header)
    return "name" in words and not words & (SAYS_WHAT_WORDS | WHO_WORDS)


def join_descriptions(*parts: tuple[str, str | None]) -> str | None:
    """('expenditure category', 'IT Software'), ('purpose', None) -> 'expenditure category: IT Software'."""
    return DESCRIPTION_JOIN.join(f"{header}: {value}" for header, value in parts if value) or None
