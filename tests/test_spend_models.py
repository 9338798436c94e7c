"""Spend staging and marts as data: totals rows, duplicates across files, redaction, value formats, the CLI
summary. Each case builds a small warehouse from files written here."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from loti_demand.cli import cli
from loti_demand.exceptions import StrictModeError
from loti_demand.normalise.suppliers import is_individual_payee_type, is_redacted
from loti_demand.queries.coverage import load_issue_files
from loti_demand.warehouse.build import add_files, run_checks
from loti_demand.warehouse.db import MODELS_DIR, connect

HEADER = "Payment Date,Transaction Number,Supplier Name,Amount,Expense Type,Creditor Type\n"


def ingest(tmp_path: Path, *files: tuple[str, str], strict: bool = False) -> duckdb.DuckDBPyConnection:
    paths = []
    for name, body in files:
        path = tmp_path / name
        path.write_text(HEADER + body, encoding="utf-8")
        paths.append(path)
    warehouse = tmp_path / "w.duckdb"
    add_files(warehouse, "spend", paths, publisher="E09000007", strict=strict)
    return connect(warehouse, read_only=True)


def counts(con) -> list[tuple]:
    return con.execute(
        "select lines_read, rows_loaded, rows_duplicate, rows_quarantined, rows_totals, "
        "total_amount_gbp from source_files order by file_id"
    ).fetchall()


TOTALS = (
    "01/04/2025,T1,TOTAL GAS & POWER LTD,500.00,Gas,Business\n"  # a supplier called Total...: a payment
    "02/04/2025,T2,Total Social Work Ltd,700.00,Fees,Business\n"
    ",,,1200.00,,\n"  # unlabelled grand total
    ",,Sub-total,700.00,,\n"  # labelled subtotal
    ',,Grand Total,"1,200.00",,\n'
    "30/04/2025,,Total,1200.00,,\n"  # a month's subtotal under its last date, with no reference
    "30/04/2025,T3,Total,90.00,Fuel,Business\n"  # ...while a payment with a reference is one
)


def test_totals_rows_are_recognised_excluded_and_counted(tmp_path: Path) -> None:
    con = ingest(tmp_path, ("totals.csv", TOTALS))
    assert counts(con) == [(7, 3, 0, 4, 4, Decimal("1290.00"))]
    assert {r[0] for r in con.execute("select problem from load_issues").fetchall()} == {
        "total or subtotal row, excluded so that totals are not counted twice"
    }
    assert run_checks(con) == []


def test_strict_fails_on_a_bad_line_but_not_on_totals_rows(tmp_path: Path) -> None:
    con = ingest(tmp_path, ("totals.csv", TOTALS), strict=True)  # totals only: builds
    con.close()
    with pytest.raises(StrictModeError, match="1 line"):
        ingest(tmp_path, ("totals.csv", TOTALS), ("bad.csv", "03/04/2025,T9,Acme Ltd,TBC,Gas,Business\n"), strict=True)


def test_a_republished_payment_counts_once_however_often_it_repeats(tmp_path: Path) -> None:
    line = "01/04/2025,T1,Acme Ltd,500.00,Gas,Business\n"
    other = "02/04/2025,T2,Acme Ltd,800.00,Gas,Business\n"
    con = ingest(
        tmp_path,
        ("q1.csv", line * 2),  # the same payment twice in one file: two payments
        ("q1-again.csv", line * 2 + other),  # republished: both copies are duplicates, the new line loads
        ("q1-third.csv", line * 3),
    )  # a third copy not seen before loads
    assert [c[:4] for c in counts(con)] == [(2, 2, 0, 0), (3, 1, 2, 0), (3, 1, 2, 0)]
    assert con.execute("select count(*), sum(amount_gbp) from spend").fetchall() == [(4, Decimal("2300.00"))]


def test_files_are_compared_where_their_dates_meet_even_on_one_day(tmp_path: Path) -> None:
    con = ingest(
        tmp_path,
        ("march.csv", "01/03/2025,T0,Acme Ltd,100.00,Gas,Business\n31/03/2025,T1,Acme Ltd,500.00,Gas,Business\n"),
        ("april.csv", "01/04/2025,T2,Acme Ltd,500.00,Gas,Business\n"),
        # starts on March's last day: its first line repeats March's last payment
        ("republished.csv", "31/03/2025,T1,Acme Ltd,500.00,Gas,Business\n30/04/2025,T3,Acme Ltd,200.00,Gas,Business\n"),
    )
    assert [c[:4] for c in counts(con)] == [(2, 2, 0, 0), (1, 1, 0, 0), (2, 1, 1, 0)]


def test_the_same_payment_in_another_boroughs_file_is_not_a_duplicate(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    for name, borough in (("camden.csv", "E09000007"), ("hackney.csv", "E09000012")):
        (tmp_path / name).write_text(HEADER + "01/04/2025,T1,Acme Ltd,500.00,Gas,Business\n", encoding="utf-8")
        add_files(warehouse, "spend", [tmp_path / name], publisher=borough)
    con = connect(warehouse, read_only=True)
    assert [c[:3] for c in counts(con)] == [(1, 1, 0), (1, 1, 0)]


def test_lines_without_a_reference_are_compared_on_what_they_bought(tmp_path: Path) -> None:
    con = ingest(
        tmp_path,
        ("a.csv", "01/04/2025,,Acme Ltd,500.00,Gas,Business\n"),
        ("b.csv", "01/04/2025,,Acme Ltd,500.00,Electricity,Business\n01/04/2025,,Acme Ltd,500.00,Gas,Business\n"),
    )
    assert [c[:3] for c in counts(con)] == [(1, 1, 0), (2, 1, 1)]


def test_redacted_and_individual_payees_count_but_are_never_named(tmp_path: Path) -> None:
    con = ingest(
        tmp_path,
        (
            "people.csv",
            "01/04/2025,T1,JANE QUINCEY-DOE,600.00,Care,INDV\n"
            "02/04/2025,T2,JANE QUINCEY-DOE,TBC,Care,INDV\n"
            "03/04/2025,T3,Redacted under DP Act,700.00,Care,\n"
            "04/04/2025,T4,Acme Ltd,800.00,Gas,Business\n",
        ),
    )
    assert con.execute("select count(*) filter (where is_redacted), sum(amount_gbp) from spend").fetchall() == [
        (2, Decimal("2100.00"))
    ]
    leaks = []
    for table, column in con.execute(
        "select table_name, column_name from information_schema.columns where table_schema = 'main' "
        "and table_name not like 'raw%' and (data_type = 'VARCHAR' or data_type like 'VARCHAR[]')"
    ).fetchall():
        found = con.execute(
            f'select count(*) from "{table}" where cast("{column}" as varchar) ilike $n', {"n": "%QUINCEY%"}
        ).fetchall()[0][0]
        if found:
            leaks.append(f"{table}.{column}")
    assert leaks == []
    assert con.execute("select raw_value from load_issues").fetchall() == [("TBC",)]


def test_value_formats_from_real_files(tmp_path: Path) -> None:
    body = "".join(
        f'{date},T{i},Acme Ltd,"{amount}",Gas,\n'
        for i, (date, amount) in enumerate(
            [
                ("31/01/2024", "£1,234.50"),
                ("31-Jan-2024", "(12.00)"),
                ("2024-01-31", "99.00CR"),
                ("45322", "1534.24-"),
                ("31/01/2024 00:00:00", " 222,441.16 "),
                ("31.01.2024", "Â£500"),
                ("31/01/24", "-0.01"),
            ]
        )
    )
    con = ingest(tmp_path, ("formats.csv", body))
    rows = con.execute("select payment_date, amount_gbp from spend order by source_row").fetchall()
    assert {str(r[0]) for r in rows} == {"2024-01-31"}
    assert [r[1] for r in rows] == [
        Decimal(v) for v in ("1234.50", "-12.00", "-99.00", "-1534.24", "222441.16", "500.00", "-0.01")
    ]


def test_an_amount_with_thousands_separators_out_of_threes_is_ambiguous(tmp_path: Path) -> None:
    """'12,34.56' was mistyped: dropping the commas would load a sum the council never wrote. Digits past the pence
    are rounded, as real files hold half pence (Devon's 448.125, Hammersmith and Fulham's 423.885), and a
    spreadsheet's float noise is read to the penny."""
    amounts = ["12,34.56", "1,234,5678.00", "448.125", "656.8100000000001", "1041.4099999999999", "1,234,567.89"]
    body = "".join(f'01/04/2025,T{i},Acme Ltd,"{amount}",Gas,Business\n' for i, amount in enumerate(amounts))
    con = ingest(tmp_path, ("digits.csv", body))
    issues = con.execute("select source_row, raw_value, problem from load_issues order by source_row").fetchall()
    assert [(row, value) for row, value, _ in issues] == [(2, "12,34.56"), (3, "1,234,5678.00")]
    assert all(problem.startswith("amount is ambiguous: its thousands separators") for _, _, problem in issues)
    loaded = con.execute("select amount_gbp from spend order by source_row").fetchall()
    assert [r[0] for r in loaded] == [Decimal(v) for v in ("448.13", "656.81", "1041.41", "1234567.89")]


def test_a_supplier_that_is_a_spreadsheet_error_is_quarantined_naming_it(tmp_path: Path) -> None:
    """A failed lookup exported as '#N/A' names no supplier: the line is quarantined with the cell's value, not
    loaded as a payment to a supplier called '#N/A'; a name that merely starts with '#' is a name."""
    body = (
        "01/04/2025,T1, #N/A ,500.00,Gas,Business\n"
        "02/04/2025,T2,#REF!,600.00,Gas,Business\n"
        "03/04/2025,T3,#1 Cleaning Ltd,700.00,Cleaning,Business\n"
    )
    con = ingest(tmp_path, ("errors.csv", body))
    issues = con.execute("select source_row, column_name, raw_value, problem from load_issues order by 1").fetchall()
    assert [row[:3] for row in issues] == [(2, "supplier_name", " #N/A "), (3, "supplier_name", "#REF!")]
    assert all("spreadsheet's error value" in row[3] and "correct it" in row[3] for row in issues)
    assert con.execute("select supplier_name, amount_gbp from spend").fetchall() == [
        ("#1 Cleaning Ltd", Decimal("700.00"))
    ]
    assert counts(con) == [(3, 1, 0, 2, 0, Decimal("700.00"))]


def test_excel_day_numbers_with_a_time_of_day_load_on_their_day(tmp_path: Path) -> None:
    """West Berkshire writes each payment's date and time as an Excel number (45301.45 is 10:48 on 10 January
    2024); every line once failed as 'date not recognised'. The day is never rounded up to the next."""
    path = tmp_path / "Over500_23_P10_-_Published.csv"
    path.write_text(
        "Service,Expenditure category,Narrative,Date,Net amount,Supplier name\n"
        "Strategy & Governance,Employees,Employers LGPS Deficit Contribution,45313.75465925926,402500,RBWM\n"
        "Children & Family Services,Employees,Agency & Temporary Staff,45301.45023804398,4000,Sarp Consult\n"
        "Adult Social Care,Transfer Payment,Adult Placement Allowances,45320.641129710646,866.16,Redacted\n",
        encoding="utf-8",
    )
    add_files(tmp_path / "w.duckdb", "spend", [path], publisher="E09000007")
    con = connect(tmp_path / "w.duckdb", read_only=True)
    assert [str(r[0]) for r in con.execute("select payment_date from spend order by source_row").fetchall()] == [
        "2024-01-22",
        "2024-01-10",
        "2024-01-29",
    ]
    assert con.execute("select count(*) from load_issues").fetchone() == (0,)


def test_a_date_turned_round_on_its_way_is_read_in_the_files_months(tmp_path: Path) -> None:
    """Chelmsford's November 2024 file writes its direct debits' dates month first where the day is 12 or less
    (11/01/2024 for 1 November: a spreadsheet read 01/11/2024 US style on the way) among day-first dates. A date
    that reads day first outside the months of the file's unambiguous dates, and month first inside them, is read
    month first; a date both readings place outside (a late payment) keeps its day-first reading."""
    con = ingest(
        tmp_path,
        (
            "chelmsford.csv",
            "14/11/2024,T1,Acme Ltd,500.00,Supplies,Business\n"
            "29/11/2024,T2,Acme Ltd,600.00,Supplies,Business\n"
            "11/01/2024,T3,Freedom Communications,700.00,Telecoms,Business\n"  # 1 November
            "11/12/2024,T4,Barclaycard,800.00,Banking,Business\n"  # 12 November
            "05/10/2024,T5,Acme Ltd,900.00,Supplies,Business\n"  # 5 October (month first, 10 May: outside too)
            "02/11/2024,T6,Acme Ltd,1000.00,Supplies,Business\n",  # 2 November: day first falls in the months
        ),
    )
    dates = [str(r[0]) for r in con.execute("select payment_date from spend order by source_row").fetchall()]
    assert dates == ["2024-11-14", "2024-11-29", "2024-11-01", "2024-11-12", "2024-10-05", "2024-11-02"]


def test_a_repeat_of_the_header_row_is_named_as_one(tmp_path: Path) -> None:
    """Ealing's export repeats its header under the header (its first cell blank, the names' spacing and case as
    they come); the line is quarantined as what it is, not as an amount that is not a number."""
    path = tmp_path / "2023_05.csv"
    path.write_text(
        "columns,,Body Name,Service Label,Date,Net Amount,Amended Supplier Name\n"
        ",,Body Name,Service Label, Date ,NET AMOUNT,Amended Supplier Name\n"
        ",,Ealing Council,Housing,05/05/2023,500.00,Acme Ltd\n"
        ",,Ealing Council,Housing,06/05/2023,Amount,Acme Ltd\n",  # a stray word: still not a number
        encoding="utf-8",
    )
    add_files(tmp_path / "w.duckdb", "spend", [path], publisher="E09000009")
    con = connect(tmp_path / "w.duckdb", read_only=True)
    assert con.execute("select source_row, column_name, problem from load_issues order by 1").fetchall() == [
        (2, None, "a repeat of the header row"),
        (4, "amount", "amount is not a number (expected e.g. 1,234.56, -12.00 or (12.00))"),
    ]
    assert counts(con) == [(3, 1, 0, 2, 0, Decimal("500.00"))]


def test_a_quarantined_value_with_a_hidden_character_shows_it(tmp_path: Path) -> None:
    """A no-break space in a date is read (Croydon's); a zero-width space is not, and the reason shows it, with the
    value as published beside it (not tidied into a date that looks good)."""
    con = ingest(
        tmp_path,
        (
            "hidden.csv",
            "\u00a008-Aug-2023,T1,Acme Ltd,500,Gas,\n"
            "08-Aug-2023\u200b,T2,Acme Ltd,500,Gas,\n"
            "08-Aug-2023,T3,Acme Ltd,5\u200b00,Gas,\n"
            "08-Aug 2023,T4,Acme Ltd,500,Gas,\n",
        ),
    )
    assert con.execute("select source_row, column_name, raw_value, problem from load_issues order by 1").fetchall() == [
        (
            3,
            "payment_date",
            "08-Aug-2023\u200b",
            "date not recognised (expected a UK day-first date such as 31/01/2024); the value holds a character "
            "that cannot be seen: '08-Aug-2023\\u200b'",
        ),
        (
            4,
            "amount",
            "5\u200b00",
            "amount is not a number (expected e.g. 1,234.56, -12.00 or (12.00)); the value holds a character that "
            "cannot be seen: '5\\u200b00'",
        ),
        (5, "payment_date", "08-Aug 2023", "date not recognised (expected a UK day-first date such as 31/01/2024)"),
    ]


def test_a_file_whose_every_line_is_quarantined_says_so(tmp_path: Path) -> None:
    """A file read whole that loads nothing must not pass for one that loaded: source_files' problem, the CLI's
    per-file summary and the coverage page's list of files say so, naming the commonest reason."""
    (tmp_path / "good.csv").write_text(HEADER + "01/04/2025,T1,Acme Ltd,500.00,Gas,\n", encoding="utf-8")
    (tmp_path / "bad.csv").write_text(
        HEADER + "".join(f"45301.4.5,T{i},Acme Ltd,500.00,Gas,\n" for i in range(3)) + "01/04/2025,T9,Acme,x,Gas,\n",
        encoding="utf-8",
    )
    warehouse = tmp_path / "w.duckdb"
    result = CliRunner().invoke(
        cli,
        [
            "ingest",
            "spend",
            "--warehouse",
            str(warehouse),
            "--borough",
            "Camden",
            *(str(tmp_path / n) for n in ("good.csv", "bad.csv")),
        ],
    )
    assert result.exit_code == 0, result.output
    said = (
        "nothing loaded: every one of its 4 lines was quarantined; the commonest reason (3 lines): payment_date: "
        "date not recognised (expected a UK day-first date such as 31/01/2024)"
    )
    assert f"{tmp_path / 'bad.csv'}: {said}" in result.stdout.splitlines()
    assert "good.csv:" not in result.stdout
    con = connect(warehouse, read_only=True)
    assert con.execute("select path, status, problem from source_files order by file_id").fetchall() == [
        (str(tmp_path / "good.csv"), "loaded", None),
        (str(tmp_path / "bad.csv"), "loaded", said),
    ]
    files = load_issue_files(con)
    assert files[["source_file", "issues", "nothing_loaded"]].values.tolist() == [[str(tmp_path / "bad.csv"), 4, said]]


def test_irrecoverable_vat_written_as_a_word_loads_the_payment(tmp_path: Path) -> None:
    """'Nil' VAT on every line of one council's file once quarantined the whole file; an unreadable VAT still is."""
    path = tmp_path / "vat.csv"
    path.write_text(
        "Payment Date,Transaction Number,Supplier Name,Amount,Irrecoverable VAT\n"
        "01/04/2025,T1,Acme Ltd,500.00,Nil\n"
        "01/04/2025,T2,Acme Ltd,600.00, n/a \n"
        "01/04/2025,T3,Acme Ltd,700.00,12.50\n"
        "01/04/2025,T4,Acme Ltd,800.00,twelve\n"
        "01/04/2025,T5,Acme Ltd,900.00,Not spplicable\n",
        encoding="utf-8",
    )
    add_files(tmp_path / "w.duckdb", "spend", [path], publisher="E09000007")
    con = connect(tmp_path / "w.duckdb", read_only=True)
    assert con.execute("select source_row, irrecoverable_vat_gbp from spend order by 1").fetchall() == [
        (2, Decimal("0.00")),
        (3, None),
        (4, Decimal("12.50")),
        (6, None),  # a misspelt 'Not applicable' (Windsor and Maidenhead) states nothing
    ]
    assert con.execute("select source_row, column_name, raw_value, problem from load_issues").fetchall() == [
        (5, "irrecoverable_vat", "twelve", "irrecoverable VAT is not a number")
    ]


def test_problems_name_the_file_row_column_and_value(tmp_path: Path) -> None:
    """A line with no date, supplier or amount (a report tool's marker row) is named as no payment at all."""
    con = ingest(tmp_path, ("bad.csv", "31/02/2025,T1,Acme Ltd,500,Gas,\n01/04/2025,T2,Acme Ltd,,Gas,\n,LIST,,,,\n"))
    assert con.execute("select source_row, column_name, raw_value, problem from load_issues order by 1").fetchall() == [
        (2, "payment_date", "31/02/2025", "date not recognised (expected a UK day-first date such as 31/01/2024)"),
        (3, "amount", None, "amount is blank"),
        (4, None, None, "no date, supplier or amount: a note or a report's marker, not a payment"),
    ]


def test_ingest_spend_prints_a_summary_per_file(tmp_path: Path) -> None:
    good = tmp_path / "q1.csv"
    good.write_text(HEADER + TOTALS, encoding="utf-8-sig")
    pivot = tmp_path / "pivot.csv"
    pivot.write_text("Row Labels,Sum of Amount\nAcme Ltd,500\nGrand Total,500\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "ingest",
            "spend",
            "--warehouse",
            str(tmp_path / "w.duckdb"),
            "--borough",
            "Camden",
            "--skip-bad-files",
            str(good),
            str(pivot),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("file"))
    assert re.split(r"\s{2,}", header) == ["file", "format", "lines", "loaded", "duplicates", "quarantined", "total £"]
    row = next(line for line in lines if "q1.csv" in line)
    assert re.split(r"\s{2,}", row.strip())[1:] == ["csv, utf-8-sig", "7", "3", "0", "4 (4 totals)", "£1,290.00"]
    assert any("pivot.csv" in line and "rejected" in line for line in lines)


@pytest.fixture(scope="module")
def macros():
    con = duckdb.connect()
    con.execute((MODELS_DIR / "macros.sql").read_text())
    yield con
    con.close()


NAMEISH = st.text(alphabet="REDACTrdacteInviulPpsoGPDnm ()-_.", max_size=30)
MARKERS = st.sampled_from(
    [
        "REDACTED",
        "Redacted under DP Act",
        "personal data",
        "Individual",
        "INDV",
        "private",
        "GDPR",
        "Acme Individual Solutions Ltd",
        "Confidential Shredding Ltd",
        "XXXX",
        "***",
        "Commercially Sensitive",
    ]
)


@settings(max_examples=300)
@given(st.one_of(NAMEISH, MARKERS, st.builds(lambda a, b: a + b, MARKERS, NAMEISH)))
def test_sql_and_python_redaction_rules_agree(macros, name: str) -> None:
    sql = macros.execute("select is_redacted_name($1), is_individual_payee($1)", [name]).fetchall()[0]
    assert (bool(sql[0]), bool(sql[1])) == (is_redacted(name), is_individual_payee_type(name))


@pytest.mark.parametrize(
    ("name", "redacted"),
    [
        ("REDACTED", True),
        ("Redacted personal data", True),
        ("REDACTED UNDER DP ACT", True),
        ("Individual", True),
        ("Acme Individual Solutions Ltd", False),
        ("Confidential Shredding Ltd", False),
        ("Total Social Work Ltd", False),
        # placeholders typed over a withheld name: letters x, stars, or nothing but marks
        ("XXXXXXXX", True),
        ("xxx", True),
        ("*****", True),
        ("- -", True),
        ("Commercially sensitive", True),
        ("SENSITIVE", True),
        ("XXL Hire Ltd", False),
        ("Sensitive Cleaning Ltd", False),
        ("X", False),
        ("株式会社", False),  # a name in another script is a name
        # a police commissioner's placeholder for a withheld payee (found on real files by a review)
        ("THIRD PARTY SUPPLIER", True),
        ("Third Party", True),
        ("Third Party Solutions Ltd", False),
    ],
)
def test_redaction_markers(name: str, redacted: bool, macros) -> None:
    assert is_redacted(name) is redacted
    assert macros.execute("select is_redacted_name($1)", [name]).fetchone()[0] is redacted
