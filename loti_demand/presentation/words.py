"""Words that agree with a number, for the sentences and chart summaries alike (a module of its own: sentences reads
charts' names, so charts cannot read sentences)."""

from __future__ import annotations


def plural(count: int, one: str, many: str) -> str:
    """'1 month', '3 months': the count and the right form of the words after it."""
    return f"{count:,} {one if count == 1 else many}"
