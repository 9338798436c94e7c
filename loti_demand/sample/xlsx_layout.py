"""The council Excel layout: one workbook per financial year with a title row and real date and number cells,
written so that two runs give the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from loti_demand.sample.common import fy_label, stable_zip
from loti_demand.sample.constants import FIXED_TIMESTAMP
from loti_demand.sample.layout_parts import OutputFile
from loti_demand.sample.spend import BoroughBook, Payment

# Layout 4 - "xlsx": one workbook per year with a title row and real date and number cells.
XLSX_HEADER = (
    "Date Paid",
    "Directorate",
    "Beneficiary",
    "Merchant Category",
    "Purpose",
    "Amount (£)",
    "Transaction ID",
)


def xlsx_row(p: Payment) -> list[object]:
    day: object = f"31/02/{p.date.year}" if p.bad == "date" else p.date
    amount: object = "TBC" if p.bad == "amount" else float(p.amount)
    return [day, p.department, p.payee, p.label, p.purpose, amount, p.transaction]


def workbook_bytes(title: str, rows: list[list[object]]) -> bytes:
    """Write a one-sheet workbook and make its bytes reproducible (fixed properties, fixed ZIP entries)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Payments")
    for column, width in zip("ABCDEFG", (12, 30, 38, 30, 48, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.append([title])
    sheet.append([])
    sheet.append(list(XLSX_HEADER))
    for row in rows:
        cells = [WriteOnlyCell(sheet, value) for value in row]
        if isinstance(row[0], dt.date):
            cells[0].number_format = "dd/mm/yyyy"
        cells[5].number_format = "#,##0.00"
        sheet.append(cells)
    book.properties.creator = "loti-demand sample generator"
    book.properties.created = book.properties.modified = FIXED_TIMESTAMP
    buffer = io.BytesIO()
    book.save(buffer)
    return fixed_xlsx(buffer.getvalue())


_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def fixed_xlsx(data: bytes) -> bytes:
    """Rewrite an openpyxl workbook: pin docProps/core.xml times (openpyxl stamps 'now') and the ZIP entries."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    entries["docProps/core.xml"] = _CORE_TIMES.sub(
        lambda m: m.group(1) + stamp + m.group(3), entries["docProps/core.xml"]
    )
    return stable_zip(entries)


def write_xlsx(book: BoroughBook, year: int) -> list[OutputFile]:
    """One workbook per financial year."""
    payments = [p for quarter in range(1, 5) for p in book.payments(year, quarter)]
    title = f"{book.borough.official_name} - Payments over £500 - {year}/{(year + 1) % 100:02d}"
    data = workbook_bytes(title, [xlsx_row(p) for p in payments])
    return [OutputFile(f"payments-over-500-{fy_label(year)}.xlsx", data, len(payments))]
