"""The query API the pages, the CLI and the benchmark call: one function per .sql file in this folder.

Every value is a bound parameter. Each query is registered with example parameters so the benchmark can
time exactly the queries the pages run (`QUERIES`).
"""

from __future__ import annotations

import datetime as dt
import re
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


# --- Challenges -----------------------------------------------------------------------------------------

def search_words(text: str | None) -> list[str]:
    """The words of a search box, lower-cased, at most 10: every one must appear in the text searched."""
    return re.findall(r"\w+", (text or "").lower())[:10]


def _challenges_example(con: duckdb.DuckDBPyConnection) -> dict:
    return {"q": "data", "borough": "E09000007", "status": "open", "closing_within_days": 90, "today": as_of(con)}


@query(_challenges_example)
def challenges_list(
    con: duckdb.DuckDBPyConnection,
    *,
    q: str | None = None,
    borough: str | None = None,
    theme: str | None = None,
    tech_category: str | None = None,
    status: str | None = None,
    closing_within_days: int | None = None,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Challenges matching a search (all words, in the title or statement, any case) and filters, soonest
    closing first. closing_within_days counts from `today` (default: the real date)."""
    return run(con, "challenges_list", words=search_words(q), borough=borough, theme=theme,
               tech_category=tech_category, status=status, closing_within_days=closing_within_days,
               today=today or dt.date.today())


@query()
def challenge_filter_options(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "challenge_filter_options")


def _one_challenge(con: duckdb.DuckDBPyConnection) -> dict:
    rows = con.execute("select min(challenge_id) from challenges").fetchall()
    return {"challenge_id": rows[0][0] if rows else ""}


@query(_one_challenge)
def challenge_detail(con: duckdb.DuckDBPyConnection, *, challenge_id: str) -> pd.DataFrame:
    return run(con, "challenge_detail", challenge_id=challenge_id)


@query(_one_challenge)
def challenge_outcomes_for(con: duckdb.DuckDBPyConnection, *, challenge_id: str) -> pd.DataFrame:
    return run(con, "challenge_outcomes_for", challenge_id=challenge_id)


# Procurement thresholds (Procurement Act 2023, from 1 January 2024, VAT inclusive): sub-central authorities'
# goods and services. Used by expiring_contracts to choose how early re-procurement is expected.
SUB_CENTRAL_THRESHOLD_GBP = 214_904


def _window_example(months: int) -> Callable[[duckdb.DuckDBPyConnection], dict]:
    def example(con: duckdb.DuckDBPyConnection) -> dict:
        start = as_of(con)
        return {"date_from": start, "date_to": _add_months(start, months)}

    return example


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


@query(_window_example(18))
def pipeline(
    con: duckdb.DuckDBPyConnection,
    *,
    date_from: dt.date,
    date_to: dt.date,
    borough_code: str | None = None,
    tech_category: str | None = None,
    notice_type: str | None = None,
    sme_only: bool | None = None,
) -> pd.DataFrame:
    """Upcoming London procurements (planning and tender notices) with a key date in the window."""
    return run(con, "pipeline", **{"from": date_from, "to": date_to}, borough_code=borough_code,
               tech_category=tech_category, notice_type=notice_type, sme_only=sme_only)


@query(_window_example(24))
def expiring_contracts(
    con: duckdb.DuckDBPyConnection,
    *,
    date_from: dt.date,
    date_to: dt.date,
    borough_code: str | None = None,
    tech_category: str | None = None,
    threshold_gbp: int = SUB_CENTRAL_THRESHOLD_GBP,
) -> pd.DataFrame:
    """London contracts ending in the window, with incumbents and the expected re-procurement date."""
    return run(con, "expiring_contracts", **{"from": date_from, "to": date_to}, borough_code=borough_code,
               tech_category=tech_category, threshold_gbp=threshold_gbp)


@query()
def fetch_log(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every API fetch, newest first."""
    return run(con, "fetch_log")


def _busiest_borough_month(con: duckdb.DuckDBPyConnection) -> dict:
    rows = con.execute(
        "select borough_code, payment_month from agg_spend_by_borough_month "
        "group by all order by payment_month desc, sum(lines) desc limit 1"
    ).fetchall()
    borough_code, month = rows[0] if rows else ("E09000001", dt.date(2000, 1, 1))
    return {"borough_code": borough_code, "month": month, "tech_category": None, "limit": 100}


@query(_busiest_borough_month)
def spend_lines(
    con: duckdb.DuckDBPyConnection,
    *,
    borough_code: str,
    month: dt.date,
    tech_category: str | None = None,
    limit: int = 100,
) -> pd.DataFrame:
    """Drill-down: one borough's largest payment lines in one month, optionally of one tech category."""
    return run(con, "spend_lines", borough_code=borough_code, month=month, tech_category=tech_category,
               limit=limit)
