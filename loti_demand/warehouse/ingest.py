"""Load input files into the raw tables, recording each file in raw_source_files.

Rows are buffered as Arrow batches and written in bulk (a statement per file would cost milliseconds each,
which at thousands of monthly files dominates a build). A file that cannot be read at all raises
InputFileError (the build stops, the warehouse is untouched), unless skip_bad_files is set: then it is
recorded as rejected, with its problem in raw_load_issues.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from loti_demand.exceptions import InputFileError
from loti_demand.sources import READERS
from loti_demand.sources.challenges import CHALLENGE_FIELDS
from loti_demand.sources.council_spend import SPEND_FIELDS
from loti_demand.warehouse.db import load, scalar

_STR, _INT, _TS = pa.string(), pa.int32(), pa.timestamp("us")
SCHEMAS = {
    "raw_source_files": pa.schema([
        ("file_id", _INT), ("path", _STR), ("sha256", _STR), ("kind", _STR), ("borough_code", _STR),
        ("detected_format", _STR), ("encoding", _STR), ("header_row", _INT), ("column_mapping", _STR),
        ("lines_read", _INT), ("status", _STR), ("problem", _STR), ("ingested_at", _TS),
    ]),
    "raw_spend": pa.schema([
        ("file_id", _INT), ("source_file", _STR), ("source_row", _INT), ("borough_code", _STR),
        *[(f, _STR) for f in SPEND_FIELDS], ("ingested_at", _TS),
    ]),
    "raw_ocds_releases": pa.schema([
        ("file_id", _INT), ("source_file", _STR), ("source_row", _INT), ("ocid", _STR), ("release_id", _STR),
        ("release_date", _STR), ("release_json", _STR), ("ingested_at", _TS), ("problem", _STR),
    ]),
    "raw_challenges": pa.schema([
        ("file_id", _INT), ("source_file", _STR), ("source_row", _INT), *[(f, _STR) for f in CHALLENGE_FIELDS],
        ("schema_problems", _STR), ("ingested_at", _TS),
    ]),
    "raw_load_issues": pa.schema([
        ("source_file", _STR), ("source_row", _INT), ("column_name", _STR), ("raw_value", _STR), ("problem", _STR),
    ]),
}
FLUSH_ROWS = 500_000
FLUSH_BYTES = 8 << 20  # OCDS releases are kilobytes each: flush by size too, so memory stays bounded
OCDS_BATCH = 2_000


@dataclass
class FileResult:
    path: str
    kind: str
    detected_format: str | None
    lines_read: int
    status: str = "loaded"
    problem: str | None = None


class RawWriter:
    """Buffers rows for the raw tables and writes them in bulk; call flush() before running models."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        self._next_id = int(scalar(con, "select coalesce(max(file_id), 0) + 1 from raw_source_files"))
        self._buffers: dict[str, list[dict[str, list]]] = {name: [] for name in SCHEMAS}
        self._buffered = 0
        self._buffered_bytes = 0

    def new_file_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def add(self, table: str, columns: dict[str, list], nbytes: int = 0) -> None:
        self._buffers[table].append(columns)
        self._buffered += len(next(iter(columns.values()), []))
        self._buffered_bytes += nbytes
        if self._buffered >= FLUSH_ROWS or self._buffered_bytes >= FLUSH_BYTES:
            self.flush()

    def discard(self, table: str, file_id: int) -> None:
        """Forget every row of one file, buffered or already written (a file found unreadable part-way)."""
        self._buffers[table] = [c for c in self._buffers[table] if file_id not in c.get("file_id", ())]
        self.con.execute(f"delete from {table} where file_id = $id", {"id": file_id})

    def add_row(self, table: str, **values: object) -> None:
        self.add(table, {name: [values.get(name)] for name in SCHEMAS[table].names})

    def flush(self) -> None:
        for table, chunks in self._buffers.items():
            if not chunks:
                continue
            merged = {name: [v for chunk in chunks for v in chunk[name]] for name in SCHEMAS[table].names}
            load(self.con, table, merged, SCHEMAS[table])
            chunks.clear()
        self._buffered = 0
        self._buffered_bytes = 0


def ingest_file(
    writer: RawWriter,
    kind: str,
    path: Path,
    *,
    name: str | None = None,
    borough_code: str | None = None,
    mapping: dict[str, str] | None = None,
    skip_bad_files: bool = False,
) -> list[FileResult]:
    """Read one file with the reader registered for `kind` and buffer its rows for the raw tables."""
    name = name or str(path)
    try:
        kwargs = {"mapping": mapping} if kind == "spend" else {}
        tables = READERS[kind](path, name=name, **kwargs)
        loader = {"spend": _spend, "procurement": _ocds, "challenges": _challenges}[kind]
        return [loader(writer, table, borough_code) for table in tables]
    except InputFileError as exc:
        if not skip_bad_files:
            raise
        writer.add_row("raw_source_files", file_id=writer.new_file_id(), path=name, kind=kind,
                       borough_code=borough_code, lines_read=0, status="rejected", problem=exc.problem,
                       ingested_at=writer.now)
        hint = f" ({exc.hint})" if exc.hint else ""
        writer.add_row("raw_load_issues", source_file=name, problem=f"file rejected: {exc.problem}{hint}")
        return [FileResult(name, kind, None, 0, "rejected", exc.problem)]


def _file_row(writer: RawWriter, file_id: int, kind: str, table, borough_code: str | None, lines: int, **extra):
    writer.add_row("raw_source_files", file_id=file_id, path=table.source_file, sha256=table.sha256, kind=kind,
                   borough_code=borough_code, detected_format=table.detected_format, lines_read=lines,
                   status="loaded", ingested_at=writer.now, **extra)


def _spend(writer: RawWriter, table, borough_code: str | None) -> FileResult:
    file_id = writer.new_file_id()
    for batch in table.batches():
        n = len(batch["source_row"])
        batch.update(file_id=[file_id] * n, source_file=[table.source_file] * n, borough_code=[borough_code] * n,
                     ingested_at=[writer.now] * n)
        writer.add("raw_spend", batch)
    _file_row(writer, file_id, "spend", table, borough_code, table.lines_read, encoding=table.encoding,
              header_row=table.header_row, column_mapping=json.dumps(table.mapping))
    return FileResult(table.source_file, "spend", table.detected_format, table.lines_read)


def _ocds(writer: RawWriter, ocds_file, borough_code: str | None) -> FileResult:
    """Stream an OCDS file's releases into raw_ocds_releases in batches; items that are not releases go in too,
    with their problem, so the build quarantines and counts them. A file found malformed part-way is
    forgotten entirely before the error goes on."""
    file_id = writer.new_file_id()
    names = SCHEMAS["raw_ocds_releases"].names
    columns: dict[str, list] = {name: [] for name in names}
    size = 0

    def add_batch() -> None:
        nonlocal columns, size
        n = len(columns["source_row"])
        columns.update(file_id=[file_id] * n, source_file=[ocds_file.source_file] * n, ingested_at=[writer.now] * n)
        writer.add("raw_ocds_releases", columns, nbytes=size)
        columns, size = {name: [] for name in names}, 0

    try:
        for item in ocds_file.releases:
            columns["source_row"].append(item.position)
            columns["ocid"].append(item.ocid)
            columns["release_id"].append(item.release_id)
            columns["release_date"].append(item.date)
            columns["release_json"].append(item.text)
            columns["problem"].append(item.problem)
            size += len(item.text)
            if len(columns["source_row"]) >= OCDS_BATCH or size >= FLUSH_BYTES:
                add_batch()
    except InputFileError:
        writer.discard("raw_ocds_releases", file_id)
        raise
    add_batch()
    _file_row(writer, file_id, "procurement", ocds_file, None, ocds_file.lines_read, encoding=ocds_file.encoding)
    return FileResult(ocds_file.source_file, "procurement", ocds_file.detected_format, ocds_file.lines_read)


def _challenges(writer: RawWriter, challenge_file, borough_code: str | None) -> FileResult:
    file_id = writer.new_file_id()
    columns: dict[str, list] = {name: [] for name in SCHEMAS["raw_challenges"].names}
    for number, row in challenge_file.rows:
        columns["source_row"].append(number)
        for fld in (*CHALLENGE_FIELDS, "schema_problems"):
            columns[fld].append(row.get(fld))
    n = len(columns["source_row"])
    columns.update(file_id=[file_id] * n, source_file=[challenge_file.source_file] * n,
                   ingested_at=[writer.now] * n)
    writer.add("raw_challenges", columns)
    _file_row(writer, file_id, "challenges", challenge_file, None, n, header_row=1)
    return FileResult(challenge_file.source_file, "challenges", challenge_file.detected_format, n)
