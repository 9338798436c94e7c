"""Small text helpers shared by the normalisers."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_MOJIBAKE = {"Â£": "£", "â€™": "'", "â€œ": '"', "â€\x9d": '"', "â€“": "-", "â€”": "-", "\u2020": " ", "Â": ""}


def clean_text(value: object) -> str | None:
    """Trim, collapse whitespace and repair common mojibake; return None for blank text."""
    if value is None:
        return None
    text = str(value)
    for bad, good in _MOJIBAKE.items():
        if bad in text:
            text = text.replace(bad, good)
    text = _SPACE.sub(" ", text.replace("\u00a0", " ")).strip()
    return text or None


def fold(value: str) -> str:
    """Lower-case ASCII fold for matching: 'Hammersmith & Fulham' -> 'hammersmith and fulham'."""
    if value.isascii():  # the common case, and the same result without the Unicode round trip
        text = value.lower()
    else:
        text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii").lower()
    text = text.replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return _SPACE.sub(" ", text).strip()
