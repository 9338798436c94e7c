"""The one CSV writer: the CLI `export` command and every download button use it.

Cells that a spreadsheet would run as a formula (starting =, +, -, @, tab or carriage return) are
prefixed with an apostrophe; numbers stay numbers; true/false are written Yes/No, as the pages say them.
Headers come from metrics.label so the CSV names match the screen.

The demand summary export (loti_demand.queries.export_summary) holds a header row and data rows only, so any CSV
reader takes it as it is. The data-as-of date, the grouping and the measure definitions go in a companion notes file
(Markdown) rather than in comment lines: a '#' comment convention is not understood by spreadsheets or by most CSV
readers, and pandas' comment='#' would also cut short any value containing '#'.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import numbers
import re
import shlex
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from loti_demand import config
from loti_demand.exceptions import LotiDemandError
from loti_demand.metrics import MEASURES, label
from loti_demand.presentation.words import plural
from loti_demand.queries.core import run
from loti_demand.queries.export_summary import columns_for, summary_coverage
from loti_demand.reference import Region

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Neutralise spreadsheet formula injection in text; leave numbers, dates and blanks alone; Yes/No for
    true/false (every CSV says a boolean the same way)."""
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "Yes" if value else "No"
    # numbers.Number covers Decimal and numpy scalars (a nullable Int64 column yields numpy.int64): a negative
    # number must stay a number, not be neutralised as if it were a formula.
    if isinstance(value, numbers.Number) and not isinstance(value, (bool, np.bool_)):
        if pd.isna(value):
            return ""
        if isinstance(value, (float, np.floating)):
            # To 15 significant digits, as a spreadsheet keeps them: a float's binary noise is not the figure shown
            # (a share of 100.00000000000001%), and a whole number read as a float (a count in a column with gaps)
            # is written as the screen shows it: 944, not 944.0.
            shown = float(f"{value:.15g}")
            if not math.isfinite(shown):  # the largest floats round past the largest
                return float(value)
            return int(shown) if shown.is_integer() and abs(shown) < 2**53 else shown
        return value
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def check_size(rows: int, max_rows: int | None = None) -> None:
    """Raise a clear error when an export would hold more rows than the configured limit."""
    limit = max_rows if max_rows is not None else int(config.get("max_export_rows"))
    if rows > limit:
        raise LotiDemandError(
            f"the export has {rows:,} rows, more than the limit of {limit:,}; narrow the filters "
            "or raise LOTI_DEMAND_MAX_EXPORT_ROWS"
        )


def to_csv_bytes(
    df: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    notes: Sequence[str] = (),
    bom: bool = True,
    max_rows: int | None = None,
) -> bytes:
    """CSV bytes for a DataFrame: labelled headers, stable column order, UTF-8 (with BOM for Excel)."""
    check_size(len(df), max_rows)
    columns = list(columns or df.columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([label(c) for c in columns])
    for row in _dates_as_dates(df[columns]).itertuples(index=False, name=None):
        writer.writerow([safe_cell(v) for v in row])
    for note in notes:
        writer.writerow([safe_cell("# " + note)])
    data = buffer.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def _dates_as_dates(df: pd.DataFrame) -> pd.DataFrame:
    """DuckDB DATE columns arrive as midnight timestamps: write those columns as 2025-03-01, not with 00:00:00."""
    dates = [
        c
        for c in df.columns
        if pd.api.types.is_datetime64_any_dtype(df[c]) and (df[c].dropna() == df[c].dropna().dt.normalize()).all()
    ]
    if not dates:
        return df
    return df.assign(**{c: df[c].dt.date.astype(object).where(df[c].notna(), None) for c in dates})


# --- The demand summary export's notes and file names -----------------------------------------------------------

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
    'London...), or "London-wide body" for other London buyers that are not boroughs.',
    "tech_category": "Tech category code from the taxonomy.",
    "tech_category_label": "Tech category name.",
    "month": "Calendar month, YYYY-MM.",
    "quarter": "Calendar quarter, YYYY-Qn (Q1 = January to March).",
    "financial_year": "UK public-sector financial year, April to March, written 2025-26.",
}


# --- Download file names ------------------------------------------------------------------------------------------

FILTER_CHARS = 30  # the most characters one filter's part of a file name takes (a search, a supplier id)
FILTERS_CHARS = 90  # and all the filters' parts together, so a name stays short whatever is chosen
MANY = 2  # more values chosen than this are counted in a file name ('3_boroughs'), not listed


def _cut(part: str, most: int) -> str:
    """A file name's part cut at a word ('-') to at most `most` characters."""
    if len(part) <= most:
        return part
    cut = part[: most + 1]
    return (cut.rsplit("-", 1)[0] if "-" in cut[1:] else cut[:most]).rstrip("-+_")


def file_part(value: object, most: int = FILTER_CHARS) -> str:
    """A value chosen in a filter as a piece of a file name: its letters and digits (accents dropped), any other
    run of characters one '-' (an underscore too: '_' parts a file name), cut at a word to at most `most`
    characters; '' for no value."""
    if value is None or value == "":
        return ""
    ascii_text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return _cut(re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-"), most)


def chosen_part(values: Sequence[object], noun: str) -> str | None:
    """The values chosen in a filter as a file name's part: one or two listed ('E09000007+GLA'), more counted
    ('3_boroughs'); None when none is chosen (all)."""
    values = [v for v in values if v]
    if not values:
        return None
    if len(values) > MANY:
        return f"{len(values)}_{noun}"
    return "+".join(file_part(v) for v in values)


def search_part(words: str | None) -> str | None:
    """Search words as a file name's part ('search-cloud-hosting'); None for no search."""
    words = file_part(str(words or "").lower(), FILTER_CHARS - len("search-"))
    return f"search-{words}" if words else None


def file_stem(
    table: str,
    *filters: str | None,
    month_from: dt.date | None = None,
    month_to: dt.date | None = None,
    as_of: dt.date | None = None,
) -> str:
    """A download's file name (without .csv): what it holds, the filters chosen that change its rows (each a
    part made by file_part, chosen_part or search_part; None: not chosen), the months it covers as months (not as a
    relative key such as last12, which names other months next quarter) and the data-as-of date:
    `top_10_suppliers_E09000007+GLA_software_2025-04_to_2026-03_as_of_2026-03-31`. The filters' parts together
    take at most FILTERS_CHARS (the longest shortened first)."""
    parts = [_cut(re.sub(r"[^A-Za-z0-9+_-]+", "-", f), FILTER_CHARS) for f in filters if f]
    while sum(len(p) + 1 for p in parts) > FILTERS_CHARS:
        longest = max(range(len(parts)), key=lambda i: len(parts[i]))
        parts[longest] = _cut(parts[longest], len(parts[longest]) - 1)
        parts = [p for p in parts if p]
    span = f"_{month_from:%Y-%m}" if month_from else ""
    span += f"_to_{month_to:%Y-%m}" if month_to else ""
    return "_".join([table, *parts]) + span + (f"_as_of_{as_of:%Y-%m-%d}" if as_of else "")


def summary_name(by: tuple[str, ...]) -> str:
    """The demand summary's name in its file names: what it is grouped by."""
    return f"demand_summary_by_{'_'.join(by) or 'total'}"


def summary_file_stem(by: tuple[str, ...], month_from: dt.date | None, month_to: dt.date | None, as_of: dt.date) -> str:
    return file_stem(summary_name(by), month_from=month_from, month_to=month_to, as_of=as_of)


def summary_command_line(
    by: tuple[str, ...],
    month_from: dt.date | None,
    month_to: dt.date | None,
    out: str = "FILE",
    warehouse: Path | None = None,
) -> str:
    """The CLI command that writes the same CSV: from `warehouse`, named with --warehouse unless it is the default
    one (the command would otherwise read the default warehouse, not this one)."""
    by_text = ",".join(by) or '""'
    other = warehouse is not None and Path(warehouse).resolve() != config.path("warehouse", default=True).resolve()
    return (
        "python -m loti_demand export summary"
        + (f" --warehouse {shlex.quote(str(warehouse))}" if other else "")
        + f" --by {by_text}"
        + (f" --from {month_from:%Y-%m}" if month_from else "")
        + (f" --to {month_to:%Y-%m}" if month_to else "")
        + f" --out {out}"
    )


def spend_coverage(
    con: duckdb.DuckDBPyConnection, month_from: dt.date | None, month_to: dt.date | None, region: Region
) -> str:
    """What the summary's spend rests on: the authorities and area-wide bodies with spend data, and its months."""
    row = summary_coverage(con, month_from=month_from, month_to=month_to).iloc[0]
    if not row["boroughs_with_spend"] and not row["bodies_with_spend"]:
        return "Spend: no spend files cover these months."
    bodies = int(row["bodies_with_spend"])
    return (
        f"Spend from {int(row['boroughs_with_spend'])} of the {int(row['boroughs'])} {region.authorities} and "
        f"{bodies} {region.name}-wide {'body' if bodies == 1 else 'bodies'} with spend files, paid "
        f"{pd.Timestamp(row['first_month']):%B %Y} to {pd.Timestamp(row['last_month']):%B %Y}; a blank spend cell "
        f"is a {region.authority} or body with no spend files loaded (missing, not zero)."
    )


def _month(value: object) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def summary_notes(
    con: duckdb.DuckDBPyConnection,
    *,
    by: tuple[str, ...],
    month_from: dt.date | None,
    month_to: dt.date | None,
    rows: int,
    warehouse: Path | None = None,
) -> str:
    """The companion notes: data as of, what was asked for (and the command that writes the same file from
    `warehouse`), and each column's definition."""
    info = run(con, "build_info").iloc[0]

    def day(value: object) -> str:
        return "unknown" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d}"

    span = run(con, "summary_months").iloc[0]
    first, last = month_from or _month(span["first_month"]), month_to or _month(span["last_month"])
    months = f"{first:%Y-%m} to {last:%Y-%m}" if first and last else "all (there are none)"
    region = Region.of_build(info)
    area = region.name
    lines = [
        f"# {area} tech demand summary: notes",
        "",
        f"- Data as of: {day(info['data_as_of'])} (spend to {day(info['spend_as_of'])}, notices to "
        f"{day(info['notices_as_of'])}); warehouse built {day(info['built_at'])} by loti-demand "
        f"{info['loti_demand_version']}, tech taxonomy version {info['taxonomy_version']}.",
        "- Synthetic sample data, not real council data." if bool(info["is_sample"]) else "- Built from real data.",
        f"- Grouped by: {', '.join(by) or f'nothing (one {area}-wide total)'}; months {months}; "
        f"{plural(rows, 'row', 'rows')}.",
        f"- Same file from the command line: `{summary_command_line(by, month_from, month_to, warehouse=warehouse)}`.",
        f"- {spend_coverage(con, month_from, month_to, region)}",
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
