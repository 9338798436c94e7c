"""What the warehouse holds and how well: the build's details, the dates and lists the filters offer, the files
loaded, quarantined lines, fetches, publication timeliness, tech classification and each borough's coverage."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from loti_demand import periods
from loti_demand.queries.core import as_of, query, run
from loti_demand.queries.examples import a_borough


@query()
def build_info(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "build_info")


@query()
def data_dates(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "data_dates")


@query()
def tech_categories(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "tech_categories")


@query()
def borough_list(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "borough_list")


@query()
def spend_bodies(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "spend_bodies")


@query()
def body_list(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "body_list")


@query()
def fetch_log(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every API fetch, newest first."""
    return run(con, "fetch_log")


def _coverage_example(con: duckdb.DuckDBPyConnection) -> dict:
    date_from, date_to = periods.months_back(as_of(con), 12)
    return {"date_from": date_from, "date_to": date_to, "as_of": as_of(con)}


@query(_coverage_example)
def coverage_by_borough(
    con: duckdb.DuckDBPyConnection, *, date_from: dt.date, date_to: dt.date, as_of: dt.date
) -> pd.DataFrame:
    """Per borough: months covered, file accounting, payee matching, notices and the publication-quality score."""
    from loti_demand.metrics import QUALITY_RULES

    return run(con, "coverage_by_borough", date_from=date_from, date_to=date_to, as_of=as_of, **QUALITY_RULES)


@query()
def coverage_source_files(con: duckdb.DuckDBPyConnection, *, kind: str = "", area: str = "") -> pd.DataFrame:
    return run(con, "coverage_source_files", kind=kind, area=area)


def _today_example(con: duckdb.DuckDBPyConnection) -> dict:
    return {"today": dt.date.today()}


@query(_today_example)
def publication_timeliness(con: duckdb.DuckDBPyConnection, *, today: dt.date) -> pd.DataFrame:
    """Per spend publisher: the latest month loaded, the last fetch, and whether it is overdue on `today`."""
    return run(con, "publication_timeliness", today=today)


@query()
def load_issue_files(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "load_issue_files")


@query()
def load_issues_list(con: duckdb.DuckDBPyConnection, *, source_file: str = "") -> pd.DataFrame:
    return run(con, "load_issues_list", source_file=source_file)


@query(lambda con: {k: v for k, v in _coverage_example(con).items() if k != "as_of"})
def classification_coverage(con: duckdb.DuckDBPyConnection, *, date_from: dt.date, date_to: dt.date) -> pd.DataFrame:
    """Per publisher with spend in the months: how its tech spend was identified, and its share unclassified."""
    return run(con, "classification_coverage", date_from=date_from, date_to=date_to)


@query(lambda con: {"borough": a_borough(con)})
def borough_coverage(con: duckdb.DuckDBPyConnection, *, borough: str) -> pd.DataFrame:
    return run(con, "borough_coverage", borough=borough)
