"""Find and map the header row of a spend file: Transparency Code fields, column synonyms, mapping files.

The synonyms live in data/reference/spend_columns.csv (field, header as councils publish it), in priority
order: for each field the first synonym present in the header wins, and a column is used for one field
only. A per-borough mapping (spend/<borough>/mapping.csv or --mapping, columns field,column) is tried
before the synonyms, for layouts the table does not cover.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from loti_demand import config
from loti_demand.exceptions import InputFileError, MissingColumnsError, SummaryOnlyError

SPEND_FIELDS = (
    "payment_date",
    "service_area",
    "supplier_name",
    "expenditure_category",
    "purpose",
    "amount",
    "irrecoverable_vat",
    "transaction_id",
    "supplier_ref",
    "vat_number",
    "company_number",
    "proclass_code",
    "proclass_label",
    "invoice_number",
    "payee_type",
)
REQUIRED = ("payment_date", "supplier_name", "amount")
HEADER_SCAN_ROWS = 60
_KEY = re.compile(r"[^a-z0-9£]+")
_PIVOT = re.compile(r"\b(sum of|count of|row labels|grand total)\b", re.IGNORECASE)


def header_key(header: object) -> str:
    """'  Amount ' -> 'amount'; 'Invoice Nett Amount' -> 'invoicenettamount'; 'paid_date' -> 'paiddate'."""
    return _KEY.sub("", str(header or "").lower().replace("\ufeff", ""))


def load_synonyms(folder: Path | None = None) -> list[tuple[str, str]]:
    """(field, header key) pairs in priority order from data/reference/spend_columns.csv."""
    return _synonyms(folder or config.path("reference"))


@cache
def _synonyms(folder: Path) -> list[tuple[str, str]]:
    path = folder / "spend_columns.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["field"], header_key(r["header"])) for r in csv.DictReader(fh)]


def map_header(cells: list[str], synonyms: list[tuple[str, str]]) -> dict[str, int]:
    """Map Transparency Code fields to column positions; the first synonym in the table wins."""
    keys = [header_key(c) for c in cells]
    mapping: dict[str, int] = {}
    for fld, syn in synonyms:
        if fld in mapping or not syn or syn not in keys:
            continue
        position = keys.index(syn)
        if position not in mapping.values():
            mapping[fld] = position
    return mapping


def validate_mapping(mapping: dict[str, str], source: str) -> dict[str, str]:
    """Check a mapping file names known fields only; raise InputFileError naming the file otherwise."""
    unknown = sorted(set(mapping) - set(SPEND_FIELDS))
    if unknown:
        raise InputFileError(
            source,
            f"names unknown field(s) {', '.join(unknown)}",
            f"the field column must be one of: {', '.join(SPEND_FIELDS)}",
        )
    return mapping


def with_mapping(synonyms: list[tuple[str, str]], mapping: dict[str, str] | None) -> list[tuple[str, str]]:
    """Put a mapping's columns ahead of the synonyms table."""
    if not mapping:
        return synonyms
    return [(fld, header_key(col)) for fld, col in mapping.items()] + synonyms


def raise_no_header(name: str, scanned: list[tuple[int, list[str]]], synonyms: list[tuple[str, str]]) -> None:
    """Explain why no header row was found: a summary-only publication, or which columns are missing."""
    nonblank = [(n, c) for n, c in scanned if any(str(x).strip() for x in c)]
    if not nonblank:
        raise InputFileError(name, "has no rows", "a spend file needs a header row and payment lines")
    best_number, best = max(nonblank, key=lambda nc: (len(map_header(nc[1], synonyms)), -nc[0]))
    found = map_header(best, synonyms)
    shown = ", ".join(repr(str(c).strip()) for c in best if str(c).strip()) or "(none)"
    text = " ".join(" ".join(str(x) for x in c) for _, c in nonblank[:12])
    if "payment_date" not in found and ("supplier_name" in found or _PIVOT.search(text)) and (
        _PIVOT.search(text) or re.search(r"\btotals?\b", text, re.IGNORECASE)
    ):
        error: InputFileError = SummaryOnlyError(
            name,
            f"is a summary (totals per supplier or a pivot table), not individual payments "
            f"(columns on row {best_number}: {shown})",
            "the Transparency Code requires each payment over £500 with its date and amount; ingest the "
            "council's transaction-level file for the same period instead",
        )
    else:
        missing = [f for f in REQUIRED if f not in found]
        error = MissingColumnsError(
            name,
            f"no header row with the required columns ({', '.join(REQUIRED)}) in the first {HEADER_SCAN_ROWS} "
            f"rows; missing {', '.join(missing)}. The likeliest header (row {best_number}) has columns: {shown}",
            "add the council's column names to data/reference/spend_columns.csv (columns field,header), or put a "
            "mapping.csv beside the file (spend/<borough>/mapping.csv, or --mapping FILE for ingest) with columns "
            f"field,column, e.g. 'amount,{_example(best)}'",
        )
    error.recognised = len(found)  # the reader compares it between delimiters
    raise error


def _example(cells: list[str]) -> str:
    named = [str(c).strip() for c in cells if str(c).strip()]
    return named[-1] if named else "Net Value"
