"""Read the rows of spreadsheets (XLSX, XLS, ODS) as text, within the file's budget (sources/limits.py).

XLSX sheets are parsed here, row by row, rather than through openpyxl's read-only worksheet, for three reasons:
- a sheet's `dimension` (the size it claims) is never trusted: only the rows and cells really present are read,
  so a 2 KB workbook claiming a million rows costs nothing (openpyxl pads every row to the claimed width);
- every parsed element is dropped as soon as it is read, so memory does not grow with the sheet (openpyxl keeps
  each row's formatting, and an empty element per row);
- a formula cell with no saved value (a workbook written by a program, never opened in Excel) reads as nothing
  with openpyxl's `data_only`; here its formula text is kept and the row is reported, never loaded as blank.
The workbook's shared strings (the text its cells refer to) are read here too, each counted against the budget as
it is read (openpyxl would hold every element of the table until its end, 4 GB for a 500 MB table). Cell values are
still converted by openpyxl's own cell parser (shared strings, dates, numbers).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import sys
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from xml.etree.ElementTree import Element, iterparse

from loti_demand.exceptions import InputFileError
from loti_demand.sources.limits import (
    MAX_ARCHIVE_MEMBERS,
    MAX_FIELD_CHARS,
    SPREADSHEET_EXPANSION,
    TIME_CHECK_EVERY,
    Budget,
    check_archive,
    refuse,
)

Rows = Iterator[tuple[int, list[str]]]
# (title, open_rows): open_rows(problems) reads the sheet's rows, putting each row's problem (XLSX: a formula with no
# saved value) in `problems` (row number -> text) before the row is given
Sheets = Iterator[tuple[str, Callable[[dict[int, str]], Rows]]]
REEXPORT = "re-export it as XLSX or CSV"


def cell_text(value: object) -> str:
    """Spreadsheet cell -> text as a council would type it: dates ISO, numbers without exponents."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return format(Decimal(repr(value)), "f")
    return str(value)


# Excel's "Strict Open XML Spreadsheet" writes the usual parts under the ISO standard's own namespaces, which openpyxl
# does not know (it finds no sheet in such a workbook): they are renamed to the usual (transitional) ones first.
_STRICT = b"http://purl.oclc.org/ooxml/"
_TRANSITIONAL = (
    (b"http://purl.oclc.org/ooxml/spreadsheetml/main", b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    ),
    (b"http://purl.oclc.org/ooxml/drawingml/main", b"http://schemas.openxmlformats.org/drawingml/2006/main"),
)


def open_xlsx(data: bytes, name: str, budget: Budget, **options):
    """Open an XLSX workbook with openpyxl once its parts are within the budget (members, expanded size), its shared
    strings read within the budget too (_shared_strings)."""
    from openpyxl.reader.excel import ExcelReader

    class Reader(ExcelReader):
        def read_strings(self) -> None:  # as openpyxl finds the part, read by _shared_strings
            from openpyxl.xml.constants import SHARED_STRINGS

            found = self.package.find(SHARED_STRINGS)
            if found is not None:
                with self.archive.open(found.PartName[1:]) as source:
                    self.shared_strings = _shared_strings(source, budget)

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(archive, budget, scale=SPREADSHEET_EXPANSION)
            if _STRICT in _part(archive, "xl/workbook.xml"):
                data = _transitional(archive)
        reader = Reader(io.BytesIO(data), **options)  # what openpyxl.load_workbook does
        reader.read()
        return reader.wb
    except InputFileError:
        raise
    except Exception as exc:  # openpyxl and zipfile raise many types for damaged files
        raise InputFileError(name, f"is not a readable XLSX workbook ({exc})", REEXPORT) from exc


SHARED_STRINGS = "shared strings (xl/sharedStrings.xml)"


def _shared_strings(source, budget: Budget) -> list[str]:
    """A workbook's shared strings as openpyxl reads them (reader.strings.read_string_table): each <si>'s text, then
    its rich-text runs' text, not its phonetic runs (<rPh>). Each element is dropped once read, each string's memory
    counted against the budget as the list grows (a list's pointer and the string: 60 bytes for 'abc'), and the clock
    looked at every TIME_CHECK_EVERY elements, so a table of 500 MB is refused by name within seconds."""
    from openpyxl.xml.constants import SHEET_MAIN_NS

    strings: list[str] = []
    tick = lambda: budget.check_time(f"shared string {len(strings) + 1:,}")  # noqa: E731
    for _, element in _row_elements(source, f"{{{SHEET_MAIN_NS}}}si", tick=tick):
        text = _string_text(element)
        budget.hold(sys.getsizeof(text) + 8, SHARED_STRINGS, f"string {len(strings) + 1:,}")
        strings.append(text)
    return strings


def _string_text(element: Element) -> str:
    """A shared string's text: its <t>'s, then each rich-text run's (<r><t>), as openpyxl's Text.content (its
    children known by their local name, the last <t> of each winning) with its 'x005F_' removed."""
    plain, runs = None, []
    for child in element:
        tag = child.tag.rpartition("}")[2]
        if tag == "t":
            plain = child.text
        elif tag == "r":
            run = None
            for part in child:
                if part.tag.rpartition("}")[2] == "t":
                    run = part.text
            if run is not None:
                runs.append(run)
    return "".join([plain or "", *runs]).replace("x005F_", "")


def _part(archive: zipfile.ZipFile, member: str) -> bytes:
    return archive.read(member) if member in archive.namelist() else b""


def _transitional(archive: zipfile.ZipFile) -> bytes:
    """The workbook with its Strict namespaces renamed (its parts' sizes were checked against the budget)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as renamed:
        for info in archive.infolist():
            part = archive.read(info)
            if info.filename.endswith((".xml", ".rels")):
                for strict, usual in _TRANSITIONAL:
                    part = part.replace(strict, usual)
            renamed.writestr(info.filename, part)
    return out.getvalue()


def xlsx_sheets(data: bytes, name: str, budget: Budget) -> Sheets:
    """(title, open_rows) for each worksheet. A row with a formula that has no saved value gets its problem in the
    `problems` given to open_rows before the row is yielded."""
    book = open_xlsx(data, name, budget, read_only=True, data_only=True)
    for sheet in book.worksheets:
        yield sheet.title, lambda problems, sheet=sheet: _xlsx_rows(book, sheet, name, budget, problems)


def _xlsx_rows(book, sheet, name: str, budget: Budget, problems: dict[int, str]) -> Rows:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    parser = WorkSheetParser(
        None,
        sheet._shared_strings,  # the table _shared_strings read (the workbook's own list is empty in read-only mode)
        data_only=True,
        epoch=book.epoch,
        date_formats=book._date_formats,
        timedelta_formats=book._timedelta_formats,
    )
    where = f"sheet {sheet.title!r}"
    number = 0
    try:
        with sheet._get_source() as source:
            for _, row in _row_elements(source):
                r = row.get("r")
                number = int(float(r)) if r else number + 1
                at = f"row {number} of {where}"
                budget.check_columns(len(row), at)
                budget.add_cells(len(row) + 1, at)
                budget.check_time(at)
                parser.row_counter, parser.col_counter = number, 0
                values: dict[int, str] = {}  # column (from 1) -> text, for the cells present
                unsaved = []
                for element in row:
                    cell = parser.parse_cell(element)
                    text = cell_text(cell["value"])
                    if cell["value"] is None and element.find(FORMULA_TAG) is not None and _unsaved(element, VALUE_TAG):
                        text = "=" + (element.findtext(FORMULA_TAG) or "(shared formula)")
                        unsaved.append(element.get("r") or f"{get_column_letter(cell['column'])}{number}")
                    values[cell["column"]] = text
                texts = [""] * _width(values, len(row), at, budget)
                for column, text in values.items():
                    if 0 < column <= len(texts):
                        texts[column - 1] = text
                if unsaved:
                    problems[number] = (
                        f"formula with no saved value in cell {', '.join(unsaved[:5])} of {where}: the program that "
                        "wrote the workbook did not calculate it; open and save it in Excel, or export it as CSV"
                    )
                yield number, texts
    except InputFileError:
        raise
    except Exception as exc:  # a damaged sheet: bad XML, a cell reference out of range, a bad shared string
        raise InputFileError(name, f"is a damaged workbook ({where}, near row {number}: {exc})", REEXPORT) from exc


def _width(values: dict[int, str], present: int, at: str, budget: Budget) -> int:
    """How many cells a row is read as: up to its last cell, empty ones too (a header's blank last columns), unless
    its cells go past the columns limit: then up to its last value (the empty cells after it are formatting, as
    LibreOffice writes them to column 16,384), and a value past the limit refuses the file as a line that wide does.
    The empty cells before its last are counted against the cells budget, as those present are: a cell at column
    1,000 makes the row a list of 1,000 (the sheet's XML holds only the cells present, a few bytes each)."""
    width = max(values, default=0)
    if width > budget.max_columns:
        width = max((column for column, text in values.items() if text), default=0)
        budget.check_columns(width, at)
    if width > present:
        budget.add_cells(width - present, at)
    return width


def _unsaved(cell: Element, value_tag: str) -> bool:
    """A formula cell with no saved value: no value, or an empty one that is not a saved empty string (t="str";
    openpyxl writes `<v/>` for every formula, Excel an empty <v> only for a formula that gave "")."""
    return not cell.findtext(value_tag) and cell.get("t") != "str"


def _row_elements(
    source, row_tag: str | None = None, table_tag: str | None = None, tick: Callable[[], None] | None = None
) -> Iterator[tuple[str, Element]]:
    """('row', element) for each row of a sheet's XML, complete, and with `table_tag` ('table', element) at each
    table's start (its attributes read, not its rows) and ('end', element) at its end; a table inside a row's cell (an
    ODS sub-table) is part of that row. Every element is dropped once read (rows and all else), so memory does not
    grow with the sheet; `tick` is called every TIME_CHECK_EVERY elements (the file's clock)."""
    if row_tag is None:
        from openpyxl.worksheet._reader import ROW_TAG as row_tag

    stack: list[Element] = []
    rows = 0  # rows open: more than one inside a sub-table
    for count, (event, element) in enumerate(iterparse(source, events=("start", "end"))):
        if tick and count % TIME_CHECK_EVERY == 0:
            tick()
        if event == "start":
            stack.append(element)
            if element.tag == table_tag and not rows:
                yield "table", element
            rows += element.tag == row_tag
            continue
        stack.pop()
        if element.tag == row_tag:
            rows -= 1
            if rows:
                continue  # a sub-table's row: its outer row reads it
            yield "row", element
        elif rows:
            continue  # a cell or value: its row reads it
        elif element.tag == table_tag:
            yield "end", element
        element.clear()
        if stack:
            stack[-1].remove(element)


def xls_sheets(data: bytes, name: str, budget: Budget) -> Sheets:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data)
    except Exception as exc:  # xlrd raises many types for damaged files
        raise InputFileError(name, f"is not a readable XLS workbook ({exc})", REEXPORT) from exc

    def rows_of(sheet) -> Rows:
        budget.add_cells(sheet.nrows * sheet.ncols, f"sheet {sheet.name!r}")
        for r in range(sheet.nrows):
            budget.check_time(f"row {r + 1} of sheet {sheet.name!r}")
            yield r + 1, [_xls_cell(sheet.cell(r, c), book.datemode, xlrd) for c in range(sheet.ncols)]

    for sheet in book.sheets():
        yield sheet.name, lambda _problems, sheet=sheet: rows_of(sheet)  # an XLS cell has no unsaved formula


def _xls_cell(cell, datemode: int, xlrd) -> str:
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, datemode).date().isoformat()
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell_text(cell.value)
    return cell_text(cell.value)


# OpenDocument spreadsheets (.ods) ---------------------------------------------------------------------------------
# ODF is the open standard for documents that UK government bodies publish in. Its sheets are streamed from
# content.xml as XLSX's are, for the same reasons: a row or cell written once with a repeat count
# (table:number-rows-repeated="1048000", as LibreOffice writes the empty rows after a table) is expanded only when it
# holds a value, and then counted against the budget cell by cell and byte by byte, so a few bytes cannot claim a
# billion cells or a gigabyte of text.
_ODF_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE, _ROW, _NAME = f"{{{_ODF_TABLE}}}table", f"{{{_ODF_TABLE}}}table-row", f"{{{_ODF_TABLE}}}name"
_CELLS = (f"{{{_ODF_TABLE}}}table-cell", f"{{{_ODF_TABLE}}}covered-table-cell")
_ROWS_REPEATED, _COLUMNS_REPEATED = f"{{{_ODF_TABLE}}}number-rows-repeated", f"{{{_ODF_TABLE}}}number-columns-repeated"
_VALUE_TYPE, _FORMULA = f"{{{_ODF_OFFICE}}}value-type", f"{{{_ODF_TABLE}}}formula"
_PARAGRAPHS = (f"{{{_ODF_TEXT}}}p", f"{{{_ODF_TEXT}}}h")
# Inside a paragraph, text that is not the cell's: a comment, a footnote, ruby text, and (by namespace) a drawing or
# text box anchored there
_NOT_CELL_TEXT = ("annotation", "annotation-end", "note", "ruby-text")
_NOT_CELL_NAMESPACES = ("urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",)
_TIME = re.compile(r"PT(\d+)H(\d+)M(\d+)(?:\.\d+)?S")
_SPACES = re.compile(r"[ \t\r\n]+")
ODF_MIMETYPE = b"application/vnd.oasis.opendocument"  # and '.text', '.presentation'...
ODS_MIMETYPE = ODF_MIMETYPE + b".spreadsheet"
MAX_REPEAT = 1 << 31


def odf_kind(archive: zipfile.ZipFile) -> str | None:
    """'ods' for an OpenDocument spreadsheet, 'odf' for another OpenDocument file (a text document, a presentation),
    None for any other archive. The type is its `mimetype` member's, read only when it is as short as a type is."""
    try:
        info = archive.getinfo("mimetype")
        if info.file_size > 100:
            return None
        with archive.open(info) as member:
            mimetype = member.read(101).strip()
    except Exception:  # no such member, or a damaged, encrypted or oddly compressed one: not an ODF file to read
        return None
    if mimetype == ODS_MIMETYPE:
        return "ods"
    return "odf" if mimetype.startswith(ODF_MIMETYPE) else None


def ods_sheets(data: bytes, name: str, budget: Budget) -> Sheets:
    """(title, open_rows) for each sheet of an OpenDocument spreadsheet (two sheets of one name told apart: 'Data',
    'Data (2)'). A formula cell with no saved value (a file written by a program, never opened in an office suite) puts
    the row's problem in `problems`, as for XLSX."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        check_archive(archive, budget, scale=SPREADSHEET_EXPANSION)
        titles: list[str] = []
        for element in _ods_tables(archive, name, budget):
            title = shown = element.get(_NAME) or f"Sheet{len(titles) + 1}"
            copy = 1
            while shown in titles:
                copy += 1
                shown = f"{title} ({copy})"
            titles.append(shown)
            if len(titles) > MAX_ARCHIVE_MEMBERS:
                raise refuse(name, f"has more than {MAX_ARCHIVE_MEMBERS:,} sheets")
    except InputFileError:
        raise
    except Exception as exc:  # zipfile and the XML parser raise many types for damaged files
        raise InputFileError(name, f"is not a readable OpenDocument spreadsheet ({_why(exc)})", REEXPORT) from exc
    for index, title in enumerate(titles):
        yield title, lambda problems, index=index, title=title: _ods_rows(archive, name, index, title, budget, problems)


def _why(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def _ods_tables(archive: zipfile.ZipFile, name: str, budget: Budget) -> Iterator[Element]:
    """Each sheet's <table:table> element as its start is read (its name, not its rows), from content.xml."""
    if "content.xml" not in archive.namelist():
        raise InputFileError(name, "is an OpenDocument file with no content.xml", REEXPORT)
    with archive.open("content.xml") as source:
        tick = lambda: budget.check_time("listing the sheets")  # noqa: E731
        yield from (element for kind, element in _row_elements(source, _ROW, _TABLE, tick) if kind == "table")


def _ods_rows(
    archive: zipfile.ZipFile, name: str, index: int, title: str, budget: Budget, problems: dict[int, str]
) -> Rows:
    where = f"sheet {title!r}"
    number = 0  # the last row number given; a repeated row counts as many
    try:
        with archive.open("content.xml") as source:
            tables = -1
            tick = lambda: budget.check_time(f"row {number + 1} of {where}")  # noqa: E731
            for kind, element in _row_elements(source, _ROW, _TABLE, tick):
                tables += kind == "table"
                if tables != index or kind == "table":
                    continue
                if kind == "end":
                    return
                repeat = _count(element.get(_ROWS_REPEATED))
                texts, unsaved = _ods_cells(element, number + 1, where, budget)
                if not texts:
                    number += repeat  # empty rows, however many, cost nothing
                    continue
                at = f"row {number + 1} of {where}"
                budget.add_cells((len(texts) + 1) * repeat, at)  # all its copies at once
                budget.add_text(sum(map(len, texts)) * repeat, at)
                for _ in range(repeat):
                    number += 1
                    if unsaved:
                        problems[number] = (
                            f"formula with no saved value in column {', '.join(unsaved[:5])} of {where}: the program "
                            "that wrote the file did not calculate it; open and save it in LibreOffice Calc, or "
                            "export it as CSV"
                        )
                    yield number, list(texts)
    except InputFileError:
        raise
    except Exception as exc:  # a damaged sheet: bad XML, a repeat count that is not a number
        raise InputFileError(
            name, f"is a damaged spreadsheet ({where}, at row {number + 1}: {_why(exc)})", REEXPORT
        ) from exc


def _ods_cells(row: Element, number: int, where: str, budget: Budget) -> tuple[list[str], list[str]]:
    """A row's cell texts up to its last value (a cell repeated with a value is as many cells), and the columns
    (numbered from 1) holding a formula with no saved value."""
    texts: list[str] = []
    unsaved: list[str] = []
    width = 0  # columns passed, values or not
    for cell in row:
        if cell.tag not in _CELLS:
            continue
        repeat = _count(cell.get(_COLUMNS_REPEATED))
        text = _ods_value(cell)
        if len(text) > MAX_FIELD_CHARS:
            raise InputFileError(
                budget.name,
                f"row {number} of {where} has a cell longer than {MAX_FIELD_CHARS:,} characters",
                "check the file is a spend export; a payment's cell holds a few words",
            )
        if text == "" and cell.get(_FORMULA) and cell.get(_VALUE_TYPE) is None:
            text = cell.get(_FORMULA)
            unsaved.append(str(width + 1))
        if text:  # a run of empty cells costs nothing unless a value follows it (LibreOffice fills rows to 16,384)
            budget.check_columns(width + repeat, f"row {number} of {where}")
            texts.extend([""] * (width - len(texts)) + [text] * repeat)
        width += repeat
    return texts, unsaved


def _ods_value(cell: Element) -> str:
    """A cell's value as a spreadsheet program shows it (cell_text): numbers from office:value, dates as ISO dates,
    times as 13:45:00, text from its paragraphs (an error such as #DIV/0! shows as written)."""
    kind = cell.get(_VALUE_TYPE)
    if kind in ("float", "percentage", "currency"):
        # LibreOffice writes 17 digits ('632.70000000000005'): the shortest that reads back as the same number is
        # what the sheet shows (632.7), a whole number without a point, an exponent written out ('1E-05': 0.00001)
        number = float(cell.get(f"{{{_ODF_OFFICE}}}value") or "")
        return str(int(number)) if number.is_integer() and abs(number) < 1e15 else cell_text(number)
    if kind == "date":
        return (cell.get(f"{{{_ODF_OFFICE}}}date-value") or "").split("T")[0]
    if kind == "boolean":
        return "TRUE" if cell.get(f"{{{_ODF_OFFICE}}}boolean-value") == "true" else "FALSE"
    if kind == "time":
        value = cell.get(f"{{{_ODF_OFFICE}}}time-value") or ""
        found = _TIME.fullmatch(value)
        return ":".join(f"{int(n):02}" for n in found.groups()) if found else value
    if value := cell.get(f"{{{_ODF_OFFICE}}}string-value"):
        return value
    return "\n".join(_paragraph_text(p) for p in cell if p.tag in _PARAGRAPHS)


def _paragraph_text(paragraph: Element) -> str:
    """A paragraph's text as shown: its spans' text, <text:s text:c="3"/> as that many spaces, tabs and line breaks;
    runs of white space typed in the XML are one space, and none at the paragraph's ends (ODF 1.2, 6.1.2); comments,
    drawings and notes anchored in it are not its text."""
    parts: list[tuple[str, bool]] = []  # (text, is written white space, kept as is)

    def walk(element: Element) -> None:
        parts.append((element.text or "", False))
        for child in element:
            namespace, _, tag = child.tag[1:].partition("}")
            if tag in _NOT_CELL_TEXT or namespace in _NOT_CELL_NAMESPACES:
                pass
            elif tag == "s":
                parts.append((" " * _spaces(child.get(f"{{{_ODF_TEXT}}}c")), True))
            elif tag == "tab":
                parts.append(("\t", True))
            elif tag == "line-break":
                parts.append(("\n", True))
            else:
                walk(child)
            parts.append((child.tail or "", False))

    walk(paragraph)
    parts = [(text if written else _SPACES.sub(" ", text), written) for text, written in parts]
    for ends in (range(len(parts)), range(len(parts) - 1, -1, -1)):  # typed white space at either end is not shown
        for i in ends:
            text, written = parts[i]
            if written:
                break
            parts[i] = (text.lstrip(" ") if ends.step == 1 else text.rstrip(" "), written)
            if parts[i][0]:
                break
    return "".join(text for text, _ in parts)


def _spaces(value: str | None) -> int:
    """<text:s text:c="3"/>'s count of spaces: 1 when absent or not a count, and no more than a cell may hold."""
    try:
        return max(0, min(int(value or 1), MAX_FIELD_CHARS + 1))
    except ValueError:
        return 1


def _count(value: str | None) -> int:
    """A repeat count (rows or columns written once): 1 when absent, and refused unless from 1 to 2**31."""
    if not value:
        return 1
    count = int(value)
    if not 1 <= count <= MAX_REPEAT:
        raise ValueError(f"a repeat count of {value} is not one from 1 to {MAX_REPEAT:,}")
    return count
