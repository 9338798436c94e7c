"""The XLSX reader's own reading of a workbook's parts (sources/spreadsheets.py), within the file's budget."""

from __future__ import annotations

import io

import pytest

from loti_demand.exceptions import InputLimitError
from loti_demand.sources import spreadsheets
from loti_demand.sources.limits import Budget
from tests.reliability_inputs import zip_of

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NAME = "spend.xlsx"


def book(sheet_data: str, table: bytes | None = None) -> bytes:
    """A workbook written part by part (as Excel writes it, cells referring to a shared string table `table`): one
    sheet, 'Spend', of `sheet_data` (its <row> elements)."""
    types = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006"
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{package}/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{types}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{types}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{types}.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{package}/relationships">'
        f'<Relationship Id="rId1" Type="{relations}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{relations}">'
        '<sheets><sheet name="Spend" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{package}/relationships">'
        f'<Relationship Id="rId1" Type="{relations}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{relations}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_data}</sheetData></worksheet>',
    }
    encoded = {name: part.encode() for name, part in parts.items()}
    encoded["xl/sharedStrings.xml"] = table or f'<sst xmlns="{MAIN}"/>'.encode()
    return zip_of(encoded)


def shared(*cells: int, row: int = 1) -> str:
    """A row of cells each referring to the shared string of that index."""
    return f'<row r="{row}">' + "".join(f'<c r="{chr(65 + i)}{row}" t="s"><v>{n}</v></c>' for i, n in enumerate(cells))


def rows(data: bytes, budget: Budget) -> list[tuple[int, list[str]]]:
    return [row for _, open_rows in spreadsheets.xlsx_sheets(data, NAME, budget) for row in open_rows({})]


def test_shared_strings_are_read_as_openpyxl_reads_them() -> None:
    """Rich-text runs are the string's text, phonetic runs (<rPh>) are not, whatever else the table holds."""
    from openpyxl.reader.strings import read_string_table

    table = f"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="10" uniqueCount="10">
        <si><t>Acme Ltd</t></si>
        <si><t xml:space="preserve">  spaced  </t></si>
        <si><r><t>Bright</t></r><r><rPr><b/><sz val="11"/></rPr><t xml:space="preserve">line </t></r><r><t>Ltd</t></r>
        </si>
        <si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1" type="noConversion"/></si>
        <si><t/></si><si/>
        <si><t>a_x005F_x000D_b</t></si>
        <si><t>plain</t><r><t>run</t></r></si>
        <si><r><rPr><b/></rPr></r><t>tail</t></si>
        <si><t>1,234.50</t></si>
        <extLst><ext uri="x"><foo/></ext></extLst></sst>""".encode()
    expected = read_string_table(io.BytesIO(table))
    assert spreadsheets._shared_strings(io.BytesIO(table), Budget(NAME)) == expected
    assert expected[2:4] == ["Brightline Ltd", "東京"]

    assert rows(book(shared(*range(10)) + "</row>", table), Budget(NAME)) == [(1, expected)]


def test_a_shared_string_table_too_big_to_hold_is_refused_as_it_is_read() -> None:
    """A table of many short strings takes far more memory than its XML (60 bytes for 'abc' written in 19): it is
    counted as it is read and refused by name (openpyxl read a 500 MB table whole, into 4 GB, before any check)."""
    strings = b"".join(b"<si><t>%03x</t></si>" % (i % 4096) for i in range(20_000))  # 380 kB of XML
    table = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode() + strings + b"</sst>"
    data = book(shared(0, 1, 2) + "</row>" + shared(3, 4, 5, row=2) + "</row>", table)
    budget = Budget(NAME, max_bytes=120_000)  # its XML may expand to 480 kB, its strings take 1.2 MB
    with pytest.raises(InputLimitError) as refused:
        rows(data, budget)
    message = str(refused.value)
    assert message.startswith(f"{NAME}: holds shared strings (xl/sharedStrings.xml) taking more than 0.5 MB")
    assert "(stopped at string 8,0" in message and "(LOTI_DEMAND_MAX_FILE_MB)" in message
    assert len(rows(data, Budget(NAME, max_bytes=400_000))) == 2  # within a larger budget it is read

    with pytest.raises(InputLimitError, match=r"took more than 0 seconds to read \(stopped at shared string 1\)"):
        rows(data, Budget(NAME, max_seconds=0))


def cells(row: int, *written: tuple[str, str]) -> str:
    """A row of (column letters, inner XML) cells: '<v>1</v>' a number, '' an empty (formatted) cell."""
    return f'<row r="{row}">' + "".join(f'<c r="{c}{row}" s="1">{inner}</c>' for c, inner in written) + "</row>"


def test_a_value_far_to_the_right_is_refused_with_its_row_and_empty_cells_there_cost_nothing() -> None:
    """A row is read as a list as wide as its last cell: one cell at column XFD made each of 200,000 rows a list of
    16,384 (a 1 MB file took 4 minutes). A value past the columns limit refuses the file, as a CSV line that wide
    does; empty cells past it (formatting) are left out; a row within it reads as before, blank cells and all."""
    header = cells(1, ("A", "<v>1</v>"), ("B", "<v>2</v>"), ("D", ""))
    far_value = book(header + cells(2, ("A", "<v>3</v>"), ("XFD", "<v>4</v>")))
    with pytest.raises(InputLimitError) as refused:
        rows(far_value, Budget(NAME))
    message = str(refused.value)
    assert message.startswith(f"{NAME}: row 2 of sheet 'Spend' has 16,384 cells, over the limit of 1,000 a line")
    assert "(LOTI_DEMAND_MAX_COLUMNS)" in message

    far_blank = book(header + cells(2, ("A", "<v>3</v>"), ("XFD", "")) + cells(3, ("XFD", "<v></v>")))
    assert rows(far_blank, Budget(NAME)) == [(1, ["1", "2", "", ""]), (2, ["3"]), (3, [])]


def test_the_empty_cells_before_a_rows_last_are_counted_against_the_cells_limit() -> None:
    sparse = book("".join(cells(n, ("A", "<v>1</v>"), ("ALL", "<v>2</v>")) for n in range(1, 11)))  # column 1,000
    assert [len(texts) for _, texts in rows(sparse, Budget(NAME))] == [1000] * 10
    with pytest.raises(InputLimitError, match=r"holds more than 5,000 cells \(stopped at row 5 of sheet 'Spend'\)"):
        rows(sparse, Budget(NAME, max_cells=5_000))
