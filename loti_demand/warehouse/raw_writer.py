"""The raw tables' Arrow schemas and the writer that buffers their rows and inserts them in bulk (a statement
per file would cost milliseconds each, which at thousands of monthly files dominates a build)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from loti_demand.exceptions import InputFileError
from loti_demand.sources.challenges import CHALLENGE_FIELDS
from loti_demand.sources.council_spend import SPEND_FIELDS
from loti_demand.warehouse.db import insert_arrow, scalar, step_sql

_STR, _INT, _TS = pa.string(), pa.int32(), pa.timestamp("us")
SCHEMAS = {
    "raw_source_files": pa.schema(
        [
            ("file_id", _INT),
            ("path", _STR),
            ("sha256", _STR),
            ("kind", _STR),
            ("borough_code", _STR),
            ("publisher_code", _STR),
            ("detected_format", _STR),
            ("encoding", _STR),
            ("header_row", _INT),
            ("column_mapping", _STR),
            ("lines_read", _INT),
            ("status", _STR),
            ("problem", _STR),
            ("ingested_at", _TS),
        ]
    ),
    # Per-file provenance (path, borough, ingest time) is in raw_source_files, joined on file_id in stg_spend.
    "raw_spend": pa.schema(
        [
            ("file_id", _INT),
            ("source_row", _INT),
            *[(f, _STR) for f in SPEND_FIELDS],
            ("descriptions", _STR),
            ("read_problem", _STR),
        ]
    ),
    "raw_ocds_releases": pa.schema(
        [
            ("file_id", _INT),
            ("source_file", _STR),
            ("source_row", _INT),
            ("ocid", _STR),
            ("release_id", _STR),
            ("release_date", _STR),
            ("release_json", _STR),
            ("ingested_at", _TS),
            ("problem", _STR),
        ]
    ),
    "raw_challenges": pa.schema(
        [
            ("file_id", _INT),
            ("source_file", _STR),
            ("source_row", _INT),
            *[(f, _STR) for f in CHALLENGE_FIELDS],
            ("schema_problems", _STR),
            ("ingested_at", _TS),
        ]
    ),
    "raw_load_issues": pa.schema(
        [
            ("source_file", _STR),
            ("source_row", _INT),
            ("column_name", _STR),
            ("raw_value", _STR),
            ("problem", _STR),
        ]
    ),
}
FLUSH_ROWS = 500_000
FLUSH_BYTES = 8 << 20  # OCDS releases are kilobytes each: flush by size too, so memory stays bounded


class RawWriter:
    """Buffers rows for the raw tables as Arrow and writes them in bulk; call flush() before running models."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, *, commit_each_flush: bool = False, first_file_id: int | None = None
    ) -> None:
        self.con = con
        # A build runs in a transaction on a copy of the warehouse that is swapped in only on success
        # (db.new_version), so it can commit each flush: an open transaction keeps every raw line in memory
        # until the end (about 2 GB per 10 million lines) where committed lines go to disk.
        self.commit_each_flush = commit_each_flush
        self.now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        # A Spark build's task reads one file of many, so the build gives its first id (spark/staging.py).
        if first_file_id is None:
            first_file_id = int(scalar(con, "select coalesce(max(file_id), 0) + 1 from raw_source_files"))
        self._next_id = first_file_id
        self._buffers: dict[str, list[pa.Table]] = {name: [] for name in SCHEMAS}
        self._rows: dict[str, list[dict]] = {name: [] for name in SCHEMAS}  # single rows, made a table at flush
        self._buffered = 0
        self._buffered_bytes = 0

    @property
    def next_file_id(self) -> int:
        return self._next_id

    def new_file_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def add(self, table: str, columns: dict[str, list] | pa.Table, nbytes: int = 0) -> None:
        """Buffer rows: column lists (converted with the table's schema) or an Arrow table in schema order."""
        schema = SCHEMAS[table]
        if not isinstance(columns, pa.Table):
            columns = pa.table({name: pa.array(columns[name], type=schema.field(name).type) for name in schema.names})
        self._buffers[table].append(columns)
        self._buffered += columns.num_rows
        self._buffered_bytes += nbytes
        if self._buffered >= FLUSH_ROWS or self._buffered_bytes >= FLUSH_BYTES:
            self.flush()

    def discard(self, table: str, file_id: int) -> None:
        """Forget every row of one file, buffered or already written (a file found unreadable part-way)."""
        self._buffers[table] = [c.filter(pc.not_equal(c["file_id"], file_id)) for c in self._buffers[table]]
        self._rows[table] = [r for r in self._rows[table] if r.get("file_id") != file_id]
        self.con.execute(f"delete from {table} where file_id = $id", {"id": file_id})

    def forget_spend_files(self, paths: list[str], publisher: str | None) -> list[tuple[str, dt.datetime]]:
        """Forget the spend files ingested before from `paths` (with their members and sheets), whose new versions
        are about to be read for `publisher` (a publisher code): (path, when it was ingested) of each one forgotten.
        A path that holds another publisher's file is refused: the file now there is another council's, not its
        new version, and its lines would be lost."""
        earlier = self.con.execute(step_sql("earlier_spend_files"), {"paths": paths}).fetchall()
        for _, path, _, code in earlier:
            if code != publisher:
                raise InputFileError(
                    path,
                    f"was ingested before as the spend of {code or 'no publisher'}: a file's lines are known by its "
                    "path, so a file ingested again from it replaces them, and this one is for another publisher",
                    "save this publisher's file under a name of its own and ingest that",
                )
        if earlier:
            ids, names = [row[0] for row in earlier], [row[1] for row in earlier]
            self.con.execute("delete from raw_spend where list_contains($ids, file_id)", {"ids": ids})
            self.con.execute("delete from raw_load_issues where list_contains($names, source_file)", {"names": names})
            self.con.execute("delete from raw_source_files where list_contains($ids, file_id)", {"ids": ids})
        return [(path, at) for _, path, at, _ in earlier]

    def add_row(self, table: str, **values: object) -> None:
        """Buffer one row (a file's record or a file-level problem); rows become one Arrow table at flush."""
        self._rows[table].append(values)
        self._buffered += 1
        if self._buffered >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        for table, rows in self._rows.items():
            if rows:
                self._buffers[table].append(pa.Table.from_pylist(rows, schema=SCHEMAS[table]))
                rows.clear()
        for table, chunks in self._buffers.items():
            if not chunks:
                continue
            merged = pa.concat_tables(chunks).combine_chunks()  # one batch per column: thousands of tiny files
            chunks.clear()
            insert_arrow(self.con, table, merged)
        if self.commit_each_flush and self._buffered:
            self.con.execute("commit")
            self.con.execute("begin transaction")
        self._buffered = 0
        self._buffered_bytes = 0
