"""The headline questions over payment lines, asked of the raw lines with pandas (as an analyst would) and with
SQLite (as a Datasette user would), keyed by the name of the registered query that answers them on DuckDB:
the totals (spend_summary), spend by month (spend_over_time), category totals (category_spend), top suppliers
(top_suppliers) and spend per resident by borough (borough_measures, its spend columns).

The other registered queries are timed on DuckDB with the floor under their answers, not re-implemented here: a
second and third implementation of every page question would have to copy the warehouse's business rules.
tests/test_bench.py checks that all three engines give the same answers to the penny on generated data.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from benchmarks import pandas_answers, sqlite_answers


@dataclass(frozen=True)
class Equivalent:
    pandas: Callable[..., pd.DataFrame]  # (raw: Raw, **params)
    sqlite: Callable[..., pd.DataFrame]  # (con: sqlite3.Connection, **params)
    # DuckDB columns outside the payment lines (e.g. a borough's notices and challenges), left out of the comparison.
    not_compared: tuple[str, ...] = ()


# The columns of borough_measures that come from notices and challenges, not payment lines.
NOT_SPEND = (
    "pipeline_value_gbp",
    "pipeline_count",
    "contracts_expiring",
    "expiring_value_gbp",
    "notices",
    "open_challenges",
    "challenge_statements",
)


EQUIVALENTS: dict[str, Equivalent] = {
    "spend_summary": Equivalent(pandas_answers.spend_summary, sqlite_answers.spend_summary),
    "spend_over_time": Equivalent(pandas_answers.spend_over_time, sqlite_answers.spend_over_time),
    "category_spend": Equivalent(pandas_answers.category_spend, sqlite_answers.category_spend),
    "top_suppliers": Equivalent(pandas_answers.top_suppliers, sqlite_answers.top_suppliers),
    "borough_measures": Equivalent(
        pandas_answers.borough_measures, sqlite_answers.borough_measures, not_compared=NOT_SPEND
    ),
}


# --- Comparing answers ---------------------------------------------------------------------------------------


def _value(value: object) -> object:
    """A comparable form: numbers to the penny, dates as ISO days, missing values as None."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        return tuple(_value(v) for v in value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        return value
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).date().isoformat()
    if isinstance(value, str):
        return value
    try:
        return round(float(value), 2)
    except (TypeError, ValueError):
        return str(value)


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    rows = [tuple(_value(v) for v in row) for row in frame[columns].itertuples(index=False, name=None)]
    return sorted(rows, key=lambda row: tuple((v is None, str(v)) for v in row))


def differences(
    expected: pd.DataFrame, actual: pd.DataFrame, not_compared: tuple[str, ...] = (), tolerance: float = 0.0
) -> list[str]:
    """What differs between DuckDB's answer and another engine's (empty when they agree to the penny)."""
    wanted = [c for c in expected.columns if c not in not_compared]
    missing = [c for c in wanted if c not in actual.columns]
    if missing:
        return [f"columns missing: {missing}"]
    if len(expected) != len(actual):
        return [f"{len(actual)} rows instead of {len(expected)}"]
    problems = []
    for number, (want, got) in enumerate(zip(_rows(expected, wanted), _rows(actual, wanted), strict=True)):
        for column, a, b in zip(wanted, want, got, strict=True):
            close = isinstance(a, float) and isinstance(b, float) and abs(a - b) <= tolerance + 1e-9
            if a != b and not close:
                problems.append(f"row {number} {column}: {a!r} != {b!r}")
    return problems[:10]
