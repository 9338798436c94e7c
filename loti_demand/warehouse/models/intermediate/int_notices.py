"""int_notices and int_procurements: every OCDS release flattened into int_notices (with its load status), and each
process's loaded releases merged with ocdsmerge into int_procurements. Python, for ocdsmerge; one pass over a
process's releases makes both tables (enrich.compile_group), so this one file makes int_procurements too.

Grouped by process: create_group compiles one ocid's releases, for the DuckDB build (create, over every ocid) and for
the Spark build's tasks (groupBy(ocid).applyInArrow) alike."""

from __future__ import annotations

import duckdb

from loti_demand.reference import Reference
from loti_demand.warehouse.enrich import NOTICE_SCHEMA, PROCUREMENT_SCHEMA, compile_group
from loti_demand.warehouse.workers import create_by_group

READS = ()  # it reads only through the SQL beside it
MAKES = ("int_notices", "int_procurements")
GROUP_BY = "ocid"
SCHEMAS = {"int_notices": NOTICE_SCHEMA, "int_procurements": PROCUREMENT_SCHEMA}


def create(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    create_by_group(con, ref, __file__, GROUP_BY, create_group, SCHEMAS)


def create_group(rows: list[tuple], ref: Reference) -> dict[str, list[dict]]:
    """The int_notices and int_procurements rows of one process's releases (rows of the SQL beside, one ocid)."""
    return compile_group(rows, ref)
