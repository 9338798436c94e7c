"""Layout writers: one per council publication style, registered in LAYOUTS."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from loti_demand.sample.common import csv_text, fy_label, month_end, quarter_months, stable_zip
from loti_demand.sample.constants import FINANCIAL_YEARS, FIXED_TIMESTAMP, MONTHS
from loti_demand.sample.expenses import CREDITOR_TYPES, DEFAULT_CREDITOR_TYPE
from loti_demand.sample.spend import BoroughBook, Payment


@dataclass(frozen=True)
class OutputFile:
    """A file to write under the borough's folder, and how many payment lines it holds."""

    name: str
    data: bytes
    lines: int


def date_dmy(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def date_dmony(day: dt.date) -> str:
    return f"{day.day:02d}-{MONTHS[day.month - 1]}-{day.year}"


def amount_thousands(amount: Decimal) -> str:
    """'1,534.24', '-1,534.24', and whole pounds without pence ('900'), as Lambeth's report prints them."""
    if amount == amount.to_integral_value():
        return f"{amount:,.0f}"
    return f"{amount:,.2f}"


def amount_padded(amount: Decimal) -> str:
    """' 1,234.56 ': Devon's export pads every amount with a space either side."""
    return f" {amount:,.2f} "


def amount_pounds(amount: Decimal) -> str:
    """'£1,234.56', credits in brackets '(£120.00)'."""
    text = f"£{abs(amount):,.2f}"
    return f"({text})" if amount < 0 else text


def bad_or(payment: Payment, column: str, good: str, bad: str) -> str:
    return bad if payment.bad == column else good


def quarter_files(book: BoroughBook, year: int) -> Iterator[tuple[int, list[Payment]]]:
    for quarter in range(1, 5):
        yield quarter, book.payments(year, quarter)


# Layout 1 - "preamble": a report export with a title block before the header (like Lambeth).
PREAMBLE_HEADER = (
    "Body",
    "Department",
    "Supplier Name",
    "Invoice Creation Date",
    "Invoice Nett Amount",
    "Subj Description",
)


def preamble_lines(book: BoroughBook, year: int, quarter: int) -> list[list[str]]:
    """6 to 9 report lines before the header: title, report date, parameters, blank lines."""
    first, last = quarter_months(year, quarter)
    run = last + dt.timedelta(days=2 + (quarter * 3 + year) % 9)
    lines = [
        [f"{book.borough.name} Invoices Over Specified Nett Amount"],
        [],
        [f"Report Date:\u2020 {date_dmy(run)}\u2020 16:{(year + quarter) % 60:02d}:18"],
        [],
        ["Parameters: "],
        [f"Invoice Approval Date From:\u2020 {first.day:02d}-{MONTHS[first.month - 1].upper()}-{first.year}"],
        [f"Invoice Approval Date To:\u2020 {last.day:02d}-{MONTHS[last.month - 1].upper()}-{last.year}"],
        ["Invoice Threshold Nett Amt:\u2020 500"],
        [],
    ]
    dropped = (3, 4, 1)[: int(book.borough.code[-2:]) % 4]  # leave out 0-3 optional lines: 6 to 9 in all
    return [line + [""] * (len(PREAMBLE_HEADER) - len(line)) for i, line in enumerate(lines) if i not in dropped]


def preamble_row(book: BoroughBook, p: Payment) -> list[str]:
    return [
        book.borough.name,
        p.department,
        p.payee,
        bad_or(p, "date", date_dmy(p.date), f"31/02/{p.date.year}"),
        bad_or(p, "amount", amount_thousands(p.amount), "TBC"),
        p.label.upper(),
    ]


def write_preamble(book: BoroughBook, year: int) -> list[OutputFile]:
    """One CSV per quarter, sorted by supplier as the report prints it; no transaction numbers."""
    files = []
    for quarter, payments in quarter_files(book, year):
        first, last = quarter_months(year, quarter)
        ordered = sorted(payments, key=lambda p: (p.payee.upper(), p.date, p.transaction))
        rows = [*preamble_lines(book, year, quarter), list(PREAMBLE_HEADER), *(preamble_row(book, p) for p in ordered)]
        name = f"invoices-over-500-{first:%Y-%m}-to-{last:%Y-%m}.csv"
        files.append(OutputFile(name, csv_text(rows, "\n").encode("utf-8"), len(ordered)))
    return files


# Layout 2 - "lga": the LGA spend-data schema (like Trafford); older years archived as ZIPs.
LGA_HEADER = (
    "OrganisationLabel",
    "OrganisationURI",
    "EffectiveDate",
    "OrganisationalUnit",
    "BeneficiaryName",
    "BeneficiaryOtherID",
    "PaymentDate",
    "TransactionNumber",
    "Amount",
    "IrrecoverableVATAmount",
    "Purpose",
    "ProclassLabel",
    "ProclassCode",
    "InvoiceNumber",
    "ProfitCentre",
    "VATRegistrationNumber",
)


def lga_row(book: BoroughBook, p: Payment) -> list[str]:
    borough = book.borough
    uri = f"https://opendatacommunities.org/id/london-borough-council/{borough.slug}"
    label, code = p.expense.proclass
    vat = f"GB{p.supplier.vat_number}" if p.supplier and p.supplier.vat_number else ""
    profit_centre = str(300000 + sum(map(ord, p.department)) * 7 % 99991)
    return [
        borough.official_name,
        uri,
        month_end(p.date).isoformat(),
        p.department.upper(),
        p.payee,
        book.supplier_id(p),
        bad_or(p, "date", p.date.isoformat(), f"{p.date.year}-02-31"),
        p.transaction,
        bad_or(p, "amount", f"{p.amount:.2f}", "TBC"),
        "0.00",
        p.purpose,
        label,
        code,
        p.invoice,
        profit_centre,
        vat,
    ]


def is_zip_publisher(book: BoroughBook) -> bool:
    return int(book.borough.code[-2:]) % 2 == 0


def write_lga(book: BoroughBook, year: int) -> list[OutputFile]:
    """One CSV per quarter; some boroughs archive each past year's quarters in one ZIP."""
    files = []
    for quarter, payments in quarter_files(book, year):
        rows = [list(LGA_HEADER), *(lga_row(book, p) for p in payments)]
        name = f"{book.borough.slug}-spend-{fy_label(year)}-q{quarter}.csv"
        files.append(OutputFile(name, csv_text(rows).encode("utf-8"), len(payments)))
    if is_zip_publisher(book) and year < FINANCIAL_YEARS[-1]:
        archive = stable_zip({f.name: f.data for f in files})
        return [OutputFile(f"{book.borough.slug}-spend-{fy_label(year)}.zip", archive, sum(f.lines for f in files))]
    return files


# Layout 3 - "bom": UTF-8 with a byte-order mark, padded amounts and a grand-total row (like Devon 2026).
BOM_HEADER = (
    "Body",
    "Name of Body",
    "Date",
    "Transaction number",
    " Amount ",
    "Supplier name",
    "Supplier ID",
    "VAT reg no",
    "Expense area",
    "Expense type",
    "Expense code",
    "Creditor type",
)


def expense_code(label: str) -> str:
    return f"A{40000 + sum(ord(c) * (i + 1) for i, c in enumerate(label)) % 30000:05d}"


def creditor_type(p: Payment) -> str:
    if p.is_redacted:
        return CREDITOR_TYPES["redacted"]
    return CREDITOR_TYPES.get(p.expense.key, DEFAULT_CREDITOR_TYPE)


def bom_row(book: BoroughBook, p: Payment) -> list[str]:
    vat = p.supplier.vat_number if p.supplier and p.supplier.vat_number else ""
    return [
        book.borough.code,
        book.borough.official_name,
        bad_or(p, "date", date_dmy(p.date), f"31/02/{p.date.year}"),
        p.transaction,
        amount_padded(p.amount),
        p.payee,
        book.supplier_id(p),
        vat,
        p.department,
        p.label,
        expense_code(p.label),
        creditor_type(p),
    ]


def write_bom(book: BoroughBook, year: int) -> list[OutputFile]:
    """One CSV per quarter, ending with blank rows and an unlabelled grand total of the file."""
    files = []
    blank = [""] * len(BOM_HEADER)
    for quarter, payments in quarter_files(book, year):
        total = sum((p.amount for p in payments), Decimal(0))
        total_row = ["", "", "", "", amount_padded(total)] + [""] * (len(BOM_HEADER) - 5)
        trailer = [blank, total_row] + ([blank] if quarter % 2 else [])
        rows = [list(BOM_HEADER), *(bom_row(book, p) for p in payments), *trailer]
        first, last = quarter_months(year, quarter)
        name = f"SpendingOver500_{first:%Y%m}-{last:%Y%m}.csv"
        files.append(OutputFile(name, csv_text(rows).encode("utf-8-sig"), len(payments)))
    return files


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


# Layout 5 - "cp1252": a Windows export with pound signs and bracketed credits.
CP1252_HEADER = ("Payment Date", "Service Area", "Supplier", "Expense Type", "Amount", "Transaction Number")


def cp1252_row(p: Payment) -> list[str]:
    return [
        bad_or(p, "date", date_dmony(p.date), f"31-Feb-{p.date.year}"),
        p.department,
        p.payee,
        p.label,
        bad_or(p, "amount", amount_pounds(p.amount), "TBC"),
        p.transaction,
    ]


def write_cp1252(book: BoroughBook, year: int) -> list[OutputFile]:
    """One CSV per quarter, encoded cp1252 (the pound sign is byte 0xA3)."""
    files = []
    for quarter, payments in quarter_files(book, year):
        rows = [list(CP1252_HEADER), *(cp1252_row(p) for p in payments)]
        name = f"{book.borough.slug}_transparency_{fy_label(year)}_q{quarter}.csv"
        files.append(OutputFile(name, csv_text(rows).encode("cp1252"), len(payments)))
    return files


# Layouts 6 and 7 - "sap-gla" and "sap-tfl": the SAP exports of the GLA and TfL, London-wide bodies that publish
# payments over £250 like the boroughs: Clearing Date, Vendor Name, Document No, a numeric cost element beside the
# account's description, credits in brackets (GLA) and a card merchant category that is blank but for card lines
# (TfL).
SAP_GLA_HEADER = (
    "",
    "Vendor ID",
    "Vendor Name",
    "Cost Element",
    "Expenditure Account Code Description",
    "Document No",
    "Amount",
    "Clearing Date",
)
SAP_TFL_HEADER = (
    "Entity",
    "Vendor Name",
    "Expenditure Account",
    "Document Number",
    "Clearing Date",
    "Amount",
    "Merchant Category",
)
TFL_ENTITIES = (
    "TRANSPORT TRADING LIMITED",
    "LONDON UNDERGROUND LIMITED",
    "LONDON BUS SERVICES LIMITED",
    "RAIL FOR LONDON LIMITED",
)


def date_sap(day: dt.date) -> str:
    """'06 Feb  2013': the GLA's export pads the month with a second space."""
    return f"{day.day:02d} {MONTHS[day.month - 1]}  {day.year}"


def amount_brackets(amount: Decimal) -> str:
    """'4,007,633.00', credits '(829.50)'."""
    text = f"{abs(amount):,.2f}"
    return f"({text})" if amount < 0 else text


def sap_gla_rows(book: BoroughBook, year: int, quarter: int) -> list[list[str]]:
    first, last = quarter_months(year, quarter)
    title = f"Report of all payments made by {book.borough.name} for value equal to or greater than £ 250.00 Excl. VAT"
    return [
        ["", title],
        ["", "Reporting Period : ", f"Q{quarter}"],
        ["", "Start Date:", date_dmy(first)],
        ["", "End Date:", date_dmy(last)],
        ["", "Financial Year :", f"{year} / {(year + 1) % 100:02d}"],
        [],
    ]


def sap_gla_row(book: BoroughBook, p: Payment) -> list[str]:
    vendor = "Corp Card" if p.supplier is None else book.vendor_number(p.supplier)
    return [
        "",
        vendor,
        p.payee,
        expense_code(p.label)[1:],
        p.label.upper(),
        p.transaction,
        bad_or(p, "amount", amount_brackets(p.amount), "TBC"),
        bad_or(p, "date", date_sap(p.date), f"31 Feb  {p.date.year}"),
    ]


def write_sap_gla(book: BoroughBook, year: int) -> list[OutputFile]:
    """One CSV per quarter, with a report preamble and an empty first column, largest payments first."""
    files = []
    for quarter, payments in quarter_files(book, year):
        ordered = sorted(payments, key=lambda p: (-p.amount, p.date, p.transaction))
        width = len(SAP_GLA_HEADER)
        preamble = [line + [""] * (width - len(line)) for line in sap_gla_rows(book, year, quarter)]
        rows = [*preamble, list(SAP_GLA_HEADER), *(sap_gla_row(book, p) for p in ordered)]
        name = f"gla-expenditure-over-250-{fy_label(year)}-q{quarter}.csv"
        files.append(OutputFile(name, csv_text(rows).encode("cp1252"), len(ordered)))
    return files


def sap_tfl_row(book: BoroughBook, p: Payment) -> list[str]:
    entity = TFL_ENTITIES[int(p.transaction[-2:]) % len(TFL_ENTITIES)]
    card = p.supplier is None or int(p.transaction[-3:]) % 17 == 0
    merchant = str(5000 + sum(map(ord, p.label)) % 999) if card else ""
    return [
        entity,
        p.payee,
        p.label,
        p.transaction,
        bad_or(p, "date", p.date.isoformat(), f"{p.date.year}-02-31"),
        bad_or(p, "amount", f"{p.amount:.2f}", "TBC"),
        merchant,
    ]


def write_sap_tfl(book: BoroughBook, year: int) -> list[OutputFile]:
    """One CSV per quarter, ISO dates, the paying company (entity) on every line."""
    files = []
    for quarter, payments in quarter_files(book, year):
        rows = [list(SAP_TFL_HEADER), *(sap_tfl_row(book, p) for p in payments)]
        name = f"tfl-expenditure-over-250-{fy_label(year)}-q{quarter}.csv"
        files.append(OutputFile(name, csv_text(rows).encode("utf-8"), len(payments)))
    return files


@dataclass(frozen=True)
class Layout:
    """A council publication style and the function that writes one financial year in it."""

    name: str
    description: str
    write: Callable[[BoroughBook, int], list[OutputFile]]


LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout(
            "preamble",
            "CSV (UTF-8) report export with 6-9 preamble lines before the header "
            "(like Lambeth); amounts with thousands separators; no transaction numbers; one file per quarter",
            write_preamble,
        ),
        Layout(
            "lga",
            "LGA spend-data schema CSV (like Trafford) with ProClass codes, ISO dates, negative "
            "credit lines; one file per quarter, past years zipped for some boroughs",
            write_lga,
        ),
        Layout(
            "bom",
            "UTF-8 CSV with a byte-order mark (like Devon 2026): padded amounts, redacted "
            "individuals, blank trailing rows and an unlabelled grand-total row; one file per quarter",
            write_bom,
        ),
        Layout(
            "xlsx",
            "Excel workbook per financial year with a title row, Excel date cells and numeric amounts",
            write_xlsx,
        ),
        Layout(
            "cp1252",
            "CSV encoded Windows-1252, dates like 05-Apr-2024, amounts like £1,234.56 and "
            "credits like (£120.00); one file per quarter",
            write_cp1252,
        ),
        Layout(
            "sap-gla",
            "the GLA's SAP export (cp1252 CSV): a report preamble, an empty first column, Vendor ID, "
            "Vendor Name, a numeric Cost Element beside the Expenditure Account Code Description, Document No, "
            "amounts with credits in brackets, Clearing Date like 06 Feb  2024; one file per quarter",
            write_sap_gla,
        ),
        Layout(
            "sap-tfl",
            "TfL's SAP export (UTF-8 CSV): the paying company (Entity), Vendor Name, Expenditure "
            "Account, Document Number like 1004\\5100012345, ISO Clearing Date, and a card Merchant Category "
            "blank on most lines; one file per quarter",
            write_sap_tfl,
        ),
    )
}
