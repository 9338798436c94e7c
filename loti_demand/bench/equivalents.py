"""The same questions the registered queries answer, asked of the raw lines with pandas (as an analyst would)
and with SQLite (as a Datasette user would), keyed by query name.

Every query in loti_demand.queries.QUERIES needs an entry here, or an exemption with a reason:
tests/test_bench.py fails otherwise, and checks that all three engines give the same answer to the penny on a
generated dataset. When you add a query for a page, add its two equivalents next to it below.
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from loti_demand.bench.raw import Raw
from loti_demand.periods import add_months, growth_years, months_from
from loti_demand.queries import PIPELINE_MONTHS


@dataclass(frozen=True)
class Equivalent:
    pandas: Callable[..., pd.DataFrame]  # (raw: Raw, **params)
    sqlite: Callable[..., pd.DataFrame]  # (con: sqlite3.Connection, **params)
    # DuckDB columns the raw lines cannot give (e.g. provenance row numbers), left out of the comparison.
    not_compared: tuple[str, ...] = ()


@dataclass(frozen=True)
class Exempt:
    reason: str


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


# --- demand_items: the rules of the demand_items mart, applied per question to the compiled processes ---------

STATUTORY, INFERRED, LONDON_WIDE = "statutory notice", "inferred from contract end date", "London-wide body"
PLANNING_NOTICES = ["UK1 pipeline", "UK2 engagement", "UK3 planned"]
BANDS = [(100_000, "under_100k"), (500_000, "100k_500k"), (2_000_000, "500k_2m"), (10_000_000, "2m_10m")]


def _first(*series: pd.Series) -> pd.Series:
    out = series[0]
    for other in series[1:]:
        out = out.fillna(other)
    return out


def demand_items(raw: Raw) -> pd.DataFrame:
    """London procurements that signal demand: statutory notices dated by the notice, awarded contracts dated by
    their end less the lead time (12 months at £2m or more, else 6)."""
    p = raw.processes[raw.processes["is_london"]]
    status = p["tender_status"].fillna("")
    inferred = (p["stage"].isin(["award", "contract"]) | p["notice_type"].isin(["award", "contract"])
                | p["award_value_gbp"].notna() | p["supplier_names"].notna())
    statutory = p["stage"].isin(["planning", "tender"]) & (status != "complete")
    closed = status.isin(["cancelled", "withdrawn", "unsuccessful"])
    p = p.assign(confidence=np.select([closed, inferred, statutory], [None, INFERRED, STATUTORY], None),
                 status=p["tender_status"])
    p = p[p["confidence"].notna()]
    inferred = p["confidence"] == INFERRED
    planning = (p["notice_type"].isin(PLANNING_NOTICES) | p["status"].isin(["planning", "planned"])
                | (p["stage"] == "planning"))
    emd, start, end = p["expected_market_date"], p["tender_start"], p["tender_end"]
    value = p["award_value_gbp"].fillna(p["value_gbp"]).where(inferred, p["value_gbp"])
    notice_date = _first(emd, start, end).where(planning, _first(end, start, emd)).where(~inferred)
    basis = np.select(
        [inferred, planning & emd.notna(), planning & start.notna(), end.notna(), start.notna(), emd.notna()],
        [None, "expected market date", "planned tender start", "tender deadline", "tender start",
         "expected market date"], None)
    lead = pd.Series(np.where(value >= 2_000_000, 12, 6), index=p.index).where(inferred)
    shifted = [add_months(e.date(), -int(m)) if inferred_ and pd.notna(e) else None
               for e, m, inferred_ in zip(p["contract_end"], lead.fillna(0), inferred, strict=True)]
    dated = inferred & p["contract_end"].notna()
    names = raw.boroughs.set_index("borough_code")["borough_name"]
    return pd.DataFrame({
        "ocid": p["ocid"], "borough_code": p["borough_code"],
        "area_name": p["borough_code"].map(names).fillna(LONDON_WIDE), "buyer_name": p["buyer_name"],
        "title": p["title"], "tech_category": p["tech_category"], "notice_type": p["notice_type"],
        "stage": p["stage"], "status": p["status"], "confidence": p["confidence"],
        "date_basis": np.where(dated, "contract end minus " + lead.fillna(0).astype(int).astype(str) + " months",
                               basis),
        "lead_months": lead,
        "expected_date": pd.to_datetime(pd.Series(shifted, index=p.index)).where(inferred, notice_date),
        "due_until": p["contract_end"].where(inferred, notice_date),
        "contract_start": p["contract_start"], "contract_end": p["contract_end"],
        "supplier_names": p["supplier_names"], "value_gbp": value.round(2),
        "value_band": np.select([value.isna(), *[value < upper for upper, _ in BANDS]],
                                ["unknown", *[key for _, key in BANDS]], "10m_plus"),
        "is_sme_suitable": p["is_sme_suitable"],
        "url": p["url"].where(p["url"].str.match(r"^https?://", na=False)),
    })


def _between(series: pd.Series, low: dt.date, high: dt.date) -> pd.Series:
    return (series >= pd.Timestamp(low)) & (series <= pd.Timestamp(high))


def _pipeline(items: pd.DataFrame, start: dt.date, end: dt.date, category: str | None = None) -> pd.DataFrame:
    """The tech statutory notices dated in the window (the in_pipeline rule)."""
    chosen = ((items["confidence"] == STATUTORY) & items["tech_category"].notna()
              & _between(items["expected_date"], start, end))
    return items[chosen & _optional(items, "tech_category", category)]


def _expiring(items: pd.DataFrame, start: dt.date, end: dt.date, category: str | None = None) -> pd.DataFrame:
    """The awarded tech contracts ending in the window (the expires_in rule)."""
    chosen = ((items["confidence"] == INFERRED) & items["tech_category"].notna()
              & _between(items["contract_end"], start, end))
    return items[chosen & _optional(items, "tech_category", category)]


# The rules' SQL for SQLite's demand_items view (the in_pipeline and expires_in macros).
IN_PIPELINE = "confidence = 'statutory notice' and expected_date between :start and :end"
EXPIRES_IN = "confidence = 'inferred from contract end date' and contract_end between :start and :end"


# --- headline ------------------------------------------------------------------------------------------------


def headline_pandas(raw: Raw, *, as_of: dt.date) -> pd.DataFrame:
    window = _spend_window(raw, as_of, ["borough_code", "amount_gbp", "tech_category"])
    tech = window["amount_gbp"][window["tech_category"].notna()]
    pipeline = _pipeline(demand_items(raw), *months_from(as_of, PIPELINE_MONTHS))
    return pd.DataFrame([{
        "tech_spend_gbp": _sum(tech),
        "boroughs_with_spend": window["borough_code"].nunique(),
        # the generated data has boroughs' spend only: no London-wide body, so no spend of theirs
        "bodies_with_data": 0, "bodies_tech_spend_gbp": 0.0,
        "lines": len(tech) or None,
        "pipeline_value_gbp": _sum(pipeline["value_gbp"].dropna()) if pipeline["value_gbp"].notna().any() else None,
        "pipeline_count": len(pipeline),
        "open_challenges": int((raw.challenges["status"] == "open").sum()),
    }])


def headline_sqlite(con: sqlite3.Connection, *, as_of: dt.date) -> pd.DataFrame:
    pipeline_from, pipeline_to = months_from(as_of, PIPELINE_MONTHS)
    return _sql(con, """
        with window as (
            select borough_code, amount_gbp, tech_category from spend
            where payment_month > :low and payment_month <= :high
        ),
        pipeline as (
            select value_gbp from demand_items
            where confidence = 'statutory notice' and tech_category is not null
                and expected_date between :pipeline_from and :pipeline_to
        )
        select
            (select sum(amount_gbp) from window where tech_category is not null) as tech_spend_gbp,
            (select count(distinct borough_code) from window) as boroughs_with_spend,
            0 as bodies_with_data,  -- the generated data has boroughs' spend only
            0.0 as bodies_tech_spend_gbp,
            (select sum(1) from window where tech_category is not null) as lines,
            (select sum(value_gbp) from pipeline) as pipeline_value_gbp,
            (select count(*) from pipeline) as pipeline_count,
            (select count(*) from challenges where status = 'open') as open_challenges
    """, low=add_months(as_of, -12).isoformat(), high=as_of.isoformat(),
                pipeline_from=pipeline_from.isoformat(), pipeline_to=pipeline_to.isoformat())


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


# --- Map, borough profile and spend pages: payment lines in a window of payment months ---------------------


def _optional(frame: pd.DataFrame, column: str, value: object) -> pd.Series:
    return pd.Series(True, index=frame.index) if value is None else frame[column] == value


def _lines(raw: Raw, start: dt.date, end: dt.date, columns: list[str], boroughs: tuple[str, ...] | None = None,
           category: str | None = None, tech_only: bool = True, keep_untagged: bool = False) -> pd.DataFrame:
    """The given columns of the lines paid in months start..end, of the chosen boroughs and tech category
    (keep_untagged also keeps the lines that are not tech, for coverage counts)."""
    spend = raw.spend
    chosen = _between(spend["payment_month"], start, end)
    if boroughs:
        chosen &= spend["borough_code"].isin(list(boroughs))
    tech = spend["tech_category"]
    if category is not None:
        chosen &= (tech == category) | (tech.isna() if keep_untagged else False)
    elif tech_only:
        chosen &= tech.notna()
    return spend.loc[chosen, columns]


def _in_boroughs(boroughs: tuple[str, ...] | None) -> tuple[str, dict]:
    """A SQL condition on borough_code for the chosen boroughs (none = all) and its parameters."""
    codes = list(boroughs or ())
    if not codes:
        return "1", {}
    marks = ", ".join(f":b{i}" for i in range(len(codes)))
    return f"borough_code in ({marks})", {f"b{i}": code for i, code in enumerate(codes)}


def _labelled(tech_categories: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame's rows of a known tech category, with its label and sort order."""
    categories = tech_categories.rename(columns={"label": "tech_category_label"})
    return frame.merge(categories, on="tech_category", how="inner")


def borough_measures_pandas(raw: Raw, *, start: dt.date, end: dt.date, category: str | None = None) -> pd.DataFrame:
    window = _lines(raw, start, end, ["borough_code", "payment_month", "tech_category", "amount_gbp"],
                    tech_only=False)
    tech = window[window["tech_category"].notna() & (True if category is None
                                                     else window["tech_category"] == category)]
    spend = pd.DataFrame({
        "months_covered": window.groupby("borough_code", observed=True)["payment_month"].nunique(),
        "tech_spend_gbp": tech.groupby("borough_code", observed=True)["amount_gbp"].sum(),
        "lines": tech.groupby("borough_code", observed=True).size()})
    spend.index = spend.index.astype(str)
    items = demand_items(raw)
    items = items[items["borough_code"].notna()]
    pipeline = _pipeline(items, start, end, category).groupby("borough_code").agg(
        pipeline_value_gbp=("value_gbp", "sum"), pipeline_count=("ocid", "size"))
    expiring = _expiring(items, start, end, category).groupby("borough_code").agg(
        contracts_expiring=("ocid", "size"), expiring_value_gbp=("value_gbp", "sum"))
    p = raw.processes
    p = p[p["borough_code"].notna() & p["tech_category"].notna() & _optional(p, "tech_category", category)]
    notices = p.groupby("borough_code").size().rename("notices")
    challenges = raw.challenge_boroughs.merge(raw.challenges, on="challenge_id")
    if category is not None:
        challenges = challenges[challenges["tech_category"] == category]
    counts = challenges.groupby("borough_code").agg(
        open_challenges=("status", lambda s: int((s == "open").sum())), challenge_statements=("status", "size"))
    out = raw.boroughs.set_index("borough_code").join([spend, pipeline, expiring, notices, counts])
    covered = out["months_covered"].fillna(0) > 0
    out["tech_spend_gbp"] = out["tech_spend_gbp"].fillna(0).where(covered)
    out["tech_spend_per_resident_gbp"] = out["tech_spend_gbp"] / out["population"].replace(0, np.nan)
    for column in ("lines", "months_covered", "pipeline_value_gbp", "pipeline_count", "contracts_expiring",
                   "expiring_value_gbp", "notices", "open_challenges", "challenge_statements"):
        out[column] = out[column].fillna(0)
    out["london_median_per_resident_gbp"] = out["tech_spend_per_resident_gbp"].median()
    return out.reset_index().sort_values("borough_name")


def borough_measures_sqlite(con: sqlite3.Connection, *, start: dt.date, end: dt.date,
                            category: str | None = None) -> pd.DataFrame:
    frame = _sql(con, f"""
        with spend_by as (
            select borough_code,
                sum(case when tech_category is not null and (:cat is null or tech_category = :cat)
                    then amount_gbp end) as tech_spend_gbp,
                sum(tech_category is not null and (:cat is null or tech_category = :cat)) as lines,
                count(distinct payment_month) as months_covered
            from spend where payment_month between :start and :end group by borough_code
        ),
        tech as (
            select * from processes
            where borough_code is not null and tech_category is not null and (:cat is null or tech_category = :cat)
        ),
        items as (
            select * from demand_items
            where borough_code is not null and tech_category is not null and (:cat is null or tech_category = :cat)
        ),
        pipeline as (
            select borough_code, sum(value_gbp) as pipeline_value_gbp, count(*) as pipeline_count from items
            where {IN_PIPELINE} group by borough_code
        ),
        expiring as (
            select borough_code, count(*) as contracts_expiring, sum(value_gbp) as expiring_value_gbp
            from items where {EXPIRES_IN} group by borough_code
        ),
        notices as (select borough_code, count(*) as notices from tech group by borough_code),
        challenge_counts as (
            select cb.borough_code, sum(c.status = 'open') as open_challenges, count(*) as challenge_statements
            from challenge_boroughs as cb join challenges as c on cb.challenge_id = c.challenge_id
            where :cat is null or c.tech_category = :cat group by cb.borough_code
        )
        select b.*,
            case when s.months_covered > 0 then coalesce(s.tech_spend_gbp, 0) end as tech_spend_gbp,
            case when s.months_covered > 0 then coalesce(s.tech_spend_gbp, 0) * 1.0 / nullif(b.population, 0) end
                as tech_spend_per_resident_gbp,
            coalesce(s.lines, 0) as lines, coalesce(s.months_covered, 0) as months_covered,
            coalesce(p.pipeline_value_gbp, 0) as pipeline_value_gbp, coalesce(p.pipeline_count, 0) as pipeline_count,
            coalesce(e.contracts_expiring, 0) as contracts_expiring,
            coalesce(e.expiring_value_gbp, 0) as expiring_value_gbp, coalesce(n.notices, 0) as notices,
            coalesce(c.open_challenges, 0) as open_challenges,
            coalesce(c.challenge_statements, 0) as challenge_statements
        from boroughs as b
        left join spend_by as s on b.borough_code = s.borough_code
        left join pipeline as p on b.borough_code = p.borough_code
        left join expiring as e on b.borough_code = e.borough_code
        left join notices as n on b.borough_code = n.borough_code
        left join challenge_counts as c on b.borough_code = c.borough_code
        order by b.borough_name
    """, start=start.isoformat(), end=end.isoformat(), cat=category)
    # SQLite has no median: the one London figure is taken from the 33 rows.
    frame["london_median_per_resident_gbp"] = frame["tech_spend_per_resident_gbp"].median()
    return frame


def category_spend_pandas(raw: Raw, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = ()) -> pd.DataFrame:
    lines = _lines(raw, start, end, ["tech_category", "amount_gbp"], boroughs)
    out = lines.groupby("tech_category").agg(tech_spend_gbp=("amount_gbp", "sum"), lines=("amount_gbp", "size"))
    return _labelled(raw.tech_categories, out.reset_index()).sort_values(["tech_spend_gbp", "tech_category"],
                                                         ascending=[False, True])


def category_spend_sqlite(con: sqlite3.Connection, *, start: dt.date, end: dt.date,
                          boroughs: tuple[str, ...] = ()) -> pd.DataFrame:
    where, params = _in_boroughs(boroughs)
    return _sql(con, f"""
        select c.tech_category, c.label as tech_category_label, sum(s.amount_gbp) as tech_spend_gbp,
            count(*) as lines
        from spend as s join tech_categories as c on s.tech_category = c.tech_category
        where s.payment_month between :start and :end and {where}
        group by c.tech_category, c.label
        order by tech_spend_gbp desc, c.tech_category
    """, start=start.isoformat(), end=end.isoformat(), **params)


def spend_over_time_pandas(raw: Raw, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = (),
                           category: str | None = None, grain: str = "month") -> pd.DataFrame:
    lines = _lines(raw, start, end, ["payment_month", "tech_category", "amount_gbp"], boroughs, category)
    period = lines["payment_month"].dt.to_period("M" if grain == "month" else "Q").dt.start_time
    out = lines.assign(period_start=period).groupby(["period_start", "tech_category"]).agg(
        tech_spend_gbp=("amount_gbp", "sum"), lines=("amount_gbp", "size")).reset_index()
    return _labelled(raw.tech_categories, out).sort_values(["period_start", "sort_order"])


def spend_over_time_sqlite(con: sqlite3.Connection, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = (),
                           category: str | None = None, grain: str = "month") -> pd.DataFrame:
    where, params = _in_boroughs(boroughs)
    period = ("s.payment_month" if grain == "month" else
              "printf('%s-%02d-01', substr(s.payment_month, 1, 4), "
              "(cast(substr(s.payment_month, 6, 2) as integer) - 1) / 3 * 3 + 1)")
    return _sql(con, f"""
        select {period} as period_start, s.tech_category, c.label as tech_category_label,
            sum(s.amount_gbp) as tech_spend_gbp, count(*) as lines
        from spend as s join tech_categories as c on s.tech_category = c.tech_category
        where s.payment_month between :start and :end and {where} and (:cat is null or s.tech_category = :cat)
        group by 1, 2, 3
        order by 1, min(c.sort_order)
    """, start=start.isoformat(), end=end.isoformat(), cat=category, **params)


def spend_summary_pandas(raw: Raw, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = (),
                         category: str | None = None) -> pd.DataFrame:
    lines = _lines(raw, start, end, ["borough_code", "payment_month", "tech_category", "amount_gbp", "is_redacted"],
                   boroughs, category, tech_only=False, keep_untagged=True)
    tech = lines[lines["tech_category"].notna()]
    return pd.DataFrame([{
        "tech_spend_gbp": float(tech["amount_gbp"].sum()), "lines": len(tech),
        "redacted_lines": int(tech["is_redacted"].sum()),
        "boroughs_with_data": lines["borough_code"].nunique(),
        "bodies_with_data": 0, "bodies_tech_spend_gbp": 0.0,  # the generated data has boroughs' spend only
        "months_with_data": lines["payment_month"].nunique(),
    }])


def spend_summary_sqlite(con: sqlite3.Connection, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = (),
                         category: str | None = None) -> pd.DataFrame:
    where, params = _in_boroughs(boroughs)
    return _sql(con, f"""
        select
            coalesce(sum(case when tech_category is not null then amount_gbp end), 0) as tech_spend_gbp,
            coalesce(sum(tech_category is not null), 0) as lines,
            coalesce(sum(tech_category is not null and is_redacted), 0) as redacted_lines,
            count(distinct borough_code) as boroughs_with_data,
            0 as bodies_with_data,  -- the generated data has boroughs' spend only
            0.0 as bodies_tech_spend_gbp,
            count(distinct payment_month) as months_with_data
        from spend
        where payment_month between :start and :end and {where}
            and (:cat is null or tech_category = :cat or tech_category is null)
    """, start=start.isoformat(), end=end.isoformat(), cat=category, **params)


def _by_supplier(raw: Raw, start: dt.date, end: dt.date, boroughs, category, keys: list[str]) -> pd.DataFrame:
    lines = _lines(raw, start, end, ["borough_code", "tech_category", "supplier_id", "amount_gbp", "is_redacted"],
                   boroughs, category)
    lines = lines[~lines["is_redacted"]]
    return lines.groupby(keys, dropna=False, observed=True).agg(
        amount_gbp=("amount_gbp", "sum"), lines=("amount_gbp", "size"),
        boroughs=("borough_code", "nunique")).reset_index()


def top_suppliers_pandas(raw: Raw, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = (),
                         category: str | None = None, limit: int = 10) -> pd.DataFrame:
    s = _by_supplier(raw, start, end, boroughs, category, ["supplier_id"]).rename(
        columns={"amount_gbp": "tech_spend_gbp"})
    s = s.sort_values(["tech_spend_gbp", "supplier_id"], ascending=[False, True], na_position="last")
    positive = s["tech_spend_gbp"].where(s["tech_spend_gbp"] > 0)
    s = s.assign(rank=np.arange(1, len(s) + 1), share_pct=100 * positive / positive.sum(), suppliers_total=len(s))
    names = raw.suppliers.set_index("supplier_id")["canonical_name"]
    s["supplier_name"] = s["supplier_id"].map(names).fillna(s["supplier_id"])
    return s.head(limit + 1)


def top_suppliers_sqlite(con: sqlite3.Connection, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = (),
                         category: str | None = None, limit: int = 10) -> pd.DataFrame:
    where, params = _in_boroughs(boroughs)
    return _sql(con, f"""
        with by_supplier as (
            select supplier_id, sum(amount_gbp) as tech_spend_gbp, count(*) as lines,
                count(distinct borough_code) as boroughs
            from spend
            where tech_category is not null and not is_redacted and payment_month between :start and :end
                and {where} and (:cat is null or tech_category = :cat)
            group by supplier_id
        )
        select
            row_number() over (order by s.tech_spend_gbp desc, s.supplier_id is null, s.supplier_id) as rank,
            s.supplier_id, coalesce(sup.canonical_name, s.supplier_id) as supplier_name, s.tech_spend_gbp,
            case when s.tech_spend_gbp > 0 then 100 * s.tech_spend_gbp
                / sum(case when s.tech_spend_gbp > 0 then s.tech_spend_gbp end) over () end as share_pct,
            s.lines, s.boroughs, count(*) over () as suppliers_total
        from by_supplier as s left join suppliers as sup on s.supplier_id = sup.supplier_id
        order by rank
        limit :limit + 1
    """, start=start.isoformat(), end=end.isoformat(), cat=category, limit=int(limit), **params)


def supplier_concentration_pandas(raw: Raw, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = (),
                                  category: str | None = None) -> pd.DataFrame:
    s = _by_supplier(raw, start, end, boroughs, category, ["tech_category", "supplier_id"])
    s = s[s["amount_gbp"] > 0].sort_values(["tech_category", "amount_gbp", "supplier_id"],
                                           ascending=[True, False, True], na_position="last")
    total = s.groupby("tech_category")["amount_gbp"].transform("sum")
    s = s.assign(share=100 * s["amount_gbp"] / total.replace(0, np.nan),
                 position=s.groupby("tech_category").cumcount() + 1)
    s["square"], s["top3"] = s["share"] ** 2, s["share"].where(s["position"] <= 3)
    out = s.groupby("tech_category").agg(named_spend_gbp=("amount_gbp", "sum"), suppliers=("amount_gbp", "size"),
                                         hhi=("square", "sum"), top3_share_pct=("top3", "sum")).reset_index()
    out = _labelled(raw.tech_categories, out)
    return out.sort_values(["named_spend_gbp", "tech_category"], ascending=[False, True])


def supplier_concentration_sqlite(con: sqlite3.Connection, *, start: dt.date, end: dt.date,
                                  boroughs: tuple[str, ...] = (), category: str | None = None) -> pd.DataFrame:
    where, params = _in_boroughs(boroughs)
    return _sql(con, f"""
        with by_supplier as (
            select tech_category, supplier_id, sum(amount_gbp) as amount_gbp
            from spend
            where tech_category is not null and not is_redacted and payment_month between :start and :end
                and {where} and (:cat is null or tech_category = :cat)
            group by tech_category, supplier_id
            having sum(amount_gbp) > 0
        ),
        shares as (
            select tech_category, amount_gbp,
                100 * amount_gbp / nullif(sum(amount_gbp) over (partition by tech_category), 0) as share,
                row_number() over (partition by tech_category
                                   order by amount_gbp desc, supplier_id is null, supplier_id) as position
            from by_supplier
        )
        select s.tech_category, c.label as tech_category_label, sum(s.amount_gbp) as named_spend_gbp,
            count(*) as suppliers, sum(s.share * s.share) as hhi,
            sum(case when s.position <= 3 then s.share end) as top3_share_pct
        from shares as s join tech_categories as c on s.tech_category = c.tech_category
        group by s.tech_category, c.label
        order by named_spend_gbp desc, s.tech_category
    """, start=start.isoformat(), end=end.isoformat(), cat=category, **params)


# --- Supplier profile: one supplier's tech payments ------------------------------------------------------------


def _supplier_lines(raw: Raw, supplier: str, start: dt.date, end: dt.date, columns: list[str]) -> pd.DataFrame:
    lines = _lines(raw, start, end, [*columns, "supplier_id", "is_redacted"])
    return lines.loc[(lines["supplier_id"] == supplier) & ~lines["is_redacted"], columns]


def supplier_spend_by_buyer_pandas(raw: Raw, *, supplier: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    lines = _supplier_lines(raw, supplier, start, end, ["borough_code", "payment_month", "amount_gbp"])
    out = lines.groupby("borough_code", observed=True).agg(
        tech_spend_gbp=("amount_gbp", "sum"), lines=("amount_gbp", "size"),
        months_paid=("payment_month", "nunique")).reset_index()
    names = raw.boroughs.set_index("borough_code")["borough_name"]
    # the generated data has boroughs' spend only: every publisher is a borough
    out = out.assign(publisher_code=out["borough_code"].astype(str), is_london_wide=False)
    out["area_name"] = out["publisher_code"].map(names)
    return out.sort_values(["tech_spend_gbp", "publisher_code"], ascending=[False, True])[
        ["publisher_code", "area_name", "is_london_wide", "tech_spend_gbp", "lines", "months_paid"]]


def supplier_spend_by_buyer_sqlite(con: sqlite3.Connection, *, supplier: str, start: dt.date,
                                   end: dt.date) -> pd.DataFrame:
    return _sql(con, """
        select s.borough_code as publisher_code, b.borough_name as area_name, 0 as is_london_wide,
            sum(s.amount_gbp) as tech_spend_gbp, count(*) as lines, count(distinct s.payment_month) as months_paid
        from spend as s join boroughs as b on s.borough_code = b.borough_code
        where s.supplier_id = :supplier and s.tech_category is not null and not s.is_redacted
            and s.payment_month between :start and :end
        group by s.borough_code, b.borough_name
        order by tech_spend_gbp desc, s.borough_code
    """, supplier=supplier, start=start.isoformat(), end=end.isoformat())


def supplier_spend_by_month_pandas(raw: Raw, *, supplier: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    lines = _supplier_lines(raw, supplier, start, end, ["payment_month", "tech_category", "amount_gbp"])
    out = lines.groupby(["payment_month", "tech_category"]).agg(
        tech_spend_gbp=("amount_gbp", "sum"), lines=("amount_gbp", "size")).reset_index()
    out = _labelled(raw.tech_categories, out.rename(columns={"payment_month": "period_start"}))
    return out.sort_values(["period_start", "sort_order"])[
        ["period_start", "tech_category", "tech_category_label", "tech_spend_gbp", "lines"]]


def supplier_spend_by_month_sqlite(con: sqlite3.Connection, *, supplier: str, start: dt.date,
                                   end: dt.date) -> pd.DataFrame:
    return _sql(con, """
        select s.payment_month as period_start, s.tech_category, c.label as tech_category_label,
            sum(s.amount_gbp) as tech_spend_gbp, count(*) as lines
        from spend as s join tech_categories as c on s.tech_category = c.tech_category
        where s.supplier_id = :supplier and not s.is_redacted and s.payment_month between :start and :end
        group by 1, 2, 3
        order by 1, min(c.sort_order)
    """, supplier=supplier, start=start.isoformat(), end=end.isoformat())


def supplier_category_share_pandas(raw: Raw, *, supplier: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    s = _by_supplier(raw, start, end, (), None, ["tech_category", "supplier_id"])
    s = s.sort_values(["tech_category", "amount_gbp", "supplier_id"], ascending=[True, False, True],
                      na_position="last")
    by_category = s.groupby("tech_category")
    s = s.assign(named_spend_gbp=by_category["amount_gbp"].transform(lambda a: a[a > 0].sum()),
                 rank=by_category.cumcount() + 1, suppliers=by_category["amount_gbp"].transform("size"))
    s = _labelled(raw.tech_categories, s[s["supplier_id"] == supplier])
    s = s.assign(tech_spend_gbp=s["amount_gbp"],
                 share_pct=(100 * s["amount_gbp"] / s["named_spend_gbp"]).where(s["amount_gbp"] > 0))
    return s.sort_values(["tech_spend_gbp", "tech_category"], ascending=[False, True])[
        ["tech_category", "tech_category_label", "tech_spend_gbp", "lines", "named_spend_gbp", "share_pct", "rank",
         "suppliers"]]


def supplier_category_share_sqlite(con: sqlite3.Connection, *, supplier: str, start: dt.date,
                                   end: dt.date) -> pd.DataFrame:
    return _sql(con, """
        with by_supplier as (
            select tech_category, supplier_id, sum(amount_gbp) as amount_gbp, count(*) as lines
            from spend
            where tech_category is not null and not is_redacted and payment_month between :start and :end
            group by tech_category, supplier_id
        ),
        ranked as (
            select *,
                sum(case when amount_gbp > 0 then amount_gbp end) over (partition by tech_category)
                    as named_spend_gbp,
                row_number() over (partition by tech_category
                                   order by amount_gbp desc, supplier_id is null, supplier_id) as rank,
                count(*) over (partition by tech_category) as suppliers
            from by_supplier
        )
        select r.tech_category, c.label as tech_category_label, r.amount_gbp as tech_spend_gbp, r.lines,
            r.named_spend_gbp, case when r.amount_gbp > 0 then 100 * r.amount_gbp / r.named_spend_gbp end
                as share_pct, r.rank, r.suppliers
        from ranked as r join tech_categories as c on r.tech_category = c.tech_category
        where r.supplier_id = :supplier
        order by tech_spend_gbp desc, r.tech_category
    """, supplier=supplier, start=start.isoformat(), end=end.isoformat())


# --- Procurement questions: borough profile, SME pipeline, demand calendar, collaboration finder -----------


# The generated notices name no London-wide body, so a borough's publisher code is its borough code here.


def borough_pipeline_pandas(raw: Raw, *, borough: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    items = demand_items(raw)
    items = _labelled(raw.tech_categories, _pipeline(items[items["borough_code"] == borough], start, end))
    items = items.assign(sme_suitability=items["is_sme_suitable"].map(SME_TEXT).fillna("Not stated"))
    return items.sort_values(["expected_date", "title", "ocid"])[
        ["expected_date", "date_basis", "title", "notice_type", "tech_category_label", "value_gbp", "sme_suitability",
         "url"]]


def borough_pipeline_sqlite(con: sqlite3.Connection, *, borough: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    return _sql(con, f"""
        select d.expected_date, d.date_basis, d.title, d.notice_type, c.label as tech_category_label, d.value_gbp,
            case d.is_sme_suitable when 1 then 'Yes' when 0 then 'No' else 'Not stated' end as sme_suitability, d.url
        from demand_items as d join tech_categories as c on d.tech_category = c.tech_category
        where d.borough_code = :borough and {IN_PIPELINE}
        order by d.expected_date, d.title, d.ocid
    """, borough=borough, start=start.isoformat(), end=end.isoformat())


def borough_expiring_pandas(raw: Raw, *, borough: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    items = demand_items(raw)
    items = _labelled(raw.tech_categories, _expiring(items[items["borough_code"] == borough], start, end))
    return items.assign(incumbent_suppliers=items["supplier_names"]).sort_values(["contract_end", "title", "ocid"])[
        ["contract_end", "title", "incumbent_suppliers", "tech_category_label", "value_gbp", "url"]]


def borough_expiring_sqlite(con: sqlite3.Connection, *, borough: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    return _sql(con, f"""
        select d.contract_end, d.title, d.supplier_names as incumbent_suppliers, c.label as tech_category_label,
            d.value_gbp, d.url
        from demand_items as d join tech_categories as c on d.tech_category = c.tech_category
        where d.borough_code = :borough and {EXPIRES_IN}
        order by d.contract_end, d.title, d.ocid
    """, borough=borough, start=start.isoformat(), end=end.isoformat())


def sme_pipeline_pandas(raw: Raw, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = (),
                        category: str | None = None) -> pd.DataFrame:
    p = _pipeline(demand_items(raw), start, end, category)
    if boroughs:
        p = p[p["borough_code"].isin(list(boroughs))]
    said = p["is_sme_suitable"].notna()
    value, suitable = p["value_gbp"], p["is_sme_suitable"].fillna(False).astype(bool)
    saying = float(value[said].sum())
    return pd.DataFrame([{
        "pipeline_count": len(p), "pipeline_value_gbp": float(value.sum()), "notices_saying": int(said.sum()),
        "value_saying_gbp": saying, "sme_suitable_value_gbp": float(value[suitable].sum()),
        "sme_share_pct": 100 * float(value[suitable].sum()) / saying if said.any() and saying else None,
    }])


def sme_pipeline_sqlite(con: sqlite3.Connection, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = (),
                        category: str | None = None) -> pd.DataFrame:
    where, params = _in_boroughs(boroughs)
    return _sql(con, f"""
        with pipeline as (
            select value_gbp, is_sme_suitable from demand_items
            where tech_category is not null and (:cat is null or tech_category = :cat) and {where}
                and {IN_PIPELINE}
        )
        select count(*) as pipeline_count, coalesce(sum(value_gbp), 0) as pipeline_value_gbp,
            count(is_sme_suitable) as notices_saying,
            coalesce(sum(case when is_sme_suitable is not null then value_gbp end), 0) as value_saying_gbp,
            coalesce(sum(case when is_sme_suitable then value_gbp end), 0) as sme_suitable_value_gbp,
            100.0 * coalesce(sum(case when is_sme_suitable then value_gbp end), 0)
                / nullif(sum(case when is_sme_suitable is not null then value_gbp end), 0) as sme_share_pct
        from pipeline
    """, start=start.isoformat(), end=end.isoformat(), cat=category, **params)


BUYERS = ("borough", "body", "other")


def london_demand_pandas(raw: Raw, *, start: dt.date, end: dt.date, category: str | None = None) -> pd.DataFrame:
    items = demand_items(raw)
    buyers = np.where(items["borough_code"].notna(), "borough", "other")  # no London-wide body in generated data
    rows = []
    for kind in BUYERS:
        mine = items[buyers == kind]
        pipeline, expiring = _pipeline(mine, start, end, category), _expiring(mine, start, end, category)
        rows.append({"buyers": kind, "pipeline_count": len(pipeline),
                     "pipeline_value_gbp": float(pipeline["value_gbp"].sum()), "contracts_expiring": len(expiring),
                     "expiring_value_gbp": float(expiring["value_gbp"].sum())})
    return pd.DataFrame(rows)


def london_demand_sqlite(con: sqlite3.Connection, *, start: dt.date, end: dt.date,
                         category: str | None = None) -> pd.DataFrame:
    frame = _sql(con, f"""
        select case when borough_code is not null then 'borough' else 'other' end as buyers,
            sum({IN_PIPELINE}) as pipeline_count,
            coalesce(sum(case when {IN_PIPELINE} then value_gbp end), 0) as pipeline_value_gbp,
            sum({EXPIRES_IN}) as contracts_expiring,
            coalesce(sum(case when {EXPIRES_IN} then value_gbp end), 0) as expiring_value_gbp
        from demand_items where tech_category is not null and (:cat is null or tech_category = :cat)
        group by 1
    """, start=start.isoformat(), end=end.isoformat(), cat=category).set_index("buyers")
    return frame.reindex(list(BUYERS), fill_value=0).rename_axis("buyers").reset_index()


SME_TEXT = {True: "Yes", False: "No"}
CALENDAR_COLUMNS = ["calendar_month", "expected_date", "is_due_now", "area_name", "buyer_name", "title",
                    "tech_category", "tech_category_label", "confidence", "date_basis", "value_gbp", "value_band",
                    "value_band_label", "contract_end", "incumbent_suppliers", "current_contract_end",
                    "incumbent_match", "replaces_ocid", "new_contract_end", "notice_type", "sme_suitability",
                    "notice_url", "ocid"]


def _calendar_filters(d: pd.DataFrame, date_from: dt.date, date_to: dt.date, categories=(), areas=(),
                      value_bands=(), sme: str = "any", confidence: str = "any") -> pd.Series:
    chosen = (d["expected_date"] <= pd.Timestamp(date_to)) & (d["due_until"] >= pd.Timestamp(date_from))
    if categories:
        chosen &= d["tech_category"].isin(list(categories))
    if areas:
        chosen &= d["borough_code"].fillna("london_wide").isin(list(areas))
    if value_bands:
        chosen &= d["value_band"].isin(list(value_bands))
    said = d["is_sme_suitable"]
    if sme != "any":
        chosen &= {"yes": said.eq(True), "no": said.eq(False), "unknown": said.isna()}[sme].astype(bool)
    if confidence != "any":
        chosen &= d["confidence"] == confidence
    return chosen


# A notice's incumbent (contract_replacements, metrics.REPLACEMENT). The generated notices never say "re-procurement"
# nor repeat a contract's title, so of its three rules only timing can match them: the same buyer and tech category,
# the contract ending from 6 months before to 12 months after the new contract would start (its planned start, else
# the notice's date); the end nearest the start wins, then the lower ocid.
NEAR_BEFORE, NEAR_AFTER = 6, 12


def _long_day(day: pd.Timestamp) -> str:
    return f"{day:%-d %B %Y}"


def _replacement_reason(end: pd.Timestamp, start: pd.Timestamp) -> str:
    return (f"Same buyer; same category, and the current contract ends on {_long_day(end)}, near the new contract's "
            f"start ({_long_day(start)})")


def _replacements(d: pd.DataFrame) -> pd.DataFrame:
    """The contract each notice replaces, by the timing rule: replaces_ocid, its end, its suppliers, the reason."""
    d = d.assign(buyer_key=d["borough_code"].astype(object).fillna(d["buyer_name"].str.lower()))
    notices = d[d["confidence"] == STATUTORY].assign(new_start=lambda n: n["contract_start"].fillna(n["expected_date"]))
    contracts = d[(d["confidence"] == INFERRED) & d["contract_end"].notna()]
    pairs = notices[["ocid", "buyer_key", "tech_category", "new_start"]].dropna().merge(
        contracts[["ocid", "buyer_key", "tech_category", "contract_end", "supplier_names"]],
        on=["buyer_key", "tech_category"], suffixes=("", "_old"))
    near = ((pairs["contract_end"] >= pairs["new_start"] - pd.DateOffset(months=NEAR_BEFORE))
            & (pairs["contract_end"] <= pairs["new_start"] + pd.DateOffset(months=NEAR_AFTER)))
    pairs = pairs[near & (pairs["ocid"] != pairs["ocid_old"])]
    pairs = pairs.assign(gap=(pairs["contract_end"] - pairs["new_start"]).abs()).sort_values(
        ["ocid", "gap", "ocid_old"]).drop_duplicates("ocid")
    reasons = [_replacement_reason(e, s) for e, s in zip(pairs["contract_end"], pairs["new_start"], strict=True)]
    return pairs.assign(incumbent_match=reasons).set_index("ocid")[
        ["ocid_old", "contract_end", "supplier_names", "incumbent_match"]]


def _with_incumbents(d: pd.DataFrame, replaced: pd.DataFrame) -> pd.DataFrame:
    """The calendar's current-contract columns: an inferred item's own; a notice's from the contract it replaces."""
    inferred, found = d["confidence"] == INFERRED, replaced.reindex(d["ocid"]).set_axis(d.index)
    return d.assign(incumbent_suppliers=d["supplier_names"].where(inferred, found["supplier_names"]),
                    current_contract_end=d["contract_end"].where(inferred, found["contract_end"]),
                    incumbent_match=found["incumbent_match"], replaces_ocid=found["ocid_old"],
                    new_contract_end=d["contract_end"].where(~inferred))


def demand_calendar_pandas(raw: Raw, *, date_from: dt.date, date_to: dt.date, categories=(), areas=(),
                           value_bands=(), sme: str = "any", confidence: str = "any") -> pd.DataFrame:
    from loti_demand.metrics import VALUE_BAND_LABELS

    items = demand_items(raw)
    d = items[_calendar_filters(items, date_from, date_to, categories, areas, value_bands, sme, confidence)]
    d = _with_incumbents(_labelled(raw.tech_categories, d), _replacements(items))
    placed = d["expected_date"].clip(lower=pd.Timestamp(date_from))
    d = d.assign(calendar_month=placed.dt.to_period("M").dt.start_time,
                 is_due_now=d["expected_date"] < pd.Timestamp(date_from),
                 value_band_label=d["value_band"].map(VALUE_BAND_LABELS),
                 sme_suitability=d["is_sme_suitable"].map(SME_TEXT).fillna("Not stated"), notice_url=d["url"])
    return d.sort_values(["calendar_month", "expected_date", "area_name", "title", "ocid"])[CALENDAR_COLUMNS]


def _in_list(column: str, values, name: str) -> tuple[str, dict]:
    values = list(values or ())
    if not values:
        return "1", {}
    marks = ", ".join(f":{name}{i}" for i in range(len(values)))
    return f"{column} in ({marks})", {f"{name}{i}": v for i, v in enumerate(values)}


def demand_calendar_sqlite(con: sqlite3.Connection, *, date_from: dt.date, date_to: dt.date, categories=(),
                           areas=(), value_bands=(), sme: str = "any", confidence: str = "any") -> pd.DataFrame:
    from loti_demand.metrics import VALUE_BAND_LABELS

    conditions, params = zip(_in_list("d.tech_category", categories, "c"),
                             _in_list("coalesce(d.borough_code, 'london_wide')", areas, "a"),
                             _in_list("d.value_band", value_bands, "v"), strict=True)
    frame = _sql(con, f"""
        with notices as (
            select ocid, coalesce(borough_code, lower(buyer_name)) as buyer_key, tech_category,
                coalesce(contract_start, expected_date) as new_start
            from demand_items where confidence = '{STATUTORY}'
        ),
        contracts as (
            select ocid, coalesce(borough_code, lower(buyer_name)) as buyer_key, tech_category, contract_end,
                supplier_names
            from demand_items where confidence = '{INFERRED}' and contract_end is not null
        ),
        replaced as (
            select n.ocid, n.new_start, c.ocid as replaces_ocid, c.contract_end, c.supplier_names,
                row_number() over (partition by n.ocid order by abs(julianday(c.contract_end)
                                   - julianday(n.new_start)), c.ocid) as choice
            from notices as n join contracts as c
                on n.buyer_key = c.buyer_key and n.tech_category = c.tech_category and n.ocid <> c.ocid
            where c.contract_end between {_shift_months("n.new_start", -NEAR_BEFORE)}
                and {_shift_months("n.new_start", NEAR_AFTER)}
        )
        select substr(max(d.expected_date, :date_from), 1, 7) || '-01' as calendar_month, d.expected_date,
            d.expected_date < :date_from as is_due_now, d.area_name, d.buyer_name, d.title, d.tech_category,
            c.label as tech_category_label, d.confidence, d.date_basis, d.value_gbp, d.value_band, d.contract_end,
            case when d.confidence = '{INFERRED}' then d.supplier_names else r.supplier_names end
                as incumbent_suppliers,
            case when d.confidence = '{INFERRED}' then d.contract_end else r.contract_end end as current_contract_end,
            r.new_start as replaced_new_start, r.replaces_ocid,
            case when d.confidence = '{STATUTORY}' then d.contract_end end as new_contract_end, d.notice_type,
            case d.is_sme_suitable when 1 then 'Yes' when 0 then 'No' else 'Not stated' end as sme_suitability,
            d.url as notice_url, d.ocid
        from demand_items as d join tech_categories as c on d.tech_category = c.tech_category
        left join replaced as r on d.ocid = r.ocid and r.choice = 1
        where d.expected_date <= :date_to and d.due_until >= :date_from and {' and '.join(conditions)}
            and (:sme = 'any' or (:sme = 'yes' and d.is_sme_suitable) or (:sme = 'no' and not d.is_sme_suitable)
                 or (:sme = 'unknown' and d.is_sme_suitable is null))
            and (:confidence = 'any' or d.confidence = :confidence)
        order by calendar_month, d.expected_date, d.area_name, d.title, d.ocid
    """, date_from=date_from.isoformat(), date_to=date_to.isoformat(), sme=sme, confidence=confidence,
                 **{k: v for p in params for k, v in p.items()})
    labels = frame["value_band"].map(VALUE_BAND_LABELS)
    frame.insert(frame.columns.get_loc("value_band") + 1, "value_band_label", labels)
    starts = frame.pop("replaced_new_start")
    frame.insert(frame.columns.get_loc("replaces_ocid"), "incumbent_match", [
        None if pd.isna(start) else _replacement_reason(pd.Timestamp(end), pd.Timestamp(start))
        for end, start in zip(frame["current_contract_end"], starts, strict=True)])
    return frame


def _shift_months(day: str, months: int) -> str:
    """SQLite for `day` shifted by whole months with the day clamped to the month's end, as DuckDB and pandas do
    (SQLite's own date(x, '+N months') runs over into the next month)."""
    return (f"min(date({day}, 'start of month', '{months:+d} months', '+' || (cast(strftime('%d', {day}) as integer)"
            f" - 1) || ' days'), date({day}, 'start of month', '{months + 1:+d} months', '-1 day'))")


GROUP_COLUMNS = ["group_id", "group_rank", "tech_category", "tech_category_label", "group_boroughs", "group_codes",
                 "borough_count", "items", "group_start", "group_end", "group_value_gbp"]
EVIDENCE_COLUMNS = ["group_id", "group_rank", "tech_category", "tech_category_label", "borough_code", "area_name",
                    "buyer_name", "title", "confidence", "expected_date", "placed_on", "contract_end", "value_gbp",
                    "notice_url", "ocid"]


def _collaboration_groups(tech_categories: pd.DataFrame, items: pd.DataFrame, date_from: dt.date, window_months: int,
                          area: str) -> pd.DataFrame:
    """The grouping walk over the chosen items (shared by both engines: it is sequential per category)."""
    items = items.assign(placed_on=pd.to_datetime(items["expected_date"]).clip(lower=pd.Timestamp(date_from)))
    items = items.sort_values(["tech_category", "placed_on", "ocid"]).reset_index(drop=True)
    numbers, category, number, first = [], None, 0, None
    for tech, placed in zip(items["tech_category"], items["placed_on"], strict=True):
        if tech != category:
            category, number, first = tech, 1, placed
        elif placed.date() > add_months(first.date(), window_months):
            number, first = number + 1, placed
        numbers.append(number)
    items["group_no"] = numbers
    grouped = items.groupby(["tech_category", "group_no"])
    groups = grouped.agg(borough_count=("borough_code", "nunique"), items=("ocid", "size"),
                         group_start=("placed_on", "min"), group_end=("placed_on", "max"),
                         group_value_gbp=("value_gbp", lambda v: v.sum(min_count=1))).reset_index()
    groups["group_boroughs"] = grouped["area_name"].agg(lambda a: "; ".join(sorted(set(a)))).to_numpy()
    groups["group_codes"] = grouped["borough_code"].agg(lambda c: sorted(set(c))).to_numpy()
    groups = groups[groups["borough_count"] >= 2]
    if area:
        groups = groups[[area in codes for codes in groups["group_codes"]]]
    groups = groups.sort_values(["group_start", "tech_category", "group_no"])
    groups["group_rank"] = np.arange(1, len(groups) + 1)
    groups["group_id"] = "Group " + groups["group_rank"].astype(str)
    return _labelled(tech_categories, groups)[GROUP_COLUMNS]


def _live_items(d: pd.DataFrame, date_from: dt.date, date_to: dt.date) -> pd.Series:
    return (d["borough_code"].notna() & d["tech_category"].notna() & (d["expected_date"] <= pd.Timestamp(date_to))
            & (d["due_until"] >= pd.Timestamp(date_from)))


def collaboration_groups_pandas(raw: Raw, *, date_from: dt.date, date_to: dt.date, window_months: int,
                                categories=(), area: str = "") -> pd.DataFrame:
    d = demand_items(raw)
    chosen = _live_items(d, date_from, date_to)
    if categories:
        chosen &= d["tech_category"].isin(list(categories))
    return _collaboration_groups(raw.tech_categories, d[chosen], date_from, window_months, area)


def _live_items_sqlite(con: sqlite3.Connection, date_from: dt.date, date_to: dt.date, categories) -> pd.DataFrame:
    """`_live_items` in SQL, for the chosen categories (none = all)."""
    where, params = _in_list("tech_category", categories, "c")
    return _sql(con, f"""
        select * from demand_items
        where borough_code is not null and tech_category is not null and expected_date <= :date_to
            and due_until >= :date_from and {where}
    """, date_from=date_from.isoformat(), date_to=date_to.isoformat(), **params)


def collaboration_groups_sqlite(con: sqlite3.Connection, *, date_from: dt.date, date_to: dt.date,
                                window_months: int, categories=(), area: str = "") -> pd.DataFrame:
    items = _live_items_sqlite(con, date_from, date_to, categories)
    categories = _sql(con, "select tech_category, label, sort_order from tech_categories")
    return _collaboration_groups(categories, items, date_from, window_months, area)


def _evidence(tech_categories: pd.DataFrame, items: pd.DataFrame, date_from: dt.date, groups) -> pd.DataFrame:
    """Each chosen group's items: its category's items placed from its first to its last date."""
    chosen = pd.DataFrame(list(groups), columns=["group_rank", "tech_category", "group_start", "group_end"])
    items = items.assign(placed_on=pd.to_datetime(items["expected_date"]).clip(lower=pd.Timestamp(date_from)))
    out = chosen.merge(items, on="tech_category")
    out = out[(out["placed_on"] >= pd.to_datetime(out["group_start"]))
              & (out["placed_on"] <= pd.to_datetime(out["group_end"]))]
    out = _labelled(tech_categories, out).rename(columns={"url": "notice_url"})
    out["group_id"] = "Group " + out["group_rank"].astype(str)
    return out.sort_values(["group_rank", "placed_on", "area_name", "ocid"])[EVIDENCE_COLUMNS]


def collaboration_evidence_pandas(raw: Raw, *, date_from: dt.date, date_to: dt.date, groups) -> pd.DataFrame:
    d = demand_items(raw)
    return _evidence(raw.tech_categories, d[_live_items(d, date_from, date_to)], date_from, groups)


def collaboration_evidence_sqlite(con: sqlite3.Connection, *, date_from: dt.date, date_to: dt.date,
                                  groups) -> pd.DataFrame:
    items = _live_items_sqlite(con, date_from, date_to, sorted({g[1] for g in groups}))
    categories = _sql(con, "select tech_category, label, sort_order from tech_categories")
    return _evidence(categories, items, date_from, groups)


# --- demand_summary (Exports page): spend, pipeline, expiring contracts and challenges by chosen dimensions ---

SUMMARY_MEASURES = {"tech_spend_gbp": 0.0, "lines": 0, "pipeline_count": 0, "pipeline_value_gbp": 0.0,
                    "contracts_expiring": 0, "expiring_value_gbp": 0.0}


def _month(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).dt.to_period("M").dt.start_time


def demand_summary_pandas(raw: Raw, *, by: tuple[str, ...], month_from: dt.date | None = None,
                          month_to: dt.date | None = None) -> pd.DataFrame:
    from loti_demand.queries.export_summary import DIMENSIONS, columns_for

    tech = raw.spend[raw.spend["tech_category"].notna()]
    spend = tech.groupby(["borough_code", "tech_category", "payment_month"], observed=True).agg(
        tech_spend_gbp=("amount_gbp", "sum"), lines=("amount_gbp", "size")).reset_index()
    spend = spend.rename(columns={"payment_month": "month"})
    spend["borough_code"] = spend["borough_code"].astype(str)
    d = demand_items(raw)
    d = d[d["tech_category"].notna()]
    notices = d[(d["confidence"] == STATUTORY) & d["expected_date"].notna()]
    pipeline = pd.DataFrame({"borough_code": notices["borough_code"], "tech_category": notices["tech_category"],
                             "month": _month(notices["expected_date"]), "pipeline_count": 1,
                             "pipeline_value_gbp": notices["value_gbp"]})
    ending = d[(d["confidence"] == INFERRED) & d["contract_end"].notna()]
    expiry = pd.DataFrame({"borough_code": ending["borough_code"], "tech_category": ending["tech_category"],
                           "month": _month(ending["contract_end"]), "contracts_expiring": 1,
                           "expiring_value_gbp": ending["value_gbp"]})
    c = raw.challenges[raw.challenges["tech_category"].notna() & raw.challenges["opens_on"].notna()]
    c = c.merge(raw.challenge_boroughs, on="challenge_id")
    challenges = pd.DataFrame({"borough_code": c["borough_code"], "tech_category": c["tech_category"],
                               "month": _month(c["opens_on"]), "challenge_id": c["challenge_id"]})
    facts = pd.concat([spend, pipeline, expiry, challenges], ignore_index=True)
    facts = _labelled(raw.tech_categories, facts)
    if month_from:
        facts = facts[facts["month"] >= pd.Timestamp(month_from)]
    if month_to:
        facts = facts[facts["month"] <= pd.Timestamp(month_to)]
    names = raw.boroughs.set_index("borough_code")["borough_name"]
    month = facts["month"]
    fy_start = month.dt.year - (month.dt.month < 4)
    facts = facts.assign(
        borough_name=facts["borough_code"].map(names).fillna(LONDON_WIDE),
        quarter=month.dt.year.astype(str) + "-Q" + month.dt.quarter.astype(str),
        financial_year=fy_start.astype(str) + "-" + ((fy_start + 1) % 100).astype(str).str.zfill(2),
        month=month.dt.strftime("%Y-%m"))
    keys = [c for d in by for c in DIMENSIONS[d]]
    grouped = facts.groupby(keys, dropna=False) if keys else facts.groupby(lambda _: 0)
    out = grouped.agg(**{m: (m, "sum") for m in SUMMARY_MEASURES},
                      challenges_opened=("challenge_id", "nunique")).reset_index(drop=not keys)
    return out[columns_for(by)]


def demand_summary_sqlite(con: sqlite3.Connection, *, by: tuple[str, ...], month_from: dt.date | None = None,
                          month_to: dt.date | None = None) -> pd.DataFrame:
    from loti_demand.queries.export_summary import DIMENSIONS, columns_for

    flags = {f"by_{d}": d in by for d in DIMENSIONS}
    frame = _sql(con, """
        with facts as (
            select borough_code, tech_category, payment_month as month, sum(amount_gbp) as tech_spend_gbp,
                count(*) as lines, null as pipeline_count, null as pipeline_value_gbp, null as contracts_expiring,
                null as expiring_value_gbp, null as challenge_id
            from spend where tech_category is not null group by borough_code, tech_category, payment_month
            union all
            select borough_code, tech_category, substr(expected_date, 1, 7) || '-01', null, null, 1, value_gbp,
                null, null, null
            from demand_items
            where confidence = 'statutory notice' and tech_category is not null and expected_date is not null
            union all
            select borough_code, tech_category, substr(contract_end, 1, 7) || '-01', null, null, null, null, 1,
                value_gbp, null
            from demand_items
            where confidence = 'inferred from contract end date' and tech_category is not null
                and contract_end is not null
            union all
            select cb.borough_code, c.tech_category, substr(c.opens_on, 1, 7) || '-01', null, null, null, null, null,
                null, c.challenge_id
            from challenges as c join challenge_boroughs as cb on c.challenge_id = cb.challenge_id
            where c.tech_category is not null and c.opens_on is not null
        ),
        labelled as (
            select f.*, coalesce(b.borough_name, 'London-wide body') as borough_name,
                c.label as tech_category_label,
                cast(substr(f.month, 1, 4) as integer) - (cast(substr(f.month, 6, 2) as integer) < 4) as fy_start
            from facts as f
            left join boroughs as b on f.borough_code = b.borough_code
            join tech_categories as c on f.tech_category = c.tech_category
            where (:month_from is null or f.month >= :month_from) and (:month_to is null or f.month <= :month_to)
        )
        select
            case when :by_borough then borough_code end as borough_code,
            case when :by_borough then borough_name end as borough_name,
            case when :by_category then tech_category end as tech_category,
            case when :by_category then tech_category_label end as tech_category_label,
            case when :by_month then substr(month, 1, 7) end as month,
            case when :by_quarter then substr(month, 1, 4) || '-Q' || ((cast(substr(month, 6, 2) as integer) + 2) / 3)
                end as quarter,
            case when :by_financial_year then fy_start || '-' || printf('%02d', (fy_start + 1) % 100) end
                as financial_year,
            coalesce(sum(tech_spend_gbp), 0) as tech_spend_gbp, coalesce(sum(lines), 0) as lines,
            coalesce(sum(pipeline_count), 0) as pipeline_count,
            coalesce(sum(pipeline_value_gbp), 0) as pipeline_value_gbp,
            coalesce(sum(contracts_expiring), 0) as contracts_expiring,
            coalesce(sum(expiring_value_gbp), 0) as expiring_value_gbp,
            count(distinct challenge_id) as challenges_opened
        from labelled
        group by 1, 2, 3, 4, 5, 6, 7
    """, month_from=month_from.isoformat() if month_from else None,
                 month_to=month_to.isoformat() if month_to else None, **flags)
    return frame[columns_for(by)]


# --- Period choices: the first and last months with data ---------------------------------------------------


def data_dates_pandas(raw: Raw) -> pd.DataFrame:
    month = raw.spend["payment_month"]
    return pd.DataFrame([{"first_spend_month": month.min(), "last_spend_month": month.max()}])


def data_dates_sqlite(con: sqlite3.Connection) -> pd.DataFrame:
    return _sql(con, "select min(payment_month) as first_spend_month, max(payment_month) as last_spend_month "
                     "from spend")


def summary_months_pandas(raw: Raw) -> pd.DataFrame:
    d = demand_items(raw)
    d = d[d["tech_category"].notna()]
    months = pd.concat([
        raw.spend.loc[raw.spend["tech_category"].notna(), "payment_month"].agg(["min", "max"]),
        _month(d.loc[d["confidence"] == STATUTORY, "expected_date"]),
        _month(d.loc[d["confidence"] == INFERRED, "contract_end"]),
        _month(raw.challenges.loc[raw.challenges["tech_category"].notna(), "opens_on"])])
    return pd.DataFrame([{"first_month": months.min(), "last_month": months.max()}])


def summary_months_sqlite(con: sqlite3.Connection) -> pd.DataFrame:
    return _sql(con, """
        select min(month) as first_month, max(month) as last_month from (
            select min(payment_month) as month from spend where tech_category is not null
            union all select max(payment_month) from spend where tech_category is not null
            union all select substr(expected_date, 1, 7) || '-01' from demand_items
            where tech_category is not null and confidence = 'statutory notice'
            union all select substr(contract_end, 1, 7) || '-01' from demand_items
            where tech_category is not null and confidence = 'inferred from contract end date'
            union all select substr(opens_on, 1, 7) || '-01' from challenges where tech_category is not null
        )
    """)


# --- What is growing: tech categories, the latest year against the year before ---------------------------------


def _change(latest: pd.Series, before: pd.Series) -> pd.Series:
    return 100 * (latest - before) / before.where(before != 0)


def category_growth_pandas(raw: Raw, *, spend_end: dt.date, end: dt.date) -> pd.DataFrame:
    spend_before, spend_latest = growth_years(spend_end)
    before, latest = growth_years(end)
    lines = raw.spend.loc[_between(raw.spend["payment_month"], spend_before.start, spend_latest.end),
                          ["borough_code", "payment_month", "tech_category", "amount_gbp"]]
    month = lines["payment_month"]
    in_before = month <= pd.Timestamp(spend_before.end)
    partner = (month + pd.DateOffset(months=12)).where(in_before, month - pd.DateOffset(months=12))
    covered = pd.MultiIndex.from_frame(lines[["borough_code", "payment_month"]].drop_duplicates())
    paired = pd.MultiIndex.from_arrays([lines["borough_code"], partner]).isin(covered)
    tech = lines[paired & lines["tech_category"].notna()]
    first = raw.releases.groupby("ocid")["release_date"].min().dt.normalize()
    p = raw.processes[raw.processes["is_london"]].assign(first_date=lambda d: d["ocid"].map(first))
    tech_p = p[p["tech_category"].notna()]
    c = raw.challenges[raw.challenges["tech_category"].notna()]
    out = raw.tech_categories.rename(columns={"label": "tech_category_label"}).set_index("tech_category")
    for name, frame, column, years in (("spend", tech, "payment_month", (spend_before, spend_latest)),
                                       ("procurements", tech_p, "first_date", (before, latest)),
                                       ("challenges", c, "opens_on", (before, latest))):
        for key, period in zip(("before", "latest"), years, strict=True):
            chosen = frame[_between(frame[column], period.start, period.end)].groupby("tech_category")
            out[f"{name}_{key}" + ("_gbp" if name == "spend" else "")] = (
                chosen["amount_gbp"].sum() if name == "spend" else chosen.size())
    out = out.fillna(0).reset_index()
    out["spend_change_pct"] = _change(out["spend_latest_gbp"], out["spend_before_gbp"])
    for name in ("procurements", "challenges"):
        out[f"{name}_change_pct"] = _change(out[f"{name}_latest"], out[f"{name}_before"])
    pairs = lines.loc[paired, ["borough_code", "payment_month"]].drop_duplicates()
    out["publishers_compared"] = pairs["borough_code"].nunique()
    out["publishers_with_spend"] = lines["borough_code"].nunique()
    out["months_compared"] = int((pairs["payment_month"] > pd.Timestamp(spend_before.end)).sum())
    out["first_notice_date"] = p["first_date"].min()
    out["first_challenge_date"] = raw.challenges["opens_on"].min()
    return out


def category_growth_sqlite(con: sqlite3.Connection, *, spend_end: dt.date, end: dt.date) -> pd.DataFrame:
    spend_before, spend_latest = growth_years(spend_end)
    before, latest = growth_years(end)
    return _sql(con, """
        with covered as (
            select distinct borough_code, payment_month from spend where payment_month between :s0 and :s2
        ),
        paired as (
            select m.borough_code, m.payment_month from covered as m join covered as o
            on o.borough_code = m.borough_code and o.payment_month = date(m.payment_month,
                case when m.payment_month <= :s1 then '+12 months' else '-12 months' end)
        ),
        spend_by as (
            select s.tech_category, sum(case when s.payment_month <= :s1 then s.amount_gbp end) as b,
                sum(case when s.payment_month > :s1 then s.amount_gbp end) as l
            from spend as s join paired as p on s.borough_code = p.borough_code and s.payment_month = p.payment_month
            where s.tech_category is not null group by s.tech_category
        ),
        firsts as (select ocid, date(min(release_date)) as first_date from releases group by ocid),
        london as (select p.*, f.first_date from processes as p join firsts as f on p.ocid = f.ocid where p.is_london),
        procs as (
            select tech_category, sum(first_date between :b0 and :b1) as b, sum(first_date between :l0 and :l1) as l
            from london where tech_category is not null group by tech_category
        ),
        opened as (
            select tech_category, sum(date(opens_on) between :b0 and :b1) as b,
                sum(date(opens_on) between :l0 and :l1) as l
            from challenges where tech_category is not null group by tech_category
        ),
        joined as (
            select c.tech_category, c.label as tech_category_label, coalesce(s.b, 0) as spend_before_gbp,
                coalesce(s.l, 0) as spend_latest_gbp, coalesce(p.b, 0) as procurements_before,
                coalesce(p.l, 0) as procurements_latest, coalesce(o.b, 0) as challenges_before,
                coalesce(o.l, 0) as challenges_latest
            from tech_categories as c left join spend_by as s on c.tech_category = s.tech_category
            left join procs as p on c.tech_category = p.tech_category
            left join opened as o on c.tech_category = o.tech_category
        )
        select *,
            100.0 * (spend_latest_gbp - spend_before_gbp) / nullif(spend_before_gbp, 0) as spend_change_pct,
            100.0 * (procurements_latest - procurements_before) / nullif(procurements_before, 0)
                as procurements_change_pct,
            100.0 * (challenges_latest - challenges_before) / nullif(challenges_before, 0) as challenges_change_pct,
            (select count(distinct borough_code) from paired) as publishers_compared,
            (select count(distinct borough_code) from covered) as publishers_with_spend,
            (select count(*) from paired where payment_month > :s1) as months_compared,
            (select min(first_date) from london) as first_notice_date,
            (select date(min(opens_on)) from challenges) as first_challenge_date
        from joined
    """, s0=spend_before.start.isoformat(), s1=spend_before.end.isoformat(), s2=spend_latest.end.isoformat(),
        b0=before.start.isoformat(), b1=before.end.isoformat(), l0=latest.start.isoformat(),
        l1=latest.end.isoformat())


EQUIVALENTS: dict[str, Equivalent | Exempt] = {
    "build_info": Exempt("one row of build metadata, read from a one-row table: nothing to compare"),
    "possible_tech": Exempt("the possibly-tech amount stated beside a total: one sum over the monthly aggregate, "
                            "whose low-confidence guesses the pandas and SQLite readings do not make"),
    "classification_coverage": Exempt("how each publisher's tech spend was identified: a few dozen rows over a small "
                                      "aggregate of the classification methods"),
    "spend_bodies": Exempt("the few London-wide bodies with spend (none in generated data): a list of names"),
    "body_measures": Exempt("the map measures of the few London-wide bodies (none with spend in generated data)"),
    "headline": Equivalent(headline_pandas, headline_sqlite),
    "tech_spend_by_category": Equivalent(tech_spend_by_category_pandas, tech_spend_by_category_sqlite),
    "fetch_log": Exempt("the log of API fetches and spend downloads (none in generated data): read as stored"),
    "publication_timeliness": Exempt("one row per registered spend publisher (40): the latest month per borough and "
                                     "the fetch log, not payment lines"),
    # Challenge statements are a few hundred rows London-wide (the bench uses the sample's), not payment lines;
    # their outcomes come from the build's matching step, which an analyst's query has no equivalent of.
    "challenges_list": Exempt("a search over a few hundred challenge statements, not payment lines"),
    "search_synonyms": Exempt("the word search's synonym list, read as stored (a few dozen terms)"),
    "procurement_dates": Exempt("two dates of each of the Demand calendar's procurements, looked up by ocid"),
    "notice_search": Exempt("a word search over the London notices' text, whose stems only the build's index holds"),
    "challenge_filter_options": Exempt("filter choices counted over a few hundred challenge statements, among what "
                                       "challenges_list finds"),
    "challenge_detail": Exempt("one challenge statement by its id"),
    "challenge_outcomes_for": Exempt("one challenge's outcomes, found by the build's matching step"),
    "spend_lines": Equivalent(spend_lines_pandas, spend_lines_sqlite,
                              not_compared=("transaction_id", "source_file", "source_row")),
    "borough_measures": Equivalent(borough_measures_pandas, borough_measures_sqlite),
    "category_spend": Equivalent(category_spend_pandas, category_spend_sqlite),
    "spend_over_time": Equivalent(spend_over_time_pandas, spend_over_time_sqlite),
    "spend_summary": Equivalent(spend_summary_pandas, spend_summary_sqlite),
    "top_suppliers": Equivalent(top_suppliers_pandas, top_suppliers_sqlite),
    "supplier_concentration": Equivalent(supplier_concentration_pandas, supplier_concentration_sqlite),
    "borough_pipeline": Equivalent(borough_pipeline_pandas, borough_pipeline_sqlite),
    # The link target of a current supplier (its supplier id, or its name's matching key when it is never paid) is
    # the build's supplier resolution, which the raw readings do not do; the rest of each row is compared.
    "borough_expiring": Equivalent(borough_expiring_pandas, borough_expiring_sqlite,
                                   not_compared=("incumbent_supplier_id",)),
    "sme_pipeline": Equivalent(sme_pipeline_pandas, sme_pipeline_sqlite),
    "london_demand": Equivalent(london_demand_pandas, london_demand_sqlite),
    "demand_calendar": Equivalent(demand_calendar_pandas, demand_calendar_sqlite,
                                  not_compared=("incumbent_supplier_id",)),
    "supplier_spend_by_buyer": Equivalent(supplier_spend_by_buyer_pandas, supplier_spend_by_buyer_sqlite),
    "supplier_spend_by_month": Equivalent(supplier_spend_by_month_pandas, supplier_spend_by_month_sqlite),
    "supplier_category_share": Equivalent(supplier_category_share_pandas, supplier_category_share_sqlite),
    "supplier_list": Exempt("the suppliers to pick from (those paid for technology or named in a London award), "
                            "read from the suppliers mart and the awards as the build resolved them"),
    "supplier_detail": Exempt("one supplier's name and spellings as the build's supplier matching resolved them"),
    "supplier_contracts": Exempt("one supplier's current contracts: a few award notices naming it, with the "
                                 "build's incumbent matching (contract_replacements), not payment lines"),
    "supplier_notices_won": Exempt("the award notices naming one supplier, as the build's supplier matching "
                                   "resolved their names: not payment lines"),
    "body_list": Exempt("the London-wide bodies with spend or notices (none in generated data): a list of names"),
    "data_dates": Equivalent(data_dates_pandas, data_dates_sqlite),
    "summary_months": Equivalent(summary_months_pandas, summary_months_sqlite),
    # Lookups over the small reference, build-metadata and provenance tables: nothing per payment line to compare.
    "demand_undated": Exempt("counts of procurements with no date at all (none in generated notices, which are "
                             "always dated): an empty answer, nothing to compare"),
    "tech_categories": Exempt("the taxonomy's 13 categories read from the reference table as stored"),
    "category_growth": Equivalent(category_growth_pandas, category_growth_sqlite),
    "term_growth": Exempt("a word search of the watched technology terms over the notices' and challenges' words, "
                          "whose stems only the build's index holds"),
    "borough_peers": Exempt("one borough beside its neighbours and two medians, built from borough_measures (compared "
                            "here) and the reference list of boroughs that share a border"),
    "borough_list": Exempt("the 33 boroughs' reference rows (names, population, tile positions) as stored"),
    "borough_challenges": Exempt("one borough's open challenge statements out of a few dozen, read as stored"),
    "borough_coverage": Exempt("one borough's file accounting from the build's own provenance (source_files: "
                               "files read, rejected, duplicate and quarantined lines), which raw lines do not have"),
    "coverage_by_borough": Exempt("publication-quality scores from the build's file accounting, load issues and "
                                  "payee-matching methods, which an analyst's raw lines do not have"),
    "coverage_source_files": Exempt("the build's list of input files and how each line was accounted for"),
    "load_issue_files": Exempt("the build's quarantine log grouped by file: build provenance, not payment lines"),
    "load_issues_list": Exempt("the build's quarantined rows as stored: build provenance, not payment lines"),
    "collaboration_groups": Equivalent(collaboration_groups_pandas, collaboration_groups_sqlite),
    "collaboration_evidence": Equivalent(collaboration_evidence_pandas, collaboration_evidence_sqlite),
    "demand_summary": Equivalent(demand_summary_pandas, demand_summary_sqlite),
}


# --- Comparing answers ---------------------------------------------------------------------------------------


def _value(value: object) -> object:
    """A comparable form: numbers to the penny, dates as ISO days, missing values as None."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        return tuple(_value(v) for v in value)
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
