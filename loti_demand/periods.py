"""Reporting periods the pages offer, worked out from the dates the data actually covers. Pure: no I/O.

A period is an inclusive date window of whole calendar months. Spend periods look back (the latest 12 months of
data, each UK financial year from 1 April to 31 March, all months); forward periods look ahead from the month of
the data-as-of date (the pipeline and contract expiries), so a user never picks a window the measure cannot fill.
Whole months let the monthly export (agg_demand_by_borough_month) give the same figures as the pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Period:
    key: str  # the value kept in the URL: last12, fy2025, all, next12, next18, now
    label: str
    start: dt.date
    end: dt.date

    @property
    def months(self) -> int:
        """Calendar months the window touches (12 for a financial year)."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def phrase(self) -> str:
        """The label for use inside a sentence: 'latest 12 months (Apr 2025 to Mar 2026)'."""
        return self.label[:1].lower() + self.label[1:] if not self.label[:1].isdigit() else self.label

    @property
    def grain(self) -> str:
        """Month for windows up to two years; quarter beyond, so trend charts stay readable."""
        return "month" if self.months <= 24 else "quarter"


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    next_month = dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return dt.date(year, month + 1, min(day.day, last_day))


def month_starts(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    """The first day of every month from date_from's month to date_to's month."""
    months, month = [], date_from.replace(day=1)
    while month <= date_to:
        months.append(month)
        month = add_months(month, 1)
    return months


def months_back(end: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """(the first day of the month `months - 1` before end's month, end): a period of whole months to end."""
    return add_months(end.replace(day=1), 1 - months), end


def _month_end(day: dt.date) -> dt.date:
    return add_months(_month_start(day), 1) - dt.timedelta(days=1)


def financial_year(day: dt.date) -> int:
    """The year a UK financial year starts in: 1 April 2025 to 31 March 2026 is 2025."""
    return day.year if day.month >= 4 else day.year - 1


def fy_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def _date(value: object) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def spend_periods(first_month: object, last_month: object, as_of: object) -> list[Period]:
    """The latest 12 months (the default), each financial year the spend data touches (newest first), all months.

    A financial year the data covers only in part says so in its label.
    """
    first, last, as_of = _date(first_month), _date(last_month), _date(as_of)
    if first is None or last is None or as_of is None:
        return []
    end_month = _month_start(min(as_of, last))
    last12 = Period(
        "last12",
        f"Latest 12 months ({add_months(end_month, -11):%b %Y} to {end_month:%b %Y})",
        add_months(end_month, -11),
        _month_end(end_month),
    )
    periods = [last12]
    for year in range(financial_year(last), financial_year(first) - 1, -1):
        start, end = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
        covered = (max(start, first), min(end, _month_end(last)))
        label = f"{fy_label(year)} financial year"
        if covered != (start, end):
            label += f" (data {covered[0]:%b %Y} to {covered[1]:%b %Y} only)"
        periods.append(Period(f"fy{year}", label, start, end))
    periods.append(Period("all", f"All months ({first:%b %Y} to {last:%b %Y})", _month_start(first), _month_end(last)))
    return periods


def months_from(as_of: object, months: int) -> tuple[dt.date, dt.date]:
    """The forward window: `months` calendar months starting with the month of the data-as-of date (its first day
    to the last day of the last month). Every page and the export count the pipeline and expiring contracts in it."""
    first = _month_start(_date(as_of))
    return first, _month_end(add_months(first, months - 1))


def forward_periods(as_of: object) -> list[Period]:
    """Windows of whole months from the data-as-of month: the next 18 months (the default), the next 12, two years."""
    as_of = _date(as_of)
    if as_of is None:
        return []
    found = []
    for key, months, name in (
        ("next18", 18, "Next 18 months"),
        ("next12", 12, "Next 12 months"),
        ("next24", 24, "Next 2 years"),
    ):
        start, end = months_from(as_of, months)
        found.append(Period(key, f"{name} ({start:%b %Y} to {end:%b %Y})", start, end))
    return found


def current_period(as_of: object) -> list[Period]:
    """For measures that describe things as they stand (open challenges): one 'now' window."""
    as_of = _date(as_of)
    if as_of is None:
        return []
    return [Period("now", f"As they stand on {as_of:%-d %B %Y}", as_of, as_of)]


def growth_years(end: object) -> tuple[Period, Period]:
    """(the year before, the latest year): the 12 whole months to the month of `end`, and the 12 months before them.
    What is growing (the Overview) compares the two."""
    last = _month_start(_date(end))
    latest_start, before_start = add_months(last, -11), add_months(last, -23)
    before = Period(
        "year_before",
        f"{before_start:%b %Y} to {add_months(last, -12):%b %Y}",
        before_start,
        _month_end(add_months(last, -12)),
    )
    latest = Period("latest_year", f"{latest_start:%b %Y} to {last:%b %Y}", latest_start, _month_end(last))
    return before, latest
