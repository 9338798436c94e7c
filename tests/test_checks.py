"""The model checks still catch what they are for after being rewritten for speed at millions of lines: a repeated
spend key, an unknown borough and an unknown supplier are each reported, and so is a stored summary that has lost
rows, or stored supplier spend."""

from __future__ import annotations

import shutil
from pathlib import Path

from loti_demand.warehouse.build import run_checks
from loti_demand.warehouse.db import connect


def _broken_copy(small_warehouse: Path, tmp_path: Path, sql: str):
    """A copy of the warehouse built from `data_dir` (which passes every check), broken by `sql`."""
    copy = tmp_path / "broken.duckdb"
    shutil.copyfile(small_warehouse, copy)
    con = connect(copy)
    con.execute(sql)
    return con


def test_a_repeated_spend_key_is_reported(small_warehouse: Path, tmp_path: Path) -> None:
    # `spend` keeps read order, and a parallel scan's "first" row is not fixed: copy one named line
    con = _broken_copy(
        small_warehouse,
        tmp_path,
        "insert into spend select * from spend where source_file = "
        "'spend/camden/council_spend_preamble.csv' and source_row = 6",
    )
    failures = {f.check: f.rows for f in run_checks(con)}
    assert "keys_unique" in failures
    assert [row for row in failures["keys_unique"] if row[0] == "spend"] == [
        ("spend", "spend/camden/council_spend_preamble.csv:6")
    ]


def test_unknown_borough_and_supplier_are_reported(small_warehouse: Path, tmp_path: Path) -> None:
    con = _broken_copy(
        small_warehouse,
        tmp_path,
        """
        update spend set borough_code = 'E09000099' where source_row = 6;
        update spend set supplier_id = 'no such supplier'
        where source_row = (select max(source_row) from spend where supplier_id is not null);
    """,
    )
    failures = {f.check: f.rows for f in run_checks(con)}
    assert ("spend.borough_code", "E09000099") in failures["relationships"]
    assert ("spend.supplier_id", "no such supplier") in failures["relationships"]


def test_a_stored_summary_that_no_longer_adds_up_is_reported(small_warehouse: Path, tmp_path: Path) -> None:
    con = _broken_copy(
        small_warehouse,
        tmp_path,
        """
        delete from agg_demand_summary where grain = 'borough,quarter' and row_no = 1;
        delete from agg_demand_summary where grain = 'month';
    """,
    )
    failures = {f.check: f.rows for f in run_checks(con)}
    assert sorted(row[0] for row in failures["spend_totals_reconcile"]) == [
        "agg_demand_summary borough,quarter",
        "agg_demand_summary grains",
    ]


def test_stored_supplier_spend_that_no_longer_adds_up_is_reported(small_warehouse: Path, tmp_path: Path) -> None:
    first = "(select {} from page_periods where kind = 'spend' order by all limit 1)"
    last = "(select {} from page_periods where kind = 'spend' order by all desc limit 1)"
    con = _broken_copy(
        small_warehouse,
        tmp_path,
        f"""
        update agg_suppliers_by_period set window_spend_gbp = window_spend_gbp + 0.01
        where period_start = {first.format("period_start")} and period_end = {first.format("period_end")}
            and tech_category is null;
        update agg_suppliers_by_period set window_spend_gbp = window_spend_gbp - 0.01
        where period_start = {last.format("period_start")} and period_end = {last.format("period_end")}
            and tech_category = (select min(tech_category) from agg_suppliers_by_period);
    """,
    )
    failures = {f.check: f.rows for f in run_checks(con)}
    windows = con.execute(
        "select strftime(period_start, '%Y-%m') || ' to ' || strftime(period_end, '%Y-%m') "
        "from page_periods where kind = 'spend' order by all"
    ).fetchall()
    assert len(windows) > 1
    assert sorted(row[0] for row in failures["spend_totals_reconcile"]) == [
        f"agg_suppliers_by_period {windows[0][0]}",
        f"agg_suppliers_by_period {windows[-1][0]}",
    ]


def test_marts_that_disagree_on_the_pipeline_are_reported(small_warehouse: Path, tmp_path: Path) -> None:
    """demand_measures_agree: the map's stored measures, the stored export and demand_items are each held to the
    monthly aggregate, for every whole-month window the pages offer."""
    forward = "(select min(period_start) from page_periods where kind = 'forward')"
    con = _broken_copy(
        small_warehouse,
        tmp_path,
        f"""
        update agg_borough_measures_by_period set pipeline_count = pipeline_count + 1
        where borough_code = 'E09000007' and tech_category is null and period_start = {forward};
        update agg_demand_summary set contracts_expiring = contracts_expiring + 1
        where grain = 'borough' and row_no = 1;
        update demand_items set contract_end = {forward} + 10 where confidence = 'inferred from contract end date';
    """,
    )  # the fixture's one contract ends in 2028: now demand_items says it ends in the first window
    assert con.execute("select count(*) from demand_items where contract_end < date '2027-01-01'").fetchall() == [(1,)]
    failures = {f.check: f.rows for f in run_checks(con)}
    found = {row[0].split(":")[0] for row in failures["demand_measures_agree"]}
    assert found == {
        "agg_borough_measures_by_period and agg_demand_by_borough_month",
        "agg_demand_summary and agg_demand_by_borough_month",
        "demand_items and agg_demand_by_borough_month",
    }
