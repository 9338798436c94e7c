"""Council spend lines into Arrow batches: the batch schema, each line's descriptions and its read problem.

`fast_batches` takes a table pyarrow parsed whole; `python_batches` takes rows one by one (the csv module and
spreadsheets). Both give the same columns, so the staging model cannot tell which path read a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from loti_demand.exceptions import InputFileError
from loti_demand.sources.delimited import BATCH_ROWS, is_blank
from loti_demand.sources.detect import control_problem
from loti_demand.sources.limits import TIME_CHECK_EVERY, Budget
from loti_demand.sources.spend_header import SPEND_FIELDS

# `descriptions`: every descriptive column of the line as 'Header: value' parts joined by ' | ' (see describe()).
# `read_problem`: what the reader found wrong with a line (not in the file's encoding, a control character, a
# formula with no saved value); the staging model quarantines the line with it.
BATCH_SCHEMA = pa.schema(
    [
        ("source_row", pa.int32()),
        *[(f, pa.string()) for f in SPEND_FIELDS],
        ("descriptions", pa.string()),
        ("read_problem", pa.string()),
    ]
)
DESCRIPTION_JOIN = " | "
_WORDY = r"(?s)[A-Za-z].*[A-Za-z]"  # a description has words: at least two letters (a numeric code has none)
_WORDY_SEARCH = re.compile(_WORDY).search
PYTHON_BATCH_ROWS = 50_000  # the slow paths (csv module, spreadsheets) report progress more often


def fast_batches(
    numbers: np.ndarray, parsed: pa.Table, positions: dict[str, int], described: list[tuple[int, str]]
) -> Iterator[pa.Table]:
    for start in range(0, parsed.num_rows, BATCH_ROWS):
        chunk = parsed.slice(start, BATCH_ROWS)
        columns = [pa.array(numbers[start : start + BATCH_ROWS], type=pa.int32())]
        for fld in SPEND_FIELDS:
            i = positions.get(fld)
            columns.append(chunk.column(i) if i is not None else pa.nulls(chunk.num_rows, pa.string()))
        columns.append(_describe_columns([(header, chunk.column(i)) for i, header in described], chunk.num_rows))
        columns.append(pa.nulls(chunk.num_rows, pa.string()))  # read_problem: the fast path reads clean files only
        yield pa.Table.from_arrays(columns, schema=BATCH_SCHEMA)


def _describe_columns(columns: list[tuple[str, pa.ChunkedArray]], rows: int) -> pa.Array:
    """describe() for whole columns at once, in Arrow. Each column's part is worked out once per distinct value (a
    column of a million lines holds a few thousand) and taken back to the lines. (Each part ends with the separator,
    cut off the joined text: pyarrow's null-skipping join drops rows whose parts are all null.)"""
    if not columns:
        return pa.nulls(rows, pa.string())
    parts = []
    for header, column in columns:
        encoded = pc.dictionary_encode(column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column)
        value = pc.utf8_trim_whitespace(encoded.dictionary)
        part = pc.binary_join_element_wise(pa.scalar(f"{header}: "), value, pa.scalar(DESCRIPTION_JOIN), "")
        part = pc.if_else(pc.match_substring_regex(value, _WORDY), part, pa.scalar(""))
        parts.append(pc.take(part, encoded.indices))
    joined = pc.binary_join_element_wise(*parts, "") if len(parts) > 1 else parts[0]
    joined = pc.utf8_slice_codeunits(joined, 0, -len(DESCRIPTION_JOIN))
    return pc.if_else(pc.equal(joined, ""), pa.scalar(None, pa.string()), joined)


def describe(cells: list[str], described: list[tuple[int, str]]) -> str | None:
    """'Expenditure Account: IT Consultancy | Entity: TRANSPORT TRADING LTD': every descriptive column of a line
    that holds words (a numeric code is left out), in the file's column order; None when none does."""
    parts = []
    width = len(cells)
    for i, header in described:
        value = cells[i].strip() if i < width and cells[i] else ""
        if _WORDY_SEARCH(value):
            parts.append(f"{header}: {value}")
    return DESCRIPTION_JOIN.join(parts) or None


LineProblem = Callable[[int, list[str]], "str | None"]


def python_batches(
    rows: Iterable[tuple[int, list[str]]],
    positions: dict[str, int],
    header: list[str],
    budget: Budget,
    described: list[tuple[int, str]],
    line_problem: LineProblem | None = None,
    *,
    controls: bool = True,
) -> Iterator[pa.Table]:
    """Batches of the non-blank rows. A row's read_problem is `line_problem`'s answer (a line not in the file's
    encoding, a formula with no saved value), else a control character in a cell (when `controls`: the file has
    some)."""
    fields = [(f, positions.get(f)) for f in SPEND_FIELDS]
    numbers: list[int] = []
    columns: dict[str, list] = {f: [] for f in (*SPEND_FIELDS, "descriptions", "read_problem")}
    for count, (number, cells) in enumerate(rows):
        if count % TIME_CHECK_EVERY == 0:
            budget.check_time(f"line {number}")
        if is_blank(cells):
            continue
        problem = line_problem(number, cells) if line_problem else None
        if problem is None and controls:
            problem = _control_problem(cells, header, budget.name, number)
        numbers.append(number)
        columns["read_problem"].append(problem)
        width = len(cells)
        for fld, i in fields:
            columns[fld].append(cells[i] if i is not None and i < width else None)
        columns["descriptions"].append(describe(cells, described))
        if len(numbers) >= PYTHON_BATCH_ROWS:
            yield _arrow(numbers, columns)
            numbers, columns = [], {f: [] for f in columns}
    if numbers:
        yield _arrow(numbers, columns)


def _control_problem(cells: list[str], header: list[str], name: str, number: int) -> str | None:
    """A control character in a row quarantines it; a NUL refuses the whole file (as in a text file's bytes)."""
    problem = control_problem(cells, header)
    if problem and problem.startswith("control character U+0000"):
        raise InputFileError(
            name,
            f"holds a NUL character at line {number} ({problem.split(': ')[0]}): the file is damaged",
            "re-export the file from the system it came from",
        )
    return problem and f"{problem}; fix or re-export the file"


def _arrow(numbers: list[int], columns: dict[str, list]) -> pa.Table:
    return pa.Table.from_pydict({"source_row": numbers, **columns}, schema=BATCH_SCHEMA)
