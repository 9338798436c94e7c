"""Input limits, so that a broken or hostile file is refused with a message naming the file (and the line, member
or sheet) instead of exhausting memory or time.

Two kinds (docs/building.md, "Input limits"):

- Line limits, checked before a reader sees a plain text file (`check_input`): a text line (CSV, TSV, a JSON Lines
  record) may hold at most MAX_LINE_BYTES (1 MiB); no payment line or challenge row comes near it. A quoted CSV
  field may hold at most 131,072 characters (Python's csv field_size_limit); the readers report a longer one with
  its line. A JSON file may have lines up to MAX_JSON_LINE_BYTES (256 MiB), because a whole release package is
  often minified onto one line. JSON nested more deeply than Python's parser allows (about 1,000 levels; OCDS
  needs fewer than 15) is refused as unreadable (see TOO_DEEP). The check streams the file in chunks of at most
  the limit, so a 1 GB line is refused after reading the first MiB of it.
- Budgets, checked by every reader while it streams (`Budget`, one per file): decompressed bytes per file (a ZIP's
  members together, a gzip as it expands) and the compression ratio of each member, members per archive and how
  deeply archives nest, cells per line or row, cells per spreadsheet (those really present: a sheet's claimed
  `dimension` is never trusted) and the text they give, the memory an XLSX's shared strings take, the length of
  one JSON value read whole, and the wall time per file. The main ones are settings (config.py, LOTI_DEMAND_MAX_*).
  Exceeding one raises InputLimitError (an InputFileError) naming the file, the limit and the setting that raises
  it, so with --skip-bad-files the file is recorded as rejected.
"""

from __future__ import annotations

import csv
import functools
import io
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from loti_demand import config
from loti_demand.exceptions import InputFileError, InputLimitError

MAX_LINE_BYTES = 1 << 20
MAX_FIELD_CHARS = csv.field_size_limit()  # 131,072: one CSV value, or one spreadsheet or ODS cell, on every path
MAX_JSON_LINE_BYTES = 256 << 20
CHUNK_BYTES = 1 << 20
BINARY_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x1f\x8b")
TOO_DEEP = "is nested too deeply to read (JSON deeper than about 1,000 levels; OCDS needs fewer than 15)"
TOO_DEEP_HINT = "check the file is really an OCDS or challenges JSON export"

MAX_ARCHIVE_MEMBERS = 1000  # a council's archive holds a year of monthly files; an XLSX a few dozen parts
MAX_ARCHIVE_DEPTH = 3  # a ZIP inside a ZIP inside a ZIP; one level deeper is refused
RATIO_FLOOR_BYTES = 16 << 20  # the compression ratio is judged only for members larger than this
SPREADSHEET_EXPANSION = 4  # a workbook's XML is streamed; it holds about four times the bytes of the same CSV
TIME_CHECK_EVERY = 1024  # rows between two looks at the clock
HINT = (
    "check the file is what it claims to be (a spend, OCDS or challenges export, not a damaged download or "
    "a file built to exhaust the machine); if it is genuine, raise the limit with the setting named above "
    "(see 'Input limits' in docs/building.md)"
)


def _mib(n: int) -> str:
    return f"{n / (1 << 20):g} MiB"


def _mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n >= 100_000 else f"{n / 1e3:,.1f} kB"


def _setting(name: str) -> str:
    return config.ENV_PREFIX + name.upper()


FIXED_HINT = (
    "check the file is what it claims to be (a spend, OCDS or challenges export, not a damaged download or a file "
    "built to exhaust the machine); if it is genuine, unpack or split it and ingest the parts (this limit has no "
    "setting: see 'Input limits' in docs/building.md)"
)


def refuse(name: str, problem: str, setting: str | None = None) -> InputLimitError:
    """The error for a file over a budget: what was found, the limit, and the setting that raises it (a fixed limit,
    with no setting, says to unpack or split the file instead)."""
    if setting is None:
        return InputLimitError(name, problem, FIXED_HINT)
    return InputLimitError(name, f"{problem} ({_setting(setting)})", HINT)


@dataclass
class Budget:
    """What reading one input file may cost. Create one when the file is opened (the clock starts then) and call its
    checks as the file streams; each raises InputLimitError naming the file and the limit."""

    name: str
    max_bytes: int = field(default_factory=lambda: int(config.get("max_file_mb")) * 1_000_000)
    max_ratio: int = field(default_factory=lambda: int(config.get("max_compression_ratio")))
    max_columns: int = field(default_factory=lambda: int(config.get("max_columns")))
    max_cells: int = field(default_factory=lambda: int(config.get("max_sheet_cells")))
    max_value_bytes: int = field(default_factory=lambda: int(config.get("max_json_value_mb")) * 1_000_000)
    max_seconds: float = field(default_factory=lambda: float(config.get("max_seconds_per_file")))
    setting: str = "max_file_mb"  # the setting behind max_bytes
    started: float = field(default_factory=time.monotonic)
    expanded: int = 0  # decompressed bytes so far
    cells: int = 0  # spreadsheet cells read so far
    text: int = 0  # characters of spreadsheet cell text given so far (ODS rows written with a repeat count)
    held: int = 0  # bytes of memory kept while the file is read (an XLSX's shared strings)

    def check_time(self, where: str) -> None:
        if time.monotonic() - self.started > self.max_seconds:
            raise refuse(
                self.name,
                f"took more than {self.max_seconds:g} seconds to read (stopped at {where})",
                "max_seconds_per_file",
            )

    def check_size(self, nbytes: int) -> None:
        """Refuse a file whose size is over the limit, before reading it."""
        if nbytes > self.max_bytes:
            raise refuse(
                self.name, f"is {_mb(nbytes)}, over the limit of {_mb(self.max_bytes)} for one file", self.setting
            )

    def expand(self, nbytes: int, compressed: int, member: str | None = None, scale: int = 1) -> None:
        """Count `nbytes` more decompressed bytes (from `compressed` bytes): the total, and the ratio of this part."""
        self.expanded += nbytes
        where = f" (member {member!r})" if member else ""
        if self.expanded > self.max_bytes * scale:
            raise refuse(
                self.name, f"expands to more than {_mb(self.max_bytes * scale)} once decompressed{where}", self.setting
            )
        if nbytes > RATIO_FLOOR_BYTES and nbytes > self.max_ratio * max(compressed, 1):
            raise refuse(
                self.name,
                f"expands more than {self.max_ratio} times{where}: {_mb(compressed)} "
                f"compressed to {_mb(nbytes)} or more, the mark of a compression bomb",
                "max_compression_ratio",
            )

    def expand_stream(self, total: int, compressed: int) -> None:
        """A stream (gzip) that has given `total` decompressed bytes from its first `compressed` bytes."""
        self.expanded = 0
        self.expand(total, compressed)

    def check_columns(self, count: int, where: str) -> None:
        if count > self.max_columns:
            raise refuse(
                self.name, f"{where} has {count:,} cells, over the limit of {self.max_columns:,} a line", "max_columns"
            )

    def add_text(self, nbytes: int, where: str) -> None:
        """Count text a spreadsheet's cells give (a row written once with a repeat count gives it as many times)."""
        self.text += nbytes
        if self.text > self.max_bytes * SPREADSHEET_EXPANSION:
            raise refuse(
                self.name,
                f"holds more than {_mb(self.max_bytes * SPREADSHEET_EXPANSION)} of cell text (stopped at {where})",
                self.setting,
            )

    def hold(self, nbytes: int, what: str, where: str) -> None:
        """Count memory kept while the file is read (`what`: an XLSX's shared strings, which any cell may refer to):
        at most as much as the workbook's XML may expand to, whatever its parts compress to."""
        self.held += nbytes
        if self.held > self.max_bytes * SPREADSHEET_EXPANSION:
            raise refuse(
                self.name,
                f"holds {what} taking more than {_mb(self.max_bytes * SPREADSHEET_EXPANSION)} of memory once read "
                f"(stopped at {where})",
                self.setting,
            )

    def add_cells(self, count: int, where: str) -> None:
        self.cells += count
        if self.cells > self.max_cells:
            raise refuse(self.name, f"holds more than {self.max_cells:,} cells (stopped at {where})", "max_sheet_cells")

    def check_value(self, nchars: int, line: int) -> None:
        if nchars > self.max_value_bytes:
            raise refuse(
                self.name,
                f"has a JSON value longer than {_mb(self.max_value_bytes)} starting at line "
                f"{line} (one release, record or string; real ones are kilobytes)",
                "max_json_value_mb",
            )


def declared_members(fh: BinaryIO) -> int | None:
    """How many members a ZIP's end record says it holds, read as ZipFile reads it (zip64 included), before
    ZipFile builds an object per member; None when there is no end record to read. The reader is zipfile's own
    (not public): on a Python without it, None, and check_archive counts the members once opened."""
    read_end = getattr(zipfile, "_EndRecData", None)
    entries = getattr(zipfile, "_ECD_ENTRIES_TOTAL", None)
    if read_end is None or entries is None:
        return None
    end = read_end(fh)
    return end[entries] if end else None


def open_archive(data: bytes, budget: Budget) -> zipfile.ZipFile:
    """Open a ZIP held in memory, once its declared member count is within the budget (ZipFile itself builds an
    object per member before anything can be checked). Raises zipfile.BadZipFile for a damaged archive."""
    members = declared_members(io.BytesIO(data))
    if members is not None and members > MAX_ARCHIVE_MEMBERS:
        raise refuse(budget.name, f"is an archive of {members:,} members, over the limit of {MAX_ARCHIVE_MEMBERS:,}")
    return zipfile.ZipFile(io.BytesIO(data))


def check_archive(archive: zipfile.ZipFile, budget: Budget, *, scale: int = 1) -> list[zipfile.ZipInfo]:
    """The archive's members, once their count and their declared sizes are within the budget.

    zipfile never yields more than a member's declared size (it stops there and the CRC check fails), so judging
    the declared sizes before extracting anything is sound."""
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise refuse(
            budget.name, f"is an archive of {len(members):,} members, over the limit of {MAX_ARCHIVE_MEMBERS:,}"
        )
    for member in members:
        budget.expand(member.file_size, member.compress_size, member.filename, scale)
    return members


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
                    name,
                    f"line {line} is longer than {_mib(limit)}, the limit for one line of {what}",
                    "check the file is really a text export of the kind expected (not a database dump or a "
                    "file damaged in transfer); see 'Input limits' in docs/building.md",
                )
            if first < 0:
                run += len(chunk)
                continue
            line += chunk.count(b"\n")
            run = len(chunk) - ends.rfind(b"\n") - 1


def check_input(kind: str, path: Path, name: str) -> None:
    """Apply the size and line limits that fit the file's kind and format."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        return  # the reader reports an unreadable file with its own message
    budget = Budget(name) if kind != "procurement" else ocds_budget(name)
    budget.check_size(size)
    if head.startswith(BINARY_MAGIC):
        return
    if kind == "procurement" or path.suffix.lower() in (".json", ".jsonl"):
        limit, what = MAX_JSON_LINE_BYTES, "a JSON file"
    else:
        limit, what = MAX_LINE_BYTES, "a CSV file"
    if size > limit:  # a file no longer than the limit holds no line longer than it
        check_line_lengths(path, name, limit, what)


def ocds_budget(name: str) -> Budget:
    """An OCDS file's budget: it is streamed, so it may be far larger than a file read whole."""
    return Budget(name, max_bytes=int(config.get("max_json_file_mb")) * 1_000_000, setting="max_json_file_mb")


def guarded(kind: str, reader: Callable) -> Callable:
    """Wrap a reader so every file passes check_input first."""

    @functools.wraps(reader)
    def read(path: Path, *, name: str | None = None, **kwargs):
        check_input(kind, Path(path), name or str(path))
        return reader(path, name=name, **kwargs)

    return read
