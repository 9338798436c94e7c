"""An OCDS release's amounts and dates: parsed, and checked so that no total includes a negative or infinite
amount and no page a date in the year 9999 (each value left out is noted with why)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from loti_demand.normalise.money import has_misplaced_commas

MONEY_LIMIT = Decimal("1e16")  # DECIMAL(18, 2) holds 16 digits before the point
EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2100, 12, 31)  # contracts run for decades; later than this is a typing error
_DATE_START = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_money(value: object) -> Decimal | None:
    """An OCDS Value object in pounds, to the penny; None when absent, not in GBP, or when it cannot count in a
    total (see money_problem).

    A missing currency is read as GBP: UK publishers leave it out."""
    if money_problem(value) or not isinstance(value, dict) or value.get("amount") in (None, ""):
        return None
    if (value.get("currency") or "GBP") != "GBP":
        return None
    return Decimal(str(value["amount"]).replace(",", "")).quantize(Decimal("0.01"))


def money_problem(value: object) -> str | None:
    """Why an OCDS Value's amount is left out of every total: not a number, not finite (Infinity, NaN), negative,
    or too large to be true. None when it counts, or when there is no amount."""
    if not isinstance(value, dict) or value.get("amount") in (None, ""):
        return None
    amount = value["amount"]
    try:
        number = None if isinstance(amount, bool) else Decimal(str(amount).replace(",", ""))
    except (InvalidOperation, ValueError):
        number = None
    if number is None:
        return f"amount {str(amount)[:40]!r} is not a number"
    if isinstance(amount, str) and has_misplaced_commas(amount):  # '50,00': decimal comma or mistyped, not 5000
        return f"amount {amount[:40]!r} has commas that do not group thousands, so its value is uncertain"
    if not number.is_finite():
        return f"amount {amount} is not a finite number"
    if number < 0:
        return f"amount {amount} is negative"
    if number >= MONEY_LIMIT:
        return f"amount {amount} is too large to be a real value"
    return None


def date_problem(value: object) -> str | None:
    """Why an OCDS date is left out: a value that is no date ('2025-02-30', '23/04/2025'), or a real date outside
    1990 to 2100. None when it counts, or when there is no date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    day = calendar_date(value)
    if day is None:
        return f"date {str(value)[:40]!r} is not a date (OCDS writes 2025-04-23T09:00:00Z)"
    if not EARLIEST <= day <= LATEST:
        return f"date {day.isoformat()} is outside {EARLIEST.year} to {LATEST.year}"
    return None


class Checked:
    """Reads a release's amounts and dates, noting each one left out and why (notices.value_problems), so that
    no total includes a negative or infinite amount and no page a date in the year 9999."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def money(self, value: object, where: str) -> Decimal | None:
        if problem := money_problem(value):
            self.notes.append(f"{where} {problem}: left out of totals")
        return parse_money(value)

    def date(self, value: object, where: str) -> dt.date | None:
        if problem := date_problem(value):
            self.notes.append(f"{where} {problem}: left out")
        return parse_ocds_date(value)

    def text(self) -> str | None:
        return "; ".join(dict.fromkeys(self.notes)) or None


def calendar_date(value: object) -> dt.date | None:
    """The calendar date of an OCDS date-time as published ('2025-04-23T23:59:59+01:00' -> 2025-04-23), any year."""
    return _calendar_date(value) if isinstance(value, str) else None


@lru_cache(maxsize=1 << 14)  # a release reads each of its dates several times, and many releases share a date
def _calendar_date(value: str) -> dt.date | None:
    text = value.strip()
    if not _DATE_START.match(text):
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def parse_ocds_date(value: object) -> dt.date | None:
    """calendar_date, or None outside 1990 to 2100 (a typing error such as 9999-12-31)."""
    day = calendar_date(value)
    return day if day and EARLIEST <= day <= LATEST else None


def parse_ocds_timestamp(value: object) -> dt.datetime | None:
    """An OCDS date-time as a naive UTC timestamp (offsets applied; no offset = UTC); None outside 1990 to 2100."""
    day = parse_ocds_date(value)
    if day is None:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.strip())  # type: ignore[union-attr]
    except ValueError:
        return dt.datetime(day.year, day.month, day.day)
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)
    return stamp
