"""Build steps for the periods the pages offer: which windows they are, and answers stored for each.

The pages offer a few windows, all worked out from the data's dates and so known when the warehouse is built:
spend periods (periods.spend_periods: the latest 12 months, each financial year, all months), forward periods
(the next 12, 18 or 24 months from the data-as-of date) and the current one (as things stand). For those windows the
build stores the answers of the queries that would otherwise group thousands of rows on every click, and the query
functions read them: the map measures of every borough (agg_borough_measures_by_period, here), and, London-wide, the
largest suppliers (agg_suppliers_by_period, a SQL model) and supplier concentration (agg_concentration_by_period,
here). Answers stored here come from the very query the pages run, so they are the same answers.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pyarrow as pa

from loti_demand import periods, queries
from loti_demand.warehouse.db import create_from_arrow
from loti_demand.warehouse.enrich import replace_table

PAGE_PERIODS = pa.schema([("period_start", pa.date32()), ("period_end", pa.date32()), ("kind", pa.string())])
LEAD = pa.schema([("period_start", pa.date32()), ("period_end", pa.date32()), ("tech_category", pa.string())])


def store_page_periods(con: duckdb.DuckDBPyConnection, ref: object = None) -> None:
    """page_periods: each distinct window of each kind the pages offer for this data, worked out as they do (the
    latest 12 months is often also the latest financial year: one window)."""
    as_of = queries.as_of(con)
    offered = {"spend": queries.spend_periods(con), "forward": periods.forward_periods(as_of),
               "current": periods.current_period(as_of)}
    rows = sorted({(p.start, p.end, kind) for kind, found in offered.items() for p in found})
    replace_table(con, "page_periods", ({"period_start": s, "period_end": e, "kind": k} for s, e, k in rows),
                  PAGE_PERIODS)


def store_borough_measures(con: duckdb.DuckDBPyConnection, ref: object = None) -> None:
    """agg_borough_measures_by_period: borough_measures.sql's answer for each window in page_periods, for all tech
    (tech_category NULL) and for each category."""
    windows = con.execute("select distinct period_start, period_end from page_periods order by all").fetchall()
    categories = [None, *queries.tech_categories(con)["tech_category"]]
    keys = [(start, end, category) for start, end in windows for category in categories]
    create_from_arrow(con, "agg_borough_measures_by_period", _answers(
        con, "borough_measures", LEAD.names, keys, lambda start, end, category: {"start": start, "end": end,
                                                                                 "category": category}))


def store_supplier_concentration(con: duckdb.DuckDBPyConnection, ref: object = None) -> None:
    """agg_concentration_by_period: supplier_concentration.sql's answer for every borough and category, for each
    spend window in page_periods."""
    windows = con.execute("select period_start, period_end from page_periods where kind = 'spend' order by all"
                          ).fetchall()
    create_from_arrow(con, "agg_concentration_by_period", _answers(
        con, "supplier_concentration", LEAD.names[:2], windows,
        lambda start, end: {"start": start, "end": end, "boroughs": None, "category": None}))


def _answers(con: duckdb.DuckDBPyConnection, query: str, lead: list[str], keys: list[tuple],
             params: Callable[..., dict]) -> pa.Table:
    """queries/<query>.sql's answer for each key, run with params(*key), its rows led by the key's values (the
    `lead` columns of LEAD). With no keys, the answer's columns and no rows."""
    parts = []
    for key in keys or [(None,) * len(lead)]:
        answer = con.sql(queries.sql(query), params=params(*key)).to_arrow_table()
        answer = answer if keys else answer.slice(0, 0)
        columns = [pa.array([value] * answer.num_rows, LEAD.field(name).type)
                   for name, value in zip(lead, key, strict=True)]
        parts.append(pa.Table.from_arrays(columns + answer.columns, names=[*lead, *answer.column_names]))
    return pa.concat_tables(parts)
