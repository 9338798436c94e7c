"""The one CSV writer: the CLI `export` command and every download button use it.

Cells that a spreadsheet would run as a formula (starting =, +, -, @, tab or carriage return) are
prefixed with an apostrophe; numbers stay numbers; true/false are written Yes/No, as the pages say them.
Headers come from metrics.label so the CSV names match the screen.
"""

from __future__ import annotations

import csv
import io
import numbers
from collections.abc import Sequence

import numpy as np
import pandas as pd

from loti_demand import config
from loti_demand.exceptions import LotiDemandError
from loti_demand.metrics import label

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Neutralise spreadsheet formula injection in text; leave numbers, dates and blanks alone; Yes/No for
    true/false (every CSV says a boolean the same way)."""
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "Yes" if value else "No"
    # numbers.Number covers Decimal and numpy scalars (a nullable Int64 column yields numpy.int64): a negative
    # number must stay a number, not be neutralised as if it were a formula.
    if isinstance(value, numbers.Number) and not isinstance(value, (bool, np.bool_)):
        return "" if pd.isna(value) else value
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def check_size(rows: int, max_rows: int | None = None) -> None:
    """Raise a clear error when an export would hold more rows than the configured limit."""
    limit = max_rows if max_rows is not None else int(config.get("max_export_rows"))
    if rows > limit:
        raise LotiDemandError(
            f"the export has {rows:,} rows, more than the limit of {limit:,}; narrow the filters "
            "or raise LOTI_DEMAND_MAX_EXPORT_ROWS"
        )


def to_csv_bytes(
    df: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    notes: Sequence[str] = (),
    bom: bool = True,
    max_rows: int | None = None,
) -> bytes:
    """CSV bytes for a DataFrame: labelled headers, stable column order, UTF-8 (with BOM for Excel)."""
    check_size(len(df), max_rows)
    columns = list(columns or df.columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([label(c) for c in columns])
    for row in _dates_as_dates(df[columns]).itertuples(index=False, name=None):
        writer.writerow([safe_cell(v) for v in row])
    for note in notes:
        writer.writerow([safe_cell("# " + note)])
    data = buffer.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def _dates_as_dates(df: pd.DataFrame) -> pd.DataFrame:
    """DuckDB DATE columns arrive as midnight timestamps: write those columns as 2025-03-01, not with 00:00:00."""
    dates = [c for c in df.columns if pd.api.types.is_datetime64_any_dtype(df[c])
             and (df[c].dropna() == df[c].dropna().dt.normalize()).all()]
    if not dates:
        return df
    return df.assign(**{c: df[c].dt.date.astype(object).where(df[c].notna(), None) for c in dates})
