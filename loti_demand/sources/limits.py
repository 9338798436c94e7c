"""Input limits, checked before a reader sees a file, so a broken or hostile file is refused with a message naming
the file and line instead of exhausting memory (a reader may read a whole file, or a whole line, into memory).

Policy (README, "Input limits"):
- a text line (CSV, TSV, a JSON Lines record) may hold at most MAX_LINE_BYTES (1 MiB): no payment line or
  challenge row comes near it. A quoted CSV field may hold at most 131,072 characters (Python's csv
  field_size_limit); the readers report a longer one with its line;
- a JSON file may have lines up to MAX_JSON_LINE_BYTES (256 MiB), because a whole release package is often
  minified onto one line;
- JSON nested more deeply than Python's parser allows (about 1,000 levels; OCDS needs fewer than 15) is
  refused as unreadable (see TOO_DEEP).

The check streams the file in chunks of at most the limit, so it never holds more than one chunk: a 1 GB line
is refused after reading the first MiB of it. Spreadsheets, ZIP and gzip files are binary and not checked here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from loti_demand.exceptions import InputFileError

MAX_LINE_BYTES = 1 << 20
MAX_JSON_LINE_BYTES = 256 << 20
CHUNK_BYTES = 1 << 20
BINARY_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x1f\x8b")
TOO_DEEP = "is nested too deeply to read (JSON deeper than about 1,000 levels; OCDS needs fewer than 15)"
TOO_DEEP_HINT = "check the file is really an OCDS or challenges JSON export"


def _mib(n: int) -> str:
    return f"{n / (1 << 20):g} MiB"


def check_line_lengths(path: Path, name: str, limit: int, what: str) -> None:
    """Raise InputFileError naming the first line longer than `limit` bytes (CR or LF ends a line)."""
    line, run = 1, 0  # current line number, bytes of it seen so far
    size = min(limit, CHUNK_BYTES)
    with path.open("rb") as fh:
        while chunk := fh.read(size):
            # Lines wholly inside one chunk are shorter than the chunk, hence within the limit: only the line
            # running in from the previous chunk and the one running on into the next can be too long.
            ends = chunk.replace(b"\r", b"\n")
            first = ends.find(b"\n")
            if run + (len(chunk) if first < 0 else first) > limit:
                raise InputFileError(
                    name, f"line {line} is longer than {_mib(limit)}, the limit for one line of {what}",
                    "check the file is really a text export of the kind expected (not a database dump or a "
                    "file damaged in transfer); see 'Input limits' in the README",
                )
            if first < 0:
                run += len(chunk)
                continue
            line += chunk.count(b"\n")
            run = len(chunk) - ends.rfind(b"\n") - 1


def check_input(kind: str, path: Path, name: str) -> None:
    """Apply the line limits that fit the file's kind and format."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        return  # the reader reports an unreadable file with its own message
    if head.startswith(BINARY_MAGIC):
        return
    if kind == "procurement" or path.suffix.lower() in (".json", ".jsonl"):
        check_line_lengths(path, name, MAX_JSON_LINE_BYTES, "a JSON file")
    else:
        check_line_lengths(path, name, MAX_LINE_BYTES, "a CSV file")


def guarded(kind: str, reader: Callable) -> Callable:
    """Wrap a reader so every file passes check_input first."""

    @functools.wraps(reader)
    def read(path: Path, *, name: str | None = None, **kwargs):
        check_input(kind, Path(path), name or str(path))
        return reader(path, name=name, **kwargs)

    return read
