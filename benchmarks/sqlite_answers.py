"""The headline questions over payment lines asked of the raw lines loaded into SQLite, as a Datasette user would:
one function per registered query in benchmarks.equivalents, each returning the columns DuckDB's answer has."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pandas as pd


def _sql(con: sqlite3.Connection, sql: str, **params: object) -> pd.DataFrame:
    cursor = con.execute(sql, params)
    return pd.DataFrame(cursor.fetchall(), columns=[d[0] for d in cursor.description])


def _in_boroughs(boroughs: tuple[str, ...] | None) -> tuple[str, dict]:
    """A SQL condition on borough_code for the chosen boroughs (none = all) and its parameters."""
    codes = list(boroughs or ())
    if not codes:
        return "1", {}
    marks = ", ".join(f":b{i}" for i in range(len(codes)))
    return f"borough_code in ({marks})", {f"b{i}": code for i, code in enumerate(codes)}


def borough_measures(
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


def category_spend(
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


def spend_over_time(
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


def spend_summary(
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


def top_suppliers(
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
                count(distinct case when borough_code in (select borough_code from boroughs) then borough_code end)
                    as boroughs,
                count(distinct case when borough_code not in (select borough_code from boroughs) then borough_code end)
                    as bodies
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
            s.lines, s.boroughs, s.bodies, count(*) over () as suppliers_total
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
