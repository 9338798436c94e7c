"""The build finds its models by folder and orders them by what they read (warehouse/order.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from loti_demand.exceptions import ModelOrderError
from loti_demand.warehouse.order import (
    VIEW_LINE,
    discover,
    in_order,
    models,
    models_up_to,
    query_reads,
    reads,
    sources,
)


def _models(root: Path, files: dict[str, str]) -> tuple:
    """The order of a models folder holding `files` (path: text) and a raw.sql making raw_lines."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "raw.sql").write_text("create table if not exists raw_lines (amount text);\n")
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return in_order(discover(root), sources(root))


def _paths(ordered: tuple) -> list[str]:
    return [m.path for m in ordered]


def test_the_parser_reads_tables_not_ctes_and_sees_every_clause() -> None:
    con = duckdb.connect()
    tables, functions = query_reads(
        con,
        """
        with spend as (select * from spend), totals as (select sum(amount) from spend)
        select * from totals, main.suppliers s join publishers p using (publisher_code)
        where exists (select 1 from boroughs) and in_pipeline(1, 2, 3, 4)
        union all select * from top_suppliers_in([1], [2])""",
        "a query",
    )
    # the first CTE reads the table spend; after it, spend is the CTE
    assert tables == {"spend", "suppliers", "publishers", "boroughs"}
    assert {"in_pipeline", "top_suppliers_in", "sum"} <= functions


def test_models_run_after_what_they_read_ties_by_layer_then_name(tmp_path: Path) -> None:
    ordered = _models(
        tmp_path,
        {
            "aggregates/agg_a.sql": "select * from spend",
            "marts/spend.sql": "with x as (select * from int_lines) select * from x",
            "marts/boroughs.sql": "select 1 as b",
            "intermediate/int_lines.sql": "select * from stg_lines",
            "staging/stg_lines.sql": "select amount from raw_lines",
        },
    )
    assert _paths(ordered) == [
        "staging/stg_lines.sql",
        "intermediate/int_lines.sql",
        "marts/boroughs.sql",
        "marts/spend.sql",
        "aggregates/agg_a.sql",
    ]


def test_a_table_macro_runs_after_the_tables_it_reads_and_before_its_callers(tmp_path: Path) -> None:
    ordered = _models(
        tmp_path,
        {
            "measures.sql": "create or replace macro totals_in(w) as table select count(*) as n from spend;\n",
            "macros.sql": "create or replace macro half(x) as x / 2;\n",
            "aggregates/agg_totals.sql": "select n from totals_in([1])",
            "marts/spend.sql": "select half(1) as amount from raw_lines",
        },
    )
    assert _paths(ordered) == ["macros.sql", "marts/spend.sql", "measures.sql", "aggregates/agg_totals.sql"]
    assert reads(ordered)[ordered[2]] == {"spend"}


def test_a_python_model_reads_what_it_declares_and_its_sql(tmp_path: Path) -> None:
    ordered = _models(
        tmp_path,
        {
            "marts/b_classified.py": 'READS = ("z_names",)\n\ndef create(con, ref):\n    pass\n',
            "marts/b_classified.sql": "select * from a_lines",
            "marts/a_lines.sql": "select * from raw_lines",
            "marts/z_names.sql": "select 'x' as name",
        },
    )
    assert _paths(ordered) == ["marts/a_lines.sql", "marts/z_names.sql", "marts/b_classified.py"]
    assert reads(ordered)[ordered[2]] == {"a_lines", "z_names"}


def test_a_python_model_must_declare_its_reads(tmp_path: Path) -> None:
    with pytest.raises(ModelOrderError, match=r"models/marts/names\.py: .*READS = \(\.\.\.\)"):
        _models(tmp_path, {"marts/names.py": "def create(con, ref):\n    pass\n"})


def test_models_reading_each_other_in_a_circle_fail_naming_them(tmp_path: Path) -> None:
    with pytest.raises(ModelOrderError, match="circle") as raised:
        _models(
            tmp_path,
            {
                "marts/a.sql": "select * from c",
                "marts/b.sql": "select * from a",
                "marts/c.sql": "select * from b",
                "marts/d.sql": "select * from raw_lines",
            },
        )
    assert all(f"models/marts/{n}.sql" in str(raised.value) for n in "abc")
    assert "d.sql" not in str(raised.value)


def test_a_read_of_a_table_nothing_makes_fails_naming_the_file_and_table(tmp_path: Path) -> None:
    with pytest.raises(ModelOrderError, match=r"models/marts/spend\.sql reads int_lnes, which no model makes"):
        _models(tmp_path, {"marts/spend.sql": "select * from int_lnes", "intermediate/int_lines.sql": "select 1"})


def test_two_files_making_one_table_fail_naming_both(tmp_path: Path) -> None:
    with pytest.raises(
        ModelOrderError,
        match=r"spend is made by models/marts/spend\.sql and "
        r"models/aggregates/spend\.sql",
    ):
        _models(tmp_path, {"marts/spend.sql": "select 1", "aggregates/spend.sql": "select 2"})
    with pytest.raises(
        ModelOrderError,
        match=r"int_b is made by models/intermediate/int_a\.py and "
        r"models/intermediate/int_b\.sql",
    ):
        _models(
            tmp_path / "two",
            {"intermediate/int_a.py": 'READS = ()\nMAKES = ("int_a", "int_b")\n', "intermediate/int_b.sql": "select 1"},
        )
    with pytest.raises(ModelOrderError, match=r"raw_lines is made by models/staging/raw_lines\.sql and loaded"):
        _models(tmp_path / "raw", {"staging/raw_lines.sql": "select 1"})


def test_a_model_file_outside_the_layer_folders_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelOrderError, match=r"models/mart/spend\.sql: not in a layer folder"):
        _models(tmp_path, {"mart/spend.sql": "select 1"})


def test_the_build_runs_every_model_after_the_makers_of_what_it_reads() -> None:
    ordered = models()
    needs, known = reads(ordered), sources()
    made: set[str] = set()
    for model in ordered:
        assert needs[model] <= made | known, f"{model.path} runs before {needs[model] - made - known} are made"
        made |= set(model.makes)
    assert {"int_notices", "int_procurements", "spend", "agg_demand_summary", "borough_measures_in"} <= made


def test_the_models_up_to_a_table_are_those_it_needs_in_build_order() -> None:
    assert _paths(models_up_to("int_spend_lines")) == [
        "macros.sql",
        "staging/stg_spend.sql",
        "intermediate/int_spend_duplicates.sql",
        "intermediate/int_spend_lines.sql",
    ]


def _kept_in(file: Path) -> tuple[list[str], int]:
    """The tables a warehouse file keeps, and its number of views, as a new connection finds them."""
    reopened = duckdb.connect(str(file), read_only=True)
    try:
        tables = sorted(r[0] for r in reopened.execute("select table_name from duckdb_tables()").fetchall())
        return tables, reopened.execute("select count(*) from duckdb_views() where not internal").fetchone()[0]
    finally:
        reopened.close()


def test_staging_and_intermediate_models_are_made_once_as_temporary_tables_the_file_does_not_keep(
    tmp_path: Path,
) -> None:
    """Two models read the staged lines: as a view, each worked the staging out again. A warehouse built before
    kept the staging view (and intermediate tables) in its file; the build replaces them and the file keeps none."""
    ordered = _models(
        tmp_path / "models",
        {
            "staging/stg_lines.sql": "select amount, 1 as staged from raw_lines",
            "intermediate/int_lines.sql": "select * from stg_lines",
            "marts/lines.sql": "select * from int_lines",
        },
    )
    file = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(file))
    con.execute("create table raw_lines as select '1.00' as amount")
    con.execute("create view stg_lines as select amount from raw_lines")  # as a build before left them
    con.execute("create table int_lines as select 'old' as amount")
    for model in ordered:
        model.run(con, None)
    kinds = dict(con.execute("select table_name, temporary from duckdb_tables()").fetchall())
    assert kinds == {"raw_lines": False, "stg_lines": True, "int_lines": True, "lines": False}
    assert con.execute("select count(*) from duckdb_views() where not internal").fetchone() == (0,)
    assert con.execute("select amount, staged from lines").fetchall() == [("1.00", 1)]
    con.close()
    assert _kept_in(file) == (["lines", "raw_lines"], 0)


def test_an_intermediate_model_that_asks_for_a_temp_view_is_not_copied_or_kept(tmp_path: Path) -> None:
    """int_spend_lines only adds each staged line's status: a view, so the build does not copy every line. Only an
    intermediate model can ask; the line anywhere else, or below the first line, leaves a temp table."""
    ordered = _models(
        tmp_path / "models",
        {
            "staging/stg_lines.sql": f"{VIEW_LINE}\nselect amount from raw_lines",
            "intermediate/int_lines.sql": f"{VIEW_LINE}\n-- with status\nselect *, 'loaded' as status from stg_lines",
            "intermediate/int_other.sql": f"-- a table\n{VIEW_LINE}\nselect * from stg_lines",
            "marts/lines.sql": "select * from int_lines",
        },
    )
    assert {m.name: m.materialisation for m in ordered} == {
        "stg_lines": "temp table",
        "int_lines": "temp view",
        "int_other": "temp table",
        "lines": "table",
    }
    file = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(file))
    con.execute("create table raw_lines as select '1.00' as amount")
    con.execute("create table int_lines as select 'old' as amount")  # as a build before might have left it
    for model in ordered:
        model.run(con, None)
    views = con.execute("select view_name, temporary from duckdb_views() where not internal").fetchall()
    assert views == [("int_lines", True)]
    assert con.execute("select * from lines").fetchall() == [("1.00", "loaded")]
    con.close()
    assert _kept_in(file) == (["lines", "raw_lines"], 0)
