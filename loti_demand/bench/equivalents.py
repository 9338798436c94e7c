"""The same questions the registered queries answer, asked of the raw lines with pandas (as an analyst would)
and with SQLite (as a Datasette user would), keyed by query name.

Every query in loti_demand.queries.QUERIES needs an entry here, or an exemption with a reason:
tests/test_bench.py fails otherwise, and checks that all three engines give the same answer to the penny on a
generated dataset. When you add a query for a page, add its two equivalents next to it below.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from loti_demand.bench.raw import Raw


@dataclass(frozen=True)
class Equivalent:
    pandas: Callable[..., pd.DataFrame]  # (raw: Raw, **params)
    sqlite: Callable[..., pd.DataFrame]  # (con: sqlite3.Connection, **params)
    # DuckDB columns the raw lines cannot give (e.g. provenance row numbers), left out of the comparison.
    not_compared: tuple[str, ...] = ()


@dataclass(frozen=True)
class Exempt:
    reason: str


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar month arithmetic as DuckDB's `date + interval n month` does it (clamped to the month's end)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _sql(con: sqlite3.Connection, sql: str, **params: object) -> pd.DataFrame:
    cursor = con.execute(sql, params)
    return pd.DataFrame(cursor.fetchall(), columns=[d[0] for d in cursor.description])


def _sum(series: pd.Series) -> float | None:
    """SQL's sum: NULL over no rows."""
    return float(series.sum()) if len(series) else None


def _spend_window(raw: Raw, as_of: dt.date) -> pd.DataFrame:
    """Lines whose month falls in the 12 months to as_of."""
    month = raw.spend["payment_month"]
    low, high = pd.Timestamp(add_months(as_of, -12)), pd.Timestamp(as_of)
    return raw.spend[(month > low) & (month <= high)]


def compile_processes(releases: pd.DataFrame) -> pd.DataFrame:
    """Each process's latest state from its releases (the analyst's stand-in for OCDS merging)."""
    return releases.groupby("ocid", sort=False).agg(
        has_award=("has_award", "any"), is_london=("is_london", "last"), expected=("milestone_due", "min"),
        tender_start=("tender_start", "last"), tender_end=("tender_end", "last"), value_gbp=("value_gbp", "last"))


def _pipeline(raw: Raw, as_of: dt.date, months: int) -> pd.DataFrame:
    processes = compile_processes(raw.releases)
    key = processes["expected"].fillna(processes["tender_end"]).fillna(processes["tender_start"])
    due = (key >= pd.Timestamp(as_of)) & (key <= pd.Timestamp(add_months(as_of, months)))
    return processes[processes["is_london"] & ~processes["has_award"] & due]


# --- headline ------------------------------------------------------------------------------------------------


def headline_pandas(raw: Raw, *, as_of: dt.date) -> pd.DataFrame:
    window = _spend_window(raw, as_of)
    tech = window[window["tech_category"].notna()]
    pipeline = _pipeline(raw, as_of, 18)
    return pd.DataFrame([{
        "tech_spend_gbp": _sum(tech["amount_gbp"]),
        "boroughs_with_spend": window["borough_code"].nunique(),
        "lines": len(tech) or None,
        "pipeline_value_gbp": _sum(pipeline["value_gbp"]),
        "pipeline_count": len(pipeline),
        "open_challenges": int((raw.challenges["status"] == "open").sum()),
    }])


PROCESSES_SQL = """
    processes as (
        select ocid, max(has_award) as has_award, max(is_london) as is_london, min(milestone_due) as expected,
            max(tender_start) as tender_start, max(tender_end) as tender_end, max(value_gbp) as value_gbp
        from releases group by ocid
    )"""


def headline_sqlite(con: sqlite3.Connection, *, as_of: dt.date) -> pd.DataFrame:
    return _sql(con, f"""
        with window as (
            select borough_code, amount_gbp, tech_category from spend
            where payment_month > :low and payment_month <= :high
        ),
        {PROCESSES_SQL},
        pipeline as (
            select * from processes
            where is_london and not has_award and coalesce(expected, tender_end, tender_start) between :high and :due
        )
        select
            (select sum(amount_gbp) from window where tech_category is not null) as tech_spend_gbp,
            (select count(distinct borough_code) from window) as boroughs_with_spend,
            (select sum(1) from window where tech_category is not null) as lines,
            (select sum(value_gbp) from pipeline) as pipeline_value_gbp,
            (select count(*) from pipeline) as pipeline_count,
            (select count(*) from challenges where status = 'open') as open_challenges
    """, low=add_months(as_of, -12).isoformat(), high=as_of.isoformat(), due=add_months(as_of, 18).isoformat())


# --- tech_spend_by_category ----------------------------------------------------------------------------------


def tech_spend_by_category_pandas(raw: Raw, *, as_of: dt.date) -> pd.DataFrame:
    window = _spend_window(raw, as_of)
    totals = window.groupby("tech_category").agg(tech_spend_gbp=("amount_gbp", "sum"), lines=("amount_gbp", "size"))
    out = raw.tech_categories.merge(totals, left_on="tech_category", right_index=True, how="left")
    out = out.fillna({"tech_spend_gbp": 0.0, "lines": 0}).sort_values(
        ["tech_spend_gbp", "sort_order"], ascending=[False, True])
    return out.rename(columns={"label": "tech_category_label"})[
        ["tech_category", "tech_category_label", "tech_spend_gbp", "lines"]]


def tech_spend_by_category_sqlite(con: sqlite3.Connection, *, as_of: dt.date) -> pd.DataFrame:
    return _sql(con, """
        select c.tech_category, c.label as tech_category_label, coalesce(sum(s.amount_gbp), 0) as tech_spend_gbp,
            count(s.amount_gbp) as lines
        from tech_categories as c
        left join spend as s
            on s.tech_category = c.tech_category and s.payment_month > :low and s.payment_month <= :high
        group by c.tech_category, c.label, c.sort_order
        order by tech_spend_gbp desc, c.sort_order
    """, low=add_months(as_of, -12).isoformat(), high=as_of.isoformat())


# --- spend_lines (drill-down) --------------------------------------------------------------------------------

LINE_COLUMNS = ["payment_date", "supplier_name", "amount_gbp", "expenditure_category", "service_area", "purpose",
                "tech_category"]


def spend_lines_pandas(raw: Raw, *, borough_code: str, month: dt.date, tech_category: str | None = None,
                       limit: int = 100) -> pd.DataFrame:
    spend = raw.spend
    chosen = (spend["borough_code"] == borough_code) & (spend["payment_month"] == pd.Timestamp(month))
    if tech_category is not None:
        chosen &= spend["tech_category"] == tech_category
    lines = spend.loc[chosen, LINE_COLUMNS]
    return lines.sort_values(["amount_gbp", "payment_date", "supplier_name"], ascending=[False, True, True]).head(limit)


def spend_lines_sqlite(con: sqlite3.Connection, *, borough_code: str, month: dt.date, tech_category: str | None = None,
                       limit: int = 100) -> pd.DataFrame:
    return _sql(con, f"""
        select {', '.join(LINE_COLUMNS)} from spend
        where borough_code = :borough and payment_month = :month and (:tech is null or tech_category = :tech)
        order by amount_gbp desc, payment_date, supplier_name is null, supplier_name
        limit :limit
    """, borough=borough_code, month=month.isoformat(), tech=tech_category, limit=limit)


EQUIVALENTS: dict[str, Equivalent | Exempt] = {
    "build_info": Exempt("one row of build metadata, read from a one-row table: nothing to compare"),
    "headline": Equivalent(headline_pandas, headline_sqlite),
    "tech_spend_by_category": Equivalent(tech_spend_by_category_pandas, tech_spend_by_category_sqlite),
    "spend_lines": Equivalent(spend_lines_pandas, spend_lines_sqlite,
                              not_compared=("transaction_id", "source_file", "source_row")),
}


# --- Comparing answers ---------------------------------------------------------------------------------------


def _value(value: object) -> object:
    """A comparable form: numbers to the penny, dates as ISO days, missing values as None."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
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


def differences(expected: pd.DataFrame, actual: pd.DataFrame, not_compared: tuple[str, ...] = (),
                tolerance: float = 0.0) -> list[str]:
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
