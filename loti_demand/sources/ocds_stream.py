"""The text of an OCDS file decoded in chunks: JSON values decoded one at a time at a position, with syntax errors
named by line and column, and the file's size and reading time kept within its budget."""

from __future__ import annotations

import codecs
import json
import re
import zlib
from typing import BinaryIO, NoReturn

from loti_demand.exceptions import InputFileError
from loti_demand.sources.limits import Budget

CHUNK = 1 << 20  # characters decoded per read
_DECODER = json.JSONDecoder(strict=False)  # publishers leave raw tabs and newlines inside strings
_NOT_WS = re.compile(r"[^ \t\r\n]")
# A decode error this close to the end of the buffer may only mean the value continues in the next chunk.
_INCOMPLETE_MARGIN = 16


class JsonStream:
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
            except ValueError:  # an integer of more digits than Python converts (4,300): no real value has them
                self.error(start, "a number with thousands of digits, more than any real value has")
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
