"""Real council spend files (../shared/data/real/spend): every file ingests or is rejected with a reason, and
each file's accounting is checked against an independent reading that uses only the csv module and Decimal.

The independent reading applies the project's documented rules, written again from scratch:
- a line is blank when none of its cells holds a letter or a digit (',,,,', '† † †'); blank lines are not
  counted;
- a totals row has an amount but no date and no transaction reference, and no supplier or a 'Total' label;
- a line loads when its amount is a number and its date a real day-first (or ISO) date;
- amounts are kept to the penny, half-pennies rounded away from zero (Devon 2012 publishes one '448.125').
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import pytest

from loti_demand.exceptions import SummaryOnlyError
from loti_demand.sources.council_spend import read_spend
from loti_demand.warehouse.build import add_files, run_checks
from loti_demand.warehouse.db import connect
from tests.conftest import real_file


@dataclass(frozen=True)
class Layout:
    """Where one real file's header is and what its columns are called (read off the file by eye)."""

    name: str
    folder: str
    header_line: int
    date: str
    amount: str
    supplier: str
    transaction: str | None
    member: str | None = None


LAYOUTS = [
    Layout(
        "lambeth_2012-06_invoices_over_500.csv",
        "lambeth",
        10,
        "Invoice Creation Date",
        "Invoice Nett Amount",
        "Supplier Name",
        None,
    ),
    Layout("devon_DCCSpendingOver500_201202.csv", "camden", 1, "Date", "Amount", "Supplier Name", "Transaction Number"),
    Layout(
        "devon_DCCSpendingOver500_202603.csv", "camden", 1, "Date", " Amount ", "Supplier name", "Transaction number"
    ),
    Layout(
        "oxford_city_expenditure-over-500-jan-mar-2014.csv",
        "hackney",
        1,
        "paid_date",
        "amount",
        "supplier_name",
        "trans_no",
    ),
    Layout(
        "oxford_city_expenditure-over-500-jan-mar-2018.csv",
        "hackney",
        1,
        "Paid Date",
        "Amount",
        "Supplier Name",
        "Trans No",
    ),
    Layout(
        "trafford-supplier-spend-2026-27.zip",
        "islington",
        1,
        "PaymentDate",
        "Amount",
        "BeneficiaryName",
        "TransactionNumber",
        member="trafford-supplier-spend-2026-27.csv",
    ),
]


@dataclass
class Expected:
    lines: int = 0
    loaded: int = 0
    quarantined: int = 0
    totals: int = 0
    total: Decimal = Decimal(0)
    loaded_lines: frozenset[int] = frozenset()
    negatives: int = 0


def simple_amount(text: str) -> Decimal | None:
    cleaned = text.replace(",", "").replace("£", "").strip()
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    try:
        value = Decimal(cleaned.strip("()")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    except InvalidOperation:
        return None
    return -value if negative else value


def simple_date(text: str) -> dt.date | None:
    text = text.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def independent(layout: Layout) -> Expected:
    data = real_file(f"spend/{layout.name}").read_bytes()
    if layout.member:
        data = zipfile.ZipFile(io.BytesIO(data)).read(layout.member)
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert not any("\n" in cell for row in rows for cell in row), "a quoted newline would break line numbering here"
    header = rows[layout.header_line - 1]
    column = {c: header.index(c) for c in (layout.date, layout.amount, layout.supplier, layout.transaction) if c}
    expected, loaded_lines = Expected(), set()
    for number, row in enumerate(rows[layout.header_line :], start=layout.header_line + 1):
        if not any(ch.isalnum() for cell in row for ch in cell):
            continue
        expected.lines += 1

        def cell(name: str | None, row: list[str] = row) -> str:
            return row[column[name]].strip() if name and column[name] < len(row) else ""

        amount, date = simple_amount(cell(layout.amount)), simple_date(cell(layout.date))
        supplier = cell(layout.supplier)
        if (
            amount is not None
            and not cell(layout.date)
            and not cell(layout.transaction)
            and (not supplier or re.match(r"(grand |sub)?total", supplier, re.IGNORECASE))
        ):
            expected.totals += 1
            expected.quarantined += 1
        elif amount is None or date is None:
            expected.quarantined += 1
        else:
            expected.loaded += 1
            expected.total += amount
            expected.negatives += amount < 0
            loaded_lines.add(number)
    expected.loaded_lines = frozenset(loaded_lines)
    return expected


def source_path(layout: Layout) -> str:
    path = f"spend/{layout.folder}/{layout.name}"
    return f"{path}!{layout.member}" if layout.member else path


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_loaded_total_and_accounting_match_an_independent_reading(real_spend_con, layout: Layout) -> None:
    expected = independent(layout)
    row = real_spend_con.execute(
        "select lines_read, rows_loaded, rows_duplicate, rows_quarantined, rows_totals, total_amount_gbp, status "
        "from source_files where path = $p",
        {"p": source_path(layout)},
    ).fetchall()
    assert row == [
        (expected.lines, expected.loaded, 0, expected.quarantined, expected.totals, expected.total, "loaded")
    ]
    lines = {
        r[0]
        for r in real_spend_con.execute(
            "select source_row from spend where source_file = $p", {"p": source_path(layout)}
        ).fetchall()
    }
    assert lines == expected.loaded_lines  # the same lines, by their line numbers in the file
    print(f"{layout.name}: {expected.lines:,} lines, {expected.loaded:,} loaded, £{expected.total:,}")


def test_the_warehouse_of_real_files_passes_every_check(real_spend_con) -> None:
    assert run_checks(real_spend_con) == []


def test_lambeth_preamble_and_stray_characters(real_spend_con) -> None:
    """Nine preamble lines before the header; '†' inside values and lines of nothing but '†' and commas."""
    path = source_path(LAYOUTS[0])
    header_row, mapping = real_spend_con.execute(
        "select header_row, column_mapping from source_files where path = $p", {"p": path}
    ).fetchall()[0]
    assert header_row == 10
    assert '"amount": "Invoice Nett Amount"' in mapping
    # 'DECORATION† EXTERNAL' and 'TELEPHONE† CALLS & RENTALS' are tidied; no value keeps the dagger.
    categories = {
        r[0]
        for r in real_spend_con.execute(
            "select distinct expenditure_category from spend where source_file = $p", {"p": path}
        ).fetchall()
    }
    assert {"DECORATION EXTERNAL", "TELEPHONE CALLS & RENTALS"} <= categories
    assert real_spend_con.execute(
        "select count(*) from spend where concat(supplier_name, expenditure_category, service_area) like '%†%'"
    ).fetchall() == [(0,)]
    # The 'Total' row (line 3167) is excluded as a totals row, and it equals what was loaded.
    total_row = real_spend_con.execute(
        "select source_row, column_name, raw_value, problem from load_issues where source_file = $p", {"p": path}
    ).fetchall()
    assert total_row == [
        (3167, "amount", "40,292,334.84", "total or subtotal row, excluded so that totals are not counted twice")
    ]
    assert real_spend_con.execute(
        "select total_amount_gbp from source_files where path = $p", {"p": path}
    ).fetchall() == [(Decimal("40292334.84"),)]


def test_devon_bom_padded_amounts_and_trailing_grand_total(real_spend_con) -> None:
    path = source_path(LAYOUTS[2])
    encoding, mapping = real_spend_con.execute(
        "select encoding, column_mapping from source_files where path = $p", {"p": path}
    ).fetchall()[0]
    assert encoding == "utf-8-sig"
    assert '"amount": "Amount"' in mapping  # published as " Amount "
    # ' 222,441.16 ' (padded, quoted, thousands separator) is read exactly.
    assert real_spend_con.execute(
        "select amount_gbp from spend where source_file = $p and transaction_id = '22085634'", {"p": path}
    ).fetchall() == [(Decimal("222441.16"),)]
    # The unlabelled grand total on the last line is excluded, and equals the sum of the lines.
    issue = real_spend_con.execute(
        "select source_row, raw_value from load_issues where source_file = $p", {"p": path}
    ).fetchall()
    assert issue == [(3547, " 57,492,900.67 ")]
    assert real_spend_con.execute(
        "select total_amount_gbp from source_files where path = $p", {"p": path}
    ).fetchall() == [(Decimal("57492900.67"),)]


def test_devon_redacted_payees_count_but_are_never_named(real_spend_con) -> None:
    path = source_path(LAYOUTS[1])
    redacted = real_spend_con.execute(
        "select count(*), sum(amount_gbp), count(supplier_name), count(supplier_id) from spend "
        "where source_file = $p and is_redacted",
        {"p": path},
    ).fetchall()[0]
    assert redacted[0] == 145 and redacted[1] > 0 and redacted[2:] == (0, 0)
    leaks = real_spend_con.execute("""
        select 'spend', supplier_name from spend where supplier_name ilike '%redact%'
        union all select 'suppliers', canonical_name from suppliers where canonical_name ilike '%redact%'
        union all select 'aliases', a from (select unnest(aliases) as a from suppliers) where a ilike '%redact%'
        union all select 'load_issues', raw_value from load_issues where raw_value ilike '%redact%'
    """).fetchall()
    assert leaks == []


def test_oxford_two_schemas_map_to_the_same_fields(real_spend_con) -> None:
    mappings = dict(
        real_spend_con.execute(
            "select path, column_mapping from source_files where path like 'spend/hackney/%'"
        ).fetchall()
    )
    old, new = (mappings[source_path(layout)] for layout in LAYOUTS[3:5])
    assert '"expenditure_category": "expenditure_category"' in old and '"payment_date": "paid_date"' in old
    assert '"expenditure_category": "Expenditure Catergory"' in new and '"payment_date": "Paid Date"' in new
    # The 0.01 'Difference A/c' rows with a blank supplier are payments: loaded, not redacted, not named.
    pennies = real_spend_con.execute(
        "select count(*), sum(amount_gbp) from spend where source_file = $p "
        "and expenditure_category = 'Difference A/c' and supplier_name is null and not is_redacted",
        {"p": source_path(LAYOUTS[4])},
    ).fetchall()[0]
    assert pennies[0] >= 9 and pennies[1] == Decimal("0.01") * pennies[0]


def test_trafford_zip_iso_dates_negatives_and_proclass(real_spend_con) -> None:
    layout = LAYOUTS[5]
    path = source_path(layout)
    fmt, lines = real_spend_con.execute(
        "select detected_format, lines_read from source_files where path = $p", {"p": path}
    ).fetchall()[0]
    assert fmt == "zip/csv" and lines == 38_055
    months = real_spend_con.execute(
        "select min(payment_date), max(payment_date), count(*) filter (where amount_gbp < 0) "
        "from spend where source_file = $p",
        {"p": path},
    ).fetchall()[0]
    assert months[0] >= dt.date(2025, 1, 1) and months[1] <= dt.date(2026, 6, 30)
    assert months[2] == independent(layout).negatives > 0
    software = real_spend_con.execute(
        "select count(*) from spend where source_file = $p and proclass_code = '271600' "
        "and tech_category = 'software' and classification_reason like 'ProClass 271600%'",
        {"p": path},
    ).fetchall()
    assert software[0][0] >= 10


def test_supplier_totals_pivot_is_rejected_with_a_reason() -> None:
    path = real_file("spend/lambeth_2012-05_supplier_totals.csv")
    with pytest.raises(SummaryOnlyError) as caught:
        read_spend(path)
    message = str(caught.value)
    assert path.name in message and "totals per supplier" in message and "transaction-level file" in message


def test_skip_bad_files_records_the_pivot_and_loads_the_rest(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    report = add_files(
        warehouse,
        "spend",
        [
            real_file("spend/lambeth_2012-05_supplier_totals.csv"),
            real_file("spend/oxford_city_expenditure-over-500-jan-mar-2018.csv"),
        ],
        publisher="E09000022",
        skip_bad_files=True,
    )
    assert [f.status for f in report.files] == ["rejected", "loaded"]
    con = connect(warehouse, read_only=True)
    rejected = con.execute(
        "select status, problem, lines_read from source_files where path like '%supplier_totals%'"
    ).fetchall()
    assert rejected[0][0] == "rejected" and "summary" in rejected[0][1] and rejected[0][2] == 0
    assert con.execute(
        "select count(*) from load_issues where source_file like '%supplier_totals%' and problem like 'file rejected%'"
    ).fetchall() == [(1,)]


def test_republished_lines_count_once(tmp_path: Path) -> None:
    """A later file that repeats half of an earlier one: those lines are duplicates, the rest load."""
    original = real_file("spend/oxford_city_expenditure-over-500-jan-mar-2018.csv")
    lines = original.read_bytes().split(b"\r\n")
    overlap = tmp_path / "oxford-republished.csv"
    overlap.write_bytes(b"\r\n".join(lines[:1] + lines[600:]))  # header + the second half, same lines
    warehouse = tmp_path / "w.duckdb"
    add_files(warehouse, "spend", [original, overlap], publisher="E09000012")
    con = connect(warehouse, read_only=True)
    rows = con.execute(
        "select lines_read, rows_loaded, rows_duplicate, rows_quarantined from source_files order by file_id"
    ).fetchall()
    second_half = len([ln for ln in lines[600:] if ln.strip()])
    assert rows == [(1220, 1220, 0, 0), (second_half, 0, second_half, 0)]
    # Within one file, identical lines are separate payments (Oxford repeats a few): all of them load.
    assert con.execute("select count(*) from spend").fetchall() == [(1220,)]
    assert run_checks(con) == []
