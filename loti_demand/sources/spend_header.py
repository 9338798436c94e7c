"""Find and map the header row of a spend file: Transparency Code fields, column synonyms, mapping files.

The synonyms live in data/reference/spend_columns.csv (field, header as councils publish it), in priority
order: for each field the first synonym present in the header wins, and a column is used for one field
only. A per-borough mapping (spend/<borough>/mapping.csv or --mapping, columns field,column) is tried
before the synonyms, for layouts the table does not cover.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from loti_demand import config
from loti_demand.exceptions import InputFileError, MissingColumnsError, SummaryOnlyError
from loti_demand.normalise.dates import is_month_only

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
# Fields that say who was paid, when, how much and under which reference: never a description of what was bought.
IDENTITY_FIELDS = frozenset(SPEND_FIELDS) - {"service_area", "expenditure_category", "purpose", "proclass_label"}
# Header words of columns that hold no description either: dates, money, references, the paying organisation.
_NOT_DESCRIPTIVE_WORDS = frozenset(
    {
        "date",
        "amount",
        "value",
        "total",
        "net",
        "gross",
        "vat",
        "gbp",
        "number",
        "no",
        "num",
        "ref",
        "reference",
        "id",
        "uri",
        "url",
        "link",
        "postcode",
        "body",
        "organisation",
        "organization",
        "currency",
    }
)
_CAMEL = re.compile(r"([a-z])([A-Z])")
HEADER_SCAN_ROWS = 60
_KEY = re.compile(r"[^a-z0-9£]+")
_CURRENCY = re.compile(r"£|gbp")
# How councils' headers dress a name the synonyms table knows (tried only when no header matches as written): a VAT
# qualifier ('Expenditure Amount (exc VAT)', '£ SPEND (EXCLUDING VAT', 'Amount £ (Ex VAT)', 'Amount (Net of VAT)',
# 'Payment Amount (Net)', 'Amount (Exclusive)'), a leading item number ('5. BENEFICIARY'), the number a report tool
# appends to a repeated column name ('Vendor Name 2', 'Amount.1'), and two names joined by a dash ('Payment date - G/L
# Date', 'Date incurred -Payment Date').
_VAT_QUALIFIER = re.compile(
    r"\(?\s*\b(?:(?:excl?(?:uding|usive)?|ex)\b\.?\s*(?:of\s+)?|nett?\s+of\s+)vat\b\s*\)?"
    r"|\(\s*(?:nett?|excl?(?:usive)?\.?)\s*\)",
    re.IGNORECASE,
)
_ITEM_NUMBER = re.compile(r"^\s*\d{1,2}\s*[.)]\s*")
_TABLE_PREFIX = re.compile(r"^\s*(?:[a-z]{2,5}\.)+(?=[a-z])", re.IGNORECASE)  # a report's table names: 'FIN.', 'MCH.'
_REPEAT_NUMBER = re.compile(r"(?<=[a-z])(?:\s+|[._])\d\s*$", re.IGNORECASE)
_DASH = re.compile(r"\s+[-\u2013\u2014]\s*|\s*[-\u2013\u2014]\s+")  # a hyphen, en or em dash
# Unit4 (Agresso) exports write a code column's text beside it with '(T)' after its name: 'Supplier' holds 'FRAN14',
# 'Supplier(T)' the supplier's name ('Supplier(T) 2' when the report repeats it).
_TEXT_OF_CODE = re.compile(r"\s*\(t\)(?=\s*(?:\d\s*)?$)", re.IGNORECASE)
# Fields whose column should hold words: where it has a '(T)' twin, the twin is read and the code column left aside.
_TEXT_FIELDS = ("supplier_name", "service_area", "expenditure_category", "purpose")
_PIVOT = re.compile(r"\b(sum of|count of|row labels|grand total)\b", re.IGNORECASE)


def header_key(header: object) -> str:
    """'  Amount ' -> 'amount'; 'Invoice Nett Amount' -> 'invoicenettamount'; 'paid_date' -> 'paiddate'."""
    return _KEY.sub("", str(header or "").lower().replace("\ufeff", ""))


def load_synonyms(folder: Path | None = None) -> list[tuple[str, str]]:
    """(field, header key) pairs in priority order from data/reference/spend_columns.csv."""
    return _synonyms(folder or config.path("reference"))


COLUMNS = ("field", "header")  # spend_columns.csv's


@cache
def _synonyms(folder: Path) -> list[tuple[str, str]]:
    from loti_demand.reference_files import read_table

    return [(r["field"], header_key(r["header"])) for _, r in read_table(folder / "spend_columns.csv", COLUMNS)[1]]


def header_variants(cell: object) -> list[str]:
    """The keys a header is tried as when no header names a field exactly: without its currency ('Amount £ (Excl
    VAT)' is 'Amount Excl VAT'), then without a VAT qualifier, item number, report table name or repeat number
    ('Amount', 'Beneficiary', 'TRANSACTION DATE', 'Vendor Name'), and each side of a dash ('Payment date', 'G/L
    Date')."""
    text = str(cell or "")
    plain = _REPEAT_NUMBER.sub("", _ITEM_NUMBER.sub("", _TABLE_PREFIX.sub("", _VAT_QUALIFIER.sub(" ", text))))
    parts = _DASH.split(plain)
    keys = [header_key(t) for t in [text, plain, *(parts if len(parts) > 1 else [])]]
    return list(dict.fromkeys(variant for key in keys for variant in (key, _CURRENCY.sub("", key))))


def map_header(cells: list[str], synonyms: list[tuple[str, str]], skip: frozenset[int] = frozenset()) -> dict[str, int]:
    """Map Transparency Code fields to column positions (a column for one field only; none of `skip`). Headers
    named exactly come first, in the table's order (the first synonym present wins); a field none names exactly
    then takes a header that names it dressed (header_variants). A header the file repeats is not a required
    field's column while the required fields are found without it: South Tyneside heads its subjective code and its
    capital or revenue flag both 'Spend', a name that elsewhere means the amount, beside 'Amount (Net of VAT)'."""
    mapping = _map_header(cells, synonyms, skip)
    keys = [header_key(cell) for cell in cells]
    repeated = frozenset(i for i, key in enumerate(keys) if key and keys.count(key) > 1) - skip
    if not repeated.intersection(mapping[f] for f in REQUIRED if f in mapping):
        return mapping
    required = {f: i for f, i in _map_header(cells, synonyms, skip | repeated).items() if f in REQUIRED}
    if len(required) < len(REQUIRED):
        return mapping
    # the other fields keep their columns (a repeated 'Description' is still the purpose) where still free
    others = {f: i for f, i in mapping.items() if f not in REQUIRED and i not in required.values()}
    return {**required, **others}


def _map_header(cells: list[str], synonyms: list[tuple[str, str]], skip: frozenset[int]) -> dict[str, int]:
    exact: dict[str, int] = {}  # each header key's first position
    dressed: dict[str, int] = {}
    for i, cell in enumerate(cells):
        if i not in skip:
            exact.setdefault(header_key(cell), i)
            for key in header_variants(cell):
                dressed.setdefault(key, i)
    exact.pop("", None)
    dressed.pop("", None)
    mapping: dict[str, int] = {}
    for keys in (exact, dressed):
        for fld, syn in synonyms:
            position = keys.get(syn)
            if position is not None and fld not in mapping and position not in mapping.values():
                mapping[fld] = position
    return _text_twins(cells, mapping, skip)


def _text_twins(cells: list[str], mapping: dict[str, int], skip: frozenset[int]) -> dict[str, int]:
    """A field of words mapped to a code column whose text twin ('Supplier' beside 'Supplier(T)') is in the file
    takes the twin; a supplier code so displaced is kept as the supplier's reference when nothing else is."""
    twins = {
        header_key(_REPEAT_NUMBER.sub("", _TEXT_OF_CODE.sub("", str(cell)))): i
        for i, cell in enumerate(cells)
        if i not in skip and _TEXT_OF_CODE.search(str(cell))
    }
    for fld in _TEXT_FIELDS:
        position = mapping.get(fld)
        twin = None if position is None else twins.get(header_key(cells[position]))
        if twin is not None and twin not in mapping.values():
            mapping[fld] = twin
            if fld == "supplier_name" and "supplier_ref" not in mapping:
                mapping["supplier_ref"] = position
    return mapping


def skip_blank_required(
    cells: list[str], positions: dict[str, int], rows: list[list[str]], synonyms: list[tuple[str, str]]
) -> dict[str, int]:
    """A required field mapped to a column that is empty on every line below the header (`rows`, the first few) is
    mapped to another column when one names it: a Transparency Code template's unused 'Effective date' beside the
    'Payment date - G/L Date' the council fills (Kensington and Chelsea)."""
    lines = [r for r in rows if any(str(c).strip() for c in r)]
    empty = frozenset(
        i
        for f, i in positions.items()
        if f in REQUIRED and lines and not any(i < len(r) and str(r[i]).strip() for r in lines)
    )
    if not empty:
        return positions
    remapped = map_header(cells, synonyms, skip=empty)
    return remapped if all(f in remapped for f in REQUIRED) else positions


def description_columns(cells: list[str], positions: dict[str, int]) -> list[tuple[int, str]]:
    """(position, header) of every column that may describe what was bought or who bought it: the mapped category,
    purpose, service area and ProClass label, and every other column whose header is not a date, an amount, a
    reference or the paying organisation. Each column is read on its own, so two columns with one header are
    both read. Whether a value is a description (words, not a numeric code) is judged per value by the reader."""
    identity = {i for f, i in positions.items() if f in IDENTITY_FIELDS}
    chosen = []
    for i, cell in enumerate(cells):
        header = str(cell).strip().rstrip(":").strip()
        words = set(re.split(r"[^a-z0-9£]+", _CAMEL.sub(r"\1 \2", header).lower())) - {""}
        described = i in positions.values() and i not in identity
        if i in identity or not header or (not described and (words & _NOT_DESCRIPTIVE_WORDS or "£" in header)):
            continue
        chosen.append((i, header))
    return chosen


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


def _likeliest(
    scanned: list[tuple[int, list[str]]], synonyms: list[tuple[str, str]]
) -> tuple[int, list[str], dict[str, int], list[tuple[int, list[str]]]] | None:
    """(row number, cells, fields its headers name, the non-blank rows) of the row naming the most fields; None
    when every row is blank."""
    nonblank = [(n, c) for n, c in scanned if any(str(x).strip() for x in c)]
    if not nonblank:
        return None
    best_number, best = max(nonblank, key=lambda nc: (len(map_header(nc[1], synonyms)), -nc[0]))
    return best_number, best, map_header(best, synonyms), nonblank


def _is_summary(found: dict[str, int], nonblank: list[tuple[int, list[str]]]) -> bool:
    """Totals per supplier or a pivot table: no payment date, and a pivot's words or totals."""
    text = " ".join(" ".join(str(x) for x in c) for _, c in nonblank[:12])
    return (
        "payment_date" not in found
        and ("supplier_name" in found or bool(_PIVOT.search(text)))
        and bool(_PIVOT.search(text) or re.search(r"\btotals?\b", text, re.IGNORECASE))
    )


def infer_header(
    scanned: list[tuple[int, list[str]]], synonyms: list[tuple[str, str]]
) -> tuple[int, list[str], dict[str, int]] | None:
    """(row number, cells, field positions) of the likeliest header when the fields no synonym names each have ONE
    fitting column: a header with the field's words ('Exclusive Amount', 'Date Transaction Added', 'Supplier or
    Party Name') over values that are all (95%, at least 5) dates, amounts or names; for an amount, not a VAT column,
    and of several, the one filled on every line when the others are not, else the one named for the line (the
    London Fire Brigade's 'AMT LINE' beside 'AMT TOTAL', the invoice's total on its first line only);
    for a supplier, by its stronger words (supplier, vendor, payee...) when several fit. None when a field has no
    fitting column or more than one (the refusal then names the candidates), when no synonym names any field, or for
    a summary. The columns used are kept with the file (source_files.column_mapping)."""
    likeliest = _likeliest(scanned, synonyms)
    if likeliest is None:
        return None
    best_number, best, found, nonblank = likeliest
    if not found or _is_summary(found, nonblank):
        return None
    rows = [c for n, c in nonblank if n > best_number]
    positions = dict(found)
    for fld in REQUIRED:
        if fld in positions:
            continue
        fits = [
            (i, title, count)
            for share, named, count, i, title in _scores(fld, best, rows, set(positions.values()))
            if named and count >= 5 and share >= 0.95
        ]
        if fld == "amount":
            fits = [fit for fit in fits if not _VAT_ONLY.search(fit[1])]
            if len(fits) > 1:  # not Kirklees' 'ACCOUNTING CODE 02 VALUE' beside its 'NET TRANSACTION AMOUNT'
                fits = [fit for fit in fits if not _CLASSIFYING.search(fit[1])]
            full = [fit for fit in fits if fit[2] == len(rows)]
            if len(fits) > 1 and len(full) == 1:
                fits = full
            lines = [fit for fit in fits if _LINE.search(fit[1])]
            if len(fits) > 1 and len(lines) == 1:  # where every invoice has one line, both columns are full
                fits = lines
        if fld == "payment_date" and len(fits) > 1:  # a day, not the month a 'Period' column gives
            fits = [fit for fit in fits if not all(is_month_only(r[fit[0]]) for r in rows if fit[0] < len(r))]
        if fld == "supplier_name" and len(fits) > 1:  # 'Merchant', not 'Merchant Category Name'
            fits = [fit for fit in fits if _STRONG_SUPPLIER_WORDS.search(fit[1]) and not _CLASSIFYING.search(fit[1])]
        if len(fits) != 1:
            return None
        positions[fld] = fits[0][0]
    return best_number, best, positions


def raise_no_header(name: str, scanned: list[tuple[int, list[str]]], synonyms: list[tuple[str, str]]) -> None:
    """Explain why no header row was found: a summary-only publication, or which columns are missing."""
    likeliest = _likeliest(scanned, synonyms)
    if likeliest is None:
        raise InputFileError(name, "has no rows", "a spend file needs a header row and payment lines")
    best_number, best, found, nonblank = likeliest
    shown = ", ".join(repr(str(c).strip()) for c in best if str(c).strip()) or "(none)"
    if _is_summary(found, nonblank):
        error: InputFileError = SummaryOnlyError(
            name,
            f"is a summary (totals per supplier or a pivot table), not individual payments "
            f"(columns on row {best_number}: {shown})",
            "the Transparency Code requires each payment over £500 with its date and amount; ingest the "
            "council's transaction-level file for the same period instead",
        )
    else:
        missing = [f for f in REQUIRED if f not in found]
        rows = [c for n, c in nonblank if n > best_number]
        taken = set(found.values())
        guesses = {f: candidate_columns(f, best, rows, taken) for f in missing}
        said = "; ".join(
            f"{f} could be {_or(guesses[f])}" if guesses[f] else f"no column looks like {f}" for f in missing
        )
        lines = "\n".join(
            f"  {f},{guesses[f][0] if guesses[f] else '<the column holding the ' + _WHAT[f] + '>'}" for f in missing
        )
        error = MissingColumnsError(
            name,
            f"no header row with the required columns ({', '.join(REQUIRED)}) in the first {HEADER_SCAN_ROWS} "
            f"rows; missing {', '.join(missing)} ({said}). The likeliest header (row {best_number}) has "
            f"columns: {shown}",
            "put a mapping.csv beside the file (spend/<publisher>/mapping.csv, or --mapping FILE for ingest) with "
            f"these lines:\n  field,column\n{lines}\nor add the column names to data/reference/spend_columns.csv "
            "(columns field,header) so every publisher's files are read",
        )
    error.recognised = len(found)  # the reader compares it between delimiters
    raise error


_WHAT = {"payment_date": "payment date", "supplier_name": "supplier's name", "amount": "amount paid"}
# Words a council's header uses for each required field, whatever its finance system calls it.
_HEADER_WORDS = {
    "payment_date": re.compile(r"date|paid|payment|cleared|posted|period", re.IGNORECASE),
    "supplier_name": re.compile(
        r"supplier|vendor|payee|creditor|beneficiary|merchant|recipient|name|company", re.IGNORECASE
    ),
    "amount": re.compile(r"amount|\bamt\b|value|total|net|gross|paid|invoiced|£|gbp|sum", re.IGNORECASE),
}
_LINE = re.compile(r"\bline\b", re.IGNORECASE)  # an invoice line's amount, not the invoice's total
# a column named for a category, type, code, class or group classifies: it holds neither a name nor an amount
_CLASSIFYING = re.compile(r"\b(categor(y|ies)|type|code|class|group)\b", re.IGNORECASE)
_STRONG_SUPPLIER_WORDS = re.compile(r"supplier|vendor|payee|creditor|beneficiary|merchant|recipient", re.IGNORECASE)
# A number as written (an amount such as 45301.45 is also an Excel day number with a time: as a column's values it is
# an amount)
_PLAIN_NUMBER = re.compile(r"-?£?[\d,]+(\.\d+)?")
# a VAT or tax column, not an amount excluding VAT (or before tax)
_VAT_ONLY = re.compile(r"^(?!.*\b(ex|before|pre))\W*(.*\W)?(vat|tax)\b", re.IGNORECASE)


def _scores(
    fld: str, header: list[str], rows: list[list[str]], taken: set[int]
) -> list[tuple[float, bool, int, int, str]]:
    """(share of its values that fit the field, whether its header has the field's words, how many values, position,
    header) for each column of `header` not already used; share 0 for a column with no values below it."""
    from loti_demand.normalise.dates import parse_date
    from loti_demand.normalise.money import parse_amount

    scored = []
    for i, cell in enumerate(header):
        title = str(cell).strip()
        if i in taken or not title:
            continue
        values = [str(r[i]).strip() for r in rows if i < len(r) and str(r[i]).strip()]
        named = bool(_HEADER_WORDS[fld].search(title))
        share = 0.0
        if values:
            dates = sum(parse_date(v) is not None for v in values) / len(values)
            amounts = sum(
                parse_amount(v) is not None and (bool(_PLAIN_NUMBER.fullmatch(v)) or parse_date(v) is None)
                for v in values
            ) / len(values)
            words = sum(sum(ch.isalpha() for ch in v) >= 3 for v in values) / len(values)
            share = {"payment_date": dates, "amount": amounts, "supplier_name": words * (1 - dates)}[fld]
        scored.append((share, named, len(values), i, title))
    return scored


def candidate_columns(fld: str, header: list[str], rows: list[list[str]], taken: set[int]) -> list[str]:
    """The columns of `header` (not already used) that could hold a required field, likeliest first: judged by
    what the data rows below it hold (dates, amounts, names) and, without data rows, by the header's words."""
    scored = [
        (share + named if count else 1.0, i, title)
        for share, named, count, i, title in _scores(fld, header, rows, taken)
        if (count and share >= 0.8) or (not count and named)
    ]
    return [title for _, _, title in sorted(scored, key=lambda t: (-t[0], t[1]))[:3]]


def _or(names: list[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
