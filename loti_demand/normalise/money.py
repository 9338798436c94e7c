"""Parse money as councils publish it: '£1,234.50', '(12.00)', '1234.50-', '99.00CR', ' 222,441.16 '.

The warehouse parses amounts in bulk with the SQL macro `parse_amount` (warehouse/models/macros.sql);
this function is its Python twin, used for single values and as the oracle in the differential test.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Character classes are spelled out so that the SQL twin (RE2) means exactly the same. A pound sign may arrive
# misread: 'Â£' (UTF-8 read as Windows-1252) or 'œ' (byte 0x9C, the DOS code pages' pound sign, read as Windows-1252).
_STRIP = re.compile("[£œ, \t\n\r\f\v\u00a0\u2009\u202f]|[Gg][Bb][Pp]|Â")
_AMOUNT = re.compile(r"^(\()?(-)?([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(-)?([Cc][Rr]|[Dd][Rr])?(\))?$")
_MARK = re.compile(r"([.,])[0-9]{1,2}[^0-9.,]*\Z")
_SWAP = str.maketrans(".,", ",.")
PENNY = Decimal("0.01")
LIMIT = Decimal(10) ** 16  # DECIMAL(18,2) holds 16 digits before the point


def decimal_mark(text: str) -> str:
    """The decimal mark an amount can only have been written with: ',' for '12,50' or '1.234,56', '.' for '12.50'
    or '1,234.5'; '' when it does not say ('1,234', '500'). A file's mark is judged from all its amounts (stg_spend)."""
    match = _MARK.search(text)
    return match.group(1) if match else ""


_GROUPED = re.compile(r"^[^0-9]*[0-9]{1,3}(,[0-9]{3})*([.][0-9]*)?[^0-9]*\Z")


def has_misplaced_commas(text: str) -> bool:
    """Thousands separators that do not group the digits in threes ('12,34.56'; the macro has_misplaced_commas)."""
    return "," in text and not _GROUPED.search(text)


def parse_amount(text: object, *, decimal_comma: bool = False) -> Decimal | None:
    """Return the amount in pounds as a Decimal rounded to the penny, or None if it is not a number.

    `decimal_comma` reads text from a file written with decimal commas ('1.234,56'): the two marks swap roles.

    Half-pennies round away from zero, as DuckDB's DECIMAL cast does.
    Credits: brackets, a leading or trailing minus, or a trailing 'CR' make the amount negative; two credit
    marks at once ('-(5)') are refused rather than guessed. 'DR' (debit) is accepted and positive. A dash alone
    (' £ -   ', an accounting format's zero) is zero.
    """
    if text is None:
        return None
    if isinstance(text, (int, Decimal)) and not isinstance(text, bool):
        return Decimal(text).quantize(PENNY, ROUND_HALF_UP)
    if isinstance(text, float):
        text = repr(text)
    text = str(text).translate(_SWAP) if decimal_comma else str(text)
    cleaned = _STRIP.sub("", text).replace("\u2212", "-")
    if cleaned == "-":  # a spreadsheet's accounting format shows zero as a dash: ' £ -   '
        return Decimal("0.00")
    match = _AMOUNT.fullmatch(cleaned)
    if not match:
        return None
    open_b, lead_minus, digits, trail_minus, suffix, close_b = match.groups()
    if bool(open_b) != bool(close_b):
        return None
    signs = [bool(open_b), bool(lead_minus), bool(trail_minus), (suffix or "").upper() == "CR"]
    if sum(signs) > 1:
        return None
    try:
        value = Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        return None
    if len(digits.split(".")[0]) > 16:
        return None
    value = value.quantize(PENNY, ROUND_HALF_UP)
    if value >= LIMIT:
        return None
    return -value if any(signs) else value


def format_amount(value: Decimal) -> str:
    """Format as a council would: '£1,234.50', credits in brackets '(£12.00)'."""
    text = f"£{abs(value):,.2f}"
    return f"({text})" if value < 0 else text
