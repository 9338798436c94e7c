"""Connect to the warehouse, run .sql files, load rows into raw tables."""

from __future__ import annotations

import contextlib
import os
import struct
from pathlib import Path

import duckdb
import pyarrow as pa

from loti_demand import config
from loti_demand.exceptions import LotiDemandError, WarehouseMissingError
from loti_demand.storage import explain, unreadable

MODELS_DIR = Path(__file__).parent / "models"
CHECKS_DIR = Path(__file__).parent / "checks"
STEPS_DIR = Path(__file__).parent / "steps"  # the SQL that the build's Python steps run


READ_ALIAS = "warehouse"


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse. Read-only connections never create a file, and always see the file now at `path`.

    DuckDB caches database instances by path within a process, so `duckdb.connect(path, read_only=True)` after a
    rebuild swapped the file would return the old instance (duckdb/duckdb#15912) for as long as any connection to
    it is open: a dashboard would keep showing the old data. A read-only connection is therefore a fresh
    in-memory instance with the file ATTACHed read-only and made the default database. Its cursors need
    `cursor(con)` (a plain `.cursor()` does not inherit the default database).
    """
    path = Path(path)
    if not read_only:
        try:
            return duckdb.connect(str(path), config={"memory_limit": str(config.get("build_memory_limit"))})
        except (duckdb.ParserException, duckdb.InvalidInputException) as exc:
            raise LotiDemandError(f"LOTI_DEMAND_BUILD_MEMORY_LIMIT: {exc}; give a size such as 1GB") from exc
    if not path.exists():
        raise WarehouseMissingError(
            f"{path}: no warehouse here yet; build one with `python -m loti_demand build --warehouse {path}`"
        )
    check_file(path)
    con = duckdb.connect(":memory:")
    try:
        # type duckdb: a file of another kind (SQLite, say) is refused, not handed to an extension DuckDB would
        # try to download.
        con.execute(f"attach $path as {READ_ALIAS} (type duckdb, read_only)", {"path": str(path)})
        con.execute(f"use {READ_ALIAS}")
        ours = scalar(
            con,
            "select count(*) from duckdb_tables() where database_name = $a and table_name = 'build_info'",
            {"a": READ_ALIAS},
        )
    except duckdb.Error as exc:
        con.close()
        raise explain(exc, warehouse=path) or unreadable(path, "DuckDB cannot open it") from exc
    if not ours:
        con.close()
        raise unreadable(path, "it is a DuckDB database but not a loti-demand warehouse (it has no build_info table)")
    return con


# A DuckDB file starts with a main header and two database headers of 4 KiB each; its blocks follow. Each database
# header holds, after an 8-byte checksum, the iteration (the newer header wins), the meta block, the free list,
# the block count and the block size, as little-endian 64-bit integers.
HEADER_BYTES = 3 * 4096
_DATABASE_HEADERS = (4096, 8192)
_NO_BLOCK = 2**64 - 1  # an invalid block pointer: no free list, say
_BLOCK_ID = 2**56 - 1  # a block pointer's block id; its top byte is an index within the block


def check_file(path: Path) -> None:
    """Refuse a file that is not a DuckDB database, or is truncated (say by a copy to a full disk): DuckDB itself
    opens a truncated file and answers from the blocks that are left until a query reaches a missing one."""
    try:
        with open(path, "rb") as file:
            head = file.read(HEADER_BYTES)
            size = os.fstat(file.fileno()).st_size
    except OSError as exc:
        raise explain(exc, warehouse=path) or unreadable(path, exc.strerror or "it cannot be opened") from exc
    if head[8:12] != b"DUCK":
        raise unreadable(path, "it is not a DuckDB database")
    if len(head) < HEADER_BYTES or not _whole(head, size):
        recorded = _header(head)
        expected = HEADER_BYTES + recorded[3] * recorded[4] if recorded else HEADER_BYTES
        raise unreadable(path, f"it is truncated: {size:,} bytes, where its header records {expected:,}")


def _header(head: bytes) -> tuple[int, int, int, int, int] | None:
    """The newer database header (iteration, meta block, free list, block count, block size), or None when the
    header does not look like one."""
    if len(head) < HEADER_BYTES:
        return None
    newer = max(struct.unpack_from("<5Q", head, offset + 8) for offset in _DATABASE_HEADERS)
    block_size, blocks = newer[4], newer[3]
    if block_size < 4096 or block_size > 2**30 or block_size & (block_size - 1) or blocks > 2**32:
        return None
    return newer


def _whole(head: bytes, size: int) -> bool:
    """Whether the file holds every block its header needs. The header's block count includes free blocks, and DuckDB
    cuts free blocks off the end of the file at a checkpoint (after an ingest replaced a file's lines, say), so a
    shorter file is whole when it ends on a block boundary and still holds the blocks of the catalogue (the meta
    block) and of the free list; a block a table needs beyond them, if cut off, fails `check`'s reading of every
    table."""
    header = _header(head)
    if header is None:
        return True
    _iteration, meta, free, blocks, block_size = header
    if size >= HEADER_BYTES + blocks * block_size:
        return True
    in_file, partial = divmod(size - HEADER_BYTES, block_size)
    needed = [pointer & _BLOCK_ID for pointer in (meta, free) if pointer != _NO_BLOCK]
    return not partial and all(block < in_file for block in needed)


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor (for one thread) on a connection from `connect`, reading the same warehouse."""
    cur = con.cursor()
    # Asked of the cursor, not of `con`: DuckDB 2 refuses a call on a connection busy in another thread, and many
    # sessions take cursors on the dashboard's one connection at once (found by the load test). Trying the `use`
    # is one statement where asking duckdb_databases() first was two, on every query a page runs.
    with contextlib.suppress(duckdb.CatalogException):  # a writing connection has the file as its own database
        cur.execute(f"use {READ_ALIAS}")
    return cur


def read_every_table(con: duckdb.DuckDBPyConnection) -> int:
    """Read every column of every table of the warehouse (DuckDB verifies each block's checksum as it reads it, so
    a damaged block raises here rather than in some later query); returns the number of tables."""
    tables = [
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() where database_name = current_database() and not temporary "
            "order by table_name"
        ).fetchall()
    ]
    for table in tables:  # names from the catalogue, quoted as identifiers; hash() of every column reads them all
        name = '"' + table.replace('"', '""') + '"'
        con.execute(f"select count(*), max(hash(columns(*))) from {name}").fetchall()
    return len(tables)


def lock_down(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Forbid file and network access and further configuration changes (the dashboard's connection: even a
    query it should never run could not read, write or attach a file)."""
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    return con


def step_sql(name: str) -> str:
    """The text of steps/<name>.sql."""
    return (STEPS_DIR / f"{name}.sql").read_text(encoding="utf-8")


def run_sql_file(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Run every statement of one model file."""
    con.execute(path.read_text(encoding="utf-8"))


def insert_arrow(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
    """Append an Arrow table's rows to `table`, by column name (a column it lacks is NULL).

    Read through a relation, not con.register: a table registered inside a transaction stays referenced (by the
    dropped view DuckDB keeps until commit) after unregister, so a model appending batch after batch in the build's
    one transaction kept every batch in memory, about a kilobyte per release (the hostile-input review)."""
    if rows.num_rows == 0:
        return
    present = set(rows.column_names)
    columns = [_quoted(c) if c in present else f"null as {_quoted(c)}" for c in con.table(table).columns]
    con.from_arrow(rows).project(", ".join(columns)).insert_into(table)


def create_from_arrow(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Create or replace table `name` holding the rows of an Arrow table, in its types (through a relation, as in
    insert_arrow)."""
    con.execute(f"drop table if exists {name}")
    con.from_arrow(table).create(name)


def _quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> object:
    """The single value of a one-row query. fetchall() drains the result, which DuckDB 2 requires
    before the connection runs anything else (fetchone() would leave it open)."""
    rows = con.execute(sql, params).fetchall()
    return rows[0][0] if rows else None


def sql_beside(module_file: str) -> str:
    """The SQL a Python model runs: the .sql file named after it, beside it (models/<folder>/<table>.sql)."""
    return Path(module_file).with_suffix(".sql").read_text(encoding="utf-8")
