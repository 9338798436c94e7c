"""Small text helpers shared by the normalisers."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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


# Characters a reader cannot see, as a message writes them (twin: the macro quoted in warehouse/models/macros.sql).
HIDDEN = {
    "\t": "\\t",
    "\n": "\\n",
    "\r": "\\r",
    **{ch: f"\\x{ord(ch):02x}" for ch in "\u00a0\u00ad"},
    **{ch: f"\\u{ord(ch):04x}" for ch in "\u2007\u2009\u200b\u200c\u200d\u200e\u200f\u202f\u2060\ufeff"},
}


def quoted(value: object) -> str:
    """The value in quotes for a message, a backslash and each character a reader cannot see written as an escape
    ('08-Aug-2023\\xa0'): the table HIDDEN, and any other character Python does not print, as repr() writes it."""
    return "'" + "".join(_visible(ch) for ch in str(value)) + "'"


def _visible(ch: str) -> str:
    if ch == "\\":
        return "\\\\"
    if ch in HIDDEN:
        return HIDDEN[ch]
    return ch if ch.isprintable() else repr(ch)[1:-1]


def fold(value: str) -> str:
    """Lower-case ASCII fold for matching: 'Hammersmith & Fulham' -> 'hammersmith and fulham'."""
    if value.isascii():  # the common case, and the same result without the Unicode round trip
        text = value.lower()
    else:
        text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii").lower()
    text = text.replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return _SPACE.sub(" ", text).strip()


# Mojibake: UTF-8 read as cp1252 ("Â£" for "£", "â€¯" for a narrow space), and "\r\n" escapes that lost
# their backslashes ("GP.rnrnThe"), seen in Contracts Finder releases copied through other tools.
_CONT = (
    r"[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    r"\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)  # cp1252 text of bytes 0x80-0xBF
_UTF8_AS_CP1252 = re.compile(rf"[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}}")
_LOST_CRLF = re.compile(r"(?:rn){2}(?=[A-Z0-9]|https?:)|(?<![A-Za-z])rn(?=[A-Z0-9])")


def repair_text(value: object) -> str | None:
    """Repair mojibake and lost line breaks, then trim and collapse whitespace; None for blank text."""
    if not isinstance(value, str):
        return clean_text(value) if value is not None and not isinstance(value, (dict, list)) else None
    return _repair(value)


@lru_cache(maxsize=1 << 12)  # an OCDS process's names, titles and descriptions recur in each of its releases
def _repair(value: str) -> str | None:
    text = _UTF8_AS_CP1252.sub(_unmangle, value) if max(value, default=" ") >= "\u00c2" else value
    return clean_text(_LOST_CRLF.sub("\n", text))


def _unmangle(match: re.Match[str]) -> str:
    try:
        return match.group(0).encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return match.group(0)
