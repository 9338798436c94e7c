"""Text for the generated files, made with Arrow kernels and lookup tables (a string kernel per value is slow:
strftime costs ~15 us a value, a take() from a table of every day does not)."""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

FIRST_MONTH = dt.date(2016, 4, 1)  # ten financial years: April 2016 to March 2026
MONTHS = 120


# Lookup tables: a string kernel per value is slow (strftime costs ~15 us a value), a take() is not.
PLAIN = pa.array([str(i) for i in range(10_000)])
DIGITS3 = pa.array([f"{i:03d}" for i in range(1000)])
DIGITS4 = pa.array([f"{i:04d}" for i in range(10_000)])
DIGITS2 = pa.array([f"{i:02d}" for i in range(100)])


def _take(table: pa.Array, index: np.ndarray) -> pa.Array:
    return pc.take(table, pa.array(index))


def const(value: str, n: int) -> pa.Array:
    return _take(pa.array([value]), np.zeros(n, dtype=np.int32))


def join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def counter_text(values: np.ndarray, width: int) -> pa.Array:
    """Zero-padded counters of 8 digits ('00012345'), or 9 with a leading digit."""
    text = join(_take(DIGITS4, values // 10_000 % 10_000), _take(DIGITS4, values % 10_000))
    return join(_take(PLAIN, values // 100_000_000), text) if width > 8 else text


def money_text(cents: np.ndarray, *, thousands: bool, whole_pounds_bare: bool = False) -> pa.Array:
    """Cents (below 10 million pounds) as '-1234.56', or '-1,234.56' with thousands separators ('900' for whole
    pounds if asked)."""
    size = np.abs(cents)
    pounds, pence = size // 100, size % 100
    if thousands:
        millions, grand, units = pounds // 1_000_000, (pounds // 1000) % 1000, pounds % 1000
        big = join(_take(PLAIN, millions), ",", _take(DIGITS3, grand), ",", _take(DIGITS3, units))
        mid = join(_take(PLAIN, grand), ",", _take(DIGITS3, units))
        whole = pc.if_else(
            pa.array(pounds >= 1_000_000), big, pc.if_else(pa.array(pounds >= 1000), mid, _take(PLAIN, units))
        )
    else:
        high = join(_take(PLAIN, pounds // 1000), _take(DIGITS3, pounds % 1000))
        whole = pc.if_else(pa.array(pounds >= 1000), high, _take(PLAIN, pounds % 1000))
    text = join(whole, ".", _take(DIGITS2, pence))
    if whole_pounds_bare:
        text = pc.if_else(pa.array(pence == 0), whole, text)
    return pc.if_else(pa.array(cents < 0), join("-", text), text)


FIRST_DAY = np.datetime64(FIRST_MONTH) - 31


@cache
def _days(fmt: str) -> pa.Array:
    first = FIRST_DAY.astype(dt.date)
    return pa.array([(first + dt.timedelta(days=i)).strftime(fmt) for i in range(MONTHS * 31 + 62)])


def date_text(dates: np.ndarray, fmt: str) -> pa.Array:
    """Dates (datetime64[D]) formatted through a table of every day in the ten years."""
    return _take(_days(fmt), (dates - FIRST_DAY).astype(np.int64))
