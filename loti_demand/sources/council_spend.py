"""Read "spend over £500" files (CSV in any common encoding, XLSX, XLS, or ZIP archives of them) into raw text.

The reader finds the header row after any report preamble, maps the council's column names onto the
Transparency Code fields through the declared synonyms table (data/reference/spend_columns.csv, plus an
optional per-borough mapping), and yields every non-blank line after the header as text with its line
number, in Arrow batches. It never cleans values: amounts, dates, totals rows and redactions are judged
set-wide by the staging model, so every line is accounted for. What it detected (format, encoding,
header row, mapping) travels with the rows and is stored per file.
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from loti_demand.exceptions import InputFileError, InputLimitError, MissingColumnsError, SummaryOnlyError
from loti_demand.sources import spend_header, spreadsheets
from loti_demand.sources.delimited import (
    NotFastPath,
    read_fast,
    read_python,
    split_after_line,
)
from loti_demand.sources.detect import (
    DELIMITERS,
    detect_delimiter,
    detect_line_encodings,
    has_controls,
    looks_binary,
    looks_html,
    refuse_binary_looking_text,
    refuse_nul,
)
from loti_demand.sources.limits import (
    MAX_ARCHIVE_DEPTH,
    MAX_FIELD_CHARS,
    Budget,
    check_archive,
    open_archive,
    refuse,
)
from loti_demand.sources.spend_batches import fast_batches, python_batches
from loti_demand.sources.spend_header import (
    REQUIRED,
    SPEND_FIELDS,
    description_columns,
    header_key,
    load_synonyms,
    map_header,
    skip_blank_required,
)
from loti_demand.sources.spreadsheets import Rows, Sheets, cell_text

__all__ = [
    "REQUIRED",
    "SPEND_FIELDS",
    "SkippedMember",
    "SpendTable",
    "cell_text",
    "header_key",
    "load_synonyms",
    "map_header",
    "read_spend",
]

XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
MEMBER_SUFFIXES = (".csv", ".tsv", ".txt", *SPREADSHEET_SUFFIXES, ".zip")
HEAD_BYTES = 1 << 20  # the header is looked for in the first MiB (HEADER_SCAN_ROWS rows at most)
THREADED_DIGEST_BYTES = 8 << 20
# Below this, pyarrow's per-call set-up costs more than it saves. Measured on a 2-CPU machine: 15 KB takes 1.6 ms
# either way; 30 KB 2.4 ms (csv module) vs 2.2 ms (fast); 240 KB 12.8 ms vs 4.8 ms.
FAST_PATH_MIN_BYTES = 32 << 10
PEEK_ROWS = 50  # rows after the header looked at for required columns left empty
_HASHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256")


@dataclass
class SpendTable:
    """One table of payment lines read from a file (a ZIP gives one per member).

    Iterate `batches()` once: Arrow tables with `source_row`, every field of SPEND_FIELDS as text (NULL where the
    file has no such column) and `descriptions`. `lines_read` counts the non-blank lines seen so far.
    """

    source_file: str
    digest: Callable[[], str] = field(repr=False)
    detected_format: str
    encoding: str | None
    header_row: int
    columns_found: list[str]
    mapping: dict[str, str]
    described: list[tuple[int, str]] = field(default_factory=list)  # (position, header) of descriptive columns
    produce: Callable[[], Iterator[pa.Table]] = field(default=lambda: iter(()), repr=False)
    lines_read: int = 0
    parser: str = "python"
    expected_lines: int | None = None  # exact on the fast path, an estimate otherwise (for progress only)

    @property
    def sha256(self) -> str:
        return self.digest()

    def batches(self) -> Iterator[pa.Table]:
        for table in self.produce():
            self.lines_read += table.num_rows
            yield table

    def read_now(self) -> None:
        """Parse every batch now (raising any error now); batches() then gives them without parsing."""
        done = list(self.produce())
        self.produce = lambda: iter(done)

    def describe(self) -> str:
        enc = f", {self.encoding}" if self.encoding else ""
        return f"{self.detected_format}{enc}, header on row {self.header_row}, {self.lines_read:,} lines"


def read_spend(path: Path, *, name: str | None = None, mapping: dict[str, str] | None = None) -> list[Unit]:
    """Read one spend file. Raises InputFileError (naming the file and what was expected) when it cannot be read."""
    name = name or str(path)
    budget = Budget(name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(name, f"cannot be opened ({exc.strerror or exc})") from exc
    budget.check_size(len(data))
    return read_spend_bytes(data, name=name, mapping=mapping, budget=budget)


def read_spend_bytes(
    data: bytes, *, name: str, mapping: dict[str, str] | None = None, budget: Budget | None = None, depth: int = 0
) -> list[Unit]:
    """Read spend data from bytes; the format is detected from the content, not the file name. `depth` counts the
    archives this content came out of."""
    budget = budget or Budget(name)
    synonyms = spend_header.with_mapping(load_synonyms(), mapping)
    sha = _digest(data)
    kind = _office_kind(data, budget) if data[:4] == ZIP_MAGIC else None
    if kind == "xlsx":
        return _read_sheets(spreadsheets.xlsx_sheets(data, name, budget), name, sha, "xlsx", synonyms, budget)
    if kind == "ods":
        return _read_sheets(spreadsheets.ods_sheets(data, name, budget), name, sha, "ods", synonyms, budget)
    if kind == "odf":
        raise InputFileError(
            name,
            "is an OpenDocument file that is not a spreadsheet (a text document or a presentation)",
            "export its table as CSV, or save it from LibreOffice Calc as .ods or XLSX",
        )
    if data[:4] == ZIP_MAGIC:
        return _read_zip(data, name, mapping, budget, depth + 1)
    if data[:8] == XLS_MAGIC:
        return _read_sheets(spreadsheets.xls_sheets(data, name, budget), name, sha, "xls", synonyms, budget)
    if not data[:65536].strip() and not data.strip():
        raise InputFileError(name, "is empty", "check the download finished; a spend file needs a header row")
    if data[:2] not in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) and looks_binary(data[:65536]):
        refuse_binary_looking_text(data, data[:65536], name)
        raise InputFileError(
            name,
            "is not a CSV or Excel file (it looks binary)",
            "spend files must be CSV, XLSX, XLS, ODS or a ZIP of those; re-download or re-export it",
        )
    utf16 = data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    if looks_html(data[:4096].decode("utf-16" if utf16 else "latin-1", "replace")):
        raise InputFileError(
            name,
            "is a web page (HTML), not a CSV or Excel file: often an error, login or 'not found' page saved under the"
            " file's name, or a table exported as a web page",
            "download the file again from the council's page and check that the link leads to the file itself; if "
            "it holds the payments as a table, open it in a spreadsheet and save it as CSV",
        )
    return [_read_text(data, name, sha, synonyms, budget)]


def _digest(data: bytes) -> Callable[[], str]:
    """SHA-256 of the bytes; for big files it is computed in a thread while the file is parsed."""
    if len(data) < THREADED_DIGEST_BYTES:
        value = hashlib.sha256(data).hexdigest()
        return lambda: value
    return _HASHER.submit(lambda: hashlib.sha256(data).hexdigest()).result


def _office_kind(data: bytes, budget: Budget) -> str | None:
    """'xlsx' for an Excel workbook, 'ods' or 'odf' for an OpenDocument spreadsheet or other file
    (spreadsheets.odf_kind), None for any other ZIP archive."""
    try:
        with open_archive(data, budget) as archive:
            return "xlsx" if "xl/workbook.xml" in archive.namelist() else spreadsheets.odf_kind(archive)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def _read_text(
    data: bytes, name: str, digest: Callable[[], str], synonyms: list[tuple[str, str]], budget: Budget
) -> SpendTable:
    encoding, misencoded = detect_line_encodings(data)
    scanned = data if encoding != "utf-16" else data.decode("utf-16", errors="replace").encode("utf-8")
    refuse_nul(scanned, name)
    controls = has_controls(scanned)
    head = data[:HEAD_BYTES].decode(encoding, errors="replace").removeprefix("\ufeff")
    delimiter = detect_delimiter(head[:65536])
    try:
        header_row, header_end, cells, positions = _header(head, delimiter, name, synonyms, budget)
    except (MissingColumnsError, SummaryOnlyError) as no_header:
        # The line widths can point to the wrong delimiter when the cells hold another one (tabs typed into a
        # comma-separated file): the header decides. When none finds it, the error is that of the delimiter that
        # splits the likeliest header into the most recognised columns (the likeliest delimiter's on a tie), so
        # it lists the columns as the council wrote them.
        errors: list[InputFileError] = [no_header]
        for other in (d for d in DELIMITERS if d != delimiter and d in head):
            try:
                header_row, header_end, cells, positions = _header(head, other, name, synonyms, budget)
            except InputFileError as error:
                errors.append(error)
                continue
            delimiter = other
            break
        else:
            raise max(errors, key=lambda error: getattr(error, "recognised", -1))
    fmt = "csv" if delimiter == "," else f"csv (delimiter {delimiter!r})"
    table = _table(name, digest, fmt, encoding, header_row, cells, positions)

    unclosed: set[int] = set()  # lines whose quote mark would carry the lines after them into one value

    def python_rows() -> Rows:
        text = data.decode(encoding, errors="replace").removeprefix("\ufeff")
        rows = _csv_errors(read_python(text, 1, delimiter, len(cells), unclosed), name, budget)
        return (row for row in rows if row[0] > header_end)

    utf8 = data.removeprefix(codecs.BOM_UTF8) if encoding in ("utf-8", "utf-8-sig") and not misencoded else None
    try:
        if len(data) < FAST_PATH_MIN_BYTES:
            raise NotFastPath("small file: the csv module is quicker than starting pyarrow's reader")
        if misencoded or controls:
            raise NotFastPath("lines to judge one by one: some are not in the file's encoding or hold control codes")
        if utf8 is None:
            utf8 = data.decode(encoding, errors="replace").removeprefix("\ufeff").encode("utf-8")
        if b"\r" in utf8 and utf8.count(b"\r") != utf8.count(b"\r\n"):
            raise NotFastPath("lone carriage returns: the csv module and a byte scan count lines differently")
        numbers, parsed = read_fast(split_after_line(utf8, header_end)[1], header_end + 1, len(cells), delimiter)
    except NotFastPath:
        problem = _line_problem(misencoded, cells, delimiter, unclosed, lambda: _usual_width(python_rows()))
        table.expected_lines = max(0, data.count(b"\n") - header_end)
        table.produce = lambda: python_batches(
            python_rows(), positions, cells, budget, table.described, problem, controls=controls
        )
        return table
    table.parser = "fast"
    table.expected_lines = parsed.num_rows
    table.produce = lambda: fast_batches(numbers, parsed, positions, table.described)
    return table


AES_COMPRESSION = 99  # a ZIP member encrypted with AES (WinZip's method number)


def _usual_width(rows: Rows) -> float:
    """How many values most of a file's lines have (more than half of them); infinite when no width is that usual
    (a spreadsheet's export whose lines end in a varying number of delimiters)."""
    counts = Counter(len(cells) for _, cells in rows)
    width, lines = counts.most_common(1)[0] if counts else (0, 0)
    return width if 2 * lines > counts.total() else float("inf")


def _line_problem(
    misencoded: dict[int, str],
    header: list[str],
    delimiter: str,
    unclosed: set[int],
    usual_width: Callable[[], float],
) -> Callable[[int, list[str]], str | None]:
    """A line's problem: not in the file's encoding (see `_spanned`), a quote mark never closed (`unclosed`, see
    `read_python`), or more values than the header has columns. The last is a value holding the delimiter unquoted
    ("Smith, J"; "1,234.50"): every value after it sits one column to the right, so the line cannot be read by its
    header, whatever its amount column happens to hold. (The fast path refuses such a file, so only this path meets
    them.) Empty values past the header are harmless when the file's lines usually have them (a delimiter ending
    every line), not on a line wider than most: there the empty value is the last column's, moved right.
    `usual_width` counts the lines' values, worked out (once) only when a line has empty values past the header."""
    spanned = _spanned(misencoded) if misencoded else None
    named = "a tab" if delimiter == "\t" else f"'{delimiter}'"
    width = len(header)
    usual = functools.cache(usual_width)

    def problem(number: int, cells: list[str]) -> str | None:
        if spanned and (found := spanned(number, cells)):
            return found
        if number in unclosed:
            i = next((i for i, cell in enumerate(cells) if cell.lstrip().startswith('"')), None)
            column = f" in column {str(header[i]).strip()!r}" if i is not None and i < width else ""
            return (
                f"a quote mark{column} opens a value that is never closed, so the lines after it would be read as"
                " part of it (they are read as lines of their own); close or remove the quote mark"
            )
        if len(cells) > width and (any(cell.strip() for cell in cells[width:]) or len(cells) > usual()):
            return (
                f"the line has {len(cells)} values where the header has {width} columns: a value probably holds"
                f" {named} without quotes, so the values after it are in the wrong columns; put that value in"
                " quotes, or re-export the file"
            )
        return None

    return problem


def _spanned(problems: dict[int, str]) -> Callable[[int, list[str]], str | None]:
    """The problem of a record, given problems by physical line: a quoted value may carry a record over lines."""

    def problem(number: int, cells: list[str]) -> str | None:
        last = number + sum(c.count("\n") for c in cells)
        return next((problems[n] for n in range(number, last + 1) if n in problems), None)

    return problem


def _header(head: str, delimiter: str, name: str, synonyms, budget: Budget) -> tuple[int, int, list[str], dict]:
    return _find_header(_csv_errors(read_python(head, 1, delimiter), name, budget), name, synonyms)[:4]


def _csv_errors(rows: Rows, name: str, budget: Budget) -> Rows:
    """Name the file and line when the csv module cannot parse it (e.g. an unclosed quote), or a line is too wide."""
    last: tuple[int, list[str]] | None = None  # the last good record: the error is in the one after it
    try:
        for last in rows:
            if len(last[1]) > budget.max_columns:
                budget.check_columns(len(last[1]), f"line {last[0]}")
            yield last
    except csv.Error as exc:
        line = last[0] + 1 + sum(c.count("\n") for c in last[1]) if last else 1
        if "field limit" in str(exc):
            raise InputFileError(
                name,
                f"has a value longer than {MAX_FIELD_CHARS:,} characters, the limit of one CSV value, from line {line}"
                " on: usually a quote mark that is never closed, which carries the lines after it into one value",
                "close or remove that quote mark, or re-export the file as CSV (UTF-8)",
            ) from exc
        raise InputFileError(
            name,
            f"is not well-formed CSV near line {line}: {exc}",
            "re-export the file as CSV (UTF-8) from the spreadsheet it came from",
        ) from exc


def _find_header(rows: Rows, name: str, synonyms) -> tuple[int, int, list[str], dict[str, int], Rows]:
    """(header line, last physical line of the header, header cells, field positions, the rows after the header);
    raises if not found. The first rows after the header are looked at (a required column empty on all of them is
    passed over for another that names the field), and given back at the head of the rows after it."""
    scanned: list[tuple[int, list[str]]] = []
    for number, cells in rows:
        scanned.append((number, cells))
        positions = map_header(cells, synonyms)
        if all(f in positions for f in REQUIRED):
            peeked, error = _peek(rows, PEEK_ROWS)
            positions = skip_blank_required(cells, positions, [c for _, c in peeked], synonyms)
            return number, number + _extra_lines(cells), cells, positions, _resume(peeked, error, rows)
        if len(scanned) >= spend_header.HEADER_SCAN_ROWS:
            break
    if inferred := spend_header.infer_header(scanned, synonyms):
        number, cells, positions = inferred
        after = [(n, c) for n, c in scanned if n > number]
        return number, number + _extra_lines(cells), cells, positions, _resume(after, None, rows)
    spend_header.raise_no_header(name, scanned, synonyms)
    raise AssertionError("unreachable")  # pragma: no cover


def _peek(rows: Rows, count: int) -> tuple[list[tuple[int, list[str]]], InputFileError | None]:
    """Up to `count` rows, and the error that stopped them early (raised again by _resume, where it was met)."""
    peeked: list[tuple[int, list[str]]] = []
    try:
        for row in rows:
            peeked.append(row)
            if len(peeked) >= count:
                break
    except InputLimitError:
        raise
    except InputFileError as exc:
        return peeked, exc
    return peeked, None


def _resume(peeked: list[tuple[int, list[str]]], error: InputFileError | None, rows: Rows) -> Rows:
    yield from peeked
    if error is not None:
        raise error
    yield from rows


def _extra_lines(cells: list[str]) -> int:
    """Physical lines a header record spans beyond its first (a quoted newline inside a column name)."""
    return sum(c.count("\n") for c in cells)


def _table(name, digest, fmt, encoding, header_row, cells, positions) -> SpendTable:
    return SpendTable(
        source_file=name,
        digest=digest,
        detected_format=fmt,
        encoding=encoding,
        header_row=header_row,
        columns_found=[str(c).strip() for c in cells],
        mapping={f: str(cells[i]).strip() for f, i in positions.items()},
        described=description_columns(cells, positions),
    )


@dataclass
class SkippedMember:
    """An archive member that is not a spend file: recorded (source_files status 'skipped'), never read."""

    source_file: str
    problem: str
    detected_format: str = "archive member"

    def read_now(self) -> None:
        """Nothing to read (read_now and batches as SpendTable's)."""

    def batches(self) -> Iterator[pa.Table]:
        return iter(())


Unit = SpendTable | SkippedMember


def _read_zip(data: bytes, name: str, mapping: dict[str, str] | None, budget: Budget, depth: int) -> list[Unit]:
    """Read every spend file in an archive (archives in it too, to MAX_ARCHIVE_DEPTH); name each other member."""
    if depth > MAX_ARCHIVE_DEPTH:
        raise refuse(
            name,
            f"is an archive nested {depth} deep (archives inside archives), over the limit of "
            f"{MAX_ARCHIVE_DEPTH}; unpack it and ingest the spend files it holds",
        )
    try:
        archive = open_archive(data, budget)
        members = check_archive(archive, budget)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputFileError(name, "is not a readable ZIP archive", "re-download the archive") from exc
    # Tools on Windows may separate folders with a backslash.
    named = [(m, shown) for m in members if not (shown := m.filename.replace("\\", "/")).endswith("/")]
    if all(_not_spend(shown) for _, shown in named):
        found = ", ".join(shown for _, shown in named) or "nothing"
        raise InputFileError(
            name,
            f"holds no CSV or Excel file (it holds {found})",
            "a ZIP must contain .csv, .xlsx, .xls or .ods spend files",
        )
    units: list[Unit] = []
    seen: Counter[str] = Counter()
    for member, shown in named:
        # A name the archive holds twice is told apart by its order ('feb.csv#2'): a file's lines are known by it.
        seen[shown] += 1
        unit_name = f"{name}!{shown}" if seen[shown] == 1 else f"{name}!{shown}#{seen[shown]}"
        if why := _not_spend(shown):
            units.append(SkippedMember(unit_name, why))
            continue
        if member.flag_bits & 0x1 or member.compress_type == AES_COMPRESSION:  # encrypted (ZipCrypto or AES)
            raise InputFileError(
                unit_name,
                "is password-protected, so it cannot be read",
                "extract it with its password and ingest the extracted file, or ask the publisher for an "
                "unprotected copy",
            )
        try:
            content = archive.read(member)
        except (zipfile.BadZipFile, OSError, RuntimeError, zlib.error, EOFError, ValueError) as exc:
            raise InputFileError(unit_name, f"cannot be extracted ({exc})", "re-download the archive") from exc
        units.extend(read_spend_bytes(content, name=unit_name, mapping=mapping, budget=budget, depth=depth))
    for unit in units:
        unit.detected_format = f"zip/{unit.detected_format}"
    return units


def _not_spend(member: str) -> str | None:
    """Why an archive member ('folder/file.pdf') is not read as a spend file; None when it is one."""
    base = member.rsplit("/", 1)[-1]
    if member.startswith("__MACOSX/") or base.startswith("."):
        return "not read: a hidden or macOS metadata file, not data"
    if not base.lower().endswith(MEMBER_SUFFIXES):
        return (
            f"not read: not a spend file (a spend file ends {', '.join(MEMBER_SUFFIXES)}); if it holds payments, "
            "export them as CSV and ingest that"
        )
    return None


# Spreadsheets ---------------------------------------------------------------------------------------------------


def _read_sheets(
    sheets: Sheets, name: str, digest: Callable[[], str], fmt: str, synonyms, budget: Budget
) -> list[SpendTable]:
    """Every sheet with a recognisable header (a workbook may hold a month on each sheet). One such sheet gives the
    file's lines, its format naming the sheet when it is not the first; with several, each sheet's lines are named
    '<file>!<sheet>', so each line still traces to its sheet and row. Sheets with no spend header (notes, a cover
    page) hold no payment lines and are passed over; with none at all, the first sheet's problem is raised."""
    found, first_error = [], None
    for index, (sheet, open_rows) in enumerate(sheets):
        problems: dict[int, str] = {}  # row numbers start again on each sheet
        try:
            header_row, _, cells, positions, rows = _find_header(open_rows(problems), name, synonyms)
        except InputLimitError:
            raise  # over a budget: the workbook is refused, whichever sheet holds the data
        except InputFileError as exc:
            first_error = first_error or exc
            continue
        found.append((index, sheet, header_row, cells, positions, rows, problems))
    if not found:
        if first_error is None:
            raise InputFileError(name, f"is an {fmt.upper()} workbook with no sheets", "re-export it as CSV")
        raise first_error
    tables = []
    for index, sheet, header_row, cells, positions, rows, problems in found:
        label = fmt if index == 0 else f"{fmt} (sheet {sheet!r})"
        table = _table(
            name if len(found) == 1 else f"{name}!{sheet}", digest, label, None, header_row, cells, positions
        )
        table.produce = lambda rows=rows, positions=positions, cells=cells, table=table, problems=problems: (
            python_batches(
                rows, positions, cells, budget, table.described, lambda number, _: problems.pop(number, None)
            )
        )
        tables.append(table)
    return tables
