"""An independent pandas implementation of the documented demand rules, to check the SQL against.

Written from the rules as the pages state them (metrics.REPROCUREMENT, the calendar and collaboration method
text), not from the SQL: if the two disagree, one of them is wrong.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

PLANNING_NOTICES = {"UK1 pipeline", "UK2 engagement", "UK3 planned"}


def _first(*values):
    return next((v for v in values if not pd.isna(v)), None)


def demand_items(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per London procurement with its confidence, expected date, due-until date and value."""
    procs = con.execute("select * from procurements").df()
    rows = []
    for p in procs.itertuples():
        if not p.is_london:
            continue
        status = p.status if isinstance(p.status, str) else ""
        if status in {"cancelled", "withdrawn", "unsuccessful"}:
            continue
        awarded = (
            p.stage in ("award", "contract")
            or p.notice_type in ("award", "contract")
            or not pd.isna(p.award_value_gbp)
            or isinstance(p.supplier_names, str)
        )
        if awarded:
            value = _first(p.award_value_gbp, p.value_gbp)
            lead = 12 if value is not None and value >= 2_000_000 else 6
            end = None if pd.isna(p.contract_end) else pd.Timestamp(p.contract_end)
            start = None if pd.isna(p.contract_start) else pd.Timestamp(p.contract_start)
            expected = None if end is None else end - pd.DateOffset(months=lead)
            if expected is not None and start is not None and expected < start <= end:
                expected = start  # never before the contract starts
            confidence, due_until = "inferred from contract end date", end
        elif p.stage in ("planning", "tender") and status != "complete":
            planning = p.notice_type in PLANNING_NOTICES or status in ("planning", "planned") or p.stage == "planning"
            dates = (
                (p.expected_market_date, p.tender_start, p.tender_end)
                if planning
                else (p.tender_end, p.tender_start, p.expected_market_date)
            )
            expected = _first(*dates)
            expected = None if expected is None else pd.Timestamp(expected)
            confidence, due_until, value, lead = "statutory notice", expected, p.value_gbp, None
        else:
            continue
        rows.append(
            {
                "ocid": p.ocid,
                "borough_code": p.borough_code,
                "publisher_code": p.publisher_code,
                "tech_category": p.tech_category,
                "confidence": confidence,
                "expected_date": expected,
                "due_until": due_until,
                "value_gbp": None if pd.isna(value) else float(value),
                "lead_months": lead,
                "is_sme_suitable": p.is_sme_suitable,
                "contract_end": p.contract_end,
            }
        )
    return pd.DataFrame(rows)


def calendar(
    con: duckdb.DuckDBPyConnection, date_from: dt.date, date_to: dt.date, as_of: dt.date | None = None
) -> pd.DataFrame:
    """Tech items live in the window: expected on or before date_to and still live on date_from; already due when
    dated before the data-as-of date (build_info's unless given)."""
    as_of = as_of or con.execute("select data_as_of from build_info").fetchall()[0][0]
    items = demand_items(con)
    live = (
        items["expected_date"].notna()
        & items["tech_category"].notna()
        & (items["expected_date"] <= pd.Timestamp(date_to))
        & (items["due_until"] >= pd.Timestamp(date_from))
    )
    return items[live].assign(is_due_now=lambda d: d["expected_date"] < pd.Timestamp(as_of))


def collaboration_groups(
    con: duckdb.DuckDBPyConnection, date_from: dt.date, date_to: dt.date, months: int
) -> list[frozenset[str]]:
    """Candidate groups as sets of ocids: per category, greedy windows of `months` from each group's first item."""
    items = calendar(con, date_from, date_to)
    items = items[items["borough_code"].notna()].copy()
    items["placed_on"] = items["expected_date"].clip(lower=pd.Timestamp(date_from))
    groups = []
    for _, category in items.sort_values(["placed_on", "ocid"]).groupby("tech_category"):
        current, first = [], None
        for row in category.itertuples():
            if first is None or row.placed_on > first + pd.DateOffset(months=months):
                if current:
                    groups.append(current)
                current, first = [], row.placed_on
            current.append(row)
        groups.append(current)
    return [frozenset(r.ocid for r in g) for g in groups if len({r.borough_code for r in g}) >= 2]


# --- The measures the pages share, from the rules as the metrics define them -----------------------------------


def window(as_of: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """A period ahead: `months` whole calendar months starting with the month of the data-as-of date."""
    first = pd.Period(as_of, freq="M")
    return first.start_time.date(), (first + months - 1).end_time.date()


def pipeline(items: pd.DataFrame, start: dt.date, end: dt.date, category: str | None = None) -> pd.DataFrame:
    """The tech statutory notices whose expected date falls in the window."""
    when = pd.to_datetime(items["expected_date"])
    chosen = (
        (items["confidence"] == "statutory notice")
        & items["tech_category"].notna()
        & (when >= pd.Timestamp(start))
        & (when <= pd.Timestamp(end))
    )
    return items[chosen & (items["tech_category"] == category if category else chosen)]


def expiring(items: pd.DataFrame, start: dt.date, end: dt.date, category: str | None = None) -> pd.DataFrame:
    """The awarded tech contracts whose end date falls in the window."""
    ends = pd.to_datetime(items["contract_end"])
    chosen = (
        (items["confidence"] == "inferred from contract end date")
        & items["tech_category"].notna()
        & (ends >= pd.Timestamp(start))
        & (ends <= pd.Timestamp(end))
    )
    return items[chosen & (items["tech_category"] == category if category else chosen)]
