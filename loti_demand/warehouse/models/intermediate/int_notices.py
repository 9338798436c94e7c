"""int_notices and int_procurements: every OCDS release flattened into int_notices (with its load status), and each
process's loaded releases merged with ocdsmerge into int_procurements. Python, for ocdsmerge; one pass over the
releases makes both tables (enrich.compile_procurements), so this one file makes int_procurements too."""

from __future__ import annotations

import duckdb

from loti_demand.reference import Reference
from loti_demand.warehouse.enrich import compile_procurements

READS = ("raw_ocds_releases", "ref_build")  # through steps/ocds_ordered.sql, and the build's date
MAKES = ("int_notices", "int_procurements")


def create(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    compile_procurements(con, ref)
