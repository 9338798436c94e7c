"""Every SQL model, written once in DuckDB's dialect, transpiles to Spark SQL (sqlglot; no Spark needed here), and
a Spark build that cannot start says why. tests/test_spark_parity.py (pytest -m spark) runs the result on Spark."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import sqlglot
from click.testing import CliRunner
from sqlglot import exp

from loti_demand.cli import cli
from loti_demand.warehouse.order import Macros, models
from loti_demand.warehouse.spark import build as spark_build
from loti_demand.warehouse.spark.macros import SparkSqlError, macros
from loti_demand.warehouse.spark.transpile import to_spark
from tests.conftest import SAMPLE
from tests.test_architecture import package_imports

QUERIES = [
    pytest.param(query, id=f"{model.path}#{number}" if number else model.path)
    for model in models()
    if not isinstance(model, Macros)  # expanded into the models that call them
    for number, query in enumerate(model.queries())
]
# DuckDB functions that must not reach Spark SQL: each has a rewrite in transpile.REWRITES (or the macro files'
# functions, expanded), so one appearing means a model uses a construct the rewrites do not cover.
DUCKDB_ONLY = {
    "regexp_full_match",
    "try_strptime",
    "generate_subscripts",
    "to_months",
    "list_sum",
    "json_valid",
    "strptime",
    "list_transform",
    "string_split",
    "struct_pack",
    *macros(),
}


@pytest.mark.parametrize("query", QUERIES)
def test_every_sql_model_transpiles_to_spark_sql(query: str) -> None:
    spark_sql = to_spark(query, "model")
    tree = sqlglot.parse_one(spark_sql, read="spark")  # Spark SQL that sqlglot itself reads back
    called = {str(f.this).lower() for f in tree.find_all(exp.Anonymous)}
    assert called & DUCKDB_ONLY == set()
    assert [u for u in tree.find_all(exp.Union) if u.args.get("by_name")] == []  # not Spark SQL
    assert [s for s in tree.find_all(exp.Select) if s.args.get("windows")] == []  # Spark takes a bare OVER w only


def test_the_macros_are_expanded_as_duckdb_binds_them() -> None:
    """A scalar macro's argument read more than once is bound once (a lambda), its struct fields read from it; a
    table macro becomes a subquery of its body."""
    spark_sql = to_spark("select parse_amount(trim(amount)) as a from raw_spend", "test")
    tree = sqlglot.parse_one(spark_sql, read="spark")
    assert "__macro_" not in spark_sql
    bound = [t for t in tree.find_all(exp.Transform) if isinstance(t.this, exp.Array)]
    assert [t.this.expressions[0].sql("spark") for t in bound][:1] == ["TRIM(amount)"]  # bound once, read often
    assert spark_sql.count("TRIM(amount)") == 1  # bound once, not copied into each of its uses
    fields = re.findall(r"'(\w+)',\s*REGEXP_EXTRACT\(", spark_sql)  # the struct of amount_parts' named groups
    assert fields[:6] == ["open", "lead", "digits", "trail", "suffix", "close"]
    top = to_spark(
        "select * from top_suppliers_in((select list({'period_start': d, 'period_end': d}) from t), null)", "t"
    )
    tree = sqlglot.parse_one(top, read="spark")
    assert {t.name for t in tree.find_all(exp.Table)} >= {"agg_spend_by_supplier", "suppliers", "t"}
    assert tree.find(exp.Subquery).alias == "top_suppliers_in"


@pytest.mark.parametrize(
    ("duckdb_sql", "problem"),
    [
        ("select regexp_replace(s, 'a+', 'b') from t", "not anchored"),
        ("select * from t union all by name select * from u", "not listed in its model"),
        ("select try_strptime(s, '%j') from t", "no Spark pattern"),
    ],
)
def test_a_construct_with_no_spark_counterpart_is_an_error_naming_the_model(duckdb_sql: str, problem: str) -> None:
    with pytest.raises(SparkSqlError, match=f"models/x.sql: .*{problem}"):
        to_spark(duckdb_sql, "models/x.sql")


def test_the_spark_build_without_java_is_a_clear_error(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-java"))
    result = CliRunner().invoke(
        cli, ["build", "--data", str(SAMPLE), "-w", str(tmp_path / "w.duckdb"), "--engine", "spark"]
    )
    assert result.exit_code != 0
    assert "needs Java 17" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "w.duckdb").exists()


def test_the_spark_build_without_pyspark_is_a_clear_error(monkeypatch) -> None:
    try:
        spark_build.check_java()
    except spark_build.SparkUnavailableError:
        pytest.skip("no Java here: the Java message is checked above")
    monkeypatch.setitem(sys.modules, "pyspark", None)  # `import pyspark` now raises ImportError
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(spark_build.SparkUnavailableError, match=re.escape("pip install -r requirements-spark.txt")):
        spark_build.session()


def test_spark_stays_out_of_the_dashboard_and_the_duckdb_build() -> None:
    """Only warehouse/spark imports pyspark (inside a function) and sqlglot; the dashboard's modules and the DuckDB
    build never reach it, so neither needs Spark installed."""
    graph = package_imports()
    reached, todo = set(), [m for m in graph if m.startswith(("loti_demand.ui", "loti_demand.warehouse.build"))]
    while todo:
        module = todo.pop()
        if module not in reached:
            reached.add(module)
            todo.extend(graph[module])
    assert "loti_demand.warehouse.db" in reached, "the walk sees imports"
    assert sorted(m for m in reached if m.startswith("loti_demand.warehouse.spark")) == []
    package = Path(spark_build.__file__).parents[2]
    importers = {
        str(p.relative_to(package))
        for p in package.rglob("*.py")
        if re.search(r"^\s*(import|from) (pyspark|sqlglot)\b", p.read_text(encoding="utf-8"), re.M)
    }
    assert importers == {
        "warehouse/spark/build.py",
        "warehouse/spark/components.py",
        "warehouse/spark/macros.py",
        "warehouse/spark/staging.py",
        "warehouse/spark/transpile.py",
    }


def test_spark_options_without_the_spark_engine_are_a_usage_error(tmp_path) -> None:
    result = CliRunner().invoke(
        cli, ["build", "--data", str(SAMPLE), "-w", str(tmp_path / "w.duckdb"), "--parquet", str(tmp_path / "p")]
    )
    assert result.exit_code == 2 and "--engine spark" in result.output
    assert not (tmp_path / "w.duckdb").exists()
