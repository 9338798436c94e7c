"""Build step: the demand summary export (loti_demand.queries.export_summary) over the whole period, stored per
choice of dimensions so the Exports page opens without grouping the monthly facts."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from loti_demand.queries.core import sql
from loti_demand.queries.export_summary import GRAINS, parameters
from loti_demand.warehouse.db import create_from_arrow


def store_whole_period(con: duckdb.DuckDBPyConnection, ref: object = None) -> None:
    """Build step: agg_demand_summary holds the demand summary over the whole period for each of the 16 GRAINS,
    from the same query the Exports page runs for a range of months."""
    answers = pa.concat_tables([con.sql(sql("demand_summary"), params=parameters(dims, None, None))
                                .to_arrow_table() for dims in GRAINS])
    create_from_arrow(con, "agg_demand_summary", answers)
