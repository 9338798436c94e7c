"""Spend: the money councils and London-wide bodies paid for technology. Windows are inclusive dates
(loti_demand.periods); `boroughs` is a tuple of publisher codes (boroughs' GSS codes, London-wide bodies' codes such
as GLA), empty = all London, bodies included; `category` is a tech_category code or None = all tech categories."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from loti_demand import periods
from loti_demand.queries.core import codes, query, run, run_stored
from loti_demand.queries.examples import a_borough, as_of_example, last12

PIPELINE_MONTHS = 18  # the Overview's pipeline: the default forward period of every page (periods.forward_periods)


def latest_spend_window(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The latest 12 months of spend data to as_of: the Spend page's default period (periods.spend_periods), which
    the Overview's spend figures share. Not simply the 12 months to as_of: the data-as-of date is that of the
    newest source, and notices are often newer than the spend files (published a month or three late)."""
    dates = run(con, "data_dates").iloc[0]
    windows = periods.spend_periods(dates["first_spend_month"], dates["last_spend_month"], as_of)
    return (windows[0].start, windows[0].end) if windows else periods.months_back(as_of, 12)


@query(as_of_example)
def headline(con: duckdb.DuckDBPyConnection, *, as_of: dt.date) -> pd.DataFrame:
    """Tech spend in the latest 12 months of spend data (latest_spend_window); the pipeline of the PIPELINE_MONTHS
    months from as_of's month."""
    spend_start, spend_end = latest_spend_window(con, as_of)
    pipeline_from, pipeline_to = periods.months_from(as_of, PIPELINE_MONTHS)
    return run(
        con,
        "headline",
        spend_start=spend_start,
        spend_end=spend_end,
        pipeline_from=pipeline_from,
        pipeline_to=pipeline_to,
    )


@query(as_of_example)
def tech_spend_by_category(con: duckdb.DuckDBPyConnection, *, as_of: dt.date) -> pd.DataFrame:
    """Tech spend by category in the latest 12 months of spend data, London-wide (as the headline)."""
    spend_start, spend_end = latest_spend_window(con, as_of)
    return run(con, "tech_spend_by_category", spend_start=spend_start, spend_end=spend_end)


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
    return run(con, "spend_lines", borough_code=borough_code, month=month, tech_category=tech_category, limit=limit)


@query(lambda con: {**last12(con), "category": None})
def body_measures(
    con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date, category: str | None = None
) -> pd.DataFrame:
    """The map measures of the London-wide bodies with spend or tech notices (listed beside the borough map)."""
    return run(con, "body_measures", start=start, end=end, category=category)


@query(lambda con: {**last12(con), "category": None})
def borough_measures(
    con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date, category: str | None = None
) -> pd.DataFrame:
    """Every map measure for every borough: for the periods the pages offer as the build stored it
    (agg_borough_measures_by_period), for any other window worked out by the same macro."""
    return run_stored(con, "borough_measures", start=start, end=end, category=category)


@query(lambda con: {**last12(con), "boroughs": (), "category": None})
def spend_summary(
    con: duckdb.DuckDBPyConnection,
    *,
    start: dt.date,
    end: dt.date,
    boroughs: tuple[str, ...] = (),
    category: str | None = None,
) -> pd.DataFrame:
    return run_stored(con, "spend_summary", start=start, end=end, boroughs=codes(boroughs), category=category)


GRAINS = ("month", "quarter")  # of spend_over_time


@query(lambda con: {**last12(con), "boroughs": (), "category": None, "grain": "month"})
def spend_over_time(
    con: duckdb.DuckDBPyConnection,
    *,
    start: dt.date,
    end: dt.date,
    boroughs: tuple[str, ...] = (),
    category: str | None = None,
    grain: str = "month",
) -> pd.DataFrame:
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}")
    return run_stored(
        con, "spend_over_time", start=start, end=end, boroughs=codes(boroughs), category=category, grain=grain
    )


@query(lambda con: {**last12(con), "boroughs": (a_borough(con),)})
def category_spend(
    con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = ()
) -> pd.DataFrame:
    return run_stored(con, "category_spend", start=start, end=end, boroughs=codes(boroughs))


@query(
    lambda con: {**last12(con), "boroughs": (), "category": None, "limit": 10},
    variants=(
        (
            "top_suppliers, one borough",
            lambda con: {**last12(con), "boroughs": (a_borough(con),), "category": None, "limit": 10},
        ),
    ),
)
def top_suppliers(
    con: duckdb.DuckDBPyConnection,
    *,
    start: dt.date,
    end: dt.date,
    boroughs: tuple[str, ...] = (),
    category: str | None = None,
    limit: int = 10,
) -> pd.DataFrame:
    """The `limit` largest suppliers plus one more when there are more (so the page can say so): for every borough
    over a spend period the pages offer as the build stored them (agg_suppliers_by_period), else worked out."""
    return run_stored(
        con, "top_suppliers", start=start, end=end, boroughs=codes(boroughs), category=category, limit=int(limit)
    )


@query(
    lambda con: {**last12(con), "boroughs": (), "category": None},
    variants=(
        (
            "supplier_concentration, one borough",
            lambda con: {**last12(con), "boroughs": (a_borough(con),), "category": None},
        ),
    ),
)
def supplier_concentration(
    con: duckdb.DuckDBPyConnection,
    *,
    start: dt.date,
    end: dt.date,
    boroughs: tuple[str, ...] = (),
    category: str | None = None,
) -> pd.DataFrame:
    """How concentrated each category's named-supplier spend is. As with top_suppliers, the build has stored the
    answer for every borough over the periods the pages offer (agg_concentration_by_period)."""
    return run_stored(con, "supplier_concentration", start=start, end=end, boroughs=codes(boroughs), category=category)


@query(lambda con: {**last12(con), "boroughs": ()})
def possible_tech(
    con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = ()
) -> pd.DataFrame:
    return run(con, "possible_tech", start=start, end=end, boroughs=codes(boroughs))


@query(lambda con: {**last12(con), "borough": a_borough(con)})
def borough_peers(con: duckdb.DuckDBPyConnection, *, borough: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Tech spend per resident in the window of the borough, its neighbours, the median of its half of London and
    the London median (loti_demand.peers), from borough_measures' figures."""
    from loti_demand import peers

    return peers.compare(
        borough_measures(con, start=start, end=end), run(con, "borough_peers", borough=borough), borough
    )
