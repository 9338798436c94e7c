"""A grouped Python model's DuckDB build (create_by_group): the rows of the SQL beside the model, one group (rows with
the same key) at a time, given to the model's create_group(rows, ref), the function the Spark build runs in its tasks
(groupBy(key).applyInArrow). A large model's groups are shared among worker processes, one per core, since the work
is Python and one process uses one core; each worker turns its groups' rows into Arrow tables that this process
appends, in the order the groups were read, so the tables are the same either way."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import groupby
from operator import itemgetter

import duckdb
import pyarrow as pa

from loti_demand import config
from loti_demand.reference import Reference
from loti_demand.warehouse.db import create_from_arrow, insert_arrow, sql_beside

CreateGroup = Callable[[list[tuple], Reference], dict[str, list[dict]]]
PAGE_ROWS = 5_000  # the rows read back from DuckDB at a time, and about the rows of a batch of groups
# Below this many rows, starting the workers (about a second: each imports the package) costs more than they save.
PARALLEL_MIN_ROWS = 20_000
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends


def build_workers() -> int:
    """Worker processes for a grouped model: the setting build_workers, or one per core this process may use when it
    is 0 (1 means none: the groups are worked here)."""
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
    relation.order(key).create_view("_group_rows")
    con.execute("create or replace temp table _groups as select * from _group_rows")
    # rowid numbers the rows in the order inserted, from an offset inside a transaction.
    first, count = con.execute("select coalesce(min(rowid), 0), count(*) from _groups").fetchall()[0]

    def rows() -> Iterator[tuple]:  # each page read whole before its rows are used: the tables are appended between
        for start in range(first, first + count, PAGE_ROWS):
            yield from con.execute(
                "select * from _groups where rowid >= $a and rowid < $b order by rowid",
                {"a": start, "b": start + PAGE_ROWS},
            ).fetchall()

    batches = _batches((list(group) for _, group in groupby(rows(), key=itemgetter(column))), PAGE_ROWS)
    workers = build_workers() if count >= PARALLEL_MIN_ROWS else 1
    made = (
        _in_workers(batches, create_group, ref, schemas, workers)
        if workers > 1
        else _here(batches, create_group, ref, schemas)
    )
    for tables in made:
        for table, arrow in tables.items():
            insert_arrow(con, table, arrow)
    con.execute("drop table _groups")
    con.execute("drop view _group_rows")


def _batches(groups: Iterable[list[tuple]], size: int) -> Iterator[list[list[tuple]]]:
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


def make_tables(
    batch: list[list[tuple]], create_group: CreateGroup, ref: Reference, schemas: dict[str, pa.Schema]
) -> dict[str, pa.Table]:
    """The tables a batch of groups makes, in the order of its groups."""
    made: dict[str, list[dict]] = {table: [] for table in schemas}
    for group in batch:
        for table, rows in create_group(group, ref).items():
            made[table].extend(rows)
    return {table: pa.Table.from_pylist(rows, schema=schemas[table]) for table, rows in made.items()}


def _here(batches, create_group, ref, schemas) -> Iterator[dict[str, pa.Table]]:
    for batch in batches:
        yield make_tables(batch, create_group, ref, schemas)


_WORK: tuple[CreateGroup, Reference, dict[str, pa.Schema]] | None = None  # a worker's model, set as it starts


def _start_worker(create_group: CreateGroup, ref: Reference, schemas: dict[str, pa.Schema]) -> None:
    """Hold the model's work; leave Ctrl-C to the build (it stops the workers), and end with the build if it is
    killed (Linux), rather than wait for work that will never come."""
    global _WORK  # noqa: PLW0603 -- each worker process holds one model's work
    _WORK = (create_group, ref, schemas)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _work(batch: list[list[tuple]]) -> dict[str, pa.Table]:
    assert _WORK is not None, "a worker is started with its model"
    return make_tables(batch, *_WORK)


def _in_workers(batches, create_group, ref, schemas, workers: int) -> Iterator[dict[str, pa.Table]]:
    """make_tables in `workers` processes, two batches each in flight at most (so memory stays bounded), the results
    given back in the order of the batches. The workers are forked: they start at once, with the package and the
    reference already loaded, and never run the calling program's main module again (as the other ways of starting
    them do). They touch only Python and Arrow, never the DuckDB connection this process holds."""
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(create_group, ref, schemas)
    ) as pool:
        pending: deque[Future] = deque()
        for batch in batches:
            pending.append(pool.submit(_work, batch))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
