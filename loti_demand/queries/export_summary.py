"""The demand summary export's table: tech spend, pipeline, expiring contracts and challenges by borough x tech
category x period. One function serves the Exports page and `python -m loti_demand export summary`; the CSV and
its notes are written by loti_demand.export.
"""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pandas as pd

from loti_demand import periods
from loti_demand.exceptions import LotiDemandError
from loti_demand.queries.core import as_of, query, run, run_long

# Allow-listed dimensions -> the columns each adds, in order.
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "borough": ("borough_code", "borough_name"),
    "category": ("tech_category", "tech_category_label"),
    "month": ("month",),
    "quarter": ("quarter",),
    "financial_year": ("financial_year",),
}
MEASURE_COLUMNS = (
    "tech_spend_gbp",
    "lines",
    "pipeline_count",
    "pipeline_value_gbp",
    "contracts_expiring",
    "expiring_value_gbp",
    "challenges_opened",
)
DEFAULT_BY = ("borough", "category", "quarter")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_by(text: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """'borough,category,quarter' -> ('borough', 'category', 'quarter'); unknown names are a clear error."""
    parts = [p.strip().lower() for p in text.split(",")] if isinstance(text, str) else [p.strip() for p in text]
    parts = [p for p in parts if p]
    unknown = [p for p in parts if p not in DIMENSIONS]
    if unknown:
        raise LotiDemandError(
            f"--by: {', '.join(repr(u) for u in unknown)} is not a dimension; choose from "
            f"{', '.join(DIMENSIONS)} (comma-separated, e.g. --by borough,category,quarter)"
        )
    if len(set(parts)) != len(parts):
        raise LotiDemandError("--by: each dimension may be given once")
    return tuple(parts)


def parse_month(text: str | None, option: str) -> dt.date | None:
    """'2025-04' -> date(2025, 4, 1); None stays None."""
    if text is None or text == "":
        return None
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:  # year 0 is no date
        raise LotiDemandError(f"{option}: {text!r} is not a month; write it as YYYY-MM, e.g. 2025-04")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def columns_for(by: tuple[str, ...]) -> list[str]:
    return [c for d in by for c in DIMENSIONS[d]] + list(MEASURE_COLUMNS)


def grain(by: tuple[str, ...]) -> str:
    """The chosen dimensions in DIMENSIONS order, e.g. 'borough,category,quarter': the key of agg_demand_summary."""
    return ",".join(d for d in DIMENSIONS if d in by)


# Every choice of dimensions the summary offers: area or not, category or not, and one period or none.
GRAINS = tuple(
    tuple(d for d in (area, category, period) if d)
    for area in ("borough", None)
    for category in ("category", None)
    for period in ("month", "quarter", "financial_year", None)
)


def _summary_range_example(con: duckdb.DuckDBPyConnection) -> dict:
    """The default dimensions over the 24 months to the data-as-of date: grouped when asked, not stored."""
    last = as_of(con).replace(day=1)
    return {"by": ("borough", "category", "quarter"), "month_from": periods.add_months(last, -23), "month_to": last}


@query(lambda con: {"by": DEFAULT_BY}, variants=(("demand_summary, 24 months", _summary_range_example),))
def demand_summary(
    con: duckdb.DuckDBPyConnection,
    *,
    by: tuple[str, ...],
    month_from: dt.date | None = None,
    month_to: dt.date | None = None,
) -> pd.DataFrame:
    """The summary table for the chosen dimensions (in the order given) and months (inclusive; None = open).

    Over the whole period (no months chosen, as the Exports page opens) the build has already grouped the rows
    (agg_demand_summary); a range of months groups the monthly facts here. Both give the same table.
    """
    by = parse_by(by)
    if month_from is None and month_to is None:
        return _arranged(run_long(con, "demand_summary_whole_period", only=tuple(columns_for(by)), grain=grain(by)), by)
    return grouped(con, by=by, month_from=month_from, month_to=month_to)


def grouped(
    con: duckdb.DuckDBPyConnection, *, by: tuple[str, ...], month_from: dt.date | None, month_to: dt.date | None
) -> pd.DataFrame:
    """demand_summary() grouped from the monthly facts for any months (the build stores it for the whole period)."""
    by = parse_by(by)
    if month_from and month_to and month_from > month_to:
        raise LotiDemandError(f"--from {month_from:%Y-%m} is after --to {month_to:%Y-%m}")
    df = run_long(con, "demand_summary", only=(*columns_for(by), "row_no"), **_params(by, month_from, month_to))
    return _arranged(df.sort_values("row_no"), by)


def _params(by: tuple[str, ...], month_from: dt.date | None, month_to: dt.date | None) -> dict:
    return {"month_from": month_from, "month_to": month_to, **{f"by_{d}": d in by for d in DIMENSIONS}}


def _arranged(df: pd.DataFrame, by: tuple[str, ...]) -> pd.DataFrame:
    """Rows in row_no order (by the chosen dimensions in DIMENSIONS order) -> the chosen columns, sorted by the
    chosen dimensions in the order given."""
    df = df[columns_for(by)].reset_index(drop=True)
    if grain(by) == ",".join(by):
        return df
    return df.sort_values([DIMENSIONS[d][0] for d in by], kind="stable").reset_index(drop=True)


@query()
def summary_months(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The first and last month the summary can be asked for (the Exports page's month choices)."""
    return run(con, "summary_months")


@query(lambda con: {"month_from": None, "month_to": None})
def summary_coverage(
    con: duckdb.DuckDBPyConnection, *, month_from: dt.date | None = None, month_to: dt.date | None = None
) -> pd.DataFrame:
    """What the summary's spend rests on in those months: the boroughs and bodies with spend data, of how many
    boroughs, and the first and last month of spend."""
    return run(con, "summary_coverage", month_from=month_from, month_to=month_to)
