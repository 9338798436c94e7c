"""The four council CSV layouts: a report export with a preamble (like Lambeth), the LGA schema (like Trafford),
UTF-8 with a byte-order mark and a grand total (like Devon) and a Windows cp1252 export with pound signs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from loti_demand.sample.common import csv_text, fy_label, month_end, quarter_months, stable_zip
from loti_demand.sample.constants import FINANCIAL_YEARS, MONTHS
from loti_demand.sample.expenses import CREDITOR_TYPES, DEFAULT_CREDITOR_TYPE
from loti_demand.sample.layout_parts import (
    OutputFile,
    amount_padded,
    amount_pounds,
    amount_thousands,
    bad_or,
    date_dmony,
    date_dmy,
    expense_code,
    quarter_files,
)
from loti_demand.sample.spend import BoroughBook, Payment

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
