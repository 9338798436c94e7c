"""Challenges: the statements boroughs publish of problems they want solved, and what came of them."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from loti_demand.queries.core import as_of, query, run
from loti_demand.queries.examples import a_borough
from loti_demand.queries.word_search import search_query, with_search_match


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
    """Challenges matching a word search (loti_demand.search, over title, statement and theme) and filters,
    soonest closing first; search_match marks where the words are. closing_within_days counts from `today`
    (default: the real date)."""
    found = search_query(con, q)
    rows = run(
        con,
        "challenges_list",
        clauses=found.patterns(),
        borough=borough,
        theme=theme,
        tech_category=tech_category,
        status=status,
        closing_within_days=closing_within_days,
        today=today or dt.date.today(),
    )
    return with_search_match(rows, found)


@query()
def challenge_coverage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """How many boroughs have set a challenge statement, of how many, and when the statements opened."""
    return run(con, "challenge_coverage")


@query(_challenges_example)
def challenge_filter_options(
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
    """Each filter's choices with the number of challenges the list shows once it is chosen: counted among the
    challenges that challenges_list finds for the same search and filters but that one left out, all four
    filters in one query."""
    return run(
        con,
        "challenge_filter_options",
        clauses=search_query(con, q).patterns(),
        borough=borough,
        theme=theme,
        tech_category=tech_category,
        status=status,
        closing_within_days=closing_within_days,
        today=today or dt.date.today(),
    )


def _one_challenge(con: duckdb.DuckDBPyConnection) -> dict:
    rows = con.execute("select min(challenge_id) from challenges").fetchall()
    return {"challenge_id": rows[0][0] if rows else ""}


@query(_one_challenge)
def challenge_detail(con: duckdb.DuckDBPyConnection, *, challenge_id: str) -> pd.DataFrame:
    return run(con, "challenge_detail", challenge_id=challenge_id)


@query(_one_challenge)
def challenge_outcomes_for(con: duckdb.DuckDBPyConnection, *, challenge_id: str) -> pd.DataFrame:
    return run(con, "challenge_outcomes_for", challenge_id=challenge_id)


@query(lambda con: {"borough": a_borough(con)})
def borough_challenges(con: duckdb.DuckDBPyConnection, *, borough: str) -> pd.DataFrame:
    return run(con, "borough_challenges", borough=borough)
