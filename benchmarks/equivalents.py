"""The headline questions over payment lines, asked of the raw lines with pandas (as an analyst would) and with
SQLite (as a Datasette user would), keyed by the name of the registered query that answers them on DuckDB:
the totals (spend_summary), spend by month (spend_over_time), category totals (category_spend), top suppliers
(top_suppliers) and spend per resident by borough (borough_measures, its spend columns).

The other registered queries are timed on DuckDB with the floor under their answers, not re-implemented here: a
second and third implementation of every page question would have to copy the warehouse's business rules.
tests/test_bench.py checks that all three engines give the same answers to the penny on generated data.
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from benchmarks.raw import Raw


@dataclass(frozen=True)
class Equivalent:
    pandas: Callable[..., pd.DataFrame]  # (raw: Raw, **params)
    sqlite: Callable[..., pd.DataFrame]  # (con: sqlite3.Connection, **params)
    # DuckDB columns outside the payment lines (e.g. a borough's notices and challenges), left out of the comparison.
    not_compared: tuple[str, ...] = ()


def _sql(con: sqlite3.Connection, sql: str, **params: object) -> pd.DataFrame:
    cursor = con.execute(sql, params)
    return pd.DataFrame(cursor.fetchall(), columns=[d[0] for d in cursor.description])


def _between(series: pd.Series, low: dt.date, high: dt.date) -> pd.Series:
    return (series >= pd.Timestamp(low)) & (series <= pd.Timestamp(high))


def _lines(
    raw: Raw,
    start: dt.date,
    end: dt.date,
    columns: list[str],
    boroughs: tuple[str, ...] | None = None,
    category: str | None = None,
    tech_only: bool = True,
    keep_untagged: bool = False,
) -> pd.DataFrame:
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


# The columns of borough_measures that come from notices and challenges, not payment lines.
NOT_SPEND = (
    "pipeline_value_gbp",
    "pipeline_count",
    "contracts_expiring",
    "expiring_value_gbp",
    "notices",
    "open_challenges",
    "challenge_statements",
)


def borough_measures_pandas(raw: Raw, *, start: dt.date, end: dt.date, category: str | None = None) -> pd.DataFrame:
    window = _lines(raw, start, end, ["borough_code", "payment_month", "tech_category", "amount_gbp"], tech_only=False)
    tech = window[window["tech_category"].notna() & (True if category is None else window["tech_category"] == category)]
    spend = pd.DataFrame(
        {
            "months_covered": window.groupby("borough_code", observed=True)["payment_month"].nunique(),
            "tech_spend_gbp": tech.groupby("borough_code", observed=True)["amount_gbp"].sum(),
            "lines": tech.groupby("borough_code", observed=True).size(),
        }
    )
    spend.index = spend.index.astype(str)
    out = raw.boroughs.set_index("borough_code").join(spend)
    covered = out["months_covered"].fillna(0) > 0
    out["tech_spend_gbp"] = out["tech_spend_gbp"].fillna(0).where(covered)
    out["tech_spend_per_resident_gbp"] = out["tech_spend_gbp"] / out["population"].replace(0, np.nan)
    for column in ("lines", "months_covered"):
        out[column] = out[column].fillna(0)
    out["london_median_per_resident_gbp"] = out["tech_spend_per_resident_gbp"].median()
    return out.reset_index().sort_values("borough_name")


def borough_measures_sqlite(
    con: sqlite3.Connection, *, start: dt.date, end: dt.date, category: str | None = None
) -> pd.DataFrame:
    frame = _sql(
        con,
        """
        with spend_by as (
            select borough_code,
                sum(case when tech_category is not null and (:cat is null or tech_category = :cat)
                    then amount_gbp end) as tech_spend_gbp,
                sum(tech_category is not null and (:cat is null or tech_category = :cat)) as lines,
                count(distinct payment_month) as months_covered
            from spend where payment_month between :start and :end group by borough_code
        )
        select b.*,
            case when s.months_covered > 0 then coalesce(s.tech_spend_gbp, 0) end as tech_spend_gbp,
            case when s.months_covered > 0 then coalesce(s.tech_spend_gbp, 0) * 1.0 / nullif(b.population, 0) end
                as tech_spend_per_resident_gbp,
            coalesce(s.lines, 0) as lines, coalesce(s.months_covered, 0) as months_covered
        from boroughs as b
        left join spend_by as s on b.borough_code = s.borough_code
        order by b.borough_name
    """,
        start=start.isoformat(),
        end=end.isoformat(),
        cat=category,
    )
    # SQLite has no median: the one London figure is taken from the 33 rows.
    frame["london_median_per_resident_gbp"] = frame["tech_spend_per_resident_gbp"].median()
    return frame


def category_spend_pandas(raw: Raw, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = ()) -> pd.DataFrame:
    lines = _lines(raw, start, end, ["tech_category", "amount_gbp"], boroughs)
    out = lines.groupby("tech_category").agg(tech_spend_gbp=("amount_gbp", "sum"), lines=("amount_gbp", "size"))
    return _labelled(raw.tech_categories, out.reset_index()).sort_values(
        ["tech_spend_gbp", "tech_category"], ascending=[False, True]
    )


def category_spend_sqlite(
    con: sqlite3.Connection, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = ()
) -> pd.DataFrame:
    where, params = _in_boroughs(boroughs)
    return _sql(
        con,
        f"""
        select c.tech_category, c.label as tech_category_label, sum(s.amount_gbp) as tech_spend_gbp,
            count(*) as lines
        from spend as s join tech_categories as c on s.tech_category = c.tech_category
        where s.payment_month between :start and :end and {where}
        group by c.tech_category, c.label
        order by tech_spend_gbp desc, c.tech_category
    """,
        start=start.isoformat(),
        end=end.isoformat(),
        **params,
    )


def spend_over_time_pandas(
    raw: Raw,
    *,
    start: dt.date,
    end: dt.date,
    boroughs: tuple[str, ...] = (),
    category: str | None = None,
    grain: str = "month",
) -> pd.DataFrame:
    lines = _lines(raw, start, end, ["payment_month", "tech_category", "amount_gbp"], boroughs, category)
    period = lines["payment_month"].dt.to_period("M" if grain == "month" else "Q").dt.start_time
    out = (
        lines.assign(period_start=period)
        .groupby(["period_start", "tech_category"])
        .agg(tech_spend_gbp=("amount_gbp", "sum"), lines=("amount_gbp", "size"))
        .reset_index()
    )
    return _labelled(raw.tech_categories, out).sort_values(["period_start", "sort_order"])


def spend_over_time_sqlite(
    con: sqlite3.Connection,
    *,
    start: dt.date,
    end: dt.date,
    boroughs: tuple[str, ...] = (),
    category: str | None = None,
    grain: str = "month",
) -> pd.DataFrame:
    where, params = _in_boroughs(boroughs)
    period = (
        "s.payment_month"
        if grain == "month"
        else "printf('%s-%02d-01', substr(s.payment_month, 1, 4), "
        "(cast(substr(s.payment_month, 6, 2) as integer) - 1) / 3 * 3 + 1)"
    )
    return _sql(
        con,
        f"""
        select {period} as period_start, s.tech_category, c.label as tech_category_label,
            sum(s.amount_gbp) as tech_spend_gbp, count(*) as lines
        from spend as s join tech_categories as c on s.tech_category = c.tech_category
        where s.payment_month between :start and :end and {where} and (:cat is null or s.tech_category = :cat)
        group by 1, 2, 3
        order by 1, min(c.sort_order)
    """,
        start=start.isoformat(),
        end=end.isoformat(),
        cat=category,
        **params,
    )


def spend_summary_pandas(
    raw: Raw, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = (), category: str | None = None
) -> pd.DataFrame:
    lines = _lines(
        raw,
        start,
        end,
        ["borough_code", "payment_month", "tech_category", "amount_gbp", "is_redacted"],
        boroughs,
        category,
        tech_only=False,
        keep_untagged=True,
    )
    tech = lines[lines["tech_category"].notna()]
    return pd.DataFrame(
        [
            {
                "tech_spend_gbp": float(tech["amount_gbp"].sum()),
                "lines": len(tech),
                "redacted_lines": int(tech["is_redacted"].sum()),
                "boroughs_with_data": lines["borough_code"].nunique(),
                "bodies_with_data": 0,
                "bodies_tech_spend_gbp": 0.0,  # the generated data has boroughs' spend only
                "months_with_data": lines["payment_month"].nunique(),
            }
        ]
    )


def spend_summary_sqlite(
    con: sqlite3.Connection,
    *,
    start: dt.date,
    end: dt.date,
    boroughs: tuple[str, ...] = (),
    category: str | None = None,
) -> pd.DataFrame:
    where, params = _in_boroughs(boroughs)
    return _sql(
        con,
        f"""
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
    """,
        start=start.isoformat(),
        end=end.isoformat(),
        cat=category,
        **params,
    )


def _by_supplier(raw: Raw, start: dt.date, end: dt.date, boroughs, category, keys: list[str]) -> pd.DataFrame:
    lines = _lines(
        raw,
        start,
        end,
        ["borough_code", "tech_category", "supplier_id", "amount_gbp", "is_redacted"],
        boroughs,
        category,
    )
    lines = lines[~lines["is_redacted"]]
    return (
        lines.groupby(keys, dropna=False, observed=True)
        .agg(amount_gbp=("amount_gbp", "sum"), lines=("amount_gbp", "size"), boroughs=("borough_code", "nunique"))
        .reset_index()
    )


def top_suppliers_pandas(
    raw: Raw,
    *,
    start: dt.date,
    end: dt.date,
    boroughs: tuple[str, ...] = (),
    category: str | None = None,
    limit: int = 10,
) -> pd.DataFrame:
    s = _by_supplier(raw, start, end, boroughs, category, ["supplier_id"]).rename(
        columns={"amount_gbp": "tech_spend_gbp"}
    )
    s = s.sort_values(["tech_spend_gbp", "supplier_id"], ascending=[False, True], na_position="last")
    positive = s["tech_spend_gbp"].where(s["tech_spend_gbp"] > 0)
    s = s.assign(rank=np.arange(1, len(s) + 1), share_pct=100 * positive / positive.sum(), suppliers_total=len(s))
    names = raw.suppliers.set_index("supplier_id")["canonical_name"]
    s["supplier_name"] = s["supplier_id"].map(names).fillna(s["supplier_id"])
    return s.head(limit + 1)


def top_suppliers_sqlite(
    con: sqlite3.Connection,
    *,
    start: dt.date,
    end: dt.date,
    boroughs: tuple[str, ...] = (),
    category: str | None = None,
    limit: int = 10,
) -> pd.DataFrame:
    where, params = _in_boroughs(boroughs)
    return _sql(
        con,
        f"""
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
    """,
        start=start.isoformat(),
        end=end.isoformat(),
        cat=category,
        limit=int(limit),
        **params,
    )


EQUIVALENTS: dict[str, Equivalent] = {
    "spend_summary": Equivalent(spend_summary_pandas, spend_summary_sqlite),
    "spend_over_time": Equivalent(spend_over_time_pandas, spend_over_time_sqlite),
    "category_spend": Equivalent(category_spend_pandas, category_spend_sqlite),
    "top_suppliers": Equivalent(top_suppliers_pandas, top_suppliers_sqlite),
    "borough_measures": Equivalent(borough_measures_pandas, borough_measures_sqlite, not_compared=NOT_SPEND),
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


def differences(
    expected: pd.DataFrame, actual: pd.DataFrame, not_compared: tuple[str, ...] = (), tolerance: float = 0.0
) -> list[str]:
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
