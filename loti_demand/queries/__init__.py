"""The query API the pages, the CLI and the benchmark call: one function per .sql file in this folder.

Every value is a bound parameter. Each query is registered with example parameters so the benchmark can
time exactly the queries the pages run (`QUERIES`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

QUERIES_DIR = Path(__file__).parent


@cache
def sql(name: str) -> str:
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


def run(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> pd.DataFrame:
    """Run queries/<name>.sql with named parameters and return a DataFrame."""
    return con.execute(sql(name), params).df()


@dataclass(frozen=True)
class Query:
    name: str
    function: Callable[..., pd.DataFrame]
    example: Callable[[duckdb.DuckDBPyConnection], dict]


QUERIES: dict[str, Query] = {}


def query(example: Callable[[duckdb.DuckDBPyConnection], dict] = lambda con: {}):
    """Register a query function with a way to make example parameters for the benchmark."""

    def register(function: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
        QUERIES[function.__name__] = Query(function.__name__, function, example)
        return function

    return register


def as_of(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The date the data runs to: figures for 'the last 12 months' end here."""
    rows = con.execute("select data_as_of from build_info").fetchall()
    return rows[0][0] if rows and rows[0][0] else dt.date.today()


def _as_of_example(con: duckdb.DuckDBPyConnection) -> dict:
    return {"as_of": as_of(con)}


@query()
def build_info(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "build_info")


@query(_as_of_example)
def headline(con: duckdb.DuckDBPyConnection, *, as_of: dt.date) -> pd.DataFrame:
    return run(con, "headline", as_of=as_of)


@query(_as_of_example)
def tech_spend_by_category(con: duckdb.DuckDBPyConnection, *, as_of: dt.date) -> pd.DataFrame:
    return run(con, "tech_spend_by_category", as_of=as_of)


# --- Map, borough profile and spend pages -----------------------------------------------------------------
# Windows are inclusive dates (loti_demand.periods); `boroughs` is a tuple of GSS codes, empty = all London;
# `category` is a tech_category code or None = all tech categories.

GRAINS = ("month", "quarter")


def _codes(boroughs: tuple[str, ...] | list[str] | None) -> list[str] | None:
    return list(boroughs) if boroughs else None


def _last12(con: duckdb.DuckDBPyConnection) -> dict:
    end = as_of(con)
    return {"start": end - dt.timedelta(days=365), "end": end}


def _next18(con: duckdb.DuckDBPyConnection) -> dict:
    start = as_of(con)
    return {"start": start, "end": start + dt.timedelta(days=548)}


def _a_borough(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute("select borough_code from agg_spend_by_borough_month order by borough_code limit 1").fetchall()
    return rows[0][0] if rows else "E09000001"


@query()
def data_dates(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "data_dates")


@query()
def tech_categories(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "tech_categories")


@query()
def borough_list(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "borough_list")


@query(lambda con: {**_last12(con), "category": None})
def borough_measures(con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date,
                     category: str | None = None) -> pd.DataFrame:
    return run(con, "borough_measures", start=start, end=end, category=category)


@query(lambda con: {**_last12(con), "boroughs": (), "category": None})
def spend_summary(con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = (),
                  category: str | None = None) -> pd.DataFrame:
    return run(con, "spend_summary", start=start, end=end, boroughs=_codes(boroughs), category=category)


@query(lambda con: {**_last12(con), "boroughs": (), "category": None, "grain": "month"})
def spend_over_time(con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = (),
                    category: str | None = None, grain: str = "month") -> pd.DataFrame:
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}")
    return run(con, "spend_over_time", start=start, end=end, boroughs=_codes(boroughs), category=category,
               grain=grain)


@query(lambda con: {**_last12(con), "boroughs": (_a_borough(con),)})
def category_spend(con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date,
                   boroughs: tuple[str, ...] = ()) -> pd.DataFrame:
    return run(con, "category_spend", start=start, end=end, boroughs=_codes(boroughs))


@query(lambda con: {**_last12(con), "boroughs": (), "category": None, "limit": 10})
def top_suppliers(con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = (),
                  category: str | None = None, limit: int = 10) -> pd.DataFrame:
    """The `limit` largest suppliers plus one more when there are more (so the page can say so)."""
    return run(con, "top_suppliers", start=start, end=end, boroughs=_codes(boroughs), category=category,
               limit=int(limit))


@query(lambda con: {**_last12(con), "boroughs": (), "category": None})
def supplier_concentration(con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date,
                           boroughs: tuple[str, ...] = (), category: str | None = None) -> pd.DataFrame:
    return run(con, "supplier_concentration", start=start, end=end, boroughs=_codes(boroughs), category=category)


@query(lambda con: {**_next18(con), "boroughs": (), "category": None})
def sme_pipeline(con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = (),
                 category: str | None = None) -> pd.DataFrame:
    return run(con, "sme_pipeline", start=start, end=end, boroughs=_codes(boroughs), category=category)


@query(lambda con: {**_next18(con), "borough": _a_borough(con)})
def borough_pipeline(con: duckdb.DuckDBPyConnection, *, borough: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    return run(con, "borough_pipeline", borough=borough, start=start, end=end)


@query(lambda con: {"borough": _a_borough(con)})
def borough_challenges(con: duckdb.DuckDBPyConnection, *, borough: str) -> pd.DataFrame:
    return run(con, "borough_challenges", borough=borough)


@query(lambda con: {**_next18(con), "borough": _a_borough(con)})
def borough_expiring(con: duckdb.DuckDBPyConnection, *, borough: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    return run(con, "borough_expiring", borough=borough, start=start, end=end)


@query(lambda con: {"borough": _a_borough(con)})
def borough_coverage(con: duckdb.DuckDBPyConnection, *, borough: str) -> pd.DataFrame:
    return run(con, "borough_coverage", borough=borough)
