"""Measures and dimensions, defined once: queries, chart titles, table headers and CSV headers use these names."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    definition: str
    fmt: str  # "gbp", "gbp_per_head", "count"

    def format(self, value: object) -> str:
        if value is None:
            return "–"
        number = float(value)
        if self.fmt == "gbp":
            return format_gbp(number)
        if self.fmt == "gbp_per_head":
            return f"£{number:,.2f}"
        return f"{int(number):,}"


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
    Measure("share_pct", "Market share (%)", "Supplier's share of the category's tech spend.", "count"),
    Measure("budget_gbp", "Budget (£)", "The budget a borough states for a challenge, where it gives one.", "gbp"),
)}

DIMENSIONS: dict[str, str] = {
    "borough_code": "GSS code",
    "borough_name": "Borough",
    "tech_category": "Tech category code",
    "tech_category_label": "Tech category",
    "payment_month": "Month",
    "quarter": "Quarter",
    "financial_year": "Financial year",
    "supplier_name": "Supplier",
    "challenge_id": "Challenge id",
    "borough_names": "Boroughs",
    "led_to_procurement": "Led to a procurement",
    "url": "Web page",
}


def label(column: str) -> str:
    """The display and CSV header for a column: a measure label, a dimension label, or the name itself."""
    if column in MEASURES:
        return MEASURES[column].label
    return DIMENSIONS.get(column, column.replace("_", " ").capitalize())
