"""Business rules: the demand calendar's confidence labels, re-procurement and replacement rules, value bands,
and the publication-quality score's components."""

from __future__ import annotations

import math
from dataclasses import dataclass

from loti_demand.metrics.measures import format_gbp

# --- Demand calendar rules (shared by the demand_items mart's documentation, the pages and the exports) ------

STATUTORY = "statutory notice"
INFERRED = "inferred from contract end date"
LONDON_WIDE = "London-wide body"  # a London buyer that is not a borough (GLA, TfL, London Councils...)


@dataclass(frozen=True)
class ReprocurementRule:
    """When a buyer is expected to go back to market for a contract that is ending (an inference, not a notice):
    the lead time before its end date, but not before its start date (a short contract is not re-procured before it
    has begun; the award date is not published apart from the start).

    Mirrored in warehouse/models/marts/demand_items.sql; tests/test_page_calendar.py checks they agree.
    """

    threshold_gbp: int = 2_000_000  # UK1 pipeline notices list contracts over £2m
    lead_months_large: int = 12
    lead_months_small: int = 6

    def lead_months(self, value_gbp: float | None) -> int:
        large = value_gbp is not None and value_gbp >= self.threshold_gbp
        return self.lead_months_large if large else self.lead_months_small

    def explain(self) -> str:
        return (
            f"For a contract that is ending we expect the buyer to go back to market "
            f"{self.lead_months_large} months before its end date when it is worth "
            f"{format_gbp(self.threshold_gbp)} or more (the size of contract a UK1 pipeline notice must list), "
            f"and {self.lead_months_small} months before otherwise, including when no value is published; "
            "but never before the contract starts: a contract that runs for less than that is expected from its start."
        )


REPROCUREMENT = ReprocurementRule()


@dataclass(frozen=True)
class ReplacementRule:
    """When an upcoming notice is taken to replace a buyer's current contract, whose suppliers are then shown as its
    incumbents (an inference, with the reason shown beside it).

    Mirrored in warehouse/models/marts/contract_replacements.sql; tests/test_replacements.py checks they agree.
    """

    near_before_months: int = 6  # timing: the current contract ends at most this long before the new one starts
    near_after_months: int = 12  # ... or at most this long after (buyers go to market before a contract ends)
    said_before_months: int = 12  # wording or title: the wider window the current contract must end in
    said_after_months: int = 24
    min_title_chars: int = 12  # a repeated title this short ("IT support") says too little
    max_text_chars: int = 20_000  # the notice's title and description are read this far for wording and titles
    # Categories so broad that two of a buyer's contracts in one of them ending near each other say nothing: timing
    # matches in them only when the titles also share a word that says what is bought (title_words in macros.sql,
    # which leaves out the words any title may say: generic_title_words)
    broad_categories: tuple[str, ...] = ("software", "it_services", "ict_other")

    def explain(self) -> str:
        return (
            f"An upcoming notice is taken to replace a current contract of the same buyer when they are in the "
            f"same category and the contract ends between {self.near_before_months} months before and "
            f"{self.near_after_months} months after the new contract would start (its planned start, or the "
            f"notice's date), in software, IT support or other IT only when their titles share a word that says "
            f'what is bought; or when the notice says so ("re-procurement", "replacement of", "existing '
            f"contract\"...) and their titles share such a word, or it repeats the contract's title, and the "
            f"contract ends between {self.said_before_months} months before and {self.said_after_months} months "
            f'after that start. Words any title may say ("system", "software", "services", "re-procurement"...) '
            f"do not count. A contract that began after the notice was published, or that ends after the new "
            f"contract would, is never the one it replaces. The contract's suppliers are then the notice's "
            f"*current suppliers*, with the reason beside them."
        )


REPLACEMENT = ReplacementRule()


@dataclass(frozen=True)
class ValueBand:
    key: str
    label: str
    lower: float | None  # inclusive
    upper: float | None  # exclusive


# Mirrored in demand_items.sql (value_band); a test checks every row agrees with value_band() below.
VALUE_BANDS: tuple[ValueBand, ...] = (
    ValueBand("under_100k", "Under £100k", 0, 100_000),
    ValueBand("100k_500k", "£100k to under £500k", 100_000, 500_000),
    ValueBand("500k_2m", "£500k to under £2m", 500_000, 2_000_000),
    ValueBand("2m_10m", "£2m to under £10m", 2_000_000, 10_000_000),
    ValueBand("10m_plus", "£10m or more", 10_000_000, None),
    ValueBand("unknown", "Value not published", None, None),
)
VALUE_BAND_LABELS = {b.key: b.label for b in VALUE_BANDS}


def value_band(value_gbp: float | None) -> str:
    """The key of the band a value falls in; 'unknown' when there is no value (negative values count as under £100k)."""
    if value_gbp is None or math.isnan(value_gbp):
        return "unknown"
    for band in VALUE_BANDS:
        if band.upper is not None and value_gbp < band.upper:
            return band.key
    return "10m_plus"


@dataclass(frozen=True)
class QualityComponent:
    name: str
    label: str
    definition: str


# The borough publication-quality score: each component is 0-100; the score is their plain average, leaving out
# a component that does not apply (shown as blank). Computed in queries/coverage_by_borough.sql with these rules'
# numbers passed as parameters (QUALITY_RULES).
QUALITY_RULES = {"grace_months": 1, "points_per_month": 10, "award_wait_months": 6}
QUALITY_COMPONENTS: tuple[QualityComponent, ...] = (
    QualityComponent(
        "timeliness_score",
        "Timeliness (0-100)",
        f"100 when the latest month of spend data is no more than {QUALITY_RULES['grace_months']} month behind the "
        f"data-as-of month; {QUALITY_RULES['points_per_month']} points fewer for each month beyond that, down to 0. "
        "0 when the borough has published no spend data.",
    ),
    QualityComponent(
        "completeness_score",
        "Months complete (0-100)",
        "Months in the period with at least one payment line, as a share of the months in the period.",
    ),
    QualityComponent(
        "clean_lines_score",
        "Lines loaded cleanly (0-100)",
        "Share of the lines read from the borough's spend files (all files, any period) that were not quarantined. "
        "Totals rows and lines with unreadable dates or amounts count against it. Blank when no files.",
    ),
    QualityComponent(
        "supplier_identified_score",
        "Payees identified (0-100)",
        "Share of payment lines in the period whose payee is named and matched to a supplier. Redacted payees "
        "count against it. Blank when there are no lines in the period.",
    ),
    QualityComponent(
        "tender_award_score",
        "Tenders with an award (0-100)",
        f"Share of the borough's tenders whose bid deadline was at least {QUALITY_RULES['award_wait_months']} "
        "months before the data-as-of date that have an award published under the same OCDS ID. Blank when there "
        "are no such tenders.",
    ),
)
QUALITY_SCORE = QualityComponent(
    "quality_score",
    "Publication-quality score (0-100)",
    "The average of the components that apply to the borough, rounded to a whole number.",
)
