"""Example parameters shared by several queries' registrations: the windows and the borough the benchmark times
them with (`core.query`). Only the benchmark and the registry tests call them."""

from __future__ import annotations

import datetime as dt

import duckdb

from loti_demand import periods
from loti_demand.queries.core import as_of, spend_periods


def as_of_example(con: duckdb.DuckDBPyConnection) -> dict:
    return {"as_of": as_of(con)}


def calendar_window(con: duckdb.DuckDBPyConnection) -> dict:
    date_from, date_to = periods.months_from(as_of(con), 18)
    return {"date_from": date_from, "date_to": date_to}


def last12(con: duckdb.DuckDBPyConnection) -> dict:
    """The window the spend pages open with: the latest 12 months of spend data."""
    offered = spend_periods(con)
    if offered:
        return {"start": offered[0].start, "end": offered[0].end}
    end = as_of(con)
    return {"start": end - dt.timedelta(days=365), "end": end}


def next18(con: duckdb.DuckDBPyConnection) -> dict:
    start, end = periods.months_from(as_of(con), 18)
    return {"start": start, "end": end}


def a_borough(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute("select borough_code from agg_spend_by_borough_month order by borough_code limit 1").fetchall()
    return rows[0][0] if rows else "E09000001"
