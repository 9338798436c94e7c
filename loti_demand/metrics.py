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
            "Sum of payment lines over £500 classified as technology, net of credit notes, from the spend files of "
            "boroughs and London-wide bodies: lines whose own words say technology (high confidence) and lines whose "
            "words are silent but whose supplier is known for technology (medium).", "gbp"),
    Measure("possible_tech_gbp", "Possibly tech (£)",
            "Spend not counted as tech spend because only the buying department, or a general heading such as "
            "'Communications & Computing', suggests technology (low confidence).", "gbp"),
    Measure("by_text_gbp", "Tech spend found by the line's words (£)",
            "Tech spend whose line says what was bought: an expense type, account, purpose or ProClass code.", "gbp"),
    Measure("by_heading_gbp", "By a general heading alone (£)",
            "Tech spend whose only description is a general heading such as 'Communications & Computing'.", "gbp"),
    Measure("by_supplier_gbp", "By the supplier's record (£)",
            "Tech spend whose line is silent but whose supplier is on the kept list of technology suppliers or has "
            "won technology contracts in the notices.", "gbp"),
    Measure("by_name_signal_gbp", "By the supplier's name (£)",
            "Tech spend whose line is silent but whose supplier is named as a technology company ('... Software "
            "Ltd').", "gbp"),
    Measure("by_correction_gbp", "By an officer's correction (£)",
            "Tech spend classified by a correction in data/reference/classification_corrections.csv.", "gbp"),
    Measure("unclassified_share_pct", "Share of spend not tech (%)",
            "Share of all the publisher's spend that nothing suggests is technology.", "pct"),
    Measure("tech_spend_per_resident_gbp", "Tech spend per resident (£)",
            "Tech spend divided by the borough's ONS mid-year population (see boroughs.population_year).",
            "gbp_per_head"),
    Measure("all_spend_gbp", "All spend (£)", "Sum of all loaded payment lines, tech or not.", "gbp"),
    Measure("pipeline_value_gbp", "Pipeline value (£)",
            "Estimated value of the tech procurements expected to come to market in the period: the statutory "
            "notices of the Demand calendar, dated as it dates them (UK1 pipeline, UK2 engagement and UK3 planned "
            "notices by the expected market date; UK4 tenders and Contracts Finder opportunities by the bid "
            "deadline), cancelled and withdrawn ones left out. A period ahead runs in whole months from the month "
            "of the data-as-of date. A notice's estimate, not money spent.", "gbp"),
    Measure("pipeline_count", "Upcoming procurements",
            "Number of tech procurements in the pipeline: the Demand calendar's statutory notices dated in the "
            "period.", "count"),
    Measure("open_challenges", "Open challenges",
            "Challenge statements whose status is open, as the borough that set them publishes it.", "count"),
    Measure("contracts_expiring", "Contracts expiring",
            "Awarded tech contracts whose end date falls in the period (in whole months from the month of the "
            "data-as-of date, for a period ahead); cancelled ones left out.", "count"),
    Measure("expiring_value_gbp", "Expiring contract value (£)",
            "Awarded value of the contracts expiring (the estimated value where no award value is published).",
            "gbp"),
    Measure("lines", "Payment lines", "Number of payment lines behind the figure.", "count"),
    Measure("challenges_opened", "Challenges opened",
            "Challenge statements that opened in the period (by opening date). A challenge set jointly by several "
            "boroughs counts once for each of them, and once in a London-wide total.", "count"),
    Measure("value_gbp", "Value (£)",
            "The notice's estimated value for an upcoming procurement; the awarded value (or, failing that, the "
            "estimated value) for a contract that is ending.", "gbp"),
    Measure("group_value_gbp", "Combined value (£)", "Sum of the stated values of the items in the group; "
            "items without a value are left out of the sum.", "gbp"),
    Measure("items", "Items", "Procurements in the group.", "count"),
    Measure("borough_count", "Boroughs", "Distinct boroughs in the group.", "count"),
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
    Measure("award_value_gbp", "Award value (£)", "Total value of the contract as awarded.", "gbp"),
    Measure("budget_gbp", "Budget (£)", "Budget stated in the challenge, where given.", "gbp"),
    # What is growing (loti_demand.growth): the latest year against the year before, as the Overview defines them
    Measure("spend_before_gbp", "Tech spend, year before (£)",
            "Tech spend in the year before, like for like: only the months a borough's or body's spend files cover in "
            "both years.", "gbp"),
    Measure("spend_latest_gbp", "Tech spend, latest year (£)",
            "Tech spend in the latest year, like for like: only the months a borough's or body's spend files cover in "
            "both years.", "gbp"),
    Measure("spend_change_pct", "Change in tech spend (%)",
            "Change from the year before in per cent; blank when the year before had none.", "pct"),
    Measure("procurements_before", "New tech procurements, year before",
            "London tech procurements whose first notice was published in the year before.", "count"),
    Measure("procurements_latest", "New tech procurements, latest year",
            "London tech procurements whose first notice was published in the latest year.", "count"),
    Measure("procurements_change_pct", "Change in new tech procurements (%)",
            "Change from the year before in per cent; blank when the year before had none.", "pct"),
    Measure("challenges_before", "Challenges opened, year before",
            "Challenge statements that opened in the year before.", "count"),
    Measure("challenges_latest", "Challenges opened, latest year",
            "Challenge statements that opened in the latest year.", "count"),
    Measure("challenges_change_pct", "Change in challenges opened (%)",
            "Change from the year before in per cent; blank when the year before had none.", "pct"),
    Measure("notices_before", "Notices mentioning it, year before",
            "London notices first published in the year before whose words the term's search finds.", "count"),
    Measure("notices_latest", "Notices mentioning it, latest year",
            "London notices first published in the latest year whose words the term's search finds.", "count"),
    Measure("statements_before", "Challenges mentioning it, year before",
            "Challenge statements opened in the year before whose words the term's search finds.", "count"),
    Measure("statements_latest", "Challenges mentioning it, latest year",
            "Challenge statements opened in the latest year whose words the term's search finds.", "count"),
    Measure("found_before", "Mentions, year before", "Notices and challenge statements mentioning the term.",
            "count"),
    Measure("found_latest", "Mentions, latest year", "Notices and challenge statements mentioning the term.",
            "count"),
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
    "publisher_name": "London-wide body",
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
    "month": "Month",
    # demand calendar and collaboration finder
    "area_name": "Borough or body",
    "buyer_name": "Buyer",
    "title": "Title",
    "confidence": "Confidence",
    "date_basis": "Date from",
    "expected_date": "Expected date",
    "is_due_now": "Already due",
    "contract_end": "Contract end",
    "current_contract_end": "Current contract ends",
    "new_contract_end": "New contract would end",
    "incumbent_match": "Why this is the current supplier",
    "replaces_ocid": "Replaces (OCDS ID)",
    # supplier profile
    "months_paid": "Months paid",
    "reprocurement_date": "Re-procurement expected",
    "replacement_date": "Replacement notice date",
    "replacement_title": "Replacement notice",
    "replacement_url": "Link to replacement notice",
    "last_notice_date": "Latest notice",
    "contract_start": "Contract start",
    "notice_type": "Notice type",
    "value_band_label": "Value band",
    "sme_suitability": "Suitable for SMEs",
    "notice_url": "Link to notice",
    "ocid": "OCDS ID",
    "group_id": "Group",
    "group_boroughs": "Boroughs in the group",
    "group_start": "Earliest date",
    "group_end": "Latest date",
    "period_start": "Period starting",
    "inner_outer": "Inner or Outer London",
    "supplier_names": "Suppliers",
    "incumbent_suppliers": "Current supplier(s)",
    "theme": "Theme",
    "closes_on": "Closes on",
    "is_sme_suitable": "Suitable for SMEs",
    "concentration": "Concentration",
    "rank": "Rank",
    "peer_name": "Borough or median",
    "peer_role": "Compared as",
    "term": "Term",
    "is_newly_frequent": "Newly frequent",
    "search_text": "Search for",
}

# --- Demand calendar rules (shared by the demand_items mart's documentation, the pages and the exports) ------

STATUTORY = "statutory notice"
INFERRED = "inferred from contract end date"
LONDON_WIDE = "London-wide body"  # a London buyer that is not a borough (GLA, TfL, London Councils...)


@dataclass(frozen=True)
class ReprocurementRule:
    """When a buyer is expected to go back to market for a contract that is ending (an inference, not a notice).

    Mirrored in warehouse/models/marts/demand_items.sql; tests/test_page_calendar.py checks they agree.
    """

    threshold_gbp: int = 2_000_000  # UK1 pipeline notices list contracts over £2m
    lead_months_large: int = 12
    lead_months_small: int = 6

    def lead_months(self, value_gbp: float | None) -> int:
        large = value_gbp is not None and value_gbp >= self.threshold_gbp
        return self.lead_months_large if large else self.lead_months_small

    def explain(self) -> str:
        return (f"For a contract that is ending we expect the buyer to go back to market "
                f"{self.lead_months_large} months before its end date when it is worth "
                f"{format_gbp(self.threshold_gbp)} or more (the size of contract a UK1 pipeline notice must list), "
                f"and {self.lead_months_small} months before otherwise, including when no value is published.")


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

    def explain(self) -> str:
        return (f"An upcoming notice is taken to replace a current contract of the same buyer when they are in the "
                f"same category and the contract ends between {self.near_before_months} months before and "
                f"{self.near_after_months} months after the new contract would start (its planned start, or the "
                f"notice's date); or when the notice says so (\"re-procurement\", \"replacement of\", \"existing "
                f"contract\"...) or repeats the contract's title, and the contract ends between "
                f"{self.said_before_months} months before and {self.said_after_months} months after that start. "
                f"The contract's suppliers are then the notice's *current suppliers*, with the reason beside them.")


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
        "timeliness_score", "Timeliness (0-100)",
        f"100 when the latest month of spend data is no more than {QUALITY_RULES['grace_months']} month behind the "
        f"data-as-of month; {QUALITY_RULES['points_per_month']} points fewer for each month beyond that, down to 0. "
        "0 when the borough has published no spend data."),
    QualityComponent(
        "completeness_score", "Months complete (0-100)",
        "Months in the period with at least one payment line, as a share of the months in the period."),
    QualityComponent(
        "clean_lines_score", "Lines loaded cleanly (0-100)",
        "Share of the lines read from the borough's spend files (all files, any period) that were not quarantined. "
        "Totals rows and lines with unreadable dates or amounts count against it. Blank when no files."),
    QualityComponent(
        "supplier_identified_score", "Payees identified (0-100)",
        "Share of payment lines in the period whose payee is named and matched to a supplier. Redacted payees "
        "count against it. Blank when there are no lines in the period."),
    QualityComponent(
        "tender_award_score", "Tenders with an award (0-100)",
        f"Share of the borough's tenders whose bid deadline was at least {QUALITY_RULES['award_wait_months']} "
        "months before the data-as-of date that have an award published under the same OCDS ID. Blank when there "
        "are no such tenders."),
)
QUALITY_SCORE = QualityComponent(
    "quality_score", "Publication-quality score (0-100)",
    "The average of the components that apply to the borough, rounded to a whole number.")


def label(column: str) -> str:
    """The display and CSV header for a column: a measure label, a dimension label, or the name itself."""
    if column in MEASURES:
        return MEASURES[column].label
    return DIMENSIONS.get(column, column.replace("_", " ").capitalize())

# Column headers of the Data and coverage page.
DIMENSIONS.update({
    "spend_files": "Spend files",
    "first_month": "First month",
    "latest_month": "Latest month",
    "latest_file": "Latest file",
    "months_with_data": "Months with data",
    "months_expected": "Months in period",
    "lines_read": "Lines read (all files)",
    "lines_loaded": "Lines loaded (all files)",
    "lines_duplicate": "Duplicate lines (all files)",
    "lines_quarantined": "Quarantined lines (all files)",
    "lines_in_period": "Payment lines in period",
    "unresolved_lines": "Payee not matched (not redacted)",
    "redacted_lines": "Payee redacted",
    "notices": "Notices",
    "procurements": "Procurements",
    "tenders_due_award": "Tenders due an award",
    "tenders_awarded": "Of which awarded",
    **{c.name: c.label for c in (*QUALITY_COMPONENTS, QUALITY_SCORE)},
    "path": "File",
    "kind": "Source",
    "detected_format": "Format detected",
    "encoding": "Encoding",
    "rows_read": "Lines read",
    "rows_loaded": "Loaded",
    "rows_duplicate": "Duplicate",
    "rows_quarantined": "Quarantined",
    "status": "Status",
    "problem": "Problem",
    "source_file": "File",
    "source_row": "Line or row",
    "column_name": "Column",
    "raw_value": "Value as published",
    "description": "What it covers",
})

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
