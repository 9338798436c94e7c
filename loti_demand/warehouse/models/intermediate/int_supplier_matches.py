"""int_supplier_matches: each distinct published supplier name resolved once (identifiers, normalised name, fuzzy
matching, overrides) to a supplier_id and canonical name. Python, for the fuzzy matching
(normalise.supplier_resolution). Redacted payees never reach it: staging has already withheld their names."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from loti_demand.normalise.supplier_resolution import Published, resolve
from loti_demand.reference import Reference
from loti_demand.warehouse.db import sql_beside
from loti_demand.warehouse.enrich import load_overrides, replace_table

READS = ()  # it reads only through the SQL beside it
SCHEMA = pa.schema(
    [
        ("supplier_name", pa.string()),
        ("supplier_id", pa.string()),
        ("canonical_name", pa.string()),
        ("match_method", pa.string()),
        ("confidence", pa.float64()),
        ("reason", pa.string()),
        ("company_number", pa.string()),
        ("vat_number", pa.string()),
    ]
)


def create(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    rows = con.execute(sql_beside(__file__)).fetchall()
    published = [
        Published(name, lines, tuple(tuple(pair) for pair in refs or ()), tuple(vats or ()), tuple(companies or ()))
        for name, lines, refs, vats, companies in rows
    ]
    matches = resolve(published, load_overrides(ref.folder))
    replace_table(con, "int_supplier_matches", (m.__dict__ for m in matches), SCHEMA)
