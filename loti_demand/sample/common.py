"""Small helpers: dates, money, slugs, weighted choices, stable CSV and ZIP bytes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
import re
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from loti_demand.sample.constants import ZIP_DATE_TIME


def slugify(name: str) -> str:
    """'Barking and Dagenham' -> 'barking-and-dagenham'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def fy_label(start_year: int) -> str:
    """2024 -> '2024-25'."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def quarter_months(start_year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of quarter 1..4 of a UK financial year (Q1 = April to June)."""
    month0 = 3 + 3 * (quarter - 1)
    first = dt.date(start_year + month0 // 12, month0 % 12 + 1, 1)
    month3 = month0 + 3
    last = dt.date(start_year + month3 // 12, month3 % 12 + 1, 1) - dt.timedelta(days=1)
    return first, last


def month_end(day: dt.date) -> dt.date:
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def random_weekday(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A uniformly chosen Monday-to-Friday date in [first, last]."""
    while True:
        day = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
        if day.weekday() < 5:
            return day


def random_date(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange(max(1, (last - first).days + 1)))


def pounds(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def lognormal_amount(rng: random.Random, median: float, sigma: float, low: float, high: float) -> Decimal:
    """A log-normally distributed amount in pounds, clipped to [low, high]."""
    value = median * math.exp(sigma * rng.gauss(0.0, 1.0))
    return pounds(min(max(value, low), high))


def log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def weighted_choice(rng: random.Random, items: Sequence, weights: Sequence[float]):
    """Pick one item with the given relative weights (cumulative search; stable across Python versions)."""
    total = sum(weights)
    target = rng.random() * total
    running = 0.0
    for item, weight in zip(items, weights, strict=True):
        running += weight
        if target < running:
            return item
    return items[-1]


def zipf_weights(n: int, exponent: float = 1.3) -> list[float]:
    return [1 / (rank**exponent) for rank in range(1, n + 1)]


def stable_zip(entries: dict[str, bytes]) -> bytes:
    """A ZIP of the entries, sorted, with fixed timestamps and attributes, so the bytes never change."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, entries[name], compresslevel=9)
    return buffer.getvalue()


def csv_text(rows: Sequence[Sequence[object]], lineterminator: str = "\r\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=lineterminator)
    writer.writerows(rows)
    return buffer.getvalue()


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
