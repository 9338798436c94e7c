"""int_line_corrections: an officer's corrections of single payment lines (classification_corrections.csv, kind
'line': path:row), which the spend mart applies first. Python, to read the corrections file; it reads no table,
so it has no SQL."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from loti_demand.reference import Reference
from loti_demand.warehouse.enrich import load_corrections, replace_table

READS = ()  # it reads no table
SCHEMA = pa.schema(
    [
        ("source_file", pa.string()),
        ("source_row", pa.int32()),
        ("tech_category", pa.string()),
        ("classification_reason", pa.string()),
    ]
)


def create(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    replace_table(con, "int_line_corrections", load_corrections(ref.folder).lines, SCHEMA)
