"""Staging on Spark: the data folder's files read by the DuckDB build's readers, in Spark tasks.

The driver lists the input files in the order the DuckDB build reads them (build.ingest_folder: spend folders in
name order, each one's files, then procurement/, then challenges/). Spark tasks read them, a few files each: a
task reads one file at a time with ingest.ingest_file (the function the DuckDB build calls), its RawWriter keeping
the file's rows as Arrow, and appends each raw table's rows, in the columns of raw.sql's table, to the task's own
part, `<folder>/<table>/task-<n>.parquet` (n the task's number; written under a hidden temporary name and renamed
once the task has read all its files, so a retried task replaces its part whole and no reader sees half a part).
One part per task, not per file: thousands of monthly files would make thousands of small parts, and reading them
was most of the staging's time.
Each task returns a small summary per file: what ingest_file returned, how many file ids it used, where its rows
are in the task's part, and the error that stopped it (a LotiDemandError, raised by the driver as the DuckDB build
raises it: the first bad file in reading order, naming the file, never a Spark stack trace).

File ids: the DuckDB build numbers what it reads 1, 2, ... in reading order, one id per file, except that an
archive takes one per member and a file found bad part-way (with --skip-bad-files) takes two. A task cannot know
how many ids the files before its own took, so it numbers each file as if every file before took one, and says
how many it took; the driver then renumbers, in further tasks, the rows of the files after one that took more
or fewer (by their place in their task's part; none when no file is an archive or bad). What crosses files
(duplicate files by their sha256, duplicate lines) is left to the models, as in the DuckDB build.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from loti_demand.exceptions import BuildCheckError, InputFileError, LotiDemandError
from loti_demand.reference import Reference
from loti_demand.warehouse.db import MODELS_DIR, run_sql_file
from loti_demand.warehouse.ingest import FileResult, Progress, ingest_file, reject_file
from loti_demand.warehouse.inputs import input_folders, spend_folders
from loti_demand.warehouse.order import RAW_FILE
from loti_demand.warehouse.raw_writer import SCHEMAS, RawWriter
from loti_demand.warehouse.read_ahead import READ_AHEAD_MAX_BYTES, read_spend_now

FILE_TABLES = tuple(SCHEMAS)  # the raw tables a file's rows go to
TASKS_PER_CORE = 4  # files are grouped into this many tasks per core, the largest spread first
PART_ROWS = 100_000  # a task appends its files' rows to its part in row groups of about this many rows
SUMMARY = pa.schema(  # a file's summary: ingest_file's results as JSON, or the error that stopped it, pickled
    [
        ("index", pa.int32()),
        ("ids_used", pa.int32()),
        ("results", pa.string()),
        ("error", pa.binary()),
        ("task", pa.string()),
        ("part", pa.int32()),  # the task's part holding the file's rows
        ("rows", pa.string()),  # {table: [first row in the part, rows]}, as JSON
    ]
)
RENUMBERED = pa.schema([("part", pa.int32())])


@dataclass(frozen=True)
class InputFile:
    index: int  # 1, 2, ... in the DuckDB build's reading order
    kind: str  # spend | procurement | challenges
    path: str  # absolute: the executors open it
    name: str  # relative to the data folder, as the build records it
    publisher: str | None = None  # a spend file's folder name
    mapping: str | None = None  # the folder's mapping.csv, as JSON
    size: int = 0


def list_inputs(
    data_dir: Path, ref: Reference, *, skip_bad_files: bool
) -> tuple[list[tuple[str, InputFileError]], list[InputFile], LotiDemandError | None]:
    """(spend folders rejected, input files in reading order, the error that stopped the listing): a folder's
    mapping.csv that cannot be used stops the DuckDB build after the files before it are read, so the listing
    stops there too and the caller raises it only if none of those files is bad."""
    rejected: list[tuple[str, InputFileError]] = []
    files: list[InputFile] = []

    def add(kind: str, path: Path, publisher: str | None = None, mapping: dict | None = None) -> None:
        try:
            size = path.stat().st_size
        except OSError:  # the reader says what is wrong with it
            size = 0
        name, text = str(path.relative_to(data_dir)), None if mapping is None else json.dumps(mapping)
        files.append(InputFile(len(files) + 1, kind, str(path.resolve()), name, publisher, text, size))

    folders = spend_folders(data_dir, ref, skip_bad_files=skip_bad_files, rejected=rejected)
    try:
        for kind, folder, publisher, mapping, paths in input_folders(data_dir, folders):
            for path in paths:
                add(kind, path, folder.name if publisher else None, mapping)
    except LotiDemandError as exc:
        return rejected, files, exc
    return rejected, files, None


def read_folder_in_tasks(
    spark, con, data_dir: Path, ref: Reference, folder: Path, *, skip_bad_files: bool, progress: Progress | None
) -> list[FileResult]:
    """build.ingest_folder's counterpart: the spend folders named after no publisher recorded in `con` (raw.sql's
    tables) as the DuckDB build records them, then every input file read in Spark tasks (read_in_tasks) into its
    Parquet parts under `folder`; a mapping.csv that stopped the listing is raised after the files before it."""
    rejected, files, stopped = list_inputs(data_dir, ref, skip_bad_files=skip_bad_files)
    writer = RawWriter(con)
    results = [reject_file(writer, "spend", name, error, what="folder") for name, error in rejected]
    writer.flush()
    if progress:
        progress(f"reading {len(files)} files in Spark tasks")
    results += read_in_tasks(
        spark, files, writer.next_file_id, ref, folder, writer.now, skip_bad_files=skip_bad_files, progress=progress
    )
    if stopped:
        raise stopped
    return results


def read_in_tasks(
    spark,
    files: list[InputFile],
    first_id: int,
    ref: Reference,
    folder: Path,
    now,
    *,
    skip_bad_files: bool,
    progress: Progress | None = None,
) -> list[FileResult]:
    """Read `files` in Spark tasks, each file's rows written as its Parquet parts under `folder`; the files' results
    in reading order, with the ids the DuckDB build gives them (first_id for the first file). Raises the first bad
    file's error, as the DuckDB build does."""
    if not files:
        return []
    from pyspark.sql.pandas.types import from_arrow_schema

    groups = _groups(files, spark.sparkContext.defaultParallelism * TASKS_PER_CORE)
    rows = spark.sparkContext.parallelize(groups, len(groups)).flatMap(lambda group: group)
    columns = [f.name for f in dataclasses.fields(InputFile)]
    frame = spark.createDataFrame(
        rows.map(lambda f: (*dataclasses.astuple(f), first_id + f.index - 1)),
        "index int, kind string, path string, name string, publisher string, mapping string, size long, first_id int",
    )
    task = partial(_read_files, columns=columns, ref=ref, folder=str(folder), now=now, skip_bad_files=skip_bad_files)
    collected = _collect(frame.mapInArrow(task, from_arrow_schema(SUMMARY)), "reading the data folder")
    summaries = sorted((row.asDict() for row in collected), key=lambda s: s["index"])
    for summary in summaries:
        if summary["error"] is not None:
            cls, args, state = pickle.loads(summary["error"])  # written by this build's own tasks
            error = cls.__new__(cls)
            error.args = args
            error.__dict__.update(state)
            raise error
    results, shifts, next_id = [], [], first_id
    for summary in summaries:
        if progress:
            progress(f"read {files[summary['index'] - 1].name} in Spark {summary['task']}")
        shift = next_id - (first_id + summary["index"] - 1)
        if shift:
            shifts.append((summary, shift))
        results += [FileResult(**{**r, "file_id": r["file_id"] + shift}) for r in json.loads(summary["results"])]
        next_id += summary["ids_used"]
    if shifts:  # {part: [(the file's {table: [first row, rows]}, shift)]}
        by_part: dict[int, list] = {}
        for summary, shift in shifts:
            by_part.setdefault(summary["part"], []).append((json.loads(summary["rows"]), shift))
        renumber = partial(_renumber_files, folder=str(folder))
        frame = spark.createDataFrame(
            spark.sparkContext.parallelize([(p, json.dumps(s)) for p, s in by_part.items()], len(by_part)),
            "part int, shifts string",
        )
        _collect(frame.mapInArrow(renumber, from_arrow_schema(RENUMBERED)), "renumbering the files read")
    return results


def _groups(files: list[InputFile], count: int) -> list[list[InputFile]]:
    """Files in `count` groups (at most one per file) of about equal bytes: each file, largest first, to the
    group with the fewest bytes so far."""
    groups: list[list[InputFile]] = [[] for _ in range(min(count, len(files)))]
    sizes = [0] * len(groups)
    for file in sorted(files, key=lambda f: -f.size):
        smallest = sizes.index(min(sizes))
        groups[smallest].append(file)
        sizes[smallest] += file.size + 1
    return groups


def _collect(frame, what: str) -> list:
    try:
        return frame.collect()
    except Exception as exc:  # a task that failed other than on a bad file (pyspark's errors share no base)
        first = next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        raise BuildCheckError(f"{what} in Spark failed: {first}") from exc


def _read_files(batches, *, columns: list[str], ref: Reference, folder: str, now, skip_bad_files: bool):
    """In a Spark task: read each of its files in turn (read_file), its rows appended to the task's part, yielding a
    summary row per file; after a bad file, the task reads no more (the build stops at the first)."""
    from pyspark import TaskContext

    number = TaskContext.get().partitionId()
    task = f"task {number}, process {os.getpid()}"
    con = duckdb.connect()  # raw.sql's tables, empty: their columns are the parts' (RawWriter needs one too)
    try:
        run_sql_file(con, MODELS_DIR / RAW_FILE)
        schemas = {table: con.table(table).arrow().schema for table in FILE_TABLES}
        with _TaskPart(schemas, Path(folder), number) as part:
            for batch in batches:
                for row in batch.to_pylist():
                    file = InputFile(**{c: row[c] for c in columns})
                    writer = _PartWriter(con, part, first_id=row["first_id"], now=now)
                    summary = read_file(writer, file, ref, skip_bad_files=skip_bad_files)
                    yield pa.RecordBatch.from_pylist([{**summary, "task": task, "part": number}], schema=SUMMARY)
                    if summary["error"] is not None:
                        return
    finally:
        con.close()


class _TaskPart:
    """A task's part of each raw table: its files' rows, in the order read, in the columns of raw.sql's tables,
    written under hidden names (Spark and the *.parquet globs skip them) and renamed when the task is done, so a
    part is whole or absent."""

    def __init__(self, schemas: dict[str, pa.Schema], folder: Path, number: int) -> None:
        self.schemas, self.folder, self.name = schemas, folder, f"task-{number}.parquet"
        self.rows = dict.fromkeys(schemas, 0)  # rows appended so far, per table
        self._pending: dict[str, list[pa.Table]] = {table: [] for table in schemas}
        self._writers: dict[str, pq.ParquetWriter] = {}

    def __enter__(self) -> _TaskPart:
        return self

    def add(self, table: str, rows: pa.Table) -> list[int]:
        """Append rows to the table's part; [the first of them in the part, how many]."""
        schema = self.schemas[table]
        columns = [
            rows[f.name].cast(f.type) if f.name in rows.column_names else pa.nulls(rows.num_rows, f.type)
            for f in schema
        ]
        self._pending[table].append(pa.Table.from_arrays(columns, schema=schema))
        place = [self.rows[table], rows.num_rows]
        self.rows[table] += rows.num_rows
        if sum(t.num_rows for t in self._pending[table]) >= PART_ROWS:
            self._write(table)
        return place

    def _write(self, table: str) -> None:
        if not self._pending[table]:
            return
        if table not in self._writers:
            (self.folder / table).mkdir(parents=True, exist_ok=True)
            self._writers[table] = pq.ParquetWriter(self._temporary(table), self.schemas[table])
        self._writers[table].write_table(pa.concat_tables(self._pending[table]))
        self._pending[table] = []

    def _temporary(self, table: str) -> Path:
        return self.folder / table / f".{self.name}.{os.getpid()}.tmp"

    def __exit__(self, failed, *exc) -> None:
        """Write what is left and rename the parts into place; after a failure, remove them (a retry writes them)."""
        if not failed:
            for table in self.schemas:
                self._write(table)
        for table, writer in self._writers.items():
            writer.close()
            if failed:
                self._temporary(table).unlink(missing_ok=True)
            else:
                os.replace(self._temporary(table), self.folder / table / self.name)


class _PartWriter(RawWriter):
    """A RawWriter for one file that keeps its rows as Arrow (flush does nothing) and appends them, once the file is
    read, to its task's part (write_parts)."""

    def __init__(self, con, part: _TaskPart, *, first_id: int, now) -> None:
        super().__init__(con, first_file_id=first_id)
        self.now = now  # one ingest time for the whole build, as in the DuckDB build
        self.part = part

    def flush(self) -> None:
        """Nothing: a file's rows are written whole, by write_parts (the DuckDB build's readers already hold a
        spend file's rows until it is read)."""

    def write_parts(self) -> dict[str, list[int]]:
        """Append the file's rows to the task's part: {table: [first row in the part, rows]}."""
        places = {}
        for table in self.part.schemas:
            chunks = self._buffers[table]
            if self._rows[table]:
                chunks.append(pa.Table.from_pylist(self._rows[table], schema=SCHEMAS[table]))
            rows = pa.concat_tables(chunks) if chunks else None
            if rows is not None and rows.num_rows:
                places[table] = self.part.add(table, rows)
        return places


def read_file(writer: _PartWriter, file: InputFile, ref: Reference, *, skip_bad_files: bool) -> dict:
    """Read one file with ingest_file, as build.ingest_folder does (a small spend file parsed whole first, as its
    read-ahead does; a large one streamed), and append its rows to its task's part. A summary row: index, ids_used,
    and results (ingest_file's, as JSON) and rows (where its rows are in the part), or error (the LotiDemandError,
    pickled)."""
    path = Path(file.path)
    mapping = json.loads(file.mapping) if file.mapping else None
    read = None
    if file.kind == "spend" and file.size <= READ_AHEAD_MAX_BYTES:
        read = partial(read_spend_now, path, name=file.name, mapping=mapping)
    first_id = writer.next_file_id
    try:
        results = ingest_file(
            writer,
            file.kind,
            path,
            name=file.name,
            publisher=ref.publisher(file.publisher) if file.publisher else None,
            mapping=mapping,
            skip_bad_files=skip_bad_files,
            read=read,
        )
    except LotiDemandError as exc:  # pickled as its parts: InputFileError's arguments are not its args
        error = pickle.dumps((type(exc), exc.args, vars(exc)))
        return {"index": file.index, "ids_used": 0, "results": None, "error": error, "rows": None}
    rows = json.dumps(writer.write_parts())
    results = json.dumps([dataclasses.asdict(r) for r in results])
    return {
        "index": file.index,
        "ids_used": writer.next_file_id - first_id,
        "results": results,
        "error": None,
        "rows": rows,
    }


def _renumber_files(batches, *, folder: str):
    """In a Spark task: add each file's shift to the file ids of its rows in its task's part (each table's part
    rewritten whole under a hidden name, then renamed)."""
    for batch in batches:
        for row in batch.to_pylist():
            name, shifts = f"task-{row['part']}.parquet", json.loads(row["shifts"])
            for table in FILE_TABLES:
                part = Path(folder, table, name)
                if "file_id" not in SCHEMAS[table].names or not part.is_file():
                    continue
                rows = pq.read_table(part)
                ids = rows["file_id"].to_numpy(zero_copy_only=False).copy()
                for places, shift in shifts:
                    if table in places:
                        first, count = places[table]
                        ids[first : first + count] += shift
                column = rows.schema.get_field_index("file_id")
                temporary = part.with_name(f".{name}.{os.getpid()}.tmp")
                pq.write_table(rows.set_column(column, "file_id", pa.array(ids, pa.int32())), temporary)
                os.replace(temporary, part)
            yield pa.RecordBatch.from_pylist([{"part": row["part"]}], schema=RENUMBERED)
