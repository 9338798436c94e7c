"""Demand: procurements coming to market and contracts ending (the Demand calendar, the collaboration finder,
the pipeline by buyer), notices a word search finds, and what is growing."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from loti_demand import periods
from loti_demand.queries import core
from loti_demand.queries.core import as_of, codes, query, run, run_long, spend_periods
from loti_demand.queries.examples import a_borough, calendar_window, next18
from loti_demand.queries.word_search import (
    search_query,
    searched,
    with_search_match,
)


@query(lambda con: {"q": "software", "limit": 100})
def notice_search(con: duckdb.DuckDBPyConnection, *, q: str, limit: int = 100) -> pd.DataFrame:
    """London procurement notices a word search finds (title, description, buyer, suppliers, CPV label), latest
    first, past or upcoming, tech or not: at most `limit` rows. No words, no rows."""
    found = search_query(con, q)
    return with_search_match(run(con, "notice_search", clauses=found.patterns(), limit=int(limit)), found)


def _with_label(df: pd.DataFrame) -> pd.DataFrame:
    from loti_demand.metrics import VALUE_BAND_LABELS

    if "value_band" in df:
        df.insert(df.columns.get_loc("value_band") + 1, "value_band_label", df["value_band"].map(VALUE_BAND_LABELS))
    return df


@query(calendar_window)
def demand_calendar(
    con: duckdb.DuckDBPyConnection,
    *,
    date_from: dt.date,
    date_to: dt.date,
    categories: tuple[str, ...] = (),
    areas: tuple[str, ...] = (),
    value_bands: tuple[str, ...] = (),
    sme: str = "any",
    confidence: str = "any",
    q: str = "",
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """Upcoming London tech procurements and expected re-procurements in the window, one row per procurement.

    Empty tuples and 'any' mean no filter; areas hold GSS codes and 'london_wide'; sme is any, yes, no or unknown;
    confidence is any or one of metrics.STATUTORY / metrics.INFERRED. q is a word search (loti_demand.search)
    over the notices' title, description, buyer, suppliers and CPV label; with it, search_match marks the words.
    is_due_now (already due) is true for an item dated before as_of: the warehouse's data-as-of date unless given.
    """
    df = _with_label(
        run_long(
            con,
            "demand_calendar",
            date_from=date_from,
            date_to=date_to,
            categories=list(categories),
            areas=list(areas),
            value_bands=list(value_bands),
            sme=sme,
            confidence=confidence,
            as_of=as_of or core.as_of(con),
        )
    )
    return searched(con, df, "notice", "ocid", q) if q else df


@query()
def demand_undated(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "demand_undated")


@query(lambda con: {**calendar_window(con), "window_months": 6})
def collaboration_groups(
    con: duckdb.DuckDBPyConnection,
    *,
    date_from: dt.date,
    date_to: dt.date,
    window_months: int,
    categories: tuple[str, ...] = (),
    area: str = "",
) -> pd.DataFrame:
    """Boroughs buying the same tech category within `window_months` of each other: one row per candidate group."""
    return run(
        con,
        "collaboration_groups",
        date_from=date_from,
        date_to=date_to,
        window_months=window_months,
        categories=list(categories),
        area=area,
    )


GroupKey = tuple[int, str, dt.date, dt.date]


def group_keys(groups: pd.DataFrame) -> tuple[GroupKey, ...]:
    """(rank, tech category, first date, last date) of each row of collaboration_groups: what fixes its items."""
    return tuple(
        (int(rank), category, pd.Timestamp(start).date(), pd.Timestamp(end).date())
        for rank, category, start, end in zip(
            groups["group_rank"], groups["tech_category"], groups["group_start"], groups["group_end"], strict=True
        )
    )


def _evidence_example(con: duckdb.DuckDBPyConnection) -> dict:
    window = calendar_window(con)
    return {**window, "groups": group_keys(collaboration_groups(con, **window, window_months=6))}


@query(_evidence_example)
def collaboration_evidence(
    con: duckdb.DuckDBPyConnection, *, date_from: dt.date, date_to: dt.date, groups: tuple[GroupKey, ...]
) -> pd.DataFrame:
    """The procurements in the chosen groups (`group_keys` of collaboration_groups found with the same dates)."""
    ranks, categories, starts, ends = (list(column) for column in zip(*groups, strict=True)) if groups else ([],) * 4
    return run_long(
        con,
        "collaboration_evidence",
        date_from=date_from,
        date_to=date_to,
        group_ranks=ranks,
        tech_categories=categories,
        group_starts=starts,
        group_ends=ends,
    )


@query(lambda con: {**next18(con), "boroughs": (), "category": None})
def sme_pipeline(
    con: duckdb.DuckDBPyConnection,
    *,
    start: dt.date,
    end: dt.date,
    boroughs: tuple[str, ...] = (),
    category: str | None = None,
) -> pd.DataFrame:
    return run(con, "sme_pipeline", start=start, end=end, boroughs=codes(boroughs), category=category)


@query(lambda con: {**next18(con), "category": None})
def london_demand(
    con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date, category: str | None = None
) -> pd.DataFrame:
    """London's pipeline and contracts expiring in the window by kind of buyer: borough, body, other."""
    return run(con, "london_demand", start=start, end=end, category=category)


@query(lambda con: {**next18(con), "borough": a_borough(con)})
def borough_pipeline(con: duckdb.DuckDBPyConnection, *, borough: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    return run(con, "borough_pipeline", borough=borough, start=start, end=end)


@query(lambda con: {**next18(con), "borough": a_borough(con)})
def borough_expiring(con: duckdb.DuckDBPyConnection, *, borough: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    return run(con, "borough_expiring", borough=borough, start=start, end=end)


def _growth_example(con: duckdb.DuckDBPyConnection) -> dict:
    offered = spend_periods(con)
    return {"spend_end": offered[0].end if offered else as_of(con), "end": as_of(con)}


@query(_growth_example)
def category_growth(con: duckdb.DuckDBPyConnection, *, spend_end: dt.date, end: dt.date) -> pd.DataFrame:
    """Each tech category's tech spend (like for like), new tech procurements and challenges opened in the latest
    year and the year before (periods.growth_years of spend_end for spend, of end for the others)."""
    spend_before, spend_latest = periods.growth_years(spend_end)
    before, latest = periods.growth_years(end)
    return run(
        con,
        "category_growth",
        spend_before_start=spend_before.start,
        spend_before_end=spend_before.end,
        spend_latest_end=spend_latest.end,
        before_start=before.start,
        before_end=before.end,
        latest_start=latest.start,
        latest_end=latest.end,
    )


@query(lambda con: {"end": as_of(con)})
def term_growth(con: duckdb.DuckDBPyConnection, *, end: dt.date) -> pd.DataFrame:
    """How many London notices and challenge statements mention each watched technology term (technology_terms.csv)
    in the latest year and the year before, searched as the Demand calendar's ?q= searches it; with
    growth.terms_growth's totals, the terms found in either year only."""
    from loti_demand import growth

    before, latest = periods.growth_years(end)
    found = run(
        con,
        "term_growth",
        before_start=before.start,
        before_end=before.end,
        latest_start=latest.start,
        latest_end=latest.end,
    )
    return growth.terms_growth(found)
