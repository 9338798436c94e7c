"""Building the warehouse: counts, accounting, atomicity."""

from __future__ import annotations

import hashlib
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from loti_demand.exceptions import BuildCheckError, InputFileError, StrictModeError
from loti_demand.warehouse.build import build, run_checks
from loti_demand.warehouse.db import connect


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def previous(small_warehouse: Path, tmp_path: Path) -> Path:
    """A warehouse already built from `data_dir` (a copy of the shared one), for a build to replace or keep."""
    warehouse = tmp_path / "w.duckdb"
    shutil.copyfile(small_warehouse, warehouse)
    return warehouse


def test_build_accounts_for_every_line(data_dir: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    report = build(data_dir, warehouse)
    assert report.counts["spend lines loaded"] == 5
    # TBC amount, 31/02 date and the unlabelled grand-total row are quarantined, each with a reason.
    assert report.counts["spend lines quarantined"] == 3
    con = connect(warehouse, read_only=True)
    files = con.execute(
        "select lines_read, rows_loaded, rows_duplicate, rows_quarantined, total_amount_gbp "
        "from source_files where kind = 'spend'"
    ).fetchall()
    assert files == [(8, 5, 0, 3, Decimal("23284.24"))]
    problems = dict(
        con.execute("select source_row, problem from load_issues where source_file like 'spend/%'").fetchall()
    )
    assert problems[11].startswith("amount is not a number")
    assert problems[12].startswith("date not recognised")
    assert problems[13].startswith("total or subtotal row")
    assert run_checks(con) == []


def test_redacted_payee_counts_but_is_never_named(small_con) -> None:
    con = small_con
    rows = con.execute("select supplier_name, supplier_id, amount_gbp from spend where is_redacted").fetchall()
    assert rows == [(None, None, Decimal("2250.00"))]
    assert con.execute("select count(*) from spend where supplier_name ilike '%redacted%'").fetchall() == [(0,)]


def test_corrupt_input_leaves_previous_warehouse_byte_identical(
    data_dir: Path, tmp_path: Path, small_warehouse: Path
) -> None:
    warehouse = previous(small_warehouse, tmp_path)
    before = digest(warehouse)
    (data_dir / "spend" / "camden" / "broken.csv").write_bytes(b"\x00\x01\x02garbage\x00" * 100)
    with pytest.raises(InputFileError, match=r"spend/camden/broken\.csv"):
        build(data_dir, warehouse)
    assert digest(warehouse) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["w.duckdb"]  # no temporary file left


def test_skip_bad_files_records_the_file(data_dir: Path, tmp_path: Path) -> None:
    (data_dir / "spend" / "camden" / "broken.csv").write_bytes(b"\x00" * 64)
    warehouse = tmp_path / "w.duckdb"
    build(data_dir, warehouse, skip_bad_files=True)
    con = connect(warehouse, read_only=True)
    assert con.execute("select status from source_files where path like '%broken.csv'").fetchall() == [("rejected",)]
    issue = con.execute("select problem from load_issues where source_file like '%broken.csv'").fetchall()
    assert "not a CSV or Excel file" in issue[0][0]


def test_strict_fails_on_quarantine_and_keeps_old_warehouse(
    data_dir: Path, tmp_path: Path, small_warehouse: Path
) -> None:
    warehouse = previous(small_warehouse, tmp_path)
    before = digest(warehouse)
    with pytest.raises(StrictModeError, match="quarantined"):
        build(data_dir, warehouse, strict=True)
    assert digest(warehouse) == before


def test_failed_check_keeps_old_warehouse(data_dir: Path, tmp_path: Path, small_warehouse: Path, monkeypatch) -> None:
    warehouse = previous(small_warehouse, tmp_path)
    before = digest(warehouse)
    from loti_demand.warehouse import build as build_module

    monkeypatch.setattr(build_module, "run_checks", lambda con: [build_module.CheckFailure("demo", [(1,)])])
    with pytest.raises(BuildCheckError, match="demo"):
        build(data_dir, warehouse)
    assert digest(warehouse) == before


def test_procurement_compiles_to_award_state(small_con) -> None:
    con = small_con
    row = con.execute(
        "select stage, borough_code, is_london, award_value_gbp, supplier_names, contract_end, tech_category, "
        "release_count from procurements where ocid = 'ocds-h6vhtk-000001'"
    ).fetchall()[0]
    assert row[:5] == ("award", "E09000007", True, Decimal("2300000.00"), "Brightline Software Ltd")
    assert str(row[5]) == "2028-09-30"
    assert row[6] == "software" and row[7] == 3
    assert con.execute("select count(*) from notices where ocid = 'ocds-h6vhtk-000001'").fetchall() == [(3,)]
    kent = con.execute("select is_london, borough_code from procurements where ocid = 'ocds-b5fd17-aaaa'").fetchall()
    assert kent == [(False, None)]


def test_challenges_valid_and_invalid_rows(small_con) -> None:
    con = small_con
    assert con.execute("select challenge_id from challenges").fetchall() == [("CH-1",)]
    assert con.execute("select borough_code from challenge_boroughs order by 1").fetchall() == [
        ("E09000007",),
        ("E09000024",),
    ]
    problems = con.execute(
        "select source_row, problem from load_issues where source_file like 'challenges/%' order by 1"
    ).fetchall()
    assert problems[0] == (3, "line 3: title is missing")
    assert "'Atlantis' is not a London borough" in problems[1][1]


def test_sample_warehouse_passes_checks(sample_con) -> None:
    assert run_checks(sample_con) == []
    counts = sample_con.execute(
        "select (select count(*) from spend), (select count(*) from procurements), (select count(*) from challenges),"
        " (select count(distinct borough_code) from spend), (select bool_and(is_sample) from build_info)"
    ).fetchall()[0]
    assert counts[0] > 10_000 and counts[1] > 100 and counts[2] > 20
    assert counts[3] == 33 and counts[4] is True


def test_builds_cap_duckdb_memory_and_a_bad_cap_is_named(data_dir: Path, tmp_path: Path, monkeypatch) -> None:
    from loti_demand.exceptions import LotiDemandError

    monkeypatch.setenv("LOTI_DEMAND_BUILD_MEMORY_LIMIT", "300MB")
    con = connect(tmp_path / "cap.duckdb")
    try:
        limit = con.execute("select current_setting('memory_limit')").fetchall()[0][0]
    finally:
        con.close()
    assert limit == "286.1 MiB"  # DuckDB reports 300 MB in MiB
    warehouse = tmp_path / "w.duckdb"
    build(data_dir, warehouse)  # the models fit in the cap (they spill beyond it)
    monkeypatch.setenv("LOTI_DEMAND_BUILD_MEMORY_LIMIT", "lots")
    with pytest.raises(LotiDemandError, match=r"LOTI_DEMAND_BUILD_MEMORY_LIMIT.*1GB"):
        build(data_dir, tmp_path / "other.duckdb")
    assert warehouse.exists() and not (tmp_path / "other.duckdb").exists()
