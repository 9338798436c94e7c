"""Read a reference CSV an officer may have edited in Excel, refusing what cannot be read as meant in one line that
names the file, the row and what to do: a file not in UTF-8, values separated by semicolons, a header without the
columns the file needs, a row with more values than the header, a value over several lines (a quote left open) or
over the csv module's field limit.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first value row 2."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from pathlib import Path

from loti_demand.exceptions import ReferenceDataError
from loti_demand.sources.limits import MAX_FIELD_CHARS

SAVE_AS = 'in Excel, save it again as "CSV UTF-8 (Comma delimited) (*.csv)"'


def numbered_rows(
    path: Path, required: Collection[str] = (), *, cp1252: bool = False
) -> list[tuple[int, dict[str, str]]]:
    """(row number, row) of each row of a CSV whose header names every `required` column (read_table)."""
    return read_table(path, required, cp1252=cp1252)[1]


def read_table(
    path: Path, required: Collection[str] = (), *, cp1252: bool = False
) -> tuple[tuple[str, ...], list[tuple[int, dict[str, str]]]]:
    """(the header, (row number, row) of each row) of a CSV whose header names every `required` column. UTF-8, with
    or without Excel's byte-order mark; with `cp1252`, a file that is not UTF-8 is read as Windows-1252 (what Excel's
    plain "CSV (Comma delimited)" writes), else it is refused. A row of blank values is left out (Excel keeps them)."""
    text = _decode(path, path.read_bytes(), cp1252=cp1252)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in _next(reader, path, 1) or []]
    _check_header(path, header, required)
    rows = []
    for number, values in enumerate(_rest(reader, path), start=2):
        if any("\n" in v or "\r" in v for v in values):  # DuckDB's read_csv of the same file would read other rows
            raise ReferenceDataError(
                f"{path}: row {number} holds a value over several lines (a double quote left open runs on to the "
                "lines after it); close the quote, or put the value on one line"
            )
        if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
            raise ReferenceDataError(
                f"{path}: row {number} has {len(values)} values where the header has {len(header)} columns; put the "
                'value that holds a comma in double quotes ("like, this")'
            )
        if any(v.strip() for v in values):
            rows.append((number, dict(zip(header, values + [""] * (len(header) - len(values)), strict=False))))
    return tuple(header), rows


def _decode(path: Path, data: bytes, *, cp1252: bool) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        if cp1252:
            try:
                return data.decode("cp1252")
            except UnicodeDecodeError:
                pass
        raise ReferenceDataError(f"{path}: row {line} is not UTF-8 (byte 0x{data[exc.start]:02x}); {SAVE_AS}") from None


def _next(reader, path: Path, number: int) -> list[str] | None:
    try:
        return next(reader, None)
    except csv.Error as exc:
        raise _csv_problem(path, number, exc) from None


def _rest(reader, path: Path):
    number = 2
    while (values := _next(reader, path, number)) is not None:
        yield values
        number += 1


def _csv_problem(path: Path, number: int, exc: csv.Error) -> ReferenceDataError:
    if "field larger than field limit" in str(exc):
        return ReferenceDataError(
            f"{path}: row {number} has a value longer than {MAX_FIELD_CHARS:,} characters (a double quote "
            "left open runs to the end of the file); close the quote or shorten the value"
        )
    return ReferenceDataError(f"{path}: row {number} cannot be read as CSV ({exc}); {SAVE_AS}")


def _check_header(path: Path, header: list[str], required: Collection[str]) -> None:
    missing = [c for c in required if c not in header]
    if not missing:
        return
    found = ",".join(header)
    if len(header) == 1 and (sep := next((s for s in (";", "\t", "|") if s in header[0]), None)):
        name = {";": "semicolons", "\t": "tabs", "|": "bars"}[sep]
        raise ReferenceDataError(f"{path}: row 1: the columns are separated by {name}, not commas; {SAVE_AS}")
    raise ReferenceDataError(
        f"{path}: row 1 (the header) has no {', '.join(missing)} column (it reads {found[:200]!r}); the file's header "
        f"must name {', '.join(required)}"
    )


def duplicates(rows: list[tuple[int, dict[str, str]]], column: str, what: str) -> list[str]:
    """A problem (for refuse) for each row whose `column` repeats an earlier row's, naming both rows."""
    first: dict[str, int] = {}
    problems = []
    for number, row in rows:
        value = (row.get(column) or "").strip()
        if value in first:
            problems.append(
                f"row {number}: {column} {value!r} is already on row {first[value]}; keep one row per {what}"
            )
        first.setdefault(value, number)
    return problems


MAX_SHOWN = 10


def refuse(path: Path, problems: list[str]) -> None:
    """Raise one ReferenceDataError naming the file, one line per problem ('row 3: ...'), when there are any."""
    if not problems:
        return
    shown = problems[:MAX_SHOWN] + ([f"... and {len(problems) - MAX_SHOWN} more"] if len(problems) > MAX_SHOWN else [])
    if len(shown) == 1:
        raise ReferenceDataError(f"{path}: {shown[0]}")
    raise ReferenceDataError(f"{path}: {len(problems)} problems:\n  " + "\n  ".join(shown))
