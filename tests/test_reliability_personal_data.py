"""Redacted payees never appear in the warehouse contract, the pages, the exports, the CLI output or load_issues,
while their amounts still count in every total."""

from __future__ import annotations

import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from loti_demand.export import to_csv_bytes
from loti_demand.warehouse import contract
from loti_demand.warehouse.build import build
from loti_demand.warehouse.db import connect, scalar
from tests.reliability_pages import PAGES, capturing_downloads, page_text, recording_url_params, run_page

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "tests" / "fixtures" / "data"
# What the councils published in the payee column; none of it may be shown.
WITHHELD = [
    "REDACTED",
    "Redacted under DP Act",
    "Personal data",
    "REDACTED UNDER DP ACT",
    "Withheld: John Q Public",
    "Jane Doe (creditor type Individual)",
]
# Fragments that must never appear anywhere (the bare word REDACTED is checked as a whole value).
NEVER_SHOWN = ["Redacted under DP Act", "REDACTED UNDER DP ACT", "Personal data", "Jane Doe", "John Q Public"]
PII_CSV = """Date,Supplier Name,Creditor Type,Amount,Expense Type,Transaction Number
01/05/2025,REDACTED,,"1,000.00",Residential Care,P1
02/05/2025,Redacted under DP Act,,"2,000.00",Software Licences,P2
03/05/2025,Personal data,,"3,000.00",Software Licences,P3
04/05/2025,REDACTED UNDER DP ACT,,"4,000.00",Hosting Services,P4
05/05/2025,Jane Doe,Individual,"5,000.00",Software Licences,P5
06/05/2025,Withheld: John Q Public,,"6,000.00",Foster Care,P6
07/05/2025,Jane Doe,Individual,TBC,Residential Care,P7
31/02/2025,Withheld: John Q Public,,"700.00",Residential Care,P8
"""


def _data(root: Path) -> Path:
    data = root / "data"
    shutil.copytree(FIXTURES, data)
    (data / "spend" / "camden" / "payments-pii.csv").write_text(PII_CSV, encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def pii_build(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """Built through the real CLI, with progress, so its output can be checked too."""
    root = tmp_path_factory.mktemp("pii")
    warehouse = root / "w.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "loti_demand", "build", "--data", str(_data(root)), "--warehouse", str(warehouse)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return warehouse, result


def _leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [name for name in NEVER_SHOWN if name.lower() in lowered]


def test_no_contract_column_holds_a_withheld_name(pii_build) -> None:
    warehouse, _ = pii_build
    con = connect(warehouse, read_only=True)
    try:
        found = []
        for table, _description in contract.tables():
            for col in contract.columns(table):
                if not col["type"].startswith("VARCHAR"):
                    continue
                name = col["column"]
                values = con.execute(f'select distinct "{name}" from {table} where "{name}" is not null').fetchall()
                texts = [" | ".join(map(str, v)) if isinstance(v, list) else str(v) for (v,) in values]
                found += [
                    f"{table}.{name} = {t[:60]!r}"
                    for t in texts
                    if _leaks(t) or "REDACTED" in t.upper().split(" | ") or t.strip().upper() == "REDACTED"
                ]
        assert found == []
    finally:
        con.close()


def test_withheld_amounts_still_count(pii_build) -> None:
    warehouse, _ = pii_build
    con = connect(warehouse, read_only=True)
    try:
        redacted = scalar(con, "select sum(amount_gbp) from spend where is_redacted and source_file like '%pii%'")
        assert redacted == Decimal("21000.00")
        assert scalar(con, "select count(*) from spend where is_redacted and supplier_name is not null") == 0
        assert scalar(con, "select sum(redacted_lines) from agg_spend_by_borough_month") == 7  # 6 + the fixture's
        assert scalar(con, "select sum(amount_gbp) from agg_spend_by_borough_month") == scalar(
            con, "select sum(amount_gbp) from spend"
        )
        quarantined = con.execute(
            "select source_row, column_name, raw_value from load_issues where source_file like '%pii%' order by 1"
        ).fetchall()
        assert quarantined == [(8, "amount", "TBC"), (9, "payment_date", "31/02/2025")]
    finally:
        con.close()


def test_cli_output_names_no_withheld_payee(pii_build) -> None:
    _, result = pii_build
    assert "payments-pii.csv" in result.stderr, "the progress log was captured"
    assert _leaks(result.stdout + result.stderr) == []
    assert "REDACTED" not in result.stdout + result.stderr


def test_ingest_output_names_no_withheld_payee(pii_build, tmp_path: Path) -> None:
    warehouse, _ = pii_build
    copy = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse, copy)
    extra = tmp_path / "more.csv"
    extra.write_text(PII_CSV.replace("/05/2025", "/06/2025").replace(",P", ",Q"), encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "loti_demand",
            "ingest",
            "spend",
            "--warehouse",
            str(copy),
            "--borough",
            "Camden",
            str(extra),
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert _leaks(result.stdout + result.stderr) == [] and "REDACTED" not in result.stdout + result.stderr


@pytest.mark.parametrize("page", PAGES)
def test_no_page_or_page_export_shows_a_withheld_payee(page: str, pii_build, monkeypatch) -> None:
    warehouse, _ = pii_build
    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(warehouse))
    with recording_url_params(monkeypatch) as params, capturing_downloads(monkeypatch) as downloads:
        runs = [run_page(page)]
        free_text = [name for name, allowed in params.items() if allowed is None]
        for search in ("Jane", "Doe", "REDACTED", "Personal", "Public"):  # filters touching the withheld names
            if free_text:
                runs.append(run_page(page, dict.fromkeys(free_text, search)))
    for at in runs:
        assert not at.exception, at.exception
        assert _leaks(page_text(at)) == [], f"{page} shows a withheld payee"
    for name, data in downloads.items():
        text = data.decode("utf-8-sig", "replace")
        assert _leaks(text) == [], f"{page}: download {name} holds a withheld payee"


def test_exporting_the_spend_mart_names_no_withheld_payee(pii_build) -> None:
    warehouse, _ = pii_build
    con = connect(warehouse, read_only=True)
    try:
        df = con.execute("select * from spend").df()
    finally:
        con.close()
    text = to_csv_bytes(df).decode("utf-8-sig")
    assert _leaks(text) == []
    assert "Withheld" not in text and ",REDACTED," not in text


def test_a_payee_the_council_marks_as_an_individual_is_withheld(tmp_path: Path) -> None:
    from loti_demand.sources import council_spend

    if "payee_type" not in council_spend.SPEND_FIELDS:
        pytest.skip("this reader does not read a payee/creditor type column yet")
    data = tmp_path / "data"
    (data / "spend" / "camden").mkdir(parents=True)
    (data / "spend" / "camden" / "creditors.csv").write_text(
        "Date,Creditor Name,Creditor Type,Amount,Expense Type,Transaction Number\n"
        '01/06/2025,Alex Example,Individual,"900.00",Foster Care,C1\n'
        '02/06/2025,Acme Software Ltd,Company,"800.00",Software Licences,C2\n',
        encoding="utf-8",
    )
    warehouse = tmp_path / "w.duckdb"
    build(data, warehouse)
    con = connect(warehouse, read_only=True)
    try:
        rows = con.execute("select supplier_name, is_redacted, amount_gbp from spend order by amount_gbp").fetchall()
    finally:
        con.close()
    assert rows == [("Acme Software Ltd", False, Decimal("800.00")), (None, True, Decimal("900.00"))]
