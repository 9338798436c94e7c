"""The Python models that work a group of rows at a time (GROUP_BY and create_group: OCDS compiling per process,
challenge matching per challenge) make the same rows however their input is split or ordered: the DuckDB build
reads the groups a page at a time, and the Spark build gives each group to a task in any order. Those and the models
that work rows in batches (create_rows: classifying descriptions, indexing documents for search) make the same
tables whether the DuckDB build does the work itself or shares it among worker processes."""

from __future__ import annotations

import random
import shutil
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import pytest

from loti_demand.reference import Reference
from loti_demand.warehouse import workers as build_workers
from loti_demand.warehouse.build import build
from loti_demand.warehouse.db import connect, sql_beside
from loti_demand.warehouse.order import Py, models
from tests.conftest import SAMPLE

GROUPED = [model for model in models() if isinstance(model, Py) and hasattr(model.module, "create_group")]
BATCHED = [model for model in models() if isinstance(model, Py) and hasattr(model.module, "create_rows")]
# The sample's challenges have candidate procurements but none similar enough to suggest (test_challenges.py
# builds one that is): its groups are checked, its table is empty.
EMPTY_ON_SAMPLE = {"int_challenge_matches"}


def test_ocds_compiling_and_challenge_matching_are_grouped() -> None:
    assert {model.name for model in GROUPED} >= {"int_notices", "int_challenge_matches"}
    for model in GROUPED:
        assert set(model.module.SCHEMAS) == set(model.makes), model.name


@pytest.mark.parametrize("model", GROUPED, ids=lambda model: model.name)
def test_a_group_makes_the_same_rows_in_any_order(sample_warehouse: Path, model: Py) -> None:
    module = model.module
    con = connect(sample_warehouse, read_only=True)
    try:
        relation = con.sql(sql_beside(module.__file__), params=getattr(module, "PARAMS", None))
        key = relation.columns.index(module.GROUP_BY)
        rows = sorted(relation.fetchall(), key=lambda row: (row[key] is None, row[key] or ""))
    finally:
        con.close()
    ref, shuffle = Reference(), random.Random(24)
    groups = [list(group) for _, group in groupby(rows, key=itemgetter(key))]
    made = 0
    for group in groups:
        expected = module.create_group(group, ref)
        shuffle.shuffle(group)
        assert module.create_group(group, ref) == expected
        made += sum(len(found) for found in expected.values())
    assert len(groups) > 1 and (made > 0 or model.name in EMPTY_ON_SAMPLE), "the sample gives groups and rows"


def test_a_build_sharing_its_python_work_among_workers_makes_the_same_tables(
    sample_warehouse: Path, tmp_path: Path, monkeypatch
) -> None:
    """The sample built again with every Python model's work sent to two worker processes in batches of 100 rows
    (several per model): each table these models make, and the marts over them, equal the shared build's, row for
    row."""
    assert {model.name for model in BATCHED} >= {"int_spend_classification", "search_documents"}
    monkeypatch.setattr(build_workers, "PAGE_ROWS", 100)
    monkeypatch.setattr(build_workers, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setenv("LOTI_DEMAND_BUILD_WORKERS", "2")
    again = tmp_path / "warehouse.duckdb"
    build(SAMPLE, again)
    made = {table for model in GROUPED + BATCHED for table in model.makes}
    con = connect(again, read_only=True)
    try:
        con.execute(f"attach '{sample_warehouse}' as built (read_only)")
        for table in sorted(made | {"notices", "procurements", "spend", "demand_items", "search_documents"}):
            counts = _differences(con, table, f"built.{table}")
            assert (counts[0] > 0 or table in EMPTY_ON_SAMPLE) and counts[1:] == (0, 0), f"{table}: {counts}"
    finally:
        con.close()


@pytest.mark.parametrize("workers", [1, 2], ids=["here", "in two worker processes"])
@pytest.mark.parametrize("model", GROUPED, ids=lambda model: model.name)
def test_groups_split_across_pages_make_the_same_tables(
    sample_warehouse: Path, tmp_path: Path, monkeypatch, model: Py, workers: int
) -> None:
    """With pages and batches of 7 rows most groups straddle two pages; the tables equal the build's, row for row,
    whether the groups are worked in this process or shared among worker processes."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(sample_warehouse, copy)
    con = connect(copy)
    try:
        for table in model.makes:
            con.execute(f"create table built_{table} as select * from {table}")
        monkeypatch.setattr(build_workers, "PAGE_ROWS", 7)
        monkeypatch.setattr(build_workers, "PARALLEL_MIN_ROWS", 0)
        monkeypatch.setenv("LOTI_DEMAND_BUILD_WORKERS", str(workers))
        con.execute("begin transaction")  # as in a build: rowid counts from an offset inside a transaction
        model.run(con, Reference())
        con.execute("commit")
        for table in model.makes:
            counts = _differences(con, table, f"built_{table}")
            assert (counts[0] > 0 or model.name in EMPTY_ON_SAMPLE) and counts[1:] == (0, 0), f"{table}: {counts}"
    finally:
        con.close()


def _differences(con, table: str, other: str) -> tuple[int, int, int]:
    """(rows of `table`, its rows not in `other`, the rows of `other` not in it), each row counted as often as it
    appears."""
    ours, theirs = f"select * from {table}", f"select * from {other}"
    return con.execute(
        f"select (select count(*) from {table}), (select count(*) from ({ours} except all {theirs})), "
        f"(select count(*) from ({theirs} except all {ours}))"
    ).fetchall()[0]


def test_a_build_reading_row_models_a_page_at_a_time_makes_the_same_tables(
    sample_warehouse: Path, tmp_path: Path, monkeypatch
) -> None:
    """The sample built again with pages of 7 rows and no workers (batches of 5 rows): each table the row models
    make, and the marts over them, equal the build's, row for row (their rows are read a page at a time from a
    staged table and appended batch by batch, not fetched all at once)."""
    monkeypatch.setattr(build_workers, "PAGE_ROWS", 7)
    monkeypatch.setattr(build_workers, "SOLO_ROWS", 5)
    monkeypatch.setenv("LOTI_DEMAND_BUILD_WORKERS", "1")
    again = tmp_path / "warehouse.duckdb"
    build(SAMPLE, again)
    made = {table for model in BATCHED for table in model.makes}
    con = connect(again, read_only=True)
    try:
        con.execute(f"attach '{sample_warehouse}' as built (read_only)")
        for table in sorted(made | {"spend", "agg_term_documents"}):
            counts = _differences(con, table, f"built.{table}")
            assert counts[0] > 0 and counts[1:] == (0, 0), f"{table}: {counts}"
    finally:
        con.close()


def test_arrow_tables_appended_in_a_transaction_are_not_kept(tmp_path: Path) -> None:
    """A build runs its models in one transaction: an Arrow table appended (insert_arrow) or made a table
    (create_from_arrow) is let go at once, not kept until commit (con.register kept every batch a model appended:
    about a kilobyte per OCDS release)."""
    import sys

    import pyarrow as pa

    from loti_demand.warehouse.db import create_from_arrow, insert_arrow

    con = connect(tmp_path / "w.duckdb")
    try:
        con.execute('create table t (a varchar, "select" integer, c varchar)')
        con.execute("begin transaction")
        rows = pa.table({"c": ["x", "y"], "a": ["p", "q"]})
        held = sys.getrefcount(rows)
        insert_arrow(con, "t", rows)
        create_from_arrow(con, "u", rows)
        create_from_arrow(con, "u", rows)  # replaced
        assert sys.getrefcount(rows) == held
        assert con.execute('select a, "select", c from t order by a').fetchall() == [("p", None, "x"), ("q", None, "y")]
        assert con.execute("select c, a from u order by a").fetchall() == [("x", "p"), ("y", "q")]
        con.execute("commit")
    finally:
        con.close()


@pytest.mark.slow
def test_a_row_model_over_a_million_rows_holds_a_page_of_them(tmp_path: Path, monkeypatch) -> None:
    """create_by_rows over a million rows holds a batch of them and of the rows made, not all of them (it fetched
    every row and kept every row made: search_documents held all of a file's London notices, twice)."""
    import tracemalloc

    import pyarrow as pa

    schema = pa.schema([("doc_id", pa.string()), ("text", pa.string())])
    model = tmp_path / "many.py"
    model.with_suffix(".sql").write_text(
        "select 'document ' || i as doc_id, repeat('word ', 20) as text from range(1000000) as t(i) order by i"
    )
    monkeypatch.setenv("LOTI_DEMAND_BUILD_WORKERS", "1")
    con = connect(tmp_path / "w.duckdb")
    try:
        con.execute("begin transaction")
        tracemalloc.start()
        try:
            build_workers.create_by_rows(
                con,
                Reference(),
                str(model),
                lambda rows, ref: [{"doc_id": r[0], "text": r[1]} for r in rows],
                "many",
                schema,
            )
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert con.execute("select count(*), count(distinct doc_id) from many").fetchall() == [(1_000_000, 1_000_000)]
        con.execute("commit")
    finally:
        con.close()
    assert peak < 100 << 20, f"peak {peak:,} bytes of Python objects for a million rows"
