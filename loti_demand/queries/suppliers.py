"""The Supplier profile. `supplier` is a supplier_id: the suppliers mart's, or for a supplier named in awards but
never paid its matching key (procurement_suppliers)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from loti_demand.queries import core
from loti_demand.queries.core import as_of, query, run
from loti_demand.queries.examples import last12


def _a_supplier(con: duckdb.DuckDBPyConnection) -> str:
    """The supplier paid most for technology (the one the Supplier profile opens on)."""
    rows = con.execute(
        "select supplier_id from agg_supplier_totals order by tech_spend_gbp desc, supplier_id limit 1"
    ).fetchall()
    return rows[0][0] if rows else ""


@query()
def supplier_list(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "supplier_list")


@query(lambda con: {"supplier": _a_supplier(con)})
def supplier_detail(con: duckdb.DuckDBPyConnection, *, supplier: str) -> pd.DataFrame:
    return run(con, "supplier_detail", supplier=supplier)


def _supplier_window(con: duckdb.DuckDBPyConnection) -> dict:
    return {**last12(con), "supplier": _a_supplier(con)}


@query(_supplier_window)
def supplier_spend_by_buyer(
    con: duckdb.DuckDBPyConnection, *, supplier: str, start: dt.date, end: dt.date
) -> pd.DataFrame:
    return run(con, "supplier_spend_by_buyer", supplier=supplier, start=start, end=end)


@query(_supplier_window)
def supplier_spend_by_month(
    con: duckdb.DuckDBPyConnection, *, supplier: str, start: dt.date, end: dt.date
) -> pd.DataFrame:
    return run(con, "supplier_spend_by_month", supplier=supplier, start=start, end=end)


@query(_supplier_window)
def supplier_category_share(
    con: duckdb.DuckDBPyConnection, *, supplier: str, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Its share of each category's London market: top_suppliers' share_pct and rank with that category chosen."""
    return run(con, "supplier_category_share", supplier=supplier, start=start, end=end)


def _an_incumbent(con: duckdb.DuckDBPyConnection) -> dict:
    rows = con.execute(
        "select supplier_id from procurement_suppliers where supplier_id is not null "
        "group by supplier_id order by count(*) desc, supplier_id limit 1"
    ).fetchall()
    return {"supplier": rows[0][0] if rows else "", "date_from": as_of(con).replace(day=1)}


@query(_an_incumbent)
def supplier_contracts(
    con: duckdb.DuckDBPyConnection, *, supplier: str, date_from: dt.date, as_of: dt.date | None = None
) -> pd.DataFrame:
    """The contracts it holds that had not ended by date_from (the first day of the data-as-of month on the page),
    with the expected re-procurement date, already due when before as_of (the warehouse's data-as-of date unless
    given), and any notice that looks like its re-procurement."""
    return run(con, "supplier_contracts", supplier=supplier, date_from=date_from, as_of=as_of or core.as_of(con))


@query(lambda con: {"supplier": _an_incumbent(con)["supplier"]})
def supplier_notices_won(con: duckdb.DuckDBPyConnection, *, supplier: str) -> pd.DataFrame:
    return run(con, "supplier_notices_won", supplier=supplier)
