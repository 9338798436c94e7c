"""Sniff a text file: its encoding, delimiter and the row that holds the header. Say what was found."""

from __future__ import annotations

import codecs
import csv

ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
# Control characters that text files do not hold (tab, newlines, form feed and escape excepted).
_BINARY_CONTROL = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])


def looks_binary(sample: bytes) -> bool:
    """True for content no council CSV holds: NUL bytes or many control characters."""
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _BINARY_CONTROL))  # a fifth of a regex's time
    return controls > max(8, len(sample) // 200)


def detect_encoding(data: bytes) -> str:
    """Return 'utf-8-sig' (UTF-8 with a BOM), 'utf-16' (a UTF-16 BOM: Excel's "Unicode text"), 'utf-8' when
    the bytes decode as UTF-8, else 'cp1252'.

    cp1252 is what Windows finance systems export; bytes it leaves undefined fall back to latin-1.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _width(line: str, delimiter: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=delimiter)))
    except csv.Error:  # e.g. a field over the csv module's size limit: the reader reports it with its line
        return 0


DELIMITERS = (",", "\t", ";", "|")


def detect_delimiter(text_sample: str) -> str:
    """Pick the delimiter among , ; tab | that splits the first lines most consistently."""
    lines = [ln for ln in text_sample.splitlines()[:60] if ln.strip()]
    head = "\n".join(lines)
    best, best_score = ",", -1
    for delim in DELIMITERS:
        if delim != "," and delim not in head:  # every line would be one cell: it cannot beat the comma
            continue
        counts = [_width(ln, delim) for ln in lines]
        if not counts:
            continue
        wide = [c for c in counts if c > 1]
        score = len(wide) * (max(wide) if wide else 0)
        if score > best_score:
            best, best_score = delim, score
    return best
