"""page_periods: each distinct window of each kind the pages offer for this data, worked out by loti_demand.periods
as the pages work them out (the latest 12 months is often also the latest financial year: one window). Python,
because the period rules live in periods.py for the pages too."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa

from loti_demand import periods
from loti_demand.warehouse.db import create_from_arrow

READS = ()  # it reads only through the SQL beside it
SCHEMA = pa.schema([("period_start", pa.date32()), ("period_end", pa.date32()), ("kind", pa.string())])


def create(con: duckdb.DuckDBPyConnection, ref: object = None) -> None:
    first, last, as_of = con.execute(Path(__file__).with_suffix(".sql").read_text(encoding="utf-8")).fetchall()[0]
    as_of = as_of or dt.date.today()  # as the pages' queries.as_of
    offered = {
        "spend": periods.spend_periods(first, last, as_of),
        "forward": periods.forward_periods(as_of),
        "current": periods.current_period(as_of),
    }
    rows = sorted({(p.start, p.end, kind) for kind, found in offered.items() for p in found})
    create_from_arrow(
        con,
        "page_periods",
        pa.Table.from_pylist([dict(zip(SCHEMA.names, row, strict=True)) for row in rows], schema=SCHEMA),
    )
