"""Measures and dimensions, defined once: queries, chart titles, table headers and CSV headers use these names."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    definition: str
    fmt: str  # "gbp", "gbp_per_head", "count", "pct" (0-100), "index" (a whole-number score such as HHI)

    def format(self, value: object) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            return "–"
        number = float(value)
        if self.fmt == "gbp":
            return format_gbp(number)
        if self.fmt == "gbp_per_head":
            return f"£{number:,.2f}"
        if self.fmt == "pct":
            return f"{number:.1f}%"
        return f"{round(number):,}"


def format_gbp(value: float) -> str:
    """£12.3m, £450k, £900: short forms for headline figures."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1_000_000_000:
        return f"{sign}£{value / 1_000_000_000:,.2f}bn"
    if value >= 1_000_000:
        return f"{sign}£{value / 1_000_000:,.1f}m"
    if value >= 10_000:
        return f"{sign}£{value / 1_000:,.0f}k"
    return f"{sign}£{value:,.0f}"


MEASURES: dict[str, Measure] = {m.name: m for m in (
    Measure("tech_spend_gbp", "Tech spend (£)",
            "Sum of payment lines over £500 classified as technology, net of credit notes, from council spend files.",
            "gbp"),
    Measure("tech_spend_per_resident_gbp", "Tech spend per resident (£)",
            "Tech spend divided by the borough's ONS mid-year population (see boroughs.population_year).",
            "gbp_per_head"),
    Measure("all_spend_gbp", "All spend (£)", "Sum of all loaded payment lines, tech or not.", "gbp"),
    Measure("pipeline_value_gbp", "Pipeline value (£)",
            "Estimated value of procurements at planning or tender stage (UK1-UK4 notices) expected to come to "
            "market in the period; a notice's estimate, not money spent.", "gbp"),
    Measure("pipeline_count", "Upcoming procurements", "Number of procurement processes in the pipeline.", "count"),
    Measure("open_challenges", "Open challenges", "Challenge statements with status open.", "count"),
    Measure("contracts_expiring", "Contracts expiring",
            "Awarded contracts whose end date falls in the period.", "count"),
    Measure("expiring_value_gbp", "Expiring contract value (£)", "Award value of the contracts expiring.", "gbp"),
    Measure("lines", "Payment lines", "Number of payment lines behind the figure.", "count"),
    Measure("share_pct", "Market share (%)",
            "Supplier's share of the tech spend paid to named suppliers in the selection. Payments whose payee the "
            "council redacted are left out, because they cannot be given to a supplier, and so are suppliers whose "
            "credit notes exceed their payments in the period.", "pct"),
    Measure("hhi", "HHI (0 to 10,000)",
            "Herfindahl-Hirschman Index: add up the square of every supplier's market share in per cent. 10,000 "
            "means one supplier has all the spend. The UK merger assessment guidelines (OFT1254, 2010, section 5.3) "
            "call a market over 1,000 concentrated and over 2,000 highly concentrated.", "index"),
    Measure("top3_share_pct", "Top 3 share (%)",
            "Share of the named-supplier tech spend that went to the three largest suppliers.", "pct"),
    Measure("suppliers", "Suppliers", "Number of named suppliers paid.", "count"),
    Measure("named_spend_gbp", "Named-supplier spend (£)",
            "Tech spend whose payee was published (not redacted), with suppliers paid more than they credited: the "
            "base for market shares.", "gbp"),
    Measure("london_median_per_resident_gbp", "London median per resident (£)",
            "The middle value of tech spend per resident across the boroughs with spend data in the period.",
            "gbp_per_head"),
    Measure("population", "Population", "ONS mid-year population estimate (see boroughs.population_year).",
            "count"),
    Measure("months_covered", "Months of spend data",
            "Calendar months in the period for which the borough's spend files hold at least one payment line.",
            "count"),
    Measure("notices", "Procurement notices", "Procurement processes published by the borough (any stage).",
            "count"),
    Measure("challenge_statements", "Challenge statements", "Challenge statements the borough has set.", "count"),
    Measure("spend_files", "Spend files", "Spend files read for the borough.", "count"),
    Measure("lines_quarantined", "Lines quarantined",
            "Lines set aside because a value could not be read (see load_issues).", "count"),
    Measure("lines_duplicate", "Duplicate lines", "Lines already loaded from an earlier file.", "count"),
    Measure("value_gbp", "Estimated value (£)", "The buyer's estimate of the contract value in the notice.",
            "gbp"),
    Measure("award_value_gbp", "Award value (£)", "Total value of the contract as awarded.", "gbp"),
    Measure("budget_gbp", "Budget (£)", "Budget stated in the challenge, where given.", "gbp"),
    Measure("sme_suitable_value_gbp", "Pipeline value marked suitable for SMEs (£)",
            "Estimated value of pipeline notices whose buyer says the opportunity suits small and medium-sized "
            "enterprises (SMEs).", "gbp"),
    Measure("sme_share_pct", "Share of pipeline value suitable for SMEs (%)",
            "Pipeline value marked suitable for SMEs as a share of the pipeline value whose notices say either "
            "way.", "pct"),
)}

# Measures the borough map can colour by, in the order the page offers them.
MAP_MEASURES = ("tech_spend_gbp", "tech_spend_per_resident_gbp", "pipeline_value_gbp", "open_challenges",
                "contracts_expiring")

DIMENSIONS: dict[str, str] = {
    "borough_code": "GSS code",
    "borough_name": "Borough",
    "tech_category": "Tech category code",
    "tech_category_label": "Tech category",
    "payment_month": "Month",
    "quarter": "Quarter",
    "financial_year": "Financial year",
    "supplier_name": "Supplier",
    "period_start": "Period starting",
    "inner_outer": "Inner or Outer London",
    "title": "Title",
    "notice_type": "Notice type",
    "market_date": "Expected to come to market",
    "contract_end": "Contract ends",
    "supplier_names": "Suppliers",
    "theme": "Theme",
    "closes_on": "Closes on",
    "url": "Link",
    "is_sme_suitable": "Suitable for SMEs",
    "concentration": "Concentration",
    "rank": "Rank",
}


def label(column: str) -> str:
    """The display and CSV header for a column: a measure label, a dimension label, or the name itself."""
    if column in MEASURES:
        return MEASURES[column].label
    return DIMENSIONS.get(column, column.replace("_", " ").capitalize())


# --- Reference implementations of the supplier measures. The SQL in queries/ computes them in bulk; the tests
# check the two agree on the sample warehouse.


def market_shares(amounts: Iterable[float]) -> list[float]:
    """Each supplier's net spend as a percentage (0-100) of the total. Suppliers whose credit notes exceed their
    payments (net zero or less) have no share and are left out of the base; no positive spend gives no shares."""
    values = [float(a) for a in amounts if float(a) > 0]
    total = sum(values)
    return [100 * v / total for v in values] if total else []


def hhi(amounts: Iterable[float]) -> float | None:
    """Herfindahl-Hirschman Index on the 0-10,000 scale: the sum of squared percentage shares."""
    shares = market_shares(amounts)
    return sum(s * s for s in shares) if shares else None


def top_share(amounts: Iterable[float], n: int = 3) -> float | None:
    """Percentage of the (positive) total held by the n largest suppliers."""
    shares = sorted(market_shares(amounts), reverse=True)
    return sum(shares[:n]) if shares else None


def concentration_band(index: float | None) -> str:
    """Plain-English reading of an HHI, using the UK merger guidelines' thresholds (1,000 and 2,000)."""
    if index is None or (isinstance(index, float) and math.isnan(index)):
        return "No named-supplier spend"
    if index > 2000:
        return "Highly concentrated"
    if index > 1000:
        return "Concentrated"
    return "Not concentrated"
