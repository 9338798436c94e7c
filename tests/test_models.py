"""The model layer: its order, the public contract, model checks as data."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from loti_demand.warehouse import contract
from loti_demand.warehouse.db import MODELS_DIR, STEPS_DIR
from loti_demand.warehouse.order import Py, models

RAW = {"raw_source_files", "raw_spend", "raw_ocds_releases", "raw_challenges", "raw_load_issues", "raw_fetch_log"}
REF = {
    "ref_boroughs",
    "ref_borough_aliases",
    "ref_borough_neighbours",
    "ref_london_bodies",
    "ref_tech_categories",
    "ref_tech_rules",
    "ref_technology_terms",
    "ref_refinements",
    "ref_manifest",
    "ref_build",
}


def _objects_read(sql: str) -> set[str]:
    """A rough second reading, by pattern, of what the parser finds (order.reads)."""
    sql = re.sub(r"--[^\n]*", "", sql)
    sql = re.sub(r"'[^']*'", "''", sql)
    names = set(re.findall(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)\b(?!\.)", sql.lower()))
    ctes = set(re.findall(r"\b([a-z_][a-z0-9_]*)\s+as\s*\(", sql.lower()))
    return names - ctes


def test_every_model_reads_only_earlier_models_or_raw_tables() -> None:
    made: set[str] = set()
    for model in models():
        reads = set(model.declared_reads) if isinstance(model, Py) else set()
        for query in model.queries():
            reads |= _objects_read(query)
        unknown = reads - made - RAW - REF - set(model.makes)
        assert not unknown, f"{model.name} reads {unknown} before they are built"
        assert not (set(model.makes) & made), f"{model.name} re-creates {set(model.makes) & made}"
        made |= set(model.makes)


def test_every_step_sql_file_is_run() -> None:
    source = "\n".join(p.read_text() for p in MODELS_DIR.parent.parent.rglob("*.py"))
    used = set(re.findall(r'step_sql\("([a-z_]+)"\)', source))
    assert {p.stem for p in STEPS_DIR.glob("*.sql")} == used


def test_every_model_file_is_in_the_build_order() -> None:
    declared = {
        str(Path(m.path).with_suffix(".sql")) for m in models() if (MODELS_DIR / m.path).with_suffix(".sql").is_file()
    }
    on_disk = {str(p.relative_to(MODELS_DIR)) for p in MODELS_DIR.rglob("*.sql")} - {"raw.sql"}
    assert on_disk == declared
    python = {str(p.relative_to(MODELS_DIR)) for p in MODELS_DIR.rglob("*.py") if p.name != "__init__.py"}
    assert python == {m.path for m in models() if isinstance(m, Py)}


@pytest.mark.parametrize("table", [t for t, _ in contract.tables()])
def test_contract_columns_and_types(sample_con: duckdb.DuckDBPyConnection, table: str) -> None:
    actual = [(r[0], r[1]) for r in sample_con.execute(f"describe {table}").fetchall()]
    documented = [(c["column"], c["type"]) for c in contract.columns(table)]
    assert actual == documented


def test_money_is_decimal_never_float(sample_con) -> None:
    """Amounts and their sums are exact. A figure per resident is a ratio of an exact sum, so it is a float."""
    public = [t for t, _ in contract.tables()]
    rows = sample_con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where column_name like '%_gbp' and data_type not like 'DECIMAL%' and list_contains($t, table_name)",
        {"t": public},
    ).fetchall()
    assert rows == [
        ("agg_borough_measures_by_period", "tech_spend_per_resident_gbp", "DOUBLE"),
        ("agg_borough_measures_by_period", "london_median_per_resident_gbp", "DOUBLE"),
    ]


def test_aggregates_reconcile_to_the_penny(sample_con) -> None:
    agg, mart = sample_con.execute(
        "select (select sum(amount_gbp) from agg_spend_by_borough_month), (select sum(amount_gbp) from spend)"
    ).fetchall()[0]
    assert agg == mart


def test_accounting_balances_for_every_sample_file(sample_con) -> None:
    unbalanced = sample_con.execute(
        "select path from source_files where lines_read <> rows_loaded + rows_duplicate + rows_quarantined"
    ).fetchall()
    assert unbalanced == []
    assert (
        sample_con.execute("select count(*) from raw_spend").fetchall()[0][0]
        == sample_con.execute("select sum(lines_read) from source_files where kind = 'spend'").fetchall()[0][0]
    )
