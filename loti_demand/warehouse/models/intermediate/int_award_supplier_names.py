"""int_award_supplier_names: each supplier name published in an award or contract notice, with the supplier paid
under a spelling that has the same matching key (normalise.suppliers.supplier_key: case, punctuation and legal form
ignored), so a supplier shows under one name, the suppliers mart's canonical name, in every table. A name paid under
no such spelling keeps its published form (supplier_id NULL). match_key is the name's matching key: the id the
supplier would have if it were paid (procurement_suppliers uses it for the unpaid). Python, for supplier_key."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from loti_demand.normalise.suppliers import supplier_key
from loti_demand.warehouse.db import sql_beside
from loti_demand.warehouse.enrich import replace_table

READS = ()  # it reads only through the SQL beside it
SCHEMA = pa.schema(
    [
        ("supplier_name", pa.string()),
        ("supplier_id", pa.string()),
        ("canonical_name", pa.string()),
        ("match_key", pa.string()),
    ]
)


def create(con: duckdb.DuckDBPyConnection, ref: object = None) -> None:
    names = con.execute(sql_beside(__file__)).fetchall()
    by_key: dict[str, tuple[str, str]] = {}
    for _, name, supplier_id, canonical in (row for row in names if row[0] == "paid"):
        if key := supplier_key(name):
            by_key.setdefault(key, (supplier_id, canonical))
    rows = []
    for _, name, _, _ in (row for row in names if row[0] == "award"):
        key = supplier_key(name)
        supplier_id, canonical = by_key.get(key or "", (None, None))
        rows.append({"supplier_name": name, "supplier_id": supplier_id, "canonical_name": canonical, "match_key": key})
    replace_table(con, "int_award_supplier_names", rows, SCHEMA)
