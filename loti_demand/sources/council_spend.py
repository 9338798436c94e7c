"""Read "spend over £500" files (CSV, XLSX, XLS, or ZIP archives of them) into raw text rows.

The reader finds the header row after any report preamble, maps the council's column names onto the
Transparency Code fields through the declared synonyms table (data/reference/spend_columns.csv), and
yields every non-blank line after the header as text with its line number. It never cleans values:
amounts, dates and totals rows are judged by the staging model, so every line is accounted for.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from loti_demand import config
from loti_demand.exceptions import InputFileError, MissingColumnsError, SummaryOnlyError
from loti_demand.sources.detect import detect_delimiter, detect_encoding, looks_binary

SPEND_FIELDS = (
    "payment_date",
    "service_area",
    "supplier_name",
    "expenditure_category",
    "purpose",
    "amount",
    "irrecoverable_vat",
    "transaction_id",
    "supplier_ref",
    "vat_number",
    "company_number",
    "proclass_code",
    "proclass_label",
    "invoice_number",
)
REQUIRED = ("payment_date", "supplier_name", "amount")
HEADER_SCAN_ROWS = 60
_KEY = re.compile(r"[^a-z0-9£]+")


def header_key(header: object) -> str:
    """'  Amount ' -> 'amount'; 'Invoice Nett Amount' -> 'invoicenettamount'."""
    return _KEY.sub("", str(header or "").lower().replace("\ufeff", ""))


def load_synonyms(folder: Path | None = None) -> list[tuple[str, str]]:
    """(field, header key) pairs in priority order from data/reference/spend_columns.csv."""
    return _synonyms(folder or config.path("reference"))


@cache
def _synonyms(folder: Path) -> list[tuple[str, str]]:
    path = folder / "spend_columns.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["field"], header_key(r["header"])) for r in csv.DictReader(fh)]


def map_header(cells: list[str], synonyms: list[tuple[str, str]]) -> dict[str, int]:
    """Map Transparency Code fields to column positions; the first synonym in the table wins."""
    keys = [header_key(c) for c in cells]
    mapping: dict[str, int] = {}
    for fld, syn in synonyms:
        if fld in mapping or syn not in keys:
            continue
        position = keys.index(syn)
        if position not in mapping.values():
            mapping[fld] = position
    return mapping


BATCH_ROWS = 50_000


@dataclass
class SpendTable:
    """One table of payment lines read from a file (a ZIP gives one per member).

    Lines are streamed: iterate `batches()` once; `lines_read` counts the non-blank lines seen so far.
    """

    source_file: str
    sha256: str
    detected_format: str
    encoding: str | None
    header_row: int
    columns_found: list[str]
    mapping: dict[str, str]
    positions: dict[str, int] = field(default_factory=dict)
    remaining: Iterator[tuple[int, list[str]]] = field(default_factory=lambda: iter(()))
    lines_read: int = 0

    def batches(self, size: int = BATCH_ROWS) -> Iterator[dict[str, list]]:
        """Column-oriented batches: {'source_row': [...], 'payment_date': [...], ...}."""
        fields = [(f, self.positions.get(f)) for f in SPEND_FIELDS]
        batch: dict[str, list] = {f: [] for f in ("source_row", *SPEND_FIELDS)}
        for number, cells in self.remaining:
            if not any(c.strip() for c in cells):
                continue
            self.lines_read += 1
            batch["source_row"].append(number)
            width = len(cells)
            for fld, i in fields:
                value = cells[i] if i is not None and i < width else None
                batch[fld].append(value if value is None or value.strip() else None)
            if len(batch["source_row"]) >= size:
                yield batch
                batch = {f: [] for f in batch}
        if batch["source_row"]:
            yield batch

    def describe(self) -> str:
        enc = f", {self.encoding}" if self.encoding else ""
        return f"{self.detected_format}{enc}, header on row {self.header_row}, {self.lines_read} lines"


def read_spend(
    path: Path, *, name: str | None = None, mapping: dict[str, str] | None = None
) -> list[SpendTable]:
    """Read one spend file. Raises InputFileError (naming the file) when it cannot be read at all."""
    name = name or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(name, f"cannot be opened ({exc.strerror or exc})") from exc
    return read_spend_bytes(data, name=name, mapping=mapping)


def read_spend_bytes(data: bytes, *, name: str, mapping: dict[str, str] | None = None) -> list[SpendTable]:
    synonyms = _with_overrides(load_synonyms(), mapping)
    lower = name.lower()
    if data[:4] == b"PK\x03\x04" and lower.endswith(".zip"):
        return _read_zip(data, name, mapping)
    if data[:4] == b"PK\x03\x04":
        return [_read_rows(_xlsx_rows(data, name), name, data, "xlsx", None, synonyms)]
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return [_read_rows(_xls_rows(data, name), name, data, "xls", None, synonyms)]
    if not data.strip():
        raise InputFileError(name, "is empty", "check the download finished; a spend file needs a header row")
    if looks_binary(data[:65536]):
        raise InputFileError(
            name,
            "is not a CSV or Excel file (it looks binary)",
            "spend files must be CSV, XLSX, XLS or a ZIP of those; re-download or re-export it",
        )
    encoding = detect_encoding(data)
    text = data.decode(encoding, errors="replace")
    delimiter = detect_delimiter(text[:65536])
    rows = _csv_rows(text, delimiter)
    fmt = "csv" if delimiter == "," else f"csv (delimiter {delimiter!r})"
    return [_read_rows(rows, name, data, fmt, encoding, synonyms)]


def _with_overrides(synonyms: list[tuple[str, str]], mapping: dict[str, str] | None) -> list[tuple[str, str]]:
    if not mapping:
        return synonyms
    return [(fld, header_key(col)) for fld, col in mapping.items()] + synonyms


def _read_zip(data: bytes, name: str, mapping: dict[str, str] | None) -> list[SpendTable]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise InputFileError(name, "is not a readable ZIP archive", "re-download the archive") from exc
    members = [m for m in archive.infolist() if not m.is_dir() and m.filename.lower().endswith(
        (".csv", ".txt", ".xlsx", ".xls"))]
    if not members:
        raise InputFileError(name, "holds no CSV or Excel file", "a ZIP must contain .csv, .xlsx or .xls files")
    tables: list[SpendTable] = []
    for member in members:
        try:
            data = archive.read(member)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
            raise InputFileError(f"{name}!{member.filename}", f"cannot be extracted from the ZIP archive ({exc})",
                                 "re-download the archive") from exc
        tables.extend(read_spend_bytes(data, name=f"{name}!{member.filename}", mapping=mapping))
    for table in tables:
        table.detected_format = f"zip/{table.detected_format}"
    return tables


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputFileError("", f"line {line}: {exc}") from exc


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _xlsx_rows(data: bytes, name: str) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise InputFileError(name, f"is not a readable Excel workbook ({exc})", "re-export it as XLSX or CSV") from exc
    sheet = book.worksheets[0]
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, [_cell_text(v) for v in values]
    book.close()


def _xls_rows(data: bytes, name: str) -> Iterator[tuple[int, list[str]]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data)
    except Exception as exc:
        raise InputFileError(name, f"is not a readable XLS workbook ({exc})", "re-export it as XLSX or CSV") from exc
    sheet = book.sheet_by_index(0)
    for r in range(sheet.nrows):
        cells = []
        for c in range(sheet.ncols):
            cell = sheet.cell(r, c)
            if cell.ctype == xlrd.XL_CELL_DATE:
                cells.append(xlrd.xldate_as_datetime(cell.value, book.datemode).date().isoformat())
            else:
                cells.append(_cell_text(cell.value))
        yield r + 1, cells


def _read_rows(
    rows: Iterable[tuple[int, list[str]]],
    name: str,
    data: bytes,
    fmt: str,
    encoding: str | None,
    synonyms: list[tuple[str, str]],
) -> SpendTable:
    iterator = iter(rows)
    scanned: list[tuple[int, list[str]]] = []
    header: tuple[int, list[str], dict[str, int]] | None = None
    try:
        for number, cells in iterator:
            scanned.append((number, cells))
            positions = map_header(cells, synonyms)
            if "amount" in positions and sum(f in positions for f in REQUIRED) == len(REQUIRED):
                header = (number, cells, positions)
                break
            if len(scanned) >= HEADER_SCAN_ROWS:
                break
        if header is None:
            _raise_no_header(name, scanned, synonyms)
        header_row, header_cells, positions = header
    except InputFileError as exc:
        if not exc.path:
            raise InputFileError(name, exc.problem, "check the file is a well-formed CSV") from exc
        raise
    return SpendTable(
        source_file=name,
        sha256=hashlib.sha256(data).hexdigest(),
        detected_format=fmt,
        encoding=encoding,
        header_row=header_row,
        columns_found=[c.strip() for c in header_cells],
        mapping={f: header_cells[i].strip() for f, i in positions.items()},
        positions=positions,
        remaining=_named_errors(iterator, name),
    )


def _named_errors(rows: Iterator[tuple[int, list[str]]], name: str) -> Iterator[tuple[int, list[str]]]:
    """Re-raise a CSV error met while streaming with the file's name."""
    try:
        yield from rows
    except InputFileError as exc:
        if exc.path:
            raise
        raise InputFileError(name, exc.problem, "check the file is a well-formed CSV") from exc


def _raise_no_header(name: str, scanned: list[tuple[int, list[str]]], synonyms) -> None:
    nonblank = [(n, c) for n, c in scanned if any(x.strip() for x in c)]
    if not nonblank:
        raise InputFileError(name, "has no rows", "a spend file needs a header row and payment lines")
    best_number, best = max(nonblank, key=lambda nc: (len(map_header(nc[1], synonyms)), -nc[0]))
    found = map_header(best, synonyms)
    shown = ", ".join(repr(c.strip()) for c in best if c.strip()) or "(none)"
    text = " ".join(" ".join(c) for _, c in nonblank).lower()
    if "supplier_name" in found and "payment_date" not in found and (
        "total" in text or "sum of" in text
    ):
        raise SummaryOnlyError(
            name,
            f"holds totals per supplier, not individual payments (columns on row {best_number}: {shown})",
            "the Transparency Code requires each payment over £500 with its date; ingest the council's "
            "transaction-level file instead",
        )
    missing = [f for f in REQUIRED if f not in found]
    raise MissingColumnsError(
        name,
        f"no header row with the required columns {', '.join(REQUIRED)} in the first {HEADER_SCAN_ROWS} rows; "
        f"missing {', '.join(missing)}; the likeliest header (row {best_number}) has columns: {shown}",
        "add the council's column names to data/reference/spend_columns.csv, or give a mapping file "
        "(spend/<borough>/mapping.csv with columns field,column, or --mapping) naming the column for each "
        "missing field",
    )
