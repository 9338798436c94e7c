"""Read the body of a delimited text file (the lines after its header) into Arrow, with exact line numbers.

Two paths give the same rows:
- fast: pyarrow's multi-threaded CSV parser, used when every record is one physical line (no quoted
  newlines, no lone carriage returns) and every line has the header's number of cells. The line number
  of each row is worked out from the newline positions: the parser skips empty lines and nothing else,
  so the n-th row is the n-th non-empty line.
- python: the standard csv module, line by line, for everything else (it tracks physical lines itself).

Both drop blank lines by one rule (see `is_blank`): a line is blank when none of its cells holds a
letter or a digit, so ",,,,", whitespace and stray characters such as Lambeth's "†" are blank, while
",,xxx,," is a line (and will be quarantined). Blank lines are not counted.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from loti_demand.sources.limits import MAX_FIELD_CHARS

BATCH_ROWS = 200_000
SCAN_BYTES = 4 << 20  # nonempty_lines scans this much of a body at a time
_ALNUM = re.compile(r"[^\W_]")


class NotFastPath(Exception):
    """The fast path cannot give exact line numbers for this body; use the python path."""


def is_blank(cells: Iterable[str | None]) -> bool:
    """True when no cell holds a letter or a digit (',,,', '  ', '† † †' are blank)."""
    return not any(c and _ALNUM.search(c) for c in cells)


def _ascii_alnum(arr: np.ndarray) -> np.ndarray:
    """1 where a byte is an ASCII letter or digit, else 0 (uint8; two compares beat a lookup table fivefold)."""
    return (((arr | 32) - np.uint8(97) < 26) | (arr - np.uint8(48) < 10)).view(np.uint8)


def nonempty_lines(body: bytes, first_line: int) -> tuple[np.ndarray, np.ndarray]:
    """(line numbers of the non-empty physical lines of `body`, whose first line is number `first_line`;
    for each, whether it holds an ASCII letter or digit, which makes it a non-blank line).

    Raises NotFastPath when a record might span lines (an odd number of quotes before a newline) or
    the file uses lone carriage returns as line ends. The body is scanned in pieces of whole lines (SCAN_BYTES
    each), so numpy's temporary arrays stay small: one array the size of a 100 MB file costs more in fresh
    memory pages than the scan itself.
    """
    if b"\r" in body and body.count(b"\r") != body.count(b"\r\n"):
        raise NotFastPath("lone carriage returns")
    quoted = b'"' in body
    numbers, alnum = [], []
    line, start = first_line, 0
    while start < len(body):
        end = body.find(b"\n", min(start + SCAN_BYTES, len(body)) - 1)
        end = len(body) if end < 0 else end + 1
        piece_numbers, piece_alnum, lines = _scan(body[start:end], line, quoted)
        numbers.append(piece_numbers)
        alnum.append(piece_alnum)
        line, start = line + lines, end
    if not numbers:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    return np.concatenate(numbers), np.concatenate(alnum)


def _scan(piece: bytes, first_line: int, quoted: bool) -> tuple[np.ndarray, np.ndarray, int]:
    """nonempty_lines for a piece of whole lines, and the number of physical lines it holds."""
    arr = np.frombuffer(piece, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [len(piece)]))
    if starts[-1] == len(piece):  # the piece ends with a newline: no line after it
        starts, ends = starts[:-1], ends[:-1]
    if quoted and np.bitwise_xor.reduceat((arr == 34).view(np.uint8), starts).any():
        raise NotFastPath("quoted newlines")
    lengths = ends - starts
    has_cr = np.zeros(len(lengths), dtype=bool)
    nonzero = lengths > 0
    has_cr[nonzero] = arr[ends[nonzero] - 1] == 13
    nonempty = np.flatnonzero(lengths - has_cr > 0)
    # OR-ed from each non-empty line's start to the next one's: what lies between is newlines and empty lines.
    alnum = (
        np.bitwise_or.reduceat(_ascii_alnum(arr), starts[nonempty]) if len(nonempty) else np.zeros(0, np.uint8)
    ).astype(bool)
    return first_line + nonempty.astype(np.int64), alnum, len(starts)


def read_fast(body: bytes, first_line: int, width: int, delimiter: str) -> tuple[np.ndarray, pa.Table]:
    """(line numbers, table of `width` string columns c0..) for the non-blank lines of a UTF-8 body.

    Raises NotFastPath when the body needs the python path (see the module docstring).
    """
    numbers, ascii_alnum = nonempty_lines(body, first_line)
    names = [f"c{i}" for i in range(width)]
    if not len(numbers):
        return numbers, pa.table({n: pa.array([], pa.string()) for n in names})

    def refuse(row: pacsv.InvalidRow) -> str:
        return "error"

    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=refuse),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise NotFastPath(str(exc)) from exc
    if table.num_rows != len(numbers):
        raise NotFastPath("row count differs from the non-empty line count")
    if any(pc.max(pc.binary_length(column)).as_py() > MAX_FIELD_CHARS for column in table.columns):
        raise NotFastPath("a value longer than the csv module's limit: that path names its line")
    if ascii_alnum.all():
        return numbers, table
    keep = _non_blank(table, np.flatnonzero(~ascii_alnum))
    return numbers[keep], table.filter(pa.array(keep))


def _non_blank(table: pa.Table, undecided: np.ndarray) -> np.ndarray:
    """Boolean mask of rows that are not blank, given the rows whose lines hold no ASCII letter or digit (every
    other row is a line). Those few are judged by `is_blank` itself, as on the python path."""
    keep = np.ones(table.num_rows, dtype=bool)
    rows = table.take(pa.array(undecided)).to_pylist()
    keep[undecided] = [not is_blank(row.values()) for row in rows]
    return keep


def read_python(
    text: str, first_line: int, delimiter: str, width: int = 0, unclosed: set[int] | None = None
) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, cells) for every row of a text body; raises csv.Error on malformed CSV.

    Given the header's `width`, a record carried over several lines by a quote mark is checked: when it is not
    well-formed (its quoted value never closes, or closes on a stray quote mark) and every line after its first is
    a whole line of the file by itself (`width` values) or blank, the quote was never meant to open a value over
    lines ('"Supplier Ltd,...'). Each line is then yielded on its own, the first split at each delimiter as written,
    and its number is added to `unclosed`, so that it is quarantined. The same holds for a value that runs past the
    csv module's limit (a stray quote with no other quote mark for thousands of lines)."""
    lines = _Lines(text)
    line = first_line
    while True:
        try:
            for cells in csv.reader(lines, delimiter=delimiter):
                span = lines.take()
                if width and len(span) > 1 and _stray_quote(span, cells, delimiter, width):
                    yield from _each_line(span, line, delimiter, unclosed)
                else:
                    yield line, cells
                line += len(span)
            return
        except csv.Error as exc:
            span = lines.take()  # the lines of the record the error is in, as far as it was read
            if not (width and "field limit" in str(exc) and len(span) > 1 and _all_whole(span[1:], delimiter, width)):
                raise
            yield from _each_line(span, line, delimiter, unclosed)  # and read on from the line after them
            line += len(span)


class _Lines:
    """The physical lines of a text for csv.reader, keeping those of the record being read (`take` hands them over),
    so that a record's own lines can be read again without a second copy of the whole text."""

    def __init__(self, text: str) -> None:
        self._record: list[str] = []
        self._lines = self._each(io.StringIO(text, newline=""))

    def _each(self, lines: Iterable[str]) -> Iterator[str]:
        keep = self._record.append  # a generator: cheaper per line than a __next__ method
        for physical in lines:
            keep(physical)
            yield physical

    def __iter__(self) -> Iterator[str]:
        return self._lines

    def take(self) -> list[str]:
        taken = self._record[:]
        self._record.clear()
        return taken


def _each_line(
    span: list[str], line: int, delimiter: str, unclosed: set[int] | None
) -> Iterator[tuple[int, list[str]]]:
    """The lines of a record a stray quote mark carried over lines, each as a line of its own: the first split at each
    delimiter as written (its number added to `unclosed`), the others as the csv module reads them alone."""
    if unclosed is not None:
        unclosed.add(line)
    yield line, next(csv.reader([span[0]], delimiter=delimiter, quoting=csv.QUOTE_NONE), [])
    for n, physical in enumerate(span[1:], start=line + 1):
        yield n, next(csv.reader([physical], delimiter=delimiter), [])


def _all_whole(span: list[str], delimiter: str, width: int) -> bool:
    """Every line, read alone, is a whole line of the file (`width` values) or blank."""
    alone = (next(csv.reader([p], delimiter=delimiter), []) for p in span)
    return all(_whole(row, width) or is_blank(row) for row in alone)


def _stray_quote(span: list[str], cells: list[str], delimiter: str, width: int) -> bool:
    """A record over several lines is not well-formed CSV (its quoted value never closes, or closes on a quote mark
    that the next character shows was not closing it: 'Screen 24" Ltd'), and its lines after the first are whole."""
    try:
        well_formed = list(csv.reader(io.StringIO("".join(span), newline=""), delimiter=delimiter, strict=True)) == [
            cells
        ]
    except csv.Error:
        well_formed = False
    return not well_formed and _all_whole(span[1:], delimiter, width)


def _whole(cells: list[str], width: int) -> bool:
    """A line read alone holds the header's number of values (or more, all empty past it)."""
    return len(cells) >= width and not any(c.strip() for c in cells[width:])


def split_after_line(data: bytes, line: int) -> tuple[bytes, bytes]:
    """Split bytes after physical line `line` (1-based; lines end with '\\n')."""
    position = 0
    for _ in range(line):
        found = data.find(b"\n", position)
        if found < 0:
            return data, b""
        position = found + 1
    return data[:position], data[position:]
