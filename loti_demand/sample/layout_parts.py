"""What the layout writers share: the file they return, the quarters they split a year into, and how councils
print dates and amounts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from loti_demand.sample.constants import MONTHS
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


def expense_code(label: str) -> str:
    return f"A{40000 + sum(ord(c) * (i + 1) for i, c in enumerate(label)) % 30000:05d}"


def date_sap(day: dt.date) -> str:
    """'06 Feb  2013': the GLA's export pads the month with a second space."""
    return f"{day.day:02d} {MONTHS[day.month - 1]}  {day.year}"


def amount_brackets(amount: Decimal) -> str:
    """'4,007,633.00', credits '(829.50)'."""
    text = f"{abs(amount):,.2f}"
    return f"({text})" if amount < 0 else text


def quarter_files(book: BoroughBook, year: int) -> Iterator[tuple[int, list[Payment]]]:
    for quarter in range(1, 5):
        yield quarter, book.payments(year, quarter)
