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

import numpy as np
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


def _spend_window(raw: Raw, as_of: dt.date, columns: list[str]) -> pd.DataFrame:
    """The given columns of the lines whose month falls in the 12 months to as_of (only the columns asked for
    are copied, as a careful analyst would)."""
    month = raw.spend["payment_month"]
    low, high = pd.Timestamp(add_months(as_of, -12)), pd.Timestamp(as_of)
    return raw.spend.loc[(month > low) & (month <= high), columns]


def _pipeline(raw: Raw, as_of: dt.date, months: int) -> pd.DataFrame:
    processes = raw.processes
    key = processes["expected_market_date"].fillna(processes["tender_end"]).fillna(processes["tender_start"])
    due = (key >= pd.Timestamp(as_of)) & (key <= pd.Timestamp(add_months(as_of, months)))
    return processes[processes["is_london"] & processes["stage"].isin(["planning", "tender"]) & due]


# --- headline ------------------------------------------------------------------------------------------------


def headline_pandas(raw: Raw, *, as_of: dt.date) -> pd.DataFrame:
    window = _spend_window(raw, as_of, ["borough_code", "amount_gbp", "tech_category"])
    tech = window["amount_gbp"][window["tech_category"].notna()]
    pipeline = _pipeline(raw, as_of, 18)
    return pd.DataFrame([{
        "tech_spend_gbp": _sum(tech),
        "boroughs_with_spend": window["borough_code"].nunique(),
        "lines": len(tech) or None,
        "pipeline_value_gbp": _sum(pipeline["value_gbp"]),
        "pipeline_count": len(pipeline),
        "open_challenges": int((raw.challenges["status"] == "open").sum()),
    }])


def headline_sqlite(con: sqlite3.Connection, *, as_of: dt.date) -> pd.DataFrame:
    return _sql(con, """
        with window as (
            select borough_code, amount_gbp, tech_category from spend
            where payment_month > :low and payment_month <= :high
        ),
        pipeline as (
            select * from processes
            where is_london and stage in ('planning', 'tender')
                and coalesce(expected_market_date, tender_end, tender_start) between :high and :due
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
    window = _spend_window(raw, as_of, ["amount_gbp", "tech_category"])
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


# --- pipeline and expiring_contracts ------------------------------------------------------------------------

PIPELINE_COLUMNS = ["ocid", "borough_code", "buyer_name", "title", "tech_category", "stage", "notice_type", "key_date",
                    "key_date_basis", "expected_market_date", "tender_start", "tender_end", "value_gbp",
                    "is_sme_suitable", "url", "confidence"]
CLOSED = ["cancelled", "withdrawn", "unsuccessful", "complete"]


def _optional(frame: pd.DataFrame, column: str, value: object) -> pd.Series:
    return pd.Series(True, index=frame.index) if value is None else frame[column] == value


def pipeline_pandas(raw: Raw, *, date_from: dt.date, date_to: dt.date, borough_code: str | None = None,
                    tech_category: str | None = None, notice_type: str | None = None,
                    sme_only: bool | None = None) -> pd.DataFrame:
    p = raw.processes
    p = p[p["is_london"] & p["stage"].isin(["planning", "tender"]) & ~p["tender_status"].fillna("").isin(CLOSED)]
    planning = p["stage"] == "planning"
    p = p.assign(
        key_date=p["expected_market_date"].fillna(p["tender_start"]).where(
            planning, p["tender_end"].fillna(p["tender_start"])),
        key_date_basis=np.select(
            [planning & p["expected_market_date"].notna(), planning, p["tender_end"].notna()],
            ["expected approach to market", "planned tender start", "bid deadline"], "tender start"),
        confidence="statutory notice")
    chosen = ((p["key_date"] >= pd.Timestamp(date_from)) & (p["key_date"] <= pd.Timestamp(date_to))
              & _optional(p, "borough_code", borough_code) & _optional(p, "tech_category", tech_category)
              & _optional(p, "notice_type", notice_type))
    if sme_only:
        chosen &= p["is_sme_suitable"].fillna(False).astype(bool)
    return p[chosen].sort_values(["key_date", "ocid"])[PIPELINE_COLUMNS]


def pipeline_sqlite(con: sqlite3.Connection, *, date_from: dt.date, date_to: dt.date, borough_code: str | None = None,
                    tech_category: str | None = None, notice_type: str | None = None,
                    sme_only: bool | None = None) -> pd.DataFrame:
    return _sql(con, f"""
        with upcoming as (
            select *,
                case when stage = 'planning' then coalesce(expected_market_date, tender_start)
                    else coalesce(tender_end, tender_start) end as key_date,
                case
                    when stage = 'planning' and expected_market_date is not null then 'expected approach to market'
                    when stage = 'planning' then 'planned tender start'
                    when tender_end is not null then 'bid deadline'
                    else 'tender start'
                end as key_date_basis,
                'statutory notice' as confidence
            from processes
            where is_london and stage in ('planning', 'tender')
                and coalesce(tender_status, '') not in ('cancelled', 'withdrawn', 'unsuccessful', 'complete')
        )
        select {', '.join(PIPELINE_COLUMNS)} from upcoming
        where key_date between :date_from and :date_to
            and (:borough is null or borough_code = :borough) and (:tech is null or tech_category = :tech)
            and (:notice is null or notice_type = :notice) and (:sme is null or not :sme or is_sme_suitable)
        order by key_date, ocid
    """, date_from=date_from.isoformat(), date_to=date_to.isoformat(), borough=borough_code, tech=tech_category,
                notice=notice_type, sme=sme_only)


EXPIRING_COLUMNS = ["ocid", "borough_code", "buyer_name", "title", "tech_category", "stage", "incumbent_suppliers",
                    "value_gbp", "contract_start", "contract_end", "expected_reprocurement_date", "reprocurement_rule",
                    "url", "confidence"]


def expiring_contracts_pandas(raw: Raw, *, date_from: dt.date, date_to: dt.date, borough_code: str | None = None,
                              tech_category: str | None = None, threshold_gbp: int = 214_904) -> pd.DataFrame:
    p = raw.processes
    p = p[p["is_london"] & p["stage"].isin(["award", "contract"]) & p["contract_end"].notna()]
    value = p["award_value_gbp"].fillna(p["value_gbp"])
    lead = np.select([value >= 2_000_000, (value >= threshold_gbp) | value.isna()], [18, 12], 6)
    ends = p["contract_end"].dt.date
    p = p.assign(
        incumbent_suppliers=p["supplier_names"], value_gbp=value,
        expected_reprocurement_date=[add_months(end, -int(months)) for end, months in zip(ends, lead, strict=True)],
        reprocurement_rule=[f"{months} months before the contract ends" for months in lead],
        confidence="inferred from contract end date")
    chosen = ((p["contract_end"] >= pd.Timestamp(date_from)) & (p["contract_end"] <= pd.Timestamp(date_to))
              & _optional(p, "borough_code", borough_code) & _optional(p, "tech_category", tech_category))
    return p[chosen].sort_values(["contract_end", "ocid"])[EXPIRING_COLUMNS]


def expiring_contracts_sqlite(con: sqlite3.Connection, *, date_from: dt.date, date_to: dt.date,
                              borough_code: str | None = None, tech_category: str | None = None,
                              threshold_gbp: int = 214_904) -> pd.DataFrame:
    frame = _sql(con, """
        with ending as (
            select *, supplier_names as incumbent_suppliers, coalesce(award_value_gbp, value_gbp) as value_now,
                'inferred from contract end date' as confidence
            from processes
            where is_london and stage in ('award', 'contract') and contract_end is not null
        )
        select *, case when value_now >= 2000000 then 18 when value_now >= :threshold or value_now is null then 12
            else 6 end as lead_months
        from ending
        where contract_end between :date_from and :date_to
            and (:borough is null or borough_code = :borough) and (:tech is null or tech_category = :tech)
        order by contract_end, ocid
    """, date_from=date_from.isoformat(), date_to=date_to.isoformat(), borough=borough_code, tech=tech_category,
                 threshold=threshold_gbp)
    # SQLite's date(x, '-12 months') overflows into the next month; shift in Python as DuckDB does.
    frame["expected_reprocurement_date"] = [add_months(dt.date.fromisoformat(end), -int(months)) for end, months
                                            in zip(frame["contract_end"], frame["lead_months"], strict=True)]
    frame["reprocurement_rule"] = frame["lead_months"].astype(str) + " months before the contract ends"
    return frame.rename(columns={"value_gbp": "planned_value_gbp", "value_now": "value_gbp"})[EXPIRING_COLUMNS]


EQUIVALENTS: dict[str, Equivalent | Exempt] = {
    "build_info": Exempt("one row of build metadata, read from a one-row table: nothing to compare"),
    "headline": Equivalent(headline_pandas, headline_sqlite),
    "tech_spend_by_category": Equivalent(tech_spend_by_category_pandas, tech_spend_by_category_sqlite),
    "pipeline": Equivalent(pipeline_pandas, pipeline_sqlite),
    "expiring_contracts": Equivalent(expiring_contracts_pandas, expiring_contracts_sqlite),
    "fetch_log": Exempt("the log of API fetches (none in generated data): a few rows read as stored"),
    # Challenge statements are a few hundred rows London-wide (the bench uses the sample's), not payment lines;
    # their outcomes come from the build's matching step, which an analyst's query has no equivalent of.
    "challenges_list": Exempt("a search over a few hundred challenge statements, not payment lines"),
    "challenge_filter_options": Exempt("filter choices counted over a few hundred challenge statements"),
    "challenge_detail": Exempt("one challenge statement by its id"),
    "challenge_outcomes_for": Exempt("one challenge's outcomes, found by the build's matching step"),
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
