"""The spend reader: encodings, delimiters, preambles, spreadsheets, ZIPs, mappings, exact line numbers, and
clear refusals for files it cannot read."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from loti_demand.exceptions import InputFileError, MissingColumnsError, SummaryOnlyError
from loti_demand.sources import council_spend, delimited
from loti_demand.sources.council_spend import cell_text, read_spend, read_spend_bytes
from loti_demand.sources.delimited import is_blank, nonempty_lines, read_fast
from loti_demand.sources.detect import _width, looks_binary
from loti_demand.sources.spend_header import validate_mapping
from loti_demand.warehouse.inputs import read_mapping
from tests.reliability_inputs import monthly_workbook, ods, ods_cell, ods_row

HEADER = "Body,Department,Supplier Name,Payment Date,Transaction Number,Amount,Expense Type"


@pytest.fixture(autouse=True)
def fast_path_for_small_files(monkeypatch):
    """The fast path normally starts at 32 KiB; these small files must exercise it too."""
    monkeypatch.setattr(council_spend, "FAST_PATH_MIN_BYTES", 0)


def rows_of(tables) -> list[dict]:
    return [row for table in tables for batch in table.batches() for row in batch.to_pylist()]


def read_text(text: str, encoding: str = "utf-8", name: str = "x.csv") -> tuple[list, list[dict]]:
    tables = read_spend_bytes(text.encode(encoding), name=name)
    return tables, rows_of(tables)


def python_path(monkeypatch) -> None:
    """Make every CSV take the csv-module path."""

    def refuse(*args, **kwargs):
        raise delimited.NotFastPath("forced")

    monkeypatch.setattr(council_spend, "read_fast", refuse)


def test_header_after_a_report_preamble_and_exact_line_numbers() -> None:
    text = (
        "London Borough of Camden Payments Over £500\n"
        "Report Date:† 02/07/2012† 16:59:18,,,,,,\n"
        "\n"
        f"{HEADER}\n"
        'Camden,Digital,Brightline Software Ltd,02/04/2025,T1,"12,500.00",Software Licences\n'
        "\n"
        ",,,,,,\n"
        ",†††,,,,,\n"
        'Camden,Housing,"Acme, Repairs & Co",16/04/2025,T3,800.00,Building Repairs\n'
        ',,,,,"13,300.00",\n'
    )
    tables, rows = read_text(text)
    table = tables[0]
    assert (table.header_row, table.parser, table.lines_read) == (4, "fast", 3)
    assert [r["source_row"] for r in rows] == [5, 9, 10]
    assert rows[1]["supplier_name"] == "Acme, Repairs & Co"
    assert table.mapping["amount"] == "Amount" and table.mapping["expenditure_category"] == "Expense Type"


def test_small_files_take_the_csv_module_path(monkeypatch) -> None:
    monkeypatch.setattr(council_spend, "FAST_PATH_MIN_BYTES", 32 << 10)
    tables, rows = read_text(f"{HEADER}\nCamden,Digital,A Ltd,02/04/2025,T1,500.00,Software\n")
    assert tables[0].parser == "python" and [r["source_row"] for r in rows] == [2]


def test_quoted_newlines_take_the_python_path_with_physical_line_numbers() -> None:
    text = (
        f"{HEADER}\n"
        'Camden,Digital,"Brightline\nSoftware Ltd",02/04/2025,T1,500.00,Software\n'
        "Camden,Digital,Northwind Ltd,03/04/2025,T2,600.00,Hosting\n"
    )
    tables, rows = read_text(text)
    assert tables[0].parser == "python"
    assert [r["source_row"] for r in rows] == [2, 4]
    assert rows[0]["supplier_name"] == "Brightline\nSoftware Ltd"


def test_a_line_split_at_an_unquoted_delimiter_is_a_problem_not_a_misread() -> None:
    """'Smith, John Ltd' without quotes moves every later value one column right: such a line is quarantined with
    the reason, while trailing empty values (a spreadsheet's extra delimiters) and a short line are read as before."""
    text = (
        f"{HEADER}\n"
        "Camden,Legal,Smith, John Ltd,02/04/2025,T1,900.00,Legal Fees\n"
        "Camden,Digital,Brightline Software Ltd,03/04/2025,T2,500.00,Software,,\n"
        "Camden,Digital,Northwind Ltd,04/04/2025,T3,600.00\n"
    )
    tables, rows = read_text(text)
    assert tables[0].parser == "python"  # the fast reader refuses ragged lines
    assert [r["source_row"] for r in rows] == [2, 3, 4]
    assert rows[0]["read_problem"].startswith("the line has 8 values where the header has 7 columns")
    assert "','" in rows[0]["read_problem"] and "quotes" in rows[0]["read_problem"]
    assert [r["read_problem"] for r in rows[1:]] == [None, None]
    assert (rows[1]["amount"], rows[2]["amount"]) == ("500.00", "600.00")


def test_lone_carriage_returns_are_counted_as_line_ends() -> None:
    text = f"{HEADER}\r,,,,,,\rCamden,Digital,A Ltd,02/04/2025,T1,500.00,Software\r"
    tables, rows = read_text(text)
    assert tables[0].parser == "python"
    assert [r["source_row"] for r in rows] == [3]


# Lines with no ASCII letter or digit are judged cell by cell on the fast path: 'é' and '٣' (an Arabic-Indic
# digit) make a line, '†', '_', '£' and no-break spaces do not.
CELL = st.text(alphabet='ab1 ,"\n†\t£é٣_\u00a0', max_size=6)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=1, max_size=9), max_size=8), st.sampled_from(["\n", "\r\n"]), st.booleans())
@example(rows=[["1\t"], ["1\t"], ["1\t\t"]], newline="\n", blank_lines=False)  # tabs outnumber the header's commas
def test_fast_and_python_paths_give_the_same_lines(monkeypatch, rows, newline, blank_lines) -> None:
    """Property: whatever the cells (quotes, commas, newlines, daggers, blanks), both paths agree on every
    line, its number and its values; and the fast path is only taken when it can be exact."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(HEADER.split(","))
    for row in rows:
        writer.writerow(row)
        if blank_lines:
            buffer.write(newline)
    data = buffer.getvalue().encode("utf-8")
    fast = rows_of(read_spend_bytes(data, name="p.csv"))
    with monkeypatch.context() as patch:
        python_path(patch)
        slow = rows_of(read_spend_bytes(data, name="p.csv"))
    assert fast == slow
    assert len(slow) == sum(1 for row in rows if not is_blank(row))


def test_the_header_decides_the_delimiter_when_cells_hold_another() -> None:
    """Cells padded with tabs in a comma-separated file make its payment lines split wider on tabs than on
    commas; the header row only splits on commas, so commas it is, and every line keeps its values."""
    padded = "Software" + "\t" * 12
    lines = [HEADER, *[f"Camden,IT,Supplier {i},0{i}/04/2025,T{i},{i}00.00,{padded}" for i in (1, 2, 3)]]
    tables, rows = read_text("\n".join(lines) + "\n")
    assert tables[0].detected_format == "csv"
    assert [(r["source_row"], r["supplier_name"], r["amount"], r["expenditure_category"]) for r in rows] == [
        (n + 1, f"Supplier {n}", f"{n}00.00", padded) for n in (1, 2, 3)
    ]


def test_a_missing_column_is_reported_with_the_header_split_as_the_council_wrote_it() -> None:
    """Commas inside the cells of a semicolon-separated file make its lines split wider on commas. When the header
    lacks a column, the error lists the header's columns split on semicolons, not as one cell
    (a header without an amount's words: one with them is read from its values)."""
    lines = [
        "Payment Date;Supplier Name;Betrag",
        *[f"0{i}/04/2025;Acme, Ltd, Unit {i}, Camden;1.234,5{i}" for i in range(1, 6)],
    ]
    with pytest.raises(MissingColumnsError) as caught:
        read_text("\n".join(lines) + "\n")
    assert (
        "missing amount (amount could be 'Betrag'). The likeliest header (row 1) has columns: 'Payment Date', "
        "'Supplier Name', 'Betrag'"
    ) in caught.value.problem
    assert "field,column\n  amount,Betrag\n" in caught.value.hint


@pytest.mark.parametrize(
    ("encoding", "prefix", "detected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("cp1252", b"", "cp1252"),
        ("utf-16", b"", "utf-16"),
    ],
)
def test_encodings_are_detected_and_reported(encoding: str, prefix: bytes, detected: str) -> None:
    text = "Payment Date,Supplier Name,Amount\r\n01/04/2025,Café Nero – Holborn,£1,234.50\r\n"
    text = text.replace("£1,234.50", '"£1,234.50"')
    data = prefix + text.encode(encoding)
    tables = read_spend_bytes(data, name="e.csv")
    rows = rows_of(tables)
    assert tables[0].encoding == detected
    assert rows[0]["supplier_name"] == "Café Nero – Holborn" and rows[0]["amount"] == "£1,234.50"


def test_bytes_cp1252_leaves_undefined_are_read_as_latin1() -> None:
    data = "Payment Date,Supplier Name,Amount\n01/04/2025,Caf\xe9 \x81,500\n".encode("latin-1")
    tables = read_spend_bytes(data, name="l.csv")
    assert tables[0].encoding == "latin-1" and rows_of(tables)[0]["supplier_name"] == "Café \x81"


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_other_delimiters_are_detected(delimiter: str) -> None:
    text = delimiter.join(["Payment Date", "Supplier Name", "Amount"]) + "\n"
    text += delimiter.join(["01/04/2025", "Acme Ltd", "500.00"]) + "\n"
    tables, rows = read_text(text)
    assert repr(delimiter) in tables[0].detected_format
    assert rows[0]["supplier_name"] == "Acme Ltd"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='ab ,;\t|"', max_size=30), st.sampled_from([",", ";", "\t", "|"]))
def test_a_line_is_split_for_the_delimiter_as_the_csv_module_splits_it(line: str, delimiter: str) -> None:
    """Judging the delimiter counts the cells of a line without quotes itself; it must count as the csv module."""
    expected = len(next(csv.reader([line], delimiter=delimiter))) if line else 0
    assert _width(line, delimiter) == expected


def test_blank_rule() -> None:
    assert is_blank(["", " ", "†††", ",", "\u00a0"])
    assert not is_blank(["", "xxx", ""])
    assert not is_blank(["", "0"])
    assert not is_blank(["", "é"]) and not is_blank(["٣"]) and is_blank(["_", "£"])


def test_lines_without_ascii_letters_or_digits_are_flagged_for_a_closer_look() -> None:
    body = "A,1\n\n,\r\n†,é\n_,£\n,٣".encode()
    numbers, ascii_alnum = nonempty_lines(body, 10)
    assert numbers.tolist() == [10, 12, 13, 14, 15]  # line 11 is empty: pyarrow's reader skips it too
    assert ascii_alnum.tolist() == [True, False, False, False, False]
    numbers, parsed = read_fast(body, 10, 2, ",")
    assert numbers.tolist() == [10, 13, 15] and parsed.column(1).to_pylist() == ["1", "é", "٣"]


def test_lines_are_numbered_the_same_whatever_size_of_piece_the_scan_takes(monkeypatch) -> None:
    body = 'A,1\n\n,\r\n†,é\n_,£\n\n\n"q",x\r\n,٣\nend,2'.encode() * 7
    whole = nonempty_lines(body, 10)
    assert whole[0][-1] == 10 + body.count(b"\n")  # the last line has no newline and is counted
    for size in (1, 2, 5, 17, 64):
        monkeypatch.setattr(delimited, "SCAN_BYTES", size)
        numbers, ascii_alnum = nonempty_lines(body, 10)
        assert numbers.tolist() == whole[0].tolist() and ascii_alnum.tolist() == whole[1].tolist()
    monkeypatch.setattr(delimited, "SCAN_BYTES", 8)
    with pytest.raises(delimited.NotFastPath):  # a quote opened on a line that ends in a later piece
        nonempty_lines(b"a,b\nc,d\n" * 4 + b'"multi\nline",x\n', 1)


def _workbook(tmp_path: Path) -> Path:
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes["A1"] = "This workbook lists payments over £500."
    sheet = book.create_sheet("Payments")
    sheet.append(["Payments over £500, April 2025"])
    sheet.append([])
    sheet.append(["Payment Date", "Supplier", "Net Amount", "Expense Type"])
    sheet.append([dt.datetime(2025, 4, 2), "Brightline Software Ltd", 12500.5, "Software Licences"])
    sheet.append([None, None, None, None])
    sheet.append([45760, "Acme Ltd", -120, "Repairs"])
    path = tmp_path / "payments.xlsx"
    book.save(path)
    return path


def test_xlsx_date_cells_serials_preamble_and_the_sheet_with_the_payments(tmp_path: Path) -> None:
    tables = read_spend(_workbook(tmp_path))
    rows = rows_of(tables)
    assert tables[0].detected_format == "xlsx (sheet 'Payments')" and tables[0].header_row == 3
    assert [r["source_row"] for r in rows] == [4, 6]
    assert rows[0]["payment_date"] == "2025-04-02" and rows[0]["amount"] == "12500.5"
    assert rows[1]["payment_date"] == "45760" and rows[1]["amount"] == "-120"


def test_every_sheet_with_payments_is_read_and_named(tmp_path: Path) -> None:
    tables = read_spend(monthly_workbook(tmp_path / "q1.xlsx"), name="q1.xlsx")
    assert [(t.source_file, t.detected_format) for t in tables] == [
        ("q1.xlsx!Apr 2025", "xlsx (sheet 'Apr 2025')"),
        ("q1.xlsx!May 2025", "xlsx (sheet 'May 2025')"),
    ]
    april, may = ([row for batch in table.batches() for row in batch.to_pylist()] for table in tables)
    assert [(r["source_row"], r["supplier_name"], r["amount"]) for r in april] == [
        (2, "Brightline Software Ltd", "12500.5"),
        (3, "Acme Ltd", "600"),
    ]
    assert [(r["source_row"], r["payment_date"], r["amount"]) for r in may] == [
        (2, "2025-05-06", "=1+1"),
        (3, "2025-05-07", "700.25"),
    ]
    # each sheet's rows carry their own problems: row 2 of April is not May's uncalculated formula
    assert april[0]["read_problem"] is None
    assert "cell C2 of sheet 'May 2025'" in may[0]["read_problem"]


def test_a_workbook_saved_as_strict_open_xml_is_read(tmp_path: Path) -> None:
    """Excel's "Strict Open XML Spreadsheet" names its parts' XML with the ISO standard's namespaces (Stoke-on-Trent,
    September 2023), in which openpyxl finds no sheet: the reader renames them and reads the lines."""
    usual = _workbook(tmp_path).read_bytes()
    strict = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(usual)) as book, zipfile.ZipFile(strict, "w") as out:
        for info in book.infolist():
            part = book.read(info)
            for old, new in (
                (
                    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                    b"http://purl.oclc.org/ooxml/spreadsheetml/main",
                ),
                (
                    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                    b"http://purl.oclc.org/ooxml/officeDocument/relationships",
                ),
            ):
                part = part.replace(old, new)
            if info.filename == "xl/workbook.xml":
                part = part.replace(b"<workbook ", b'<workbook conformance="strict" ', 1)
            out.writestr(info, part)
    tables = read_spend_bytes(strict.getvalue(), name="strict.xlsx")
    assert [(r["source_row"], r["payment_date"], r["amount"]) for r in rows_of(tables)] == [
        (4, "2025-04-02", "12500.5"),
        (6, "45760", "-120"),
    ]


def test_xls_cells_through_xlrd(monkeypatch) -> None:
    """No maintained library writes XLS any more, so the xlrd calls are given a workbook double."""
    import xlrd

    class Cell:
        def __init__(self, ctype, value):
            self.ctype, self.value = ctype, value

    class Sheet:
        name, nrows, ncols = "Sheet1", 2, 3

        def __init__(self):
            self.grid = [
                [Cell(1, "Payment Date"), Cell(1, "Supplier Name"), Cell(1, "Amount")],
                [Cell(xlrd.XL_CELL_DATE, 45748.0), Cell(1, "Acme Ltd"), Cell(2, 1534.24)],
            ]

        def cell(self, r, c):
            return self.grid[r][c]

    class Book:
        datemode = 0

        def sheets(self):
            return [Sheet()]

    monkeypatch.setattr(xlrd, "open_workbook", lambda file_contents: Book())
    tables = read_spend_bytes(council_spend.XLS_MAGIC + b"\x00" * 100, name="old.xls")
    assert tables[0].detected_format == "xls"
    assert rows_of(tables) == [
        {
            "source_row": 2,
            "payment_date": "2025-04-01",
            "service_area": None,
            "supplier_name": "Acme Ltd",
            "expenditure_category": None,
            "purpose": None,
            "amount": "1534.24",
            "irrecoverable_vat": None,
            "transaction_id": None,
            "supplier_ref": None,
            "vat_number": None,
            "company_number": None,
            "proclass_code": None,
            "proclass_label": None,
            "invoice_number": None,
            "payee_type": None,
            "descriptions": None,
            "read_problem": None,
        }
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234.5, "1234.5"),
        (1e-05, "0.00001"),
        (1e16, "10000000000000000"),
        (3, "3"),
        (dt.datetime(2025, 4, 2, 13, 5), "2025-04-02"),
        (dt.date(2025, 4, 2), "2025-04-02"),
        (None, ""),
        (True, "TRUE"),
    ],
)
def test_spreadsheet_cells_become_the_text_a_council_would_type(value, text: str) -> None:
    assert cell_text(value) == text


def test_zip_members_are_read_and_named_inside_the_archive(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("q1.csv", "Payment Date,Supplier Name,Amount\n2025-04-01,Acme Ltd,500\n")
        archive.write(_workbook(tmp_path), "q2.xlsx")
        archive.writestr("__MACOSX/._q1.csv", b"\x00\x05")
    path = tmp_path / "spend.zip"
    path.write_bytes(buffer.getvalue())
    tables = read_spend(path, name="spend/camden/spend.zip")
    assert [(t.source_file, t.detected_format) for t in tables] == [
        ("spend/camden/spend.zip!q1.csv", "zip/csv"),
        ("spend/camden/spend.zip!q2.xlsx", "zip/xlsx (sheet 'Payments')"),
        ("spend/camden/spend.zip!__MACOSX/._q1.csv", "zip/archive member"),
    ]
    assert tables[-1].problem == "not read: a hidden or macOS metadata file, not data"
    assert len(rows_of(tables)) == 3


def test_a_zip_without_spend_files_says_what_it_holds(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("report.pdf", b"%PDF-1.4")
    with pytest.raises(InputFileError, match=r"holds no CSV or Excel file \(it holds report\.pdf\)"):
        read_spend_bytes(buffer.getvalue(), name="a.zip")


def test_an_opendocument_spreadsheet_is_read_sheet_by_sheet_with_its_rows_and_values() -> None:
    """ODF, the open standard UK public bodies publish documents in: every sheet with a spend header is read, each
    line with its row in the sheet (rows written once with a repeat count are as many rows), numbers from their
    stored values, dates as dates, spaces written as <text:s/> kept, and a formula with no saved value quarantined."""
    header = ods_row(ods_cell("Payment Date"), ods_cell("Supplier Name"), ods_cell("Amount"), ods_cell("Description"))
    april = [
        ods_row(ods_cell("Payments over £500, April 2025")),
        ods_row(ods_cell(), repeat=2),
        header,
        ods_row(
            ods_cell(dt.date(2025, 4, 3)),
            ods_cell("Acme  Ltd", xml="Acme<text:s/> Ltd"),
            ods_cell(1234.5),
            ods_cell("Software &amp; licences", xml="Software &amp; licences"),
        ),
        ods_row(ods_cell("04/04/2025"), ods_cell("Beta Ltd"), ods_cell(600), repeat=2),
        ods_row(ods_cell("05/04/2025"), ods_cell("Gamma Ltd"), ods_cell(formula="of:=[.C5]*2")),
        ods_row(ods_cell(), repeat=1_048_000),
    ]
    may = [header, ods_row(ods_cell("01/05/2025"), ods_cell("Delta Ltd"), ods_cell(99.99))]
    notes = [ods_row(ods_cell("Published under the Local Government Transparency Code"))]
    tables = read_spend_bytes(ods({"Apr 2025": april, "Notes": notes, "May 2025": may}), name="q1.ods")
    assert [(t.source_file, t.detected_format, t.header_row) for t in tables] == [
        ("q1.ods!Apr 2025", "ods", 4),
        ("q1.ods!May 2025", "ods (sheet 'May 2025')", 1),
    ]
    rows = rows_of(tables)
    assert [(r["source_row"], r["payment_date"], r["supplier_name"], r["amount"]) for r in rows] == [
        (5, "2025-04-03", "Acme  Ltd", "1234.5"),
        (6, "04/04/2025", "Beta Ltd", "600"),
        (7, "04/04/2025", "Beta Ltd", "600"),
        (8, "05/04/2025", "Gamma Ltd", "of:=[.C5]*2"),
        (2, "01/05/2025", "Delta Ltd", "99.99"),
    ]
    assert rows[0]["descriptions"] == "Description: Software & licences"
    assert [r["read_problem"] is not None for r in rows] == [False, False, False, True, False]
    assert rows[3]["read_problem"].startswith("formula with no saved value in column 3 of sheet 'Apr 2025'")


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        # a comment, a text box and a footnote anchored in the cell are not its text
        (
            '<table:table-cell office:value-type="string"><office:annotation><text:p>CHECK</text:p></office:annotation>'
            "<text:p>Acme Ltd</text:p></table:table-cell>",
            "Acme Ltd",
        ),
        (
            '<table:table-cell office:value-type="string"><text:p>Acme<draw:frame><draw:text-box><text:p>BOX</text:p>'
            "</draw:text-box></draw:frame> Ltd</text:p></table:table-cell>",
            "Acme Ltd",
        ),
        # white space typed in the XML is one space and none at the ends; written spaces and breaks are kept
        (
            '<table:table-cell office:value-type="string"><text:p>\n   Acme   <text:span>Data</text:span>  Ltd\n'
            "</text:p></table:table-cell>",
            "Acme Data Ltd",
        ),
        (
            '<table:table-cell office:value-type="string"><text:p>A<text:s text:c="2"/>B<text:tab/>C<text:line-break/>D'
            "</text:p></table:table-cell>",
            "A  B\tC\nD",
        ),
        # an error shows as written; a time as 13:45:00; a date before year 1000 whole
        (
            '<table:table-cell office:value-type="string" office:string-value="" calcext:value-type="error">'
            "<text:p>#DIV/0!</text:p></table:table-cell>",
            "#DIV/0!",
        ),
        ('<table:table-cell office:value-type="time" office:time-value="PT13H45M00S"/>', "13:45:00"),
        ('<table:table-cell office:value-type="date" office:date-value="0999-03-15"/>', "0999-03-15"),
        ('<table:table-cell office:value-type="percentage" office:value="0.175"/>', "0.175"),
        ('<table:table-cell office:value-type="float" office:value="1.5E+3"/>', "1500"),
        # LibreOffice writes 17 digits; the sheet shows the shortest that reads back as the same number
        ('<table:table-cell office:value-type="currency" office:value="632.70000000000005"/>', "632.7"),
        ('<table:table-cell office:value-type="float" office:value="1E-05"/>', "0.00001"),
    ],
)
def test_an_opendocument_cell_reads_as_a_spreadsheet_program_shows_it(cell: str, shown: str) -> None:
    namespaces = (
        'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
        'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
    )
    header = ods_row(ods_cell("Payment Date"), ods_cell("Supplier Name"), ods_cell("Amount"))
    line = ods_row(ods_cell("01/05/2025"), cell, ods_cell(500))
    data = ods({"P": [header, line]}, namespaces=namespaces)
    assert rows_of(read_spend_bytes(data, name="x.ods"))[0]["supplier_name"] == shown


def test_opendocument_sheets_of_one_name_and_a_table_in_a_cell_keep_every_line() -> None:
    """Two sheets named alike stay two files ('Data', 'Data (2)'), so each line keeps a key of its own; a table inside
    a cell is part of that row, not a sheet, and the rows after it are still read."""
    header = ods_row(ods_cell("Payment Date"), ods_cell("Supplier Name"), ods_cell("Amount"))
    nested = (
        '<table:table-cell><table:table table:name="inner" table:is-sub-table="true"><table:table-row>'
        "<table:table-cell/></table:table-row></table:table></table:table-cell>"
    )
    first = [
        header,
        ods_row(ods_cell("01/05/2025"), ods_cell("Acme"), ods_cell(1), nested),
        ods_row(ods_cell("02/05/2025"), ods_cell("Beta"), ods_cell(2)),
    ]
    second = [header, ods_row(ods_cell("03/05/2025"), ods_cell("Gamma"), ods_cell(3))]
    tables = read_spend_bytes(ods([("Data", first), ("Data", second)]), name="x.ods")
    assert [t.source_file for t in tables] == ["x.ods!Data", "x.ods!Data (2)"]
    assert [(r["source_row"], r["supplier_name"]) for r in rows_of(tables)] == [(2, "Acme"), (3, "Beta"), (2, "Gamma")]


@pytest.mark.parametrize("count", ["0", "-5", "18446744073709551616", "1e3"])
def test_an_opendocument_repeat_count_that_is_no_count_refuses_the_file_by_row(count: str) -> None:
    header = ods_row(ods_cell("Payment Date"), ods_cell("Supplier Name"), ods_cell("Amount"))
    line = ods_row(ods_cell("01/05/2025"), ods_cell("Acme"), ods_cell(1)).replace(
        "<table:table-row>", f'<table:table-row table:number-rows-repeated="{count}">'
    )
    with pytest.raises(InputFileError, match=r"x\.ods: is a damaged spreadsheet \(sheet 'P', at row 2: "):
        rows_of(read_spend_bytes(ods({"P": [header, line]}), name="x.ods"))


def test_an_opendocument_file_that_is_not_a_spreadsheet_is_named_with_what_to_do() -> None:
    data = ods({}, mimetype=b"application/vnd.oasis.opendocument.text")
    with pytest.raises(
        InputFileError, match=r"(?s)is an OpenDocument file that is not a spreadsheet.*export its table"
    ):
        read_spend_bytes(data, name="report.odt")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "is empty"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x00\x00<<>>stream\x00\x01\x02\x03" * 20, "looks binary"),
        (b"PK\x03\x04not really a zip", "is not a readable ZIP archive"),
        # a 'not found' page saved under the spend file's name
        (
            b'<!DOCTYPE html>\n<html lang="en"><head><title>Page not found</title></head><body></body></html>\n',
            "web page",
        ),
        ("\ufeff\n<html><body><h1>Sign in</h1></body></html>".encode("utf-16"), "web page"),
        # text after all (the hostile-input review: both were called binary): a NUL byte's line is named, and
        # UTF-16 without a byte-order mark is said to be that, with the way to save it
        (
            f"{HEADER}\nCamden,IT,A Ltd,02/04/2025,T1,500.00,Software\n"
            "Camden,IT,B\x00 Ltd,02/04/2025,T2,600.00,IT\n".encode(),
            "NUL byte at line 3, character 12",
        ),
        (f"{HEADER}\nCamden,IT,A Ltd,02/04/2025,T1,500.00,Software\n".encode("utf-16-le"), "UTF-16 text without a"),
        (f"{HEADER}\nCamden,IT,A Ltd,02/04/2025,T1,500.00,Software\n".encode("utf-16-be"), "UTF-16 text without a"),
    ],
)
def test_unreadable_files_are_refused_with_the_file_named(data: bytes, problem: str) -> None:
    with pytest.raises(InputFileError, match=problem) as caught:
        read_spend_bytes(data, name="spend/camden/broken.csv")
    assert str(caught.value).startswith("spend/camden/broken.csv: ")
    assert "What to do:" in str(caught.value) or problem == "is not a readable ZIP archive"


def test_many_control_characters_without_a_nul_look_binary() -> None:
    """More than one control character in 200 (and more than 8) is binary; tabs, line ends, form feeds, escapes
    and DEL are text."""
    text = b"Date,Supplier,Amount\r\n" + b"01/04/2025,Acme\tLtd\x1b,500\x0c\n" * 80  # 2,102 bytes
    assert not looks_binary(text)
    assert not looks_binary(text + b"\x01" * 10 + b"\x7f" * 5)  # 10 controls in 2,117 bytes: not over 10
    binary = text + b"\x01\x02\x08\x0e\x10\x11\x1a\x1c\x1e\x1f\x01"  # 11 in 2,113 bytes
    assert looks_binary(binary)
    with pytest.raises(InputFileError, match="looks binary"):
        read_spend_bytes(binary, name="spend/camden/odd.csv")


def test_missing_columns_lists_what_was_found_and_how_to_map_it() -> None:
    text = "Paid On,Vendor Ref Name,Net Value\n01/04/2025,Acme Ltd,500\n"
    with pytest.raises(MissingColumnsError) as caught:
        read_text(text, name="spend/camden/odd.csv")
    message = str(caught.value)
    assert "missing payment_date, supplier_name" in message
    assert "payment_date could be 'Paid On'; supplier_name could be 'Vendor Ref Name'" in message
    assert "'Paid On', 'Vendor Ref Name', 'Net Value'" in message
    assert "field,column\n  payment_date,Paid On\n  supplier_name,Vendor Ref Name\n" in message
    assert "spend_columns.csv" in message


@pytest.mark.parametrize(
    ("header", "row", "problem", "lines"),
    [
        # Only the fields that are missing are named, each with the column whose values are of its kind.
        (
            "Vendor ID,Vendor Name,Cost Element,Document No,Amount,Last Modified",
            "18000063,ACME LTD,544076,1900017038,12.50,15/08/2019",
            "missing payment_date (payment_date could be 'Last Modified')",
            ["payment_date,Last Modified"],
        ),
        (
            "Entity,Payee,Account,Ref,Value (inc VAT)",
            'TTL,ACME LTD,IT Consultancy,1004\\19,"1,234.00"',
            "missing payment_date, amount (no column looks like payment_date; amount could be 'Value (inc VAT)')",
            ["payment_date,<the column holding the payment date>", "amount,Value (inc VAT)"],
        ),
        (
            "Date,Supplier,Cost Centre,Sum Paid GBP",
            "01/04/2025,ACME LTD,ICT Services,99.10",
            "missing amount (amount could be 'Sum Paid GBP')",
            ["amount,Sum Paid GBP"],
        ),
    ],
)
def test_the_hint_names_the_missing_field_and_the_column_that_holds_it(header, row, problem, lines) -> None:
    with pytest.raises(MissingColumnsError) as caught:
        read_text(f"{header}\n{row}\n{row}\n", name="spend/gla/odd.csv")
    assert problem in caught.value.problem
    assert "field,column\n" + "".join(f"  {line}\n" for line in lines) in caught.value.hint


def test_a_field_no_synonym_names_is_read_from_its_one_fitting_column() -> None:
    """Councils name columns the synonyms table cannot list in advance ('Exclusive Amount', 'Supplier or Party
    Name'): the one column whose header has the field's words and whose values are all of its kind is read, a VAT
    column is not an amount, and the columns used are kept with the file."""
    lines = [f"0{d}/01/2024,Acme Systems Ltd {d},{d}00.00,{d}0.00,Libraries" for d in range(1, 7)]
    tables, rows = read_text(
        "Payment Date,Supplier or Party Name,VAT Amount,Exclusive Amount,Service Area\n" + "\n".join(lines) + "\n",
        name="spend/barnet/2024-01.csv",
    )
    assert [(r["supplier_name"], r["amount"]) for r in rows][:2] == [
        ("Acme Systems Ltd 1", "10.00"),
        ("Acme Systems Ltd 2", "20.00"),
    ]
    assert tables[0].mapping == {
        "payment_date": "Payment Date",
        "supplier_name": "Supplier or Party Name",
        "amount": "Exclusive Amount",
        "service_area": "Service Area",
    }


@pytest.mark.parametrize(
    ("header", "line", "expected"),
    [
        pytest.param(  # Bolton, April 2023: the date under "Payment"
            "Authority,Service Area,Description,Payment,Amount,Supplier",
            'Bolton MBC,Adult Services,Residential Provision,0{d}-Apr-23,"\u00a315,867.72",Abbey Healthcare {d}',
            {"payment_date": "Payment", "amount": "Amount", "supplier_name": "Supplier"},
            id="payment",
        ),
        pytest.param(  # Bury, November 2023: the amount under "Invoiced"
            "Auth,Supplier,Date,Dept,Cost Code,Invoiced",
            "Bury MBC,JSA Psychotherapy Ltd {d},0{d}/11/2023,Children & Young People,Safeguarding Teams,500",
            {"payment_date": "Date", "amount": "Invoiced", "supplier_name": "Supplier"},
            id="invoiced",
        ),
    ],
)
def test_a_payment_column_of_dates_and_an_invoiced_column_of_amounts_are_read(header, line, expected) -> None:
    """'Payment' over dates is the payment date and 'Invoiced' over amounts the amount, as the one fitting column."""
    text = header + "\n" + "\n".join(line.format(d=d) for d in range(1, 8)) + "\n"
    tables, rows = read_text(text, name="spend/bolton/2023-04.csv")
    assert {f: tables[0].mapping[f] for f in expected} == expected
    assert len(rows) == 7


def test_the_merchant_is_the_supplier_not_the_merchant_category() -> None:
    """Sefton's card statements: 'Merchant Category Name' holds the trade, 'Merchant' the name paid."""
    header = "Transaction Date,Merchant Category Name,Merchant,Transaction Amount\n"
    lines = [f"0{d}/10/2023,Computer Software Stores,ADOBE SYSTEMS {d},{d}9.99" for d in range(1, 8)]
    tables, rows = read_text(header + "\n".join(lines) + "\n", name="spend/sefton/2023-10.csv")
    assert tables[0].mapping["supplier_name"] == "Merchant"
    assert rows[0]["supplier_name"] == "ADOBE SYSTEMS 1"


def test_a_card_report_with_table_names_before_its_columns_is_read() -> None:
    """Kirklees' card statements put the report's table before each column ('FIN.TRANSACTION DATE'); of its amounts,
    the tax is VAT and an accounting code's value is a code, so the net transaction amount is the amount."""
    header = (
        "FIN.TRANSACTION DATE,MCH.MERCHANT NAME - ORIGINAL,FIN.NET TRANSACTION AMOUNT,FIN.TAX.TAX AMOUNT,"
        "FIN.ACCOUNTING CODE 02 VALUE\n"
    )
    lines = [f"0{d}/01/2024,SPOTIFY {d},{d}4.99,{d}.00,10121{d}" for d in range(1, 8)]
    tables, rows = read_text(header + "\n".join(lines) + "\n", name="spend/kirklees/2024-01.csv")
    assert {f: tables[0].mapping[f] for f in ("payment_date", "supplier_name", "amount")} == {
        "payment_date": "FIN.TRANSACTION DATE",
        "supplier_name": "MCH.MERCHANT NAME - ORIGINAL",
        "amount": "FIN.NET TRANSACTION AMOUNT",
    }
    assert (rows[0]["supplier_name"], rows[0]["amount"]) == ("SPOTIFY 1", "14.99")


@pytest.mark.parametrize(
    ("header", "line"),
    [
        (
            "Body Name,Vendor Name,Cost Centre,Amount,Period",
            "Slough Borough Council,Acme Ltd {d},M44D,1{d}60.00,Apr-23",
        ),
        ("Period,Account,Account(T),Amount,Supplier", "202401,4303,ICT Software - Maintenance,60{d},Orcuma Ltd {d}"),
    ],
    ids=["slough", "durham"],
)
def test_a_file_that_gives_only_the_month_is_read_with_its_period_as_the_date(header: str, line: str) -> None:
    """Slough and Durham's police commissioner publish the period paid in, not the day: 'Period' is the date."""
    text = header + "\n" + "\n".join(line.format(d=d) for d in range(1, 8)) + "\n"
    tables, rows = read_text(text, name="spend/slough/2023-04.csv")
    assert tables[0].mapping["payment_date"] == "Period" and len(rows) == 7


def test_of_two_date_columns_the_one_with_days_is_the_payment_date() -> None:
    header = "Period,Date Raised,Supplier Name,Amount\n"
    lines = [f"Apr-23,0{d}/04/2023,Acme Ltd,100.00" for d in range(1, 8)]
    tables, _ = read_text(header + "\n".join(lines) + "\n", name="spend/slough/2023-04.csv")
    assert tables[0].mapping["payment_date"] == "Date Raised"


def test_the_line_amount_beside_an_invoice_total_on_first_lines_only_is_the_amount() -> None:
    """The London Fire Brigade writes each invoice line's amount ('AMT LINE') and the invoice's total ('AMT TOTAL')
    on its first line only: the amount is the line's, so the lines add up to the invoices, and none is blank."""
    header = "BATCH ID,NAME VEND,INVOICEID,Line,AMT LINE , DESCRIPTION, ISSUED DATE,AMT TOTAL,Department\n"
    lines = [
        f"8001901{i},KIER BUILDING SERV ENGINEERS  ,103087{i},{n},{amount}, REACTIVE MEP   ,03/04/2023,{total},Property"
        for i in range(4)
        for n, amount, total in ((1, "173.25", "283.25"), (2, "110", ""))
    ]
    tables, rows = read_text(header + "\n".join(lines) + "\n", name="spend/london-fire-commissioner/2023-04.csv")
    assert tables[0].mapping["amount"] == "AMT LINE"
    assert [r["amount"] for r in rows][:2] == ["173.25", "110"]
    # March 2024: the first lines are all one-line invoices, so both columns are full there; the line's is taken
    single = [line.replace(",2,110,", ",1,110,").replace("03/04/2023,,", "03/04/2023,110,") for line in lines]
    tables, _ = read_text(header + "\n".join(single) + "\n", name="spend/london-fire-commissioner/2024-03.csv")
    assert tables[0].mapping["amount"] == "AMT LINE"


def test_amounts_that_look_like_excel_day_numbers_are_still_an_amount_column() -> None:
    """An amount of £45,301.45 is also an Excel day number with a time (12 January 2024, 10:48): a column of such
    numbers is judged an amount column, as Sandwell's 'Amount SUM' is."""
    amounts = ["68005.03", "45301.45", "2152.69", "38941.33", "50747.00", "4924.82"]
    lines = [f"0{i + 1}-Jan-2024,ACME LTD {i},{a}" for i, a in enumerate(amounts)]
    _, rows = read_text("Date,Beneficiary,Amount SUM\n" + "\n".join(lines) + "\n", name="spend/barnet/2024-01.csv")
    assert [r["amount"] for r in rows] == amounts


@pytest.mark.parametrize(
    ("header", "why"),
    [
        ("Date Raised,Date Transaction Added,Supplier Name,Amount", "two columns of dates"),
        ("Supplier Name,Amount,Reference", "no column of dates"),
    ],
)
def test_a_field_with_two_fitting_columns_or_none_is_still_refused(header: str, why: str) -> None:
    """Reading a column by its words and values is only for one clear candidate: otherwise the file is refused,
    naming the candidates, as before (the council's dates could be either)."""
    columns = header.split(",")
    values = {
        "Date Raised": "02/01/2024",
        "Date Transaction Added": "05/01/2024",
        "Supplier Name": "Acme Ltd",
        "Amount": "100.00",
        "Reference": "INV1",
    }
    text = header + "\n" + "\n".join(",".join(values[c] for c in columns) for _ in range(8)) + "\n"
    with pytest.raises(MissingColumnsError, match="missing payment_date"):
        read_text(text, name="spend/barnet/odd.csv")


def test_central_government_spend_over_25k_headers_load_with_no_mapping() -> None:
    """Departments and national bodies publish spend over £25,000 with the amount under "Spend" and the date as the
    invoice's general-ledger date."""
    tables, _ = read_text(
        "Supplier Name,Category Family,Invoice GL Date,Spend\n"
        'ACME SYSTEMS LTD,IT,31/03/2021,"26,450.00"\n'
        "BRIDGEWAY RAIL SERVICES LTD,Track,30/03/2021,125000.00\n",
        name="spend/tfl/2021-03.csv",
    )
    assert [(r["supplier_name"], r["payment_date"], r["amount"]) for r in rows_of(tables)] == [
        ("ACME SYSTEMS LTD", "31/03/2021", "26,450.00"),
        ("BRIDGEWAY RAIL SERVICES LTD", "30/03/2021", "125000.00"),
    ]


def test_an_amount_header_naming_its_currency_among_other_words_is_read() -> None:
    """Sutton writes "Amount £ (Excl VAT)" (in cp1252): the table knows "Amount Excl VAT" and "Amount £", and the
    header is read as the first without its currency; a header the table names exactly keeps its own column."""
    tables, _ = read_text(
        "Council Name,Date,TransNo,Amount \u00a3 (Excl VAT),Supplier name,Expense Type\n"
        "LB Sutton,01/03/2024,101,1250.00,ACME SYSTEMS LTD,Software Licences\n",
        name="spend/sutton/2024-03.csv",
    )
    assert [(r["supplier_name"], r["amount"]) for r in rows_of(tables)] == [("ACME SYSTEMS LTD", "1250.00")]
    tables, _ = read_text(
        "Date,Supplier,Amount \u00a3 Excl VAT,Amount Excl VAT\n01/03/2024,ACME SYSTEMS LTD,1000.00,1200.00\n",
        name="spend/sutton/2024-04.csv",
    )
    assert [r["amount"] for r in rows_of(tables)] == ["1200.00"]


def test_sap_exports_of_the_gla_group_load_with_no_mapping() -> None:
    """The GLA's and TfL's SAP exports: Clearing Date, Vendor Name, Document No(.), an Entity per line, a numeric cost
    element beside the account's description, card merchant categories mostly blank, a preamble (GLA)."""
    gla = (
        "\ufeff,Report of all payments made by GLA for value equal to or greater than £ 250.00 Excl. VAT,,,,,,\n"
        ",Reporting Period : ,12,,,,,\n,,,,,,,\n"
        ",Vendor ID,Vendor Name,Cost Element,Expenditure Account Code Description,Document No,Amount,Clearing Date\n"
        ',18000063,ACME SYSTEMS LTD,536300,COMPUTER HARDWARE,1900017038,"4,007.00",06 Feb  2013\n'
        ",15500097,LONDON BOROUGH OF CAMDEN,544075,Grants to External Organisations,5107795327,(829.50),"
        "14 Feb  2013\n"
    )
    tables, rows = read_text(gla, name="spend/gla/gla-2013-p12.csv")
    assert tables[0].header_row == 4
    assert tables[0].mapping == {
        "payment_date": "Clearing Date",
        "supplier_name": "Vendor Name",
        "expenditure_category": "Expenditure Account Code Description",
        "amount": "Amount",
        "transaction_id": "Document No",
        "supplier_ref": "Vendor ID",
    }
    assert [(r["payment_date"], r["amount"], r["expenditure_category"]) for r in rows] == [
        ("06 Feb  2013", "4,007.00", "COMPUTER HARDWARE"),
        ("14 Feb  2013", "(829.50)", "Grants to External Organisations"),
    ]
    tfl = (
        "Entity,Vendor Name,Expenditure Account,Document Number,Clearing Date,Amount,Merchant Category\n"
        "TRANSPORT TRADING LTD,ACME NETWORKS LTD,IT Consultancy,1004\\1901685374,2022-06-10,68879.78,\n"
        "LONDON UNDERGROUND LIMITED,CARD MERCHANT,Computer Hardware,1005\\5110116936,2022-06-24,1200.00,5045\n"
    )
    tables, rows = read_text(tfl, name="spend/tfl/2023-p03.csv")
    assert tables[0].mapping["expenditure_category"] == "Expenditure Account"
    assert tables[0].mapping["transaction_id"] == "Document Number"
    assert [r["expenditure_category"] for r in rows] == ["IT Consultancy", "Computer Hardware"]


def test_a_mapping_file_reads_an_odd_layout(tmp_path: Path) -> None:
    mapping_file = tmp_path / "mapping.csv"
    mapping_file.write_text("field,column\npayment_date,Paid On\nsupplier_name,Vendor Ref Name\n", encoding="utf-8")
    mapping = read_mapping(mapping_file)
    tables = read_spend_bytes(
        b"Paid On,Vendor Ref Name,Net Value\n01/04/2025,Acme Ltd,500\n", name="odd.csv", mapping=mapping
    )
    row = rows_of(tables)[0]
    assert (row["payment_date"], row["supplier_name"], row["amount"]) == ("01/04/2025", "Acme Ltd", "500")


def test_a_mapping_file_naming_an_unknown_field_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="unknown field"):
        validate_mapping({"supplier": "Vendor"}, "mapping.csv")
    mapping_file = tmp_path / "mapping.csv"
    mapping_file.write_text("field,column\nsupplier,Vendor\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"mapping\.csv: names unknown field\(s\) supplier"):
        read_mapping(mapping_file)


@pytest.mark.parametrize(
    "text",
    [
        'Sum of Invoice Nett Amount,\nSupplier Name,Total\nAcme Ltd,"3,158.77"\nGrand Total,"3,158.77"\n',
        "Row Labels,Sum of Amount\nAcme Ltd,500\nGrand Total,500\n",
    ],
)
def test_summary_publications_are_rejected_with_an_explanation(text: str) -> None:
    with pytest.raises(SummaryOnlyError, match="not individual payments"):
        read_text(text)


def _shared_strings_workbook(rows: list[list[str]]) -> bytes:
    """An XLSX whose text cells point into sharedStrings.xml, as Excel writes them (openpyxl writes inline strings)."""
    strings: list[str] = []
    xml_rows = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            if value not in strings:
                strings.append(value)
            cells.append(f'<c r="{"ABCDEFGH"[c]}{r}" t="s"><v>{strings.index(value)}</v></c>')
        xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Payments" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData>{"".join(xml_rows)}</sheetData></worksheet>',
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{main}" count="{len(strings)}">' + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_an_excel_workbook_with_shared_strings_reads() -> None:
    """Excel keeps each text once in sharedStrings.xml and points to it from the cells: the sheet's rows resolve
    them (the workbook's own string list is empty when openpyxl reads read-only)."""
    data = _shared_strings_workbook(
        [
            ["Payment Date", "Supplier Name", "Amount", "Expense Type"],
            ["01/04/2025", "Acme Ltd", "500.00", "Software licences"],
        ]
    )
    tables = read_spend_bytes(data, name="spend/camden/excel.xlsx")
    assert [(r["source_row"], r["supplier_name"], r["amount"], r["expenditure_category"]) for r in rows_of(tables)] == [
        (2, "Acme Ltd", "500.00", "Software licences")
    ]


@pytest.mark.parametrize("forced_python", [False, True])
def test_a_value_over_the_csv_limit_is_named_by_where_its_record_starts(monkeypatch, forced_python) -> None:
    """The error names the line the bad record starts on, counting the lines a quoted value spans before it; a file
    the fast path could read is refused the same way (the limit is one limit, whichever path reads the file)."""
    if forced_python:
        python_path(monkeypatch)
    head = "Payment Date,Supplier,Amount,Description\n01/04/2025,Acme Ltd,10.00,Paper\n"
    if forced_python:
        head = 'Payment Date,Supplier,Amount,Description\n01/04/2025,"Acme\nLtd",10.00,Paper\n'
    data = (head + '02/04/2025,Acme,"' + "x" * 200_000 + '",Paper\n').encode()
    line = 4 if forced_python else 3
    with pytest.raises(InputFileError, match=f"longer than 131,072 characters.* from line {line} on") as caught:
        rows_of(read_spend_bytes(data, name="wide.csv"))
    assert "quote mark" in caught.value.hint


QUOTED = "Payment Date,Supplier Name,Amount,Transaction Number,Description"


def payments(first: int, last: int) -> list[str]:
    return [f"{i:02d}/02/2025,Supplier {i} Ltd,{i}.00,T{i},line {i}" for i in range(first, last + 1)]


@pytest.mark.parametrize("tail", ["", "\n\n"])
def test_a_quote_never_closed_quarantines_its_line_and_not_the_lines_after_it(tail) -> None:
    """'"Supplier 3 Ltd' with no closing quote would carry every later line into one value: the lines after it are
    read as lines of their own, and its own line is quarantined, naming the column and what to do."""
    lines = payments(1, 10)
    lines[2] = lines[2].replace("Supplier 3", '"Supplier 3')
    _, rows = read_text("\n".join([QUOTED, *lines]) + "\n" + tail)
    assert [r["source_row"] for r in rows] == list(range(2, 12))
    assert [r["amount"] for r in rows] == [f"{i}.00" for i in range(1, 11)]
    problems = {r["source_row"]: r["read_problem"] for r in rows if r["read_problem"]}
    assert list(problems) == [4]
    assert problems[4].startswith("a quote mark in column 'Supplier Name' opens a value that is never closed")
    assert "close or remove the quote mark" in problems[4]


def test_a_quote_never_closed_in_a_long_file_quarantines_its_line_only() -> None:
    """With no other quote mark for thousands of lines, the runaway value passes the csv module's limit (131,072
    characters) before the file ends: the lines are still read as lines of their own, not the whole file refused."""
    lines = payments(1, 9) + [f"01/03/2025,Supplier {i} Ltd,{i}.00,T{i},line {i}" for i in range(10, 6010)]
    lines[2] = lines[2].replace("Supplier 3", '"Supplier 3')
    _, rows = read_text("\n".join([QUOTED, *lines]) + "\n")
    assert len(rows) == 6009 and [r["source_row"] for r in rows] == list(range(2, 6011))
    assert [r["source_row"] for r in rows if r["read_problem"]] == [4]
    assert rows[-1]["supplier_name"] == "Supplier 6009 Ltd" and rows[4]["amount"] == "5.00"


def test_a_quote_closed_by_an_inch_mark_lines_later_does_not_merge_the_lines_between() -> None:
    """Two stray quotes ('"Supplier 3 Ltd' and 'Screen 8" Ltd') parse as one value holding five payments, with the
    header's number of values: without the check it was loaded as one payment, the others lost."""
    lines = payments(1, 10)
    lines[2] = lines[2].replace("Supplier 3", '"Supplier 3')
    lines[7] = lines[7].replace("Supplier 8 Ltd", 'Screen 8" Ltd')
    _, rows = read_text("\n".join([QUOTED, *lines]) + "\n")
    assert [(r["source_row"], r["amount"]) for r in rows] == [(i + 1, f"{i}.00") for i in range(1, 11)]
    assert rows[7]["supplier_name"] == 'Screen 8" Ltd'
    assert [r["source_row"] for r in rows if r["read_problem"]] == [4]


def test_a_value_quoted_over_lines_stays_one_value_even_when_its_lines_look_whole() -> None:
    """A well-formed quoted value over lines is kept whole, even when the line after its newline happens to hold
    the header's number of values (the value is the first column: the rest of the record follows its quote)."""
    text = f'{QUOTED}\n"01/02/2025\nnote",Supplier 1 Ltd,1.00,T1,line 1\n' + "\n".join(payments(2, 3)) + "\n"
    _, rows = read_text(text)
    assert [(r["source_row"], r["supplier_name"], r["read_problem"]) for r in rows] == [
        (2, "Supplier 1 Ltd", None),
        (4, "Supplier 2 Ltd", None),
        (5, "Supplier 3 Ltd", None),
    ]


def mapped(text: str, name: str) -> dict[str, str]:
    tables, rows = read_text(text, name=name)
    assert rows, "no line read"
    return tables[0].mapping


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        pytest.param(  # Barnet
            "Directorate,Department,Expenditure Type,Ref.Doc.1,Vendor Name,Expenditure Amount (exc VAT),Payment Date",
            'Delivery Units,Assurance,Training,1024005402,CIPFA,"5,600.00",24/04/2023',
            {"amount": "Expenditure Amount (exc VAT)"},
            id="vat-qualifier",
        ),
        pytest.param(  # Lewisham, February 2024: the bracket is never closed
            "PAYMENT DATE,SUPPLIER,SERVICE,DEPARTMENT,DESCRIPTION,\u00a3 SPEND (EXCLUDING VAT",
            "02/02/2024,Allan White Motors,FLEET SERVICES,FLEET SERVICES,VEHICLE HIRE,1095.85",
            {"amount": "\u00a3 SPEND (EXCLUDING VAT"},
            id="vat-qualifier-unclosed",
        ),
        pytest.param(  # Hammersmith and Fulham: a line break inside the header cell
            'Organisation,Supplier Name,Reference,Payment Date,GL Account Description,"Amount \u00a3 \n(Ex VAT)"',
            "LBHF,Arcadis Llp,3009202300001,03/07/2023,Prof Fees-Consultant,38750",
            {"amount": "Amount \u00a3 \n(Ex VAT)"},
            id="vat-qualifier-two-lines",
        ),
        pytest.param(  # Hackney numbers its columns
            "1. YEAR,2. MONTH,3. DATE INCURRED,4. DATE PAID,5. BENEFICIARY,6. SUPPLIER NO.,7. DEPARTMENT,"
            "8. PURPOSE OF EXPENDITURE,9. MERCHANT CATEGORY,Total",
            '2023/24,APRIL,27/03/23,14/04/23,1GC FAMILY LAW,824376,N2003 LEGAL,500005 EXTERNAL,LEGAL," 3,750.00 "',
            {"payment_date": "4. DATE PAID", "supplier_name": "5. BENEFICIARY", "amount": "Total"},
            id="item-numbers",
        ),
        pytest.param(  # Brent's report tool numbers a repeated column
            "Payment Date,Vendor Name 2,Cost Centre Code,Cost Centre Description,Amount,Non Recoverable VAT",
            '13/12/2023, TKE UK Ltd,B06103,V5 Repairs - M and E,"\u00a33,104.72",0',
            {"supplier_name": "Vendor Name 2"},
            id="repeat-number",
        ),
        pytest.param(  # Kensington and Chelsea: the template's 'Effective date' is left blank
            "Organisation name,Effective date,Supplier (Beneficiary) name,Payment date - G/L Date,Transaction number,"
            "Net Amount",
            "The Royal Borough of Kensington and Chelsea,,Landmark Building Contractors Ltd,05/04/2024,2200385392,860",
            {"payment_date": "Payment date - G/L Date"},
            id="two-names-joined-by-a-dash",
        ),
        pytest.param(  # South Tyneside, June 2023: two columns headed 'Spend' (a code, capital or revenue)
            "Name of Organisation,Body,Service Area,Service Detail,Spend Description,Date,Amount (Net of VAT),"
            "Unrecoverable VAT,Supplier Name,Spend,Spend,Transaction Reference",
            "South Tyneside Council,00CL,Business & Resources Group,Corporate Finance,Household Support Fund,01/06/23,"
            '"\u00a350,000.00",\u00a30.00,The Post Office,237107,Revenue,JUNE23-002',
            {"amount": "Amount (Net of VAT)", "service_area": "Service Area"},
            id="repeated-header-and-net-of-vat",
        ),
        pytest.param(  # Isles of Scilly: a repeated non-required header keeps its field
            "Payment Date,Directorate,Supplier Name,Subjective,Description,Description,Net Amount",
            "03/07/2023,Corporate,Acme Ltd,Software,Licence renewal,Annual,1200.00",
            {"purpose": "Description", "amount": "Net Amount"},
            id="repeated-description",
        ),
        pytest.param(  # West Yorkshire Combined Authority, January to March 2024
            "Reference,Invoice Date,Creditor Name,Amount (Inclusive),VAT,Amount (Exclusive)",
            "INVUK1256240,27/03/2024,Softcat Plc,2212.8,368.8,1844",
            {"amount": "Amount (Exclusive)"},
            id="exclusive-in-brackets",
        ),
        pytest.param(  # Wokingham, 2024/25
            "Pay Date,Supplier Name,Payment Amount (Net),Invoice Amount (Gross)",
            "02/04/2024,A Wise Solution Ltd,180,936",
            {"amount": "Payment Amount (Net)"},
            id="net-in-brackets",
        ),
        pytest.param(  # Darlington, November 2024 (a mapping was needed before)
            "Directorate,Service,Supplier,Transaction Number,Transaction Date,Payment Date,"
            "Invoice Line Value (net of VAT),Account",
            'Balance Sheet,Balance Sheet,CLYDE & CO,55586316,23/10/2024,05/11/2024,"1,989.50",General Debits',
            {"payment_date": "Payment Date", "amount": "Invoice Line Value (net of VAT)"},
            id="invoice-line-value",
        ),
        pytest.param(  # Telford and Wrekin's card statements: names joined by an en dash
            "Internal Reference,Supplier,Transaction \u2013 Transaction Date,Transaction \u2013 Amount",
            "GPC1,AMAZON MARKETPLACE,03/04/2023,25.99",
            {"payment_date": "Transaction \u2013 Transaction Date", "amount": "Transaction \u2013 Amount"},
            id="en-dash",
        ),
        pytest.param(  # Harrow, April to June 2023
            "Updated Beneficiary,Category/Purpose,Department,Net value,VAT Value,Gross,Date incurred -Payment Date",
            "1 Crown Office Row,Legal Fees,Targeted Services,550,110,660,45107",
            {
                "payment_date": "Date incurred -Payment Date",
                "supplier_name": "Updated Beneficiary",
                "amount": "Net value",
            },
            id="dash-and-updated-beneficiary",
        ),
    ],
)
def test_headers_dressed_with_qualifiers_numbers_or_two_names_are_read(header, row, expected) -> None:
    """London boroughs' 2023/24 headers that name a known field with something around it read with no mapping."""
    mapping = mapped(f"{header}\n{row}\n", name="spend/x/2023-04.csv")
    assert {f: mapping[f] for f in expected} == expected


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        pytest.param(  # Barking and Dagenham publish only the gross amount and its VAT
            "Payment Date,Supplier,Category,Cost Centre,Nominal Description,Gross,Vat",
            "03-Apr-23,Arthur J Gallagher (UK),Commercial,H05200,115340 CAPITAL OUTLAY,673.05,0.00",
            {"amount": "Gross"},
            id="gross",
        ),
        pytest.param(  # Bromley, from July 2023
            "SERVICE_AREA,PORTFOLIO,SUBJ_DESCRIPTION,SUPPLIER_NAME_REDACTED,PAYMENT_DATE,Net Amount",
            "Adult Care,Adult Care and Health,Domiciliary Care,ABSOLUTE CARE SERVICES LTD,03/07/2023,4701.17",
            {"supplier_name": "SUPPLIER_NAME_REDACTED"},
            id="supplier-name-redacted",
        ),
        pytest.param(  # Ealing
            "Body Name,Service Label,Expenditure Category,Date,Transaction No,Net Amount,Amended Supplier Name",
            "Ealing Council,PLACE,PAYMENTS TO CONTRACTORS,31/03/2023,41061243,13597.6,MPM GRAFFITI SOLUTIONS",
            {"supplier_name": "Amended Supplier Name"},
            id="amended-supplier-name",
        ),
        pytest.param(  # Greenwich
            "Creditor_Name ,Invoice Line Amount,Payment_Date,Expenditure Category/Description,LA Department",
            "GAS & ENVIRONMENTAL SERVICES LTD,501.9,07/06/2023,Small Systems Budget,Housing Services HRA",
            {"amount": "Invoice Line Amount"},
            id="invoice-line-amount",
        ),
        pytest.param(  # Hillingdon's Oracle report
            "Year,Month,Month Name,Paym Acc Date,Cclvl4 Desc,Account Desc,Vendor Name,Distrib Amount SUM",
            "2023,4,APRIL,05/04/2023,Head of Legal Services,Counsel's Fees,1GC T/A MALCOLM CHISHOLM,915",
            {"payment_date": "Paym Acc Date", "amount": "Distrib Amount SUM"},
            id="oracle-distribution",
        ),
        pytest.param(  # Islington
            "Supplier Name,Net Amount,Spend Type,Service,Department,Account,Entry Date,Payment type",
            '11KBW Limited," 3,096.00 ",Use Of Counsel,Leisure,Environment,General Fund,16 Aug 23,Invoiced',
            {"payment_date": "Entry Date"},
            id="entry-date",
        ),
    ],
)
def test_london_header_spellings_are_in_the_synonyms_table(header, row, expected) -> None:
    mapping = mapped(f"{header}\n{row}\n", name="spend/x/2023-04.csv")
    assert {f: mapping[f] for f in expected} == expected


def test_a_header_named_exactly_keeps_its_column_over_a_dressed_one() -> None:
    """'Amount' is the amount even beside 'Amount.1' or 'Amount (ex VAT)' to its left; 'Payment Date' beside
    'Payment Date - Invoice'."""
    mapping = mapped(
        "Payment Date - Invoice,Amount (ex VAT),Amount.1,Supplier,Payment Date,Amount\n"
        "01/03/2024,10.00,11.00,ACME SYSTEMS LTD,02/03/2024,12.00\n",
        name="spend/x/2024-03.csv",
    )
    assert (mapping["payment_date"], mapping["amount"]) == ("Payment Date", "Amount")


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        # Bedford: the supplier's code, then its name in the '(T)' column
        (
            "Directorate(T),Supplier,Supplier(T),TransNo,Amount,Trans.date,Expense Type(T)",
            "ADULTS,FRAN14,Francis House.,20658749,3400,2024-04-02 00:00:00,Nursing Home Payments",
            {"supplier_name": "Supplier(T)", "supplier_ref": "Supplier"},
        ),
        # Coventry: the name column carries the report's repeat number too; a cost centre's text is read likewise
        (
            "Proclass,Proclass(T),Supplier,Supplier(T) 2,Cost Centre,Cost Centre(T),Transaction Date,Amount",
            "271000,ICT,416143,ACME SYSTEMS LTD,C100,Digital Services,15/01/2024,120.00",
            {"supplier_name": "Supplier(T) 2", "supplier_ref": "Supplier", "service_area": "Cost Centre(T)"},
        ),
        # Herefordshire: Unit4's accounts-payable column, 'Ap/Ar ID', its code; 'Ap/Ar ID(T)' the supplier's name
        (
            "Updated,TT,Transaction Number,Amount,Ap/Ar ID,Ap/Ar ID(T),Period,Expense Area(T),Cipfa(T),Indflag(T)",
            "07/06/2023,II,4126912,101822.5,HC100213,ACME SYSTEMS LTD,202403,Housing,Supplies & Services,No",
            {"supplier_name": "Ap/Ar ID(T)", "supplier_ref": "Ap/Ar ID"},
        ),
        # a '(T)' column with no code twin is left to the usual rules; a named supplier column keeps its place
        (
            "Supplier Name,Payment Date,Amount,Cost Centre(T)",
            "ACME SYSTEMS LTD,15/01/2024,120.00,Digital Services",
            {"supplier_name": "Supplier Name", "supplier_ref": None, "service_area": None},
        ),
    ],
)
def test_a_code_column_gives_way_to_its_text_twin(header, row, expected) -> None:
    """Unit4 (Agresso) exports write a code column's text beside it as 'Name(T)': the supplier is its name, not its
    code, and the code is kept as the supplier's reference."""
    mapping = mapped(f"{header}\n{row}\n", name="spend/x/2024-04.csv")
    assert {f: mapping.get(f) for f in expected} == expected


def test_a_required_column_left_empty_is_passed_over_for_another_that_names_the_field(tmp_path) -> None:
    """Kensington and Chelsea fill the Transparency Code template's 'Payment date - G/L Date' and leave its
    'Effective date' empty: the dates are read from the first, in a CSV and in a workbook (no row lost to the look
    ahead). A filled 'Effective date' keeps its column."""
    header = [
        "Organisation name",
        "Effective date",
        "Supplier (Beneficiary) name",
        "Payment date - G/L Date",
        "Net Amount",
    ]
    lines = [["RBKC", "", f"SUPPLIER {n}", f"{1 + n % 28:02d}/04/2024", f"{n}.00"] for n in range(1, 81)]
    text = "\n".join(",".join(r) for r in [header, *lines]) + "\n"
    tables, rows = read_text(text, name="spend/kensington-and-chelsea/q1.csv")
    assert tables[0].mapping["payment_date"] == "Payment date - G/L Date"
    assert [r["payment_date"] for r in rows] == [r[3] for r in lines]
    book = openpyxl.Workbook()
    for row in [header, *lines]:
        book.active.append(row)
    path = tmp_path / "q1.xlsx"
    book.save(path)
    tables = read_spend(path)
    assert tables[0].mapping["payment_date"] == "Payment date - G/L Date"
    assert [(r["source_row"], r["payment_date"]) for r in rows_of(tables)] == [
        (n + 2, r[3]) for n, r in enumerate(lines)
    ]
    filled = text.replace("RBKC,,", "RBKC,02/04/2024,")
    assert read_text(filled, name="spend/kensington-and-chelsea/q2.csv")[0][0].mapping["payment_date"] == (
        "Effective date"
    )


def test_a_line_wider_than_the_others_by_an_unquoted_amount_is_a_problem_even_with_its_last_column_empty() -> None:
    """The hostile-input review: an amount written 1,234.50 without quotes, on a line whose last column is blank,
    gives an empty value past the header, which was taken for a trailing delimiter: the line loaded at £1.00 with
    every later column moved right. A line wider than most of the file's lines is now quarantined; a file whose
    lines all end in a delimiter is read as before."""
    lines = [
        "Camden,Digital,Brightline Software Ltd,02/04/2025,T1,500.00,",
        "Camden,Digital,Northwind Ltd,03/04/2025,T2,600.00,",
        "Camden,Housing,Acme Repairs Ltd,04/04/2025,T3,1,234.50,",
        "Camden,Digital,Northwind Ltd,05/04/2025,T4,700.00,",
    ]
    _, rows = read_text(HEADER + "\n" + "\n".join(lines) + "\n")
    assert [r["source_row"] for r in rows] == [2, 3, 4, 5]
    assert [r["read_problem"] is None for r in rows] == [True, True, False, True]
    assert rows[2]["read_problem"].startswith("the line has 8 values where the header has 7 columns")
    # every line ending in a delimiter: the empty value past the header is that delimiter's
    _, rows = read_text(HEADER + "\n" + "\n".join(line + "," for line in (lines[0], lines[1], lines[3])) + "\n")
    assert [r["read_problem"] for r in rows] == [None, None, None]
    assert [r["amount"] for r in rows] == ["500.00", "600.00", "700.00"]


def test_a_password_protected_zip_member_says_so() -> None:
    """The hostile-input review: an encrypted member 'cannot be extracted (... password required ...)', to be fixed
    by re-downloading; now it says the member is password-protected and what to do."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("jan.csv", f"{HEADER}\nCamden,IT,A Ltd,02/04/2025,T1,500.00,Software\n")
    data = bytearray(buf.getvalue())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # the flag bit that marks encryption
        at = data.find(signature)
        data[at + offset] |= 0x1
    with pytest.raises(InputFileError, match=r"spend\.zip!jan\.csv: is password-protected") as caught:
        read_spend_bytes(bytes(data), name="spend.zip")
    assert "extract it with its password" in caught.value.hint
