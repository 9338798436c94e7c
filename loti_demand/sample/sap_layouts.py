"""The SAP layouts of the two London-wide bodies, the GLA and TfL."""

from __future__ import annotations

from loti_demand.sample.common import csv_text, fy_label, quarter_months
from loti_demand.sample.layout_parts import (
    OutputFile,
    amount_brackets,
    bad_or,
    date_dmy,
    date_sap,
    expense_code,
    quarter_files,
)
from loti_demand.sample.spend import BoroughBook, Payment

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
