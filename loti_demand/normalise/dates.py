"""Parse payment dates as councils publish them, always day-first (UK).

Accepted: 31/01/2024, 31-01-2024, 31.01.2024, 31/01/24, 31-Jan-2024, 31/Jan/2024, 31 January 2024, 31 Jan 24,
2024-01-31, 2024-01-31T00:00:00, '31/01/2024 00:00:00', ISO 8601's compact 20240131 (Nottingham's), a month alone
as its first day (Slough's 'Apr-23', 'April 2023', Durham's 202401: files that give only the period), and Excel serial
day numbers (45322), with a time of day as
a fraction (West Berkshire's 45301.45: the day is the whole number). No-break and thin spaces around a date are spaces
(Croydon's dates begin with one). The SQL macro
`parse_date` in warehouse/models/macros.sql is the bulk twin of this function.
"""

from __future__ import annotations

import datetime as dt
import re

_FORMATS = (
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d-%b-%Y",
    "%d/%b/%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%B-%Y",
    "%d/%m/%y",
    "%d-%b-%y",
    "%d/%b/%y",
    "%d %b %y",
)
# Character classes are spelled out so that the SQL twin (RE2) means exactly the same.
_SPACE = " \t\n\r\f\v"
_SPACES = re.compile("[ \t\n\r\f\v]+")
_WIDE_SPACES = re.compile("[\u00a0\u2009\u202f]")
_TIME_SUFFIX = re.compile(r"[T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?\Z")
_SERIAL = re.compile(r"[0-9]{5}(\.[0-9]+)?")  # a day number; a fraction is the time of day
_COMPACT = re.compile(r"[12][0-9]{7}")  # ISO 8601's basic form, year first: never read day-first
# A month alone, where a council publishes only the period paid in ('Apr-23', 'April 2023', '202401'): its first day
_YEAR_MONTH = re.compile(r"(19|20)[0-9]{2}(0[1-9]|1[0-2])")
_MONTH_YEAR = re.compile(r"[A-Za-z]{3,9}(-[0-9]{2}|-[0-9]{4}| [0-9]{4})")
_MONTH_FORMATS = ("%b-%y", "%B-%y", "%b-%Y", "%B-%Y", "%b %Y", "%B %Y")
_PRINTABLE_ASCII = re.compile("[\x20-\x7e]*")
EXCEL_EPOCH = dt.date(1899, 12, 30)
EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2100, 12, 31)


def parse_date(text: object) -> dt.date | None:
    """Return the date, or None when the text is not a plausible UK date (1990 to 2100)."""
    if text is None:
        return None
    if isinstance(text, dt.datetime):
        return _plausible(text.date())
    if isinstance(text, dt.date):
        return _plausible(text)
    value = _TIME_SUFFIX.sub("", _SPACES.sub(" ", _WIDE_SPACES.sub(" ", str(text)).strip(_SPACE)))
    if not value or len(value) > 40 or not _PRINTABLE_ASCII.fullmatch(value):
        return None
    if _SERIAL.fullmatch(value):
        return _plausible(EXCEL_EPOCH + dt.timedelta(days=int(value[:5])))
    if _COMPACT.fullmatch(value):  # read as the ISO date it is written compactly, as the SQL twin does
        value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
    if _YEAR_MONTH.fullmatch(value):
        return _plausible(dt.date(int(value[:4]), int(value[4:]), 1))
    for fmt in _MONTH_FORMATS if _MONTH_YEAR.fullmatch(value) else _FORMATS:
        try:
            return _plausible(dt.datetime.strptime(value, fmt).date())
        except ValueError:
            continue
    return None


def is_month_only(text: str) -> bool:
    """Whether a date is written as a month alone ('Apr-23', 'April 2023', '202401'), or is blank."""
    value = text.strip()
    return not value or bool(_YEAR_MONTH.fullmatch(value) or _MONTH_YEAR.fullmatch(value))


def _plausible(day: dt.date) -> dt.date | None:
    return day if EARLIEST <= day <= LATEST else None


def financial_year(day: dt.date) -> str:
    """UK financial year label, '2024-25' for 1 April 2024 to 31 March 2025."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"
