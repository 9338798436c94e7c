"""The query layer's core: read a query's SQL, run it with bound parameters, give its answer as a DataFrame (from
Arrow for long answers, with DuckDB's own types and decimals), the registry of the queries the pages run
(`QUERIES`, with example parameters for the benchmark), and the data-as-of date and spend periods every subject's
windows start from. Of the package it imports only the pure loti_demand.periods, so every module of the query layer
can use it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from loti_demand import periods

QUERIES_DIR = Path(__file__).parent


@cache
def sql(name: str) -> str:
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


def run(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> pd.DataFrame:
    """Run queries/<name>.sql with named parameters and return a DataFrame."""
    return con.execute(sql(name), params).df()


def run_stored(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> pd.DataFrame:
    """The answer the build stored for these parameters (queries/<name>_stored.sql), or, when it stored none,
    the answer worked out (queries/<name>.sql). Two queries rather than one holding both: DuckDB plans the working
    out even when the stored answer is there, which cost 8 to 10 ms a question at 10M lines."""
    stored = run(con, f"{name}_stored", **params)
    return stored if len(stored) else run(con, name, **params)


def run_long(
    con: duckdb.DuckDBPyConnection, name: str, *, only: tuple[str, ...] = (), **params: object
) -> pd.DataFrame:
    """`run` for answers of thousands of rows, giving the same DataFrame faster (with `only` those columns).

    DuckDB's DataFrame conversion makes a Python string per text cell (half the time of an 11,000-row calendar),
    and building a frame column by column costs about 0.5 ms a column. Here the answer comes as Arrow and becomes
    a frame in one conversion, with each column in the type `run` gives it; the few columns whose type only
    DuckDB's conversion gives (NULLs in whole numbers or true/false, lists, text with no text at all, decimals
    too large to be exact in a float) still go through it. Only use it where the rows are many: for a short
    answer (a few hundred rows) `run` is 1-4 ms faster.
    """
    relation = con.sql(sql(name), params=params)
    return arrow_frame(con, (relation.select(*only) if only else relation).to_arrow_table())


def arrow_frame(con: duckdb.DuckDBPyConnection, table: pa.Table) -> pd.DataFrame:
    """An answer DuckDB gave as Arrow, as the DataFrame `.df()` would give (see run_long)."""
    ready = {f.name: _as_duckdb_would_convert(column) for f, column in zip(table.schema, table.columns, strict=True)}
    fast = [n for n, column in ready.items() if column is not None]
    if fast:
        df = pa.table([ready[n] for n in fast], names=fast).to_pandas(types_mapper=_TEXT.get)
    else:
        df = pd.DataFrame(index=pd.RangeIndex(table.num_rows))
    rest = [n for n, column in ready.items() if column is None]
    if rest:
        converted = con.from_arrow(table.select(rest)).df()
        for n in rest:
            df.insert(table.column_names.index(n), n, converted[n])
    return df


_TEXT = {pa.string(): pd.StringDtype(na_value=float("nan")), pa.large_string(): pd.StringDtype(na_value=float("nan"))}


def _as_duckdb_would_convert(column: pa.ChunkedArray) -> pa.ChunkedArray | pa.Array | None:
    """The column as Arrow whose to_pandas() gives exactly the type and values DuckDB's .df() gives, or None."""
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return column if column.null_count < len(column) else None  # DuckDB gives all-NULL text as objects
    if pa.types.is_decimal128(kind):
        # DuckDB divides the unscaled whole number by 10^scale; Arrow's own cast to float can differ in the last
        # bit (0.35 becomes 0.35000000000000003). Done here where the unscaled values are exact in a float.
        array = column.combine_chunks()
        words = np.frombuffer(array.buffers()[1], dtype="<i8")[array.offset * 2 : (array.offset + len(array)) * 2]
        low, high = words[0::2], words[1::2]
        if not ((high == low >> 63) & (np.abs(low) < 2**53)).all():
            return None
        nulls = array.is_null().to_numpy(zero_copy_only=False) if array.null_count else None
        return pa.array(low / float(10**kind.scale), mask=nulls)
    if pa.types.is_date32(kind):
        return column.cast(pa.timestamp("us"))
    if (pa.types.is_timestamp(kind) and kind.tz is None and kind.unit == "us") or pa.types.is_floating(kind):
        return column
    if (pa.types.is_boolean(kind) or pa.types.is_integer(kind)) and column.null_count == 0:
        return column  # with NULLs DuckDB gives pandas' nullable types, which only its conversion sets
    return None


Example = Callable[[duckdb.DuckDBPyConnection], dict]


@dataclass(frozen=True)
class Query:
    name: str
    function: Callable[..., pd.DataFrame]
    example: Example
    # (label, example) for parameters that take another path through the function, timed as well
    variants: tuple[tuple[str, Example], ...] = ()


QUERIES: dict[str, Query] = {}


def query(example: Example = lambda con: {}, variants: tuple[tuple[str, Example], ...] = ()):
    """Register a query function with a way to make example parameters for the benchmark."""

    def register(function: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
        QUERIES[function.__name__] = Query(function.__name__, function, example, variants)
        return function

    return register


def as_of(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The date the data runs to: figures for 'the last 12 months' end here."""
    rows = con.execute("select data_as_of from build_info").fetchall()
    return rows[0][0] if rows and rows[0][0] else dt.date.today()


def spend_periods(con: duckdb.DuckDBPyConnection) -> list[periods.Period]:
    """The spend periods the pages offer for this warehouse (ui.spend_periods: the same, through the page cache)."""
    dates = run(con, "data_dates").iloc[0]
    return periods.spend_periods(dates["first_spend_month"], dates["last_spend_month"], as_of(con))


def codes(boroughs: tuple[str, ...] | list[str] | None) -> list[str] | None:
    """A tuple of publisher codes as the SQL's list parameter: None (all London) when empty."""
    return list(boroughs) if boroughs else None
