"""The headline questions over payment lines asked of the raw lines with pandas, as an analyst would: one function
per registered query in benchmarks.equivalents, each returning the columns DuckDB's answer has."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from benchmarks.raw import Raw


def _between(series: pd.Series, low: dt.date, high: dt.date) -> pd.Series:
    return (series >= pd.Timestamp(low)) & (series <= pd.Timestamp(high))


def _lines(
    raw: Raw,
    start: dt.date,
    end: dt.date,
    columns: list[str],
    boroughs: tuple[str, ...] | None = None,
    category: str | None = None,
    tech_only: bool = True,
    keep_untagged: bool = False,
) -> pd.DataFrame:
    """The given columns of the lines paid in months start..end, of the chosen boroughs and tech category
    (keep_untagged also keeps the lines that are not tech, for coverage counts)."""
    spend = raw.spend
    chosen = _between(spend["payment_month"], start, end)
    if boroughs:
        chosen &= spend["borough_code"].isin(list(boroughs))
    tech = spend["tech_category"]
    if category is not None:
        chosen &= (tech == category) | (tech.isna() if keep_untagged else False)
    elif tech_only:
        chosen &= tech.notna()
    return spend.loc[chosen, columns]


def _labelled(tech_categories: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame's rows of a known tech category, with its label and sort order."""
    categories = tech_categories.rename(columns={"label": "tech_category_label"})
    return frame.merge(categories, on="tech_category", how="inner")


def borough_measures(raw: Raw, *, start: dt.date, end: dt.date, category: str | None = None) -> pd.DataFrame:
    window = _lines(raw, start, end, ["borough_code", "payment_month", "tech_category", "amount_gbp"], tech_only=False)
    tech = window[window["tech_category"].notna() & (True if category is None else window["tech_category"] == category)]
    spend = pd.DataFrame(
        {
            "months_covered": window.groupby("borough_code", observed=True)["payment_month"].nunique(),
            "tech_spend_gbp": tech.groupby("borough_code", observed=True)["amount_gbp"].sum(),
            "lines": tech.groupby("borough_code", observed=True).size(),
        }
    )
    spend.index = spend.index.astype(str)
    out = raw.boroughs.set_index("borough_code").join(spend)
    covered = out["months_covered"].fillna(0) > 0
    out["tech_spend_gbp"] = out["tech_spend_gbp"].fillna(0).where(covered)
    out["tech_spend_per_resident_gbp"] = out["tech_spend_gbp"] / out["population"].replace(0, np.nan)
    for column in ("lines", "months_covered"):
        out[column] = out[column].fillna(0)
    out["london_median_per_resident_gbp"] = out["tech_spend_per_resident_gbp"].median()
    return out.reset_index().sort_values("borough_name")


def category_spend(raw: Raw, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = ()) -> pd.DataFrame:
    lines = _lines(raw, start, end, ["tech_category", "amount_gbp"], boroughs)
    out = lines.groupby("tech_category").agg(tech_spend_gbp=("amount_gbp", "sum"), lines=("amount_gbp", "size"))
    return _labelled(raw.tech_categories, out.reset_index()).sort_values(
        ["tech_spend_gbp", "tech_category"], ascending=[False, True]
    )


def spend_over_time(
    raw: Raw,
    *,
    start: dt.date,
    end: dt.date,
    boroughs: tuple[str, ...] = (),
    category: str | None = None,
    grain: str = "month",
) -> pd.DataFrame:
    lines = _lines(raw, start, end, ["payment_month", "tech_category", "amount_gbp"], boroughs, category)
    period = lines["payment_month"].dt.to_period("M" if grain == "month" else "Q").dt.start_time
    out = (
        lines.assign(period_start=period)
        .groupby(["period_start", "tech_category"])
        .agg(tech_spend_gbp=("amount_gbp", "sum"), lines=("amount_gbp", "size"))
        .reset_index()
    )
    return _labelled(raw.tech_categories, out).sort_values(["period_start", "sort_order"])


def spend_summary(
    raw: Raw, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = (), category: str | None = None
) -> pd.DataFrame:
    lines = _lines(
        raw,
        start,
        end,
        ["borough_code", "payment_month", "tech_category", "amount_gbp", "is_redacted"],
        boroughs,
        category,
        tech_only=False,
        keep_untagged=True,
    )
    tech = lines[lines["tech_category"].notna()]
    return pd.DataFrame(
        [
            {
                "tech_spend_gbp": float(tech["amount_gbp"].sum()),
                "lines": len(tech),
                "redacted_lines": int(tech["is_redacted"].sum()),
                "boroughs_with_data": lines["borough_code"].nunique(),
                "bodies_with_data": 0,
                "bodies_tech_spend_gbp": 0.0,  # the generated data has boroughs' spend only
                "months_with_data": lines["payment_month"].nunique(),
            }
        ]
    )


def _by_supplier(raw: Raw, start: dt.date, end: dt.date, boroughs, category, keys: list[str]) -> pd.DataFrame:
    lines = _lines(
        raw,
        start,
        end,
        ["borough_code", "tech_category", "supplier_id", "amount_gbp", "is_redacted"],
        boroughs,
        category,
    )
    lines = lines[~lines["is_redacted"]]
    # the lines' publishers: boroughs, and London-wide bodies (the GLA, TfL)
    code = lines["borough_code"].astype(str)
    is_borough = code.isin(raw.boroughs["borough_code"])
    lines = lines.assign(borough=code.where(is_borough), body=code.where(~is_borough))
    return (
        lines.groupby(keys, dropna=False, observed=True)
        .agg(
            amount_gbp=("amount_gbp", "sum"),
            lines=("amount_gbp", "size"),
            boroughs=("borough", "nunique"),
            bodies=("body", "nunique"),
        )
        .reset_index()
    )


def top_suppliers(
    raw: Raw,
    *,
    start: dt.date,
    end: dt.date,
    boroughs: tuple[str, ...] = (),
    category: str | None = None,
    limit: int = 10,
) -> pd.DataFrame:
    s = _by_supplier(raw, start, end, boroughs, category, ["supplier_id"]).rename(
        columns={"amount_gbp": "tech_spend_gbp"}
    )
    s = s.sort_values(["tech_spend_gbp", "supplier_id"], ascending=[False, True], na_position="last")
    positive = s["tech_spend_gbp"].where(s["tech_spend_gbp"] > 0)
    s = s.assign(rank=np.arange(1, len(s) + 1), share_pct=100 * positive / positive.sum(), suppliers_total=len(s))
    names = raw.suppliers.set_index("supplier_id")["canonical_name"]
    s["supplier_name"] = s["supplier_id"].map(names).fillna(s["supplier_id"])
    return s.head(limit + 1)
