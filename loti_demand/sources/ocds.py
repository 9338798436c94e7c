"""Read OCDS releases from release packages, record packages, single releases, JSON arrays, JSON Lines and
concatenated JSON (several documents back to back, even on one line), optionally gzipped, as a stream.

The file is decoded in chunks and each release is parsed on its own with `json.JSONDecoder.raw_decode`, so a
package of hundreds of MB never has to fit in memory, every release keeps its text as published (the raw
table stores it unchanged) and a syntax error is reported with its exact line and column. (ijson streams too,
but its C backend cannot say where an error is, and it would have to re-serialise every release.)
The chunked text is `ocds_stream.JsonStream`; what an item is and why one is quarantined, `ocds_items`.

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

import gzip
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from loti_demand.exceptions import InputFileError
from loti_demand.sources.limits import ocds_budget
from loti_demand.sources.ocds_items import RawRelease, control_problem, is_linked, release_problem
from loti_demand.sources.ocds_stream import CHUNK, JsonStream

# A control character in a release's text, raw or escaped (\u0000): a cheap test before its values are searched.
_CONTROL_HINT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\\u00(?:[01][0-9a-fA-F]|7[fF])")
_SHAPES = {"releases": "release-package", "records": "record-package"}


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
            stream = JsonStream(raw, self.source_file, ocds_budget(self.source_file), self.gzipped)
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


class _Walker:
    """Walk the top-level values of a file and yield every release-level item in order."""

    def __init__(self, stream: JsonStream, file: OcdsFile) -> None:
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
            wrong = [f"'{key}' is {_kind(meta[key])}, not a list" for key in _SHAPES if key in meta]
            self._not_ocds_if_alone(
                "is JSON but has no 'releases', 'records' or 'ocid'" + (f" ({'; '.join(wrong)})" if wrong else "")
            )
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
        embedded = [r for r in record.get("releases") or [] if not (isinstance(r, dict) and is_linked(r))]
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


def _kind(value: object) -> str:
    """What a JSON value is, in words ('an object', 'a string')."""
    kinds = {dict: "an object", str: "a string", bool: "true or false", type(None): "null"}
    return kinds.get(type(value), "a number")
