"""Build steps for the spend periods the pages offer: which windows they are, and the supplier answers for each.

The spend pages offer a few windows (periods.spend_periods: the latest 12 months, each financial year, all months),
and they follow from the data's dates, so they are known when the warehouse is built. For those windows, London-wide,
the build stores the supplier answers (agg_suppliers_by_period, a SQL model, and agg_concentration_by_period, here),
and top_suppliers and supplier_concentration read them instead of grouping the monthly mart on every click.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from loti_demand import periods, queries
from loti_demand.warehouse.db import create_from_arrow
from loti_demand.warehouse.enrich import replace_table

WINDOW = pa.schema([("period_start", pa.date32()), ("period_end", pa.date32())])


def store_spend_periods(con: duckdb.DuckDBPyConnection, ref: object = None) -> None:
    """spend_periods: each distinct window of periods.spend_periods for this data, as the pages work it out (the
    latest 12 months is often also the latest financial year: one window)."""
    dates = queries.run(con, "data_dates").iloc[0]
    offered = periods.spend_periods(dates["first_spend_month"], dates["last_spend_month"], queries.as_of(con))
    windows = sorted({(p.start, p.end) for p in offered})
    replace_table(con, "spend_periods", ({"period_start": start, "period_end": end} for start, end in windows), WINDOW)


def store_supplier_concentration(con: duckdb.DuckDBPyConnection, ref: object = None) -> None:
    """agg_concentration_by_period: supplier_concentration.sql's answer for every borough and category, for each
    window in spend_periods: the same query the page runs, so the same answer."""
    windows = con.execute("select period_start, period_end from spend_periods order by all").fetchall()
    parts = []
    for start, end in windows or [(None, None)]:  # no windows: a window of no months gives the columns, no rows
        answer = con.sql(queries.sql("supplier_concentration"),
                         params={"start": start, "end": end, "boroughs": None, "category": None}).to_arrow_table()
        window = [pa.array([start] * answer.num_rows, pa.date32()), pa.array([end] * answer.num_rows, pa.date32())]
        parts.append(pa.Table.from_arrays(window + answer.columns, names=WINDOW.names + answer.column_names))
    create_from_arrow(con, "agg_concentration_by_period", pa.concat_tables(parts))
