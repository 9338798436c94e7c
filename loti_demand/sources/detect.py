"""Sniff a text file: its encoding, delimiter and the row that holds the header. Say what was found."""

from __future__ import annotations

import codecs
import csv
import re

from loti_demand.exceptions import InputFileError

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


# Control characters no council types into a cell (tab, line feed and carriage return are text).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# A valid UTF-8 sequence of two to four bytes: text in cp1252 almost never holds one by chance.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")
NOT_UTF8 = (
    "line is not valid UTF-8, the encoding of the rest of the file (it was typed in another encoding); "
    "re-save the file in one encoding, UTF-8"
)
UTF8_IN_CP1252 = (
    "line is UTF-8 but the rest of the file is Windows-1252 (cp1252): read as the rest, its accented "
    "letters would be garbled; re-save the file in one encoding, UTF-8"
)


def has_controls(data: bytes, chunk: int = 4 << 20) -> bool:
    """True when the bytes hold a control character (see CONTROL); a C-speed scan, a few MB at a time."""
    return any(
        len(part) != len(part.translate(None, _CONTROL_BYTES))
        for part in (data[i : i + chunk] for i in range(0, len(data), chunk))
    )


def refuse_binary_looking_text(data: bytes, sample: bytes, name: str) -> None:
    """Before a file that looks binary (looks_binary(sample)) is called so: say what it is when it is text after
    all. UTF-16 without a byte-order mark (every other byte NUL: it cannot be told from other encodings for sure),
    or text holding a stray NUL byte (refuse_nul names its line)."""
    pairs = sample[: len(sample) // 2 * 2]
    half = len(pairs) // 2

    def utf16(zeros: bytes, text: bytes) -> bool:  # one byte of each pair zero, the other printable ASCII
        printable = sum(b in (9, 10, 13) or 32 <= b < 127 for b in text)
        return half >= 2 and zeros.count(0) * 10 >= half * 9 and printable * 10 >= half * 9

    if utf16(pairs[1::2], pairs[0::2]) or utf16(pairs[0::2], pairs[1::2]):
        raise InputFileError(
            name,
            "is UTF-16 text without a byte-order mark (every other byte is zero), which cannot be read for sure",
            "save it as CSV UTF-8 (in Excel: Save As, 'CSV UTF-8 (Comma delimited)')",
        )
    nuls = sample.count(0)
    if 0 < nuls * 100 <= len(sample) and not looks_binary(sample.replace(b"\x00", b"")):  # a stray NUL or two
        refuse_nul(data, name)


def refuse_nul(data: bytes, name: str) -> None:
    """A NUL byte anywhere refuses the file: no text export holds one, and it would end up inside a value."""
    at = data.find(b"\x00")
    if at >= 0:
        line, character = data.count(b"\n", 0, at) + 1, at - data.rfind(b"\n", 0, at)
        raise InputFileError(
            name,
            f"holds a NUL byte at line {line}, character {character}: text files never do, so it is damaged "
            "or not text",
            "re-download the file, or re-export it as CSV (UTF-8)",
        )


def looks_html(text: str) -> bool:
    """The start of a file (decoded) is a web page: often an error, login or 'not found' page saved under a spend
    file's name."""
    text = text.lstrip("\ufeff \t\r\n").lower()
    return text.startswith("<") or "<html" in text[:2048] or "<body" in text[:2048]


def control_problem(cells: list[str], header: list[str]) -> str | None:
    """Name the first control character in a row's cells and its column, or None (a cheap test first)."""
    if not CONTROL.search("".join(cells)):
        return None
    i, found = next((i, m.group()) for i, c in enumerate(cells) if (m := CONTROL.search(c)))
    column = repr(str(header[i]).strip()) if i < len(header) else f"{i + 1}"
    return f"control character U+{ord(found):04X} in column {column}: not text anyone types, so the line is damaged"


def detect_line_encodings(data: bytes) -> tuple[str, dict[int, str]]:
    """(the file's encoding, {line number: why that line is not text in it}).

    A file is decoded as one encoding. When it is not UTF-8 as a whole yet some of its lines are (a file pasted
    together from two systems), the encoding of most of its non-ASCII lines wins and each line of the other is
    named, to be quarantined: decoded as the majority, it would be stored garbled ('CafÃ©').
    """
    encoding = detect_encoding(data)
    if encoding not in ("cp1252", "latin-1") or not _UTF8_MULTIBYTE.search(data):
        return encoding, {}
    utf8: list[int] = []
    other: list[int] = []
    line, position = 1, 0
    for match in _NON_ASCII_LINE.finditer(data):
        line += data.count(b"\n", position, match.start())
        position = match.start()
        try:
            match.group().decode("utf-8")
            utf8.append(line)
        except UnicodeDecodeError:
            other.append(line)
    if len(utf8) >= len(other):
        return "utf-8", dict.fromkeys(other, NOT_UTF8)
    return encoding, dict.fromkeys(utf8, UTF8_IN_CP1252)


def _width(line: str, delimiter: str) -> int:
    if line and '"' not in line:  # no quoting: the csv module splits at every delimiter (a tenth of its time)
        return line.count(delimiter) + 1
    try:
        return len(next(csv.reader([line], delimiter=delimiter)))
    except csv.Error:  # e.g. a field over the csv module's size limit: the reader reports it with its line
        return 0


DELIMITERS = (",", "\t", ";", "|")


def _first_lines(text: str, n: int) -> list[str]:
    """text.splitlines()[:n], splitting only as much of the text as that needs (a whole small file otherwise)."""
    end = -1
    for _ in range(n):
        end = text.find("\n", end + 1)
        if end < 0:
            return text.splitlines()[:n]
    return text[: end + 1].splitlines()[:n]


def detect_delimiter(text_sample: str) -> str:
    """Pick the delimiter among , ; tab | that splits the first lines most consistently."""
    lines = [ln for ln in _first_lines(text_sample, 60) if ln.strip()]
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
