"""The DuckDB build of the Python models that work over many rows, sharing the work among worker processes, one per
core: the work is Python, and one process uses one core.

- A grouped model (create_by_group): the rows of the SQL beside the model, one group (rows with the same key) at a
  time, given to the model's create_group(rows, ref), the function the Spark build runs in its tasks
  (groupBy(key).applyInArrow).
- A row model (create_by_rows): batches of the rows of the SQL beside it given to its create_rows(rows, ref), as the
  Spark build gives it each partition (mapInArrow).

Each batch's rows become Arrow tables in a worker, and this process appends them in the order the batches were read,
so the tables are the same with workers or without (a small model is worked here)."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial
from itertools import groupby
from operator import itemgetter

import duckdb
import pyarrow as pa

from loti_demand import config
from loti_demand.reference import Reference
from loti_demand.warehouse.db import create_from_arrow, insert_arrow, sql_beside

CreateGroup = Callable[[list[tuple], Reference], dict[str, list[dict]]]
CreateRows = Callable[[list[tuple], Reference], list[dict]]
Tables = dict[str, pa.Table]
PAGE_ROWS = 5_000  # the rows read back from DuckDB at a time, and about the rows of a batch
# Below this many rows the work takes a second or two at most, and sending it to workers saves little.
PARALLEL_MIN_ROWS = 20_000
SOLO_ROWS = 50_000  # the rows of a create_by_rows batch worked here (no workers): at most a few tens of MB
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends


def build_workers() -> int:
    """Worker processes for a model's work: the setting build_workers, or one per core this process may use when it
    is 0 (1 means none: the work is done here, as it always is where processes cannot be forked: Windows)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    chosen = int(config.get("build_workers") or 0)
    if chosen > 0:
        return chosen
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def create_by_group(
    con: duckdb.DuckDBPyConnection,
    ref: Reference,
    model_file: str,
    key: str,
    create_group: CreateGroup,
    schemas: dict[str, pa.Schema],
    params: dict | None = None,
) -> None:
    """Make the tables of `schemas` from create_group's rows for each group of the SQL beside `model_file`. The rows
    are put in group order once (a temp table) and read a page at a time, so memory does not grow with the data."""
    for table, schema in schemas.items():
        create_from_arrow(con, table, schema.empty_table())
    relation = con.sql(sql_beside(model_file), params=params)
    column = relation.columns.index(key)
    count = _stage(con, relation.order(key))
    batches = _whole_groups(
        (list(group) for _, group in groupby(_staged(con, count), key=itemgetter(column))), PAGE_ROWS
    )
    for tables in _run(batches, partial(_group_tables, create_group, ref, schemas), _workers(count)):
        for table, arrow in tables.items():
            insert_arrow(con, table, arrow)
    con.execute("drop table _staged")


def create_by_rows(
    con: duckdb.DuckDBPyConnection,
    ref: Reference,
    model_file: str,
    create_rows: CreateRows,
    table: str,
    schema: pa.Schema,
) -> None:
    """Make `table` from create_rows over batches of the rows of the SQL beside `model_file`, in their order. The rows
    are staged once and read a page at a time, each batch's rows appended as they come (fetching every row at once
    held them all, and every row made, in memory: about a kilobyte per notice)."""
    create_from_arrow(con, table, schema.empty_table())
    count = _stage(con, con.sql(sql_beside(model_file)))
    workers = _workers(count)
    # Here, batches of up to SOLO_ROWS: the model starts (loads its classifier) once per batch, and each is held whole.
    size = PAGE_ROWS if workers > 1 else max(1, min(count, SOLO_ROWS))
    for made in _run(_pages(_staged(con, count), size), partial(_row_tables, create_rows, ref, table, schema), workers):
        insert_arrow(con, table, made[table])
    con.execute("drop table _staged")


def _stage(con: duckdb.DuckDBPyConnection, relation: duckdb.DuckDBPyRelation) -> int:
    """Put the rows of `relation` in a temp table (_staged) in their order, for _staged(); how many there are."""
    relation.create_view("_stage_rows")
    con.execute("create or replace temp table _staged as select * from _stage_rows")
    con.execute("drop view _stage_rows")
    return int(con.execute("select count(*) from _staged").fetchall()[0][0])


def _staged(con: duckdb.DuckDBPyConnection, count: int) -> Iterator[tuple]:
    """The rows of _staged in order, read a page at a time (each page read whole before its rows are used: tables
    are appended between pages). rowid numbers the rows in the order inserted, from an offset inside a transaction."""
    first = con.execute("select coalesce(min(rowid), 0) from _staged").fetchall()[0][0]
    for start in range(first, first + count, PAGE_ROWS):
        yield from con.execute(
            "select * from _staged where rowid >= $a and rowid < $b order by rowid",
            {"a": start, "b": start + PAGE_ROWS},
        ).fetchall()


def _pages(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    """Lists of `size` rows (the last may be shorter)."""
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _whole_groups(groups: Iterable[list[tuple]], size: int) -> Iterator[list[list[tuple]]]:
    """Whole groups, gathered until a batch holds `size` rows or more."""
    batch: list[list[tuple]] = []
    rows = 0
    for group in groups:
        batch.append(group)
        rows += len(group)
        if rows >= size:
            yield batch
            batch, rows = [], 0
    if batch:
        yield batch


def _group_tables(
    create_group: CreateGroup, ref: Reference, schemas: dict[str, pa.Schema], batch: list[list[tuple]]
) -> Tables:
    """The tables a batch of groups makes, in the order of its groups."""
    made: dict[str, list[dict]] = {table: [] for table in schemas}
    for group in batch:
        for table, rows in create_group(group, ref).items():
            made[table].extend(rows)
    return {table: pa.Table.from_pylist(rows, schema=schemas[table]) for table, rows in made.items()}


def _row_tables(create_rows: CreateRows, ref: Reference, table: str, schema: pa.Schema, batch: list[tuple]) -> Tables:
    return {table: pa.Table.from_pylist(create_rows(batch, ref), schema=schema)}


def _workers(rows: int) -> int:
    """The worker processes for work over `rows` rows: none (1) below PARALLEL_MIN_ROWS."""
    return build_workers() if rows >= PARALLEL_MIN_ROWS else 1


def _run(batches: Iterable, make: Callable[..., Tables], workers: int) -> Iterator[Tables]:
    """make(batch) for each batch, in order: here, or in `workers` processes when there are more than one."""
    if workers == 1:
        return map(make, batches)
    return _in_workers(batches, make, workers)


_MAKE: Callable[..., Tables] | None = None  # a worker's work, set as it starts


def _start_worker(make: Callable[..., Tables]) -> None:
    """Hold the model's work; leave Ctrl-C to the build (it stops the workers), and end with the build if it is
    killed (Linux), rather than wait for work that will never come."""
    global _MAKE  # noqa: PLW0603 -- each worker process does one model's work
    _MAKE = make
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _work(batch) -> Tables:
    assert _MAKE is not None, "a worker is started with its work"
    return _MAKE(batch)


def _in_workers(batches: Iterable, make: Callable[..., Tables], workers: int) -> Iterator[Tables]:
    """make(batch) in `workers` processes, two batches each in flight at most (so memory stays bounded), the results
    given back in the order of the batches. The workers are forked: they start at once, with the package and the
    reference already loaded, and never run the calling program's main module again (as the other ways of starting
    them do). They touch only Python and Arrow, never the DuckDB connection this process holds."""
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(make,)) as pool:
        pending: deque[Future] = deque()
        for batch in batches:
            pending.append(pool.submit(_work, batch))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
