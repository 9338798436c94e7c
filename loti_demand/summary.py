"""The demand summary export: tech spend, pipeline, expiring contracts and challenges by borough x tech category x
period. One library function serves the Exports page and `python -m loti_demand export summary`.

The CSV holds a header row and data rows only, so any CSV reader takes it as it is. The data-as-of date, the
grouping and the measure definitions go in a companion notes file (Markdown) rather than in comment lines: a
'#' comment convention is not understood by spreadsheets or by most CSV readers, and pandas' comment='#' would
also cut short any value containing '#'.
"""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pandas as pd

from loti_demand.exceptions import LotiDemandError
from loti_demand.metrics import MEASURES, label
from loti_demand.queries.core import run, run_long

# Allow-listed dimensions -> the columns each adds, in order.
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "borough": ("borough_code", "borough_name"),
    "category": ("tech_category", "tech_category_label"),
    "month": ("month",),
    "quarter": ("quarter",),
    "financial_year": ("financial_year",),
}
MEASURE_COLUMNS = ("tech_spend_gbp", "lines", "pipeline_count", "pipeline_value_gbp", "contracts_expiring",
                   "expiring_value_gbp", "challenges_opened")
DEFAULT_BY = ("borough", "category", "quarter")

# How each measure is placed in a period (the date it is counted by).
PERIOD_RULES = {
    "tech_spend_gbp": "payment month",
    "lines": "payment month",
    "pipeline_count": "expected market date (planning notices) or tender deadline (tenders)",
    "pipeline_value_gbp": "expected market date (planning notices) or tender deadline (tenders)",
    "contracts_expiring": "contract end date",
    "expiring_value_gbp": "contract end date",
    "challenges_opened": "opening date",
}
DIMENSION_NOTES = {
    "borough_code": "ONS GSS code of the borough; blank for London-wide bodies (GLA, TfL, London Councils).",
    "borough_name": "Borough name; for a London-wide body its own name (Greater London Authority, Transport for "
                    "London...), or \"London-wide body\" for other London buyers that are not boroughs.",
    "tech_category": "Tech category code from the taxonomy.",
    "tech_category_label": "Tech category name.",
    "month": "Calendar month, YYYY-MM.",
    "quarter": "Calendar quarter, YYYY-Qn (Q1 = January to March).",
    "financial_year": "UK public-sector financial year, April to March, written 2025-26.",
}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_by(text: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """'borough,category,quarter' -> ('borough', 'category', 'quarter'); unknown names are a clear error."""
    parts = [p.strip().lower() for p in text.split(",")] if isinstance(text, str) else [p.strip() for p in text]
    parts = [p for p in parts if p]
    unknown = [p for p in parts if p not in DIMENSIONS]
    if unknown:
        raise LotiDemandError(f"--by: {', '.join(repr(u) for u in unknown)} is not a dimension; choose from "
                              f"{', '.join(DIMENSIONS)} (comma-separated, e.g. --by borough,category,quarter)")
    if len(set(parts)) != len(parts):
        raise LotiDemandError("--by: each dimension may be given once")
    return tuple(parts)


def parse_month(text: str | None, option: str) -> dt.date | None:
    """'2025-04' -> date(2025, 4, 1); None stays None."""
    if text is None or text == "":
        return None
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise LotiDemandError(f"{option}: {text!r} is not a month; write it as YYYY-MM, e.g. 2025-04")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def columns_for(by: tuple[str, ...]) -> list[str]:
    return [c for d in by for c in DIMENSIONS[d]] + list(MEASURE_COLUMNS)


def grain(by: tuple[str, ...]) -> str:
    """The chosen dimensions in DIMENSIONS order, e.g. 'borough,category,quarter': the key of agg_demand_summary."""
    return ",".join(d for d in DIMENSIONS if d in by)


# Every choice of dimensions the summary offers: area or not, category or not, and one period or none.
GRAINS = tuple(tuple(d for d in (area, category, period) if d)
               for area in ("borough", None) for category in ("category", None)
               for period in ("month", "quarter", "financial_year", None))


def demand_summary(con: duckdb.DuckDBPyConnection, *, by: tuple[str, ...], month_from: dt.date | None = None,
                   month_to: dt.date | None = None) -> pd.DataFrame:
    """The summary table for the chosen dimensions (in the order given) and months (inclusive; None = open).

    Over the whole period (no months chosen, as the Exports page opens) the build has already grouped the rows
    (agg_demand_summary); a range of months groups the monthly facts here. Both give the same table.
    """
    by = parse_by(by)
    if month_from is None and month_to is None:
        return _arranged(run_long(con, "demand_summary_whole_period", only=tuple(columns_for(by)),
                                          grain=grain(by)), by)
    return grouped(con, by=by, month_from=month_from, month_to=month_to)


def grouped(con: duckdb.DuckDBPyConnection, *, by: tuple[str, ...], month_from: dt.date | None,
            month_to: dt.date | None) -> pd.DataFrame:
    """demand_summary() grouped from the monthly facts for any months (the build stores it for the whole period)."""
    by = parse_by(by)
    if month_from and month_to and month_from > month_to:
        raise LotiDemandError(f"--from {month_from:%Y-%m} is after --to {month_to:%Y-%m}")
    df = run_long(con, "demand_summary", only=(*columns_for(by), "row_no"),
                          **_params(by, month_from, month_to))
    return _arranged(df.sort_values("row_no"), by)


def _params(by: tuple[str, ...], month_from: dt.date | None, month_to: dt.date | None) -> dict:
    return {"month_from": month_from, "month_to": month_to, **{f"by_{d}": d in by for d in DIMENSIONS}}


def _arranged(df: pd.DataFrame, by: tuple[str, ...]) -> pd.DataFrame:
    """Rows in row_no order (by the chosen dimensions in DIMENSIONS order) -> the chosen columns, sorted by the
    chosen dimensions in the order given."""
    df = df[columns_for(by)].reset_index(drop=True)
    if grain(by) == ",".join(by):
        return df
    return df.sort_values([DIMENSIONS[d][0] for d in by], kind="stable").reset_index(drop=True)


def file_stem(by: tuple[str, ...], month_from: dt.date | None, month_to: dt.date | None, as_of: dt.date) -> str:
    span = f"_{month_from:%Y-%m}" if month_from else ""
    span += f"_to_{month_to:%Y-%m}" if month_to else ""
    return f"demand_summary_by_{'_'.join(by) or 'total'}{span}_as_of_{as_of:%Y-%m-%d}"


def command_line(by: tuple[str, ...], month_from: dt.date | None, month_to: dt.date | None,
                 out: str = "FILE") -> str:
    """The CLI command that writes the same CSV."""
    by_text = ",".join(by) or '""'
    return (f"python -m loti_demand export summary --by {by_text}"
            + (f" --from {month_from:%Y-%m}" if month_from else "") + (f" --to {month_to:%Y-%m}" if month_to else "")
            + f" --out {out}")


def notes(con: duckdb.DuckDBPyConnection, *, by: tuple[str, ...], month_from: dt.date | None,
          month_to: dt.date | None, rows: int) -> str:
    """The companion notes: data as of, what was asked for, and each column's definition."""
    info = run(con, "build_info").iloc[0]

    def day(value: object) -> str:
        return "unknown" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d}"

    months = f"{month_from:%Y-%m}" if month_from else "the earliest month"
    months += f" to {month_to:%Y-%m}" if month_to else " to the latest month"
    lines = [
        "# London tech demand summary: notes",
        "",
        f"- Data as of: {day(info['data_as_of'])} (spend to {day(info['spend_as_of'])}, notices to "
        f"{day(info['notices_as_of'])}); warehouse built {day(info['built_at'])} by loti-demand "
        f"{info['loti_demand_version']}, tech taxonomy version {info['taxonomy_version']}.",
        "- Synthetic sample data, not real council data." if bool(info["is_sample"]) else "- Built from real data.",
        f"- Grouped by: {', '.join(by) or 'nothing (one London-wide total)'}; months {months}; {rows:,} rows.",
        f"- Same file from the command line: `{command_line(by, month_from, month_to)}`.",
        "- Only technology is counted: spend lines, notices, contracts and challenges classified into a tech category.",
        "- A row appears for each combination with at least one payment, notice, contract or challenge.",
        "- Spend is money paid; pipeline and contract values are buyers' estimates and awarded values, not spend. "
        "Do not add them together.",
        "",
        "## Columns",
        "",
        "| Column header | Definition | Placed in a period by |",
        "|---|---|---|",
    ]
    for column in columns_for(by):
        definition = MEASURES[column].definition if column in MEASURES else DIMENSION_NOTES[column]
        lines.append(f"| {label(column)} | {definition} | {PERIOD_RULES.get(column, '')} |")
    return "\n".join(lines) + "\n"
