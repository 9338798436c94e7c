"""Connect to the warehouse, run .sql files, load rows into raw tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from loti_demand.exceptions import WarehouseMissingError

MODELS_DIR = Path(__file__).parent / "models"
CHECKS_DIR = Path(__file__).parent / "checks"


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse. Read-only connections never create a file."""
    path = Path(path)
    if read_only and not path.exists():
        raise WarehouseMissingError(
            f"{path}: no warehouse here yet; build one with `python -m loti_demand build --warehouse {path}`"
        )
    return duckdb.connect(str(path), read_only=read_only)


def run_sql_file(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Run every statement of one model file."""
    con.execute(path.read_text(encoding="utf-8"))


def load(con: duckdb.DuckDBPyConnection, table: str, columns: Mapping[str, Sequence], schema: pa.Schema) -> int:
    """Append column-oriented rows to a raw table through Arrow; returns the number of rows."""
    arrow = pa.table({name: pa.array(columns[name], type=schema.field(name).type) for name in schema.names})
    if arrow.num_rows == 0:
        return 0
    con.register("_incoming", arrow)
    try:
        names = ", ".join(schema.names)
        con.execute(f"insert into {table} ({names}) select {names} from _incoming")
    finally:
        con.unregister("_incoming")
    return arrow.num_rows


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> object:
    """The single value of a one-row query. fetchall() drains the result, which DuckDB 2 requires
    before the connection runs anything else (fetchone() would leave it open)."""
    rows = con.execute(sql, params).fetchall()
    return rows[0][0] if rows else None
