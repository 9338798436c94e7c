"""Every registered query runs with the example parameters the benchmark uses, and every .sql file is reachable."""

from __future__ import annotations

import ast

import pandas as pd
import pytest

from loti_demand import queries
from loti_demand.queries import export_summary


def _run_calls() -> set[str]:
    """The query names passed to run, run_long or run_stored (which runs <name>_stored, then perhaps <name>) in
    the query layer's modules (found in the syntax tree)."""
    calls = [
        (node.func.id if isinstance(node.func, ast.Name) else node.func.attr, node.args[1].value)
        for p in queries.QUERIES_DIR.glob("*.py")
        for node in ast.walk(ast.parse(p.read_text()))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) in ("run", "run_long", "run_stored")
        and len(node.args) > 1
        and isinstance(node.args[1], ast.Constant)
    ]
    return {name for _, name in calls} | {f"{name}_stored" for called, name in calls if called == "run_stored"}


@pytest.mark.parametrize("name", sorted(queries.QUERIES))
def test_query_runs_with_its_example(sample_con, name: str) -> None:
    query = queries.QUERIES[name]
    for example in (query.example, *(example for _, example in query.variants)):
        assert isinstance(query.function(sample_con, **example(sample_con)), pd.DataFrame)


def test_every_sql_file_is_run_by_a_registered_function() -> None:
    used = _run_calls()
    on_disk = {p.stem for p in queries.QUERIES_DIR.glob("*.sql")}
    assert on_disk - used == set()


LONG_ANSWERS = {"demand_calendar", "collaboration_evidence", "demand_summary_whole_period"}


def test_run_long_gives_exactly_the_frame_run_gives(sample_con, demand_con, monkeypatch) -> None:
    """The long-answer path (the answer through Arrow, `only` some columns) changes speed, not results: same
    values, order and types."""
    calls = []
    real = queries.run_long

    def spy(con, name, **params):
        calls.append((con, name, params))
        return real(con, name, **params)

    for module in (queries.demand, export_summary):  # the two callers of run_long
        monkeypatch.setattr(module, "run_long", spy)
    for con in (sample_con, demand_con):
        for query in queries.QUERIES.values():
            query.function(con, **query.example(con))
    assert {name for _, name, _ in calls} == LONG_ANSWERS
    rows = 0
    for con, name, params in calls:
        only = list(params.pop("only", ()))
        expected, got = queries.run(con, name, **params), real(con, name, only=tuple(only), **params)
        pd.testing.assert_frame_equal(got, expected[only] if only else expected, check_exact=True)
        rows += len(got)
    assert rows > 1000


EDGE = """select * from (values
    ('a', null::varchar, 'x', date '2024-01-02', 0.35::decimal(18, 2), null::integer, true, null::boolean, [1, 2],
     -1234567.57::decimal(18, 2), 1.5::double, timestamp '2024-01-02 03:04:05', 7::bigint, 0.35::decimal(38, 2)),
    ('b', null, null, null, null, 5, false, true, null, 0.69, null, null, 8, -98765432.41),
    ('c', null, null, null, null, 5, false, true, null, 0.69, null, null, 8, 123456789012345678901234567.89)
) as t(text, no_text, some_text, day, amount, count, flag, maybe, numbers, credit, ratio, stamped, whole, wide)"""


# 'c' has a DECIMAL(38) too large to be exact in a float: without it, that column can take the fast path too.
@pytest.mark.parametrize(
    "sql",
    [
        EDGE,
        EDGE + " where text = 'a'",
        EDGE + " where text <> 'c'",
        EDGE + " where false",
        "select 'a' as only_text",
        "select 1 as no_text",
    ],
)
def test_run_long_keeps_duckdbs_types_for_nulls_and_empty_answers(sample_con, monkeypatch, sql: str) -> None:
    monkeypatch.setattr(queries.core, "sql", lambda name: sql)  # what run and run_long read
    pd.testing.assert_frame_equal(
        queries.run_long(sample_con, "edge"), queries.run(sample_con, "edge"), check_exact=True
    )
