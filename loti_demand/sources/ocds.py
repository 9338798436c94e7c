"""Read OCDS releases from release packages, record packages, single releases, JSON arrays, JSON Lines and
concatenated JSON (several documents back to back, even on one line), optionally gzipped, as a stream.

The file is decoded in chunks and each release is parsed on its own with `json.JSONDecoder.raw_decode`, so a
package of hundreds of MB never has to fit in memory, every release keeps its text as published (the raw
table stores it unchanged) and a syntax error is reported with its exact line and column. (ijson streams too,
but its C backend cannot say where an error is, and it would have to re-serialise every release.)

Policy (see docs/data-sources.md, "Procurement notices"):
- a file that is not JSON, not UTF-8, a broken gzip, or malformed anywhere is unreadable: InputFileError naming
  the file, line and column. Nothing from it is loaded (`--skip-bad-files` records it as rejected instead);
- an item that is JSON but not an OCDS release (not an object, no ocid, no id, no date) is yielded with a
  `problem`, so it is quarantined with that reason and still counted: lines_read = loaded + duplicate +
  quarantined holds per file;
- in a record package, each record's embedded releases are read; a record with only linked releases uses its
  compiledRelease; a record with neither is quarantined.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, NoReturn

from loti_demand.exceptions import InputFileError
from loti_demand.sources.detect import CONTROL
from loti_demand.sources.limits import Budget, ocds_budget

CHUNK = 1 << 20  # characters decoded per read
_DECODER = json.JSONDecoder(strict=False)  # publishers leave raw tabs and newlines inside strings
_NOT_WS = re.compile(r"[^ \t\r\n]")
# A control character in a release's text, raw or escaped (\u0000): a cheap test before its values are searched.
_CONTROL_HINT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\\u00(?:[01][0-9a-fA-F]|7[fF])")
_SHAPES = {"releases": "release-package", "records": "record-package"}
# A decode error this close to the end of the buffer may only mean the value continues in the next chunk.
_INCOMPLETE_MARGIN = 16


@dataclass
class RawRelease:
    """One item of an OCDS file: a release (with its text as published) or a quarantined item."""

    position: int  # 1-based ordinal of the item in the file
    line: int  # line where it starts
    text: str
    release: dict | None
    problem: str | None = None

    @property
    def ocid(self) -> str | None:
        return _text(self.release.get("ocid")) if self.release else None

    @property
    def release_id(self) -> str | None:
        return _text(self.release.get("id")) if self.release else None

    @property
    def date(self) -> str | None:
        return _text(self.release.get("date")) if self.release else None


@dataclass
class OcdsFile:
    """An OCDS file being read. `releases` is a one-shot iterator; the counts and detected_format are final once
    it is exhausted."""

    source_file: str
    sha256: str
    path: Path
    gzipped: bool
    encoding: str = "utf-8"
    detected_format: str = "unknown"
    package: dict = field(default_factory=dict)
    lines_read: int = 0
    quarantined: int = 0

    @property
    def releases(self) -> Iterator[RawRelease]:
        self.lines_read = self.quarantined = 0
        try:
            raw = gzip.open(self.path, "rb") if self.gzipped else self.path.open("rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise InputFileError(self.source_file, f"cannot be opened ({exc.strerror or exc})") from exc
        with raw:
            stream = _Stream(raw, self.source_file, ocds_budget(self.source_file), self.gzipped)
            for item in _Walker(stream, self).items():
                self.lines_read += 1
                self.quarantined += item.problem is not None
                yield item
            self.encoding = stream.encoding


def read_ocds(path: Path, *, name: str | None = None) -> list[OcdsFile]:
    """Open an OCDS file for streaming; the releases are read when `OcdsFile.releases` is iterated."""
    name = name or str(path)
    path = Path(path)
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            head = fh.read(2)
            digest.update(head)
            for block in iter(lambda: fh.read(CHUNK), b""):
                digest.update(block)
    except OSError as exc:
        raise InputFileError(name, f"cannot be opened ({exc.strerror or exc})") from exc
    return [OcdsFile(name, digest.hexdigest(), path, gzipped=head == b"\x1f\x8b")]


def _text(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


class _Stream:
    """Decoded text read in chunks. `buf[pos:]` is unread; text well before `pos` is dropped (compact)."""

    def __init__(self, raw: BinaryIO, name: str, budget: Budget, gzipped: bool = False) -> None:
        self.raw, self.name, self.budget, self.gzipped = raw, name, budget, gzipped
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.buf, self.pos, self.eof = "", 0, False
        self.base_line = 1  # line number of buf[0]
        self._mark, self._mark_line = 0, 1  # a position in buf and its line, so line numbers are counted once
        self.bytes_read = 0
        self.encoding = "utf-8"
        self.pinned: int | None = None  # buf[pinned:] is still needed (a top-level object being read): kept
        self.item_line = 0  # line where the item being read starts, for error messages
        self.json_lines = False  # the items so far were one per line, so a broken one is named by its own line

    def fill(self) -> bool:
        """Append the next chunk (at least as much as is buffered, so a huge value is re-read few times)."""
        if self.eof:
            return False
        size = max(CHUNK, len(self.buf) - self.pos)
        try:
            data = self.raw.read(size)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputFileError(self.name, f"is not a readable gzip file ({exc})", "re-download it") from exc
        try:
            text = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise InputFileError(
                self.name,
                f"is not UTF-8 (byte {self.bytes_read + exc.start + 1})",
                "OCDS files must be UTF-8 JSON; re-save it as UTF-8",
            ) from exc
        if self.bytes_read == 0 and text.startswith("\ufeff"):
            text, self.encoding = text[1:], "utf-8-sig"
        self.bytes_read += len(data)
        if self.gzipped and data:  # the compressed bytes read so far: the gzip file's position
            self.budget.expand_stream(self.bytes_read, self.raw.fileobj.tell())  # type: ignore[attr-defined]
        self.budget.check_time(f"byte {self.bytes_read:,}")
        self.eof = not data
        self.buf += text
        return bool(data)

    def compact(self) -> None:
        """Drop text already read (keeping a little, to tell whether the next value starts a line)."""
        drop = (self.pos if self.pinned is None else min(self.pos, self.pinned)) - 64
        if drop > CHUNK:
            line = self.line_of(drop)
            self.buf, self.pos = self.buf[drop:], self.pos - drop
            self.base_line, self._mark, self._mark_line = line, 0, line
            if self.pinned is not None:
                self.pinned -= drop

    def line_of(self, index: int) -> int:
        if index < self._mark:
            self._mark, self._mark_line = 0, self.base_line
        self._mark_line += self.buf.count("\n", self._mark, index)
        self._mark = index
        return self._mark_line

    def at_line_start(self) -> bool:
        i = self.pos - 1
        while i >= 0 and self.buf[i] in " \t\r":
            i -= 1
        return i < 0 or self.buf[i] == "\n"

    def peek(self) -> str | None:
        """Skip whitespace; the next character, or None at the end of the file. Whitespace read is dropped as it
        goes (compact), so a gigabyte of it costs neither memory nor a character-by-character loop."""
        while True:
            found = _NOT_WS.search(self.buf, self.pos)
            if found:
                self.pos = found.start()
                return self.buf[self.pos]
            self.pos = len(self.buf)
            self.compact()
            if not self.fill():
                return None

    def expect(self, allowed: str, what: str) -> str:
        char = self.peek()
        if char is None or char not in allowed:
            self.error(self.pos, f"expected {what}" + (" but the file ends" if char is None else ""))
        self.pos += 1
        return char

    def value(self) -> tuple[object, int, int]:
        """Decode the JSON value at pos; (value, start, end). Reads more text while the value is incomplete."""
        if self.peek() is None:
            self.error(self.pos, "expected a value but the file ends")
        start = self.pos
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, start)
            except json.JSONDecodeError as exc:
                incomplete = exc.pos >= len(self.buf) - _INCOMPLETE_MARGIN or exc.msg.startswith("Unterminated")
                if incomplete and self.fill_value(start):
                    continue
                self.error(exc.pos, exc.msg)
            if end >= len(self.buf) and self.fill_value(start):  # a number or literal may continue
                continue
            self.pos = end
            return value, start, end

    def fill_value(self, start: int) -> bool:
        """fill(), for a value that starts at `start` and is not complete yet: within the budget for one value."""
        self.budget.check_value(len(self.buf) - start, self.line_of(start))
        return self.fill()

    def check_item(self, start: int) -> None:
        """A top-level object read key by key (a single release) is one value too."""
        if self.pos - start > self.budget.max_value_bytes:
            self.budget.check_value(self.pos - start, self.line_of(start))

    def error(self, index: int, message: str) -> NoReturn:
        line = self.line_of(index)
        col = index - (self.buf.rfind("\n", 0, index) + 1) + 1
        where = f"line {line}, column {col}: {message}"
        if self.item_line and self.item_line < line:
            # In JSON Lines the broken record is the line it starts on (an unfinished one shows up only on the
            # next line); elsewhere the error's own place comes first, with the item around it.
            where = (
                f"line {self.item_line} (the record on it is not complete or well-formed; at {where})"
                if self.json_lines
                else f"{where} (in the item that starts at line {self.item_line})"
            )
        raise InputFileError(
            self.name,
            f"is not valid JSON at {where}",
            "fix or re-download the file; nothing from it was loaded (use --skip-bad-files to go on without it)",
        )


class _Walker:
    """Walk the top-level values of a file and yield every release-level item in order."""

    def __init__(self, stream: _Stream, file: OcdsFile) -> None:
        self.s, self.file = stream, file
        self.position = 0
        self.shapes: list[str] = []
        self.one_per_line = True

    def items(self) -> Iterator[RawRelease]:
        if self.s.peek() is None:
            raise InputFileError(
                self.file.source_file, "is empty", "expected an OCDS release package, record package or releases"
            )
        while (char := self.s.peek()) is not None:
            if self.shapes and not self.s.at_line_start():
                self.one_per_line = False
            self.s.item_line = self.s.line_of(self.s.pos)
            self.s.json_lines = bool(self.shapes) and self.one_per_line
            if char == "{":
                yield from self._object()
            elif char == "[":
                self.shapes.append("release-array")
                yield from self._array(self._array_item)
            else:
                value, start, end = self.s.value()
                self._not_ocds_if_alone(f"is JSON ({release_problem(value)})")
                self.shapes.append("value")
                yield self._item(start, self.s.buf[start:end], value)
            self.s.compact()
        self.file.detected_format = self._format()

    def _not_ocds_if_alone(self, problem: str) -> None:
        """A file whose only value is not OCDS is not an OCDS file at all: an error, not a quarantined line."""
        if not self.shapes and self.s.peek() is None:
            raise InputFileError(
                self.file.source_file, problem, "expected OCDS 1.1 release packages, record packages or releases"
            )

    def _format(self) -> str:
        shapes = "+".join(dict.fromkeys(self.shapes))
        if len(self.shapes) > 1:
            shapes = ("json-lines" if self.one_per_line else "concatenated-json") + " of " + shapes
        return ("gzip/" if self.file.gzipped else "") + shapes

    def _item(self, start: int, text: str, value: object, problem: str | None = None) -> RawRelease:
        """A release-level item; one that is not an OCDS release carries the reason it is quarantined."""
        self.position += 1
        line = self.s.line_of(start)
        problem = problem or release_problem(value) or (control_problem(value) if _CONTROL_HINT.search(text) else None)
        if problem:
            return RawRelease(self.position, line, text, None, f"{problem} (item {self.position}, line {line})")
        return RawRelease(self.position, line, text, value)  # type: ignore[arg-type]

    def _object(self) -> Iterator[RawRelease]:
        """A top-level object: a package (its releases or records are streamed) or a single release."""
        s = self.s
        s.pinned = s.pos  # until it turns out to be a package, its text may be the item's
        s.pos += 1
        meta: dict = {}
        streamed = False
        if s.peek() == "}":
            s.pos += 1
        else:
            while True:
                if s.peek() != '"':
                    s.error(s.pos, "expected a property name in double quotes")
                key = s.value()[0]
                s.expect(":", "':'")
                if key in _SHAPES and s.peek() == "[":
                    # Every releases or records array is read: a package that repeats the key ('releases' twice)
                    # holds the releases of both, where a JSON parser would keep only the last.
                    if not streamed:
                        self.shapes.append(_SHAPES[key])
                    streamed, s.pinned = True, None
                    yield from self._array(self._package_item if key == "releases" else self._record)
                else:
                    meta[key] = s.value()[0]
                if s.pinned is not None:
                    s.check_item(s.pinned)
                if s.expect(",}", "',' or '}'") == "}":
                    break
        start, s.pinned = s.pinned, None
        if streamed:
            self.file.package = self.file.package or meta
            return
        end = s.pos
        if "ocid" not in meta:
            self._not_ocds_if_alone("is JSON but has no 'releases', 'records' or 'ocid'")
        self.shapes.append("release")
        yield self._item(start, s.buf[start:end], meta)

    def _array(self, handle: Callable[[object, int, int], Iterator[RawRelease]]) -> Iterator[RawRelease]:
        s = self.s
        s.expect("[", "'['")
        if s.peek() == "]":
            s.pos += 1
            return
        while True:
            s.compact()
            s.peek()
            s.item_line = s.line_of(s.pos)
            value, start, end = s.value()
            yield from handle(value, start, end)
            if s.expect(",]", "',' or ']'") == "]":
                return

    def _package_item(self, value: object, start: int, end: int) -> Iterator[RawRelease]:
        yield self._item(start, self.s.buf[start:end], value)

    def _array_item(self, value: object, start: int, end: int) -> Iterator[RawRelease]:
        """An item of a top-level array: a release, or a whole package (rare; its releases are expanded)."""
        if isinstance(value, dict) and "ocid" not in value and isinstance(value.get("releases"), list):
            for release in value["releases"]:
                yield self._item(start, json.dumps(release, ensure_ascii=False), release)
        elif isinstance(value, dict) and "ocid" not in value and isinstance(value.get("records"), list):
            for record in value["records"]:
                yield from self._record(record, start, end)
        else:
            yield self._item(start, self.s.buf[start:end], value)

    def _record(self, record: object, start: int, end: int) -> Iterator[RawRelease]:
        if not isinstance(record, dict):
            yield self._item(start, self.s.buf[start:end], record, "record is not a JSON object")
            return
        embedded = [r for r in record.get("releases") or [] if not (isinstance(r, dict) and _is_linked(r))]
        if embedded:
            for release in embedded:
                yield self._item(start, json.dumps(release, ensure_ascii=False), release)
        elif isinstance(record.get("compiledRelease"), dict):
            compiled = record["compiledRelease"]
            yield self._item(start, json.dumps(compiled, ensure_ascii=False), compiled)
        else:
            yield self._item(
                start, self.s.buf[start:end], record, "record has no embedded releases and no compiledRelease"
            )


def control_problem(value: object) -> str | None:
    """Name the first string in a release holding a control character (tab and line breaks are text): NUL and the
    like are damage, and would be stored inside a title or a supplier's name."""
    stack: list[tuple[str, object]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if found := CONTROL.search(item):
                return (
                    f"release holds a control character U+{ord(found.group()):04X} in {path or 'a string'}: "
                    "not text a publisher types, so the release is damaged"
                )
        elif isinstance(item, dict):
            stack += [(f"{path}.{key}" if path else str(key), v) for key, v in reversed(item.items())]
        elif isinstance(item, list):
            stack += [(path, v) for v in reversed(item)]
    return None


def _is_linked(release: dict) -> bool:
    """A linked release in a record: a URL to the release, not its data."""
    return "url" in release and "ocid" not in release and "tender" not in release


def release_problem(value: object) -> str | None:
    """Why an item cannot be loaded as an OCDS release, or None when it can."""
    if not isinstance(value, dict):
        kind = {list: "an array", str: "a string", bool: "true/false", type(None): "null"}.get(type(value), "a number")
        return f"item is {kind}, not an OCDS release object"
    for key, what in (("ocid", "ocid"), ("id", "release id"), ("date", "date")):
        if _text(value.get(key)) is None:
            return f"object has no {what}: not an OCDS release"
    return None
