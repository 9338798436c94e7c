"""The measures: each one's name, label, definition and number format, defined once (queries, chart titles,
table headers and CSV headers use these names)."""

from __future__ import annotations

import math
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


def gbp_unit(value: float) -> tuple[float, str, int]:
    """(scale, suffix, decimals) of the short form for `value`: bn, m, k or whole pounds."""
    value = abs(value)
    # each unit from where its rounded figure reaches the next one's (£999,668 is £1.0m, not £1,000k)
    if round(value / 1_000_000, 1) >= 1_000:
        return 1_000_000_000, "bn", 2
    if round(value / 1_000) >= 1_000:
        return 1_000_000, "m", 1
    if value >= 10_000:
        return 1_000, "k", 0
    return 1, "", 0


def format_gbp(value: float, unit: tuple[float, str, int] | None = None) -> str:
    """£12.3m, £450k, £900: short forms for headline figures; in `unit` (a gbp_unit) rather than its own if given
    (an axis writes every tick in its largest's)."""
    scale, suffix, decimals = unit or gbp_unit(value)
    return f"{'-' if value < 0 else ''}£{abs(value) / scale:,.{decimals}f}{suffix}"


MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure(
            "tech_spend_gbp",
            "Tech spend (£)",
            "Sum of payment lines (over £500; some publishers list smaller payments too) classified as technology, "
            "net of credit notes, from the spend files of councils and of bodies serving the whole area (a mayoral "
            "authority, transport body...): lines whose own words say technology (high confidence) and lines whose "
            "words are silent but whose supplier is known for technology: its record, its name or its other "
            "payments (medium).",
            "gbp",
        ),
        Measure(
            "possible_tech_gbp",
            "Possibly tech (£)",
            "Spend not counted as tech spend because only the buying department, or a general heading such as "
            "'Communications & Computing', suggests technology (low confidence).",
            "gbp",
        ),
        Measure(
            "by_text_gbp",
            "Tech spend found by the line's words (£)",
            "Tech spend whose line says what was bought: an expense type, account, purpose or ProClass code.",
            "gbp",
        ),
        Measure(
            "by_heading_gbp",
            "By a general heading alone (£)",
            "Tech spend whose only description is a general heading such as 'Communications & Computing'.",
            "gbp",
        ),
        Measure(
            "by_supplier_gbp",
            "By the supplier's record (£)",
            "Tech spend whose line is silent but whose supplier is on the kept list of technology suppliers or has "
            "won technology contracts in the notices.",
            "gbp",
        ),
        Measure(
            "by_name_signal_gbp",
            "By the supplier's name (£)",
            "Tech spend whose line is silent but whose supplier is named as a technology company ('... Software Ltd').",
            "gbp",
        ),
        Measure(
            "by_supplier_lines_gbp",
            "By the supplier's other payments (£)",
            "Tech spend whose line says nothing of what was bought, paid to a supplier whose other payments, where "
            "their lines do say (in any council's file), are almost all technology.",
            "gbp",
        ),
        Measure(
            "by_department_gbp",
            "By an IT department alone (£)",
            "Tech spend whose line has no column saying what was bought, bought by an IT department or cost centre.",
            "gbp",
        ),
        Measure(
            "by_correction_gbp",
            "By an officer's correction (£)",
            "Tech spend classified by a correction in data/reference/classification_corrections.csv.",
            "gbp",
        ),
        Measure(
            "unclassified_share_pct",
            "Share of spend not tech (%)",
            "Share of all the publisher's spend that nothing suggests is technology.",
            "pct",
        ),
        Measure(
            "tech_spend_per_resident_gbp",
            "Tech spend per resident (£)",
            "Tech spend divided by the borough's ONS mid-year population (see boroughs.population_year).",
            "gbp_per_head",
        ),
        Measure("all_spend_gbp", "All spend (£)", "Sum of all loaded payment lines, tech or not.", "gbp"),
        Measure(
            "pipeline_value_gbp",
            "Pipeline value (£)",
            "Estimated value of the tech procurements expected to come to market in the period: the statutory "
            "notices of the Demand calendar, dated as it dates them (UK1 pipeline, UK2 engagement and UK3 planned "
            "notices by the expected market date; UK4 tenders and Contracts Finder opportunities by the bid "
            "deadline), cancelled and withdrawn ones left out. A period ahead runs in whole months from the month "
            "of the data-as-of date. A notice's estimate, not money spent.",
            "gbp",
        ),
        Measure(
            "pipeline_count",
            "Upcoming procurements",
            "Number of tech procurements in the pipeline: the Demand calendar's statutory notices dated in the period.",
            "count",
        ),
        Measure(
            "open_challenges",
            "Open challenges",
            "Challenge statements whose status is open, as the borough that set them publishes it.",
            "count",
        ),
        Measure(
            "contracts_expiring",
            "Contracts expiring",
            "Awarded tech contracts whose end date falls in the period (in whole months from the month of the "
            "data-as-of date, for a period ahead); cancelled ones left out.",
            "count",
        ),
        Measure(
            "expiring_value_gbp",
            "Expiring contract value (£)",
            "Awarded value of the contracts expiring (the estimated value where no award value is published).",
            "gbp",
        ),
        Measure("lines", "Payment lines", "Number of payment lines behind the figure.", "count"),
        Measure(
            "challenges_opened",
            "Challenges opened",
            "Challenge statements that opened in the period (by opening date). A challenge set jointly by several "
            "boroughs counts once for each of them, and once in a London-wide total.",
            "count",
        ),
        Measure(
            "value_gbp",
            "Value (£)",
            "The notice's estimated value for an upcoming procurement; the awarded value (or, failing that, the "
            "estimated value) for a contract that is ending.",
            "gbp",
        ),
        Measure(
            "group_value_gbp",
            "Combined value (£)",
            "Sum of the stated values of the items in the group; items without a value are left out of the sum.",
            "gbp",
        ),
        Measure("items", "Items", "Procurements in the group.", "count"),
        Measure("borough_count", "Boroughs", "Distinct boroughs in the group.", "count"),
        Measure(
            "share_pct",
            "Market share (%)",
            "Supplier's share of the tech spend paid to named suppliers in the selection. Payments whose payee the "
            "council redacted are left out, because they cannot be given to a supplier, and so are suppliers whose "
            "credit notes exceed their payments in the period.",
            "pct",
        ),
        Measure(
            "hhi",
            "HHI (0 to 10,000)",
            "Herfindahl-Hirschman Index: add up the square of every supplier's market share in per cent. 10,000 "
            "means one supplier has all the spend. The UK merger assessment guidelines (OFT1254, 2010, section 5.3) "
            "call a market over 1,000 concentrated and over 2,000 highly concentrated.",
            "index",
        ),
        Measure(
            "top3_share_pct",
            "Top 3 share (%)",
            "Share of the named-supplier tech spend that went to the three largest suppliers.",
            "pct",
        ),
        Measure("suppliers", "Suppliers", "Number of named suppliers paid.", "count"),
        Measure(
            "named_spend_gbp",
            "Named-supplier spend (£)",
            "Tech spend whose payee was published (not redacted), with suppliers paid more than they credited: the "
            "base for market shares.",
            "gbp",
        ),
        Measure(
            "london_median_per_resident_gbp",
            "London median per resident (£)",
            "The middle value of tech spend per resident across the boroughs with spend data in the period.",
            "gbp_per_head",
        ),
        Measure(
            "population", "Population", "ONS mid-year population estimate (see boroughs.population_year).", "count"
        ),
        Measure(
            "months_covered",
            "Months of spend data",
            "Calendar months in the period for which the borough's spend files hold at least one payment line.",
            "count",
        ),
        Measure(
            "notices",
            "Tech procurements published (any stage or date)",
            "Tech procurement processes the borough has published, at any stage and on any date: what the map's "
            "pipeline and contracts rest on, not the pipeline itself.",
            "count",
        ),
        Measure(
            "challenge_statements",
            "Challenge statements set (any status)",
            "Challenge statements the borough has set, open or not; a statement set jointly counts for each of its "
            "boroughs.",
            "count",
        ),
        Measure("spend_files", "Spend files", "Spend files read for the borough.", "count"),
        Measure(
            "lines_quarantined",
            "Lines quarantined",
            "Lines set aside because a value could not be read (see load_issues).",
            "count",
        ),
        Measure("lines_duplicate", "Duplicate lines", "Lines already loaded from an earlier file.", "count"),
        Measure("award_value_gbp", "Award value (£)", "Total value of the contract as awarded.", "gbp"),
        Measure("budget_gbp", "Budget (£)", "Budget stated in the challenge, where given.", "gbp"),
        # What is growing (loti_demand.growth): the latest year against the year before, as the Overview defines them
        Measure(
            "spend_before_gbp",
            "Tech spend, year before (£)",
            "Tech spend in the year before, like for like: only the months a borough's or body's spend files cover in "
            "both years.",
            "gbp",
        ),
        Measure(
            "spend_latest_gbp",
            "Tech spend, latest year (£)",
            "Tech spend in the latest year, like for like: only the months a borough's or body's spend files cover in "
            "both years.",
            "gbp",
        ),
        Measure(
            "spend_change_pct",
            "Change in tech spend (%)",
            "Change from the year before in per cent; blank when the year before had none.",
            "pct",
        ),
        Measure(
            "procurements_before",
            "New tech procurements, year before",
            "London tech procurements whose first notice was published in the year before.",
            "count",
        ),
        Measure(
            "procurements_latest",
            "New tech procurements, latest year",
            "London tech procurements whose first notice was published in the latest year.",
            "count",
        ),
        Measure(
            "procurements_change_pct",
            "Change in new tech procurements (%)",
            "Change from the year before in per cent; blank when the year before had none.",
            "pct",
        ),
        Measure(
            "challenges_before",
            "Challenges opened, year before",
            "Challenge statements that opened in the year before.",
            "count",
        ),
        Measure(
            "challenges_latest",
            "Challenges opened, latest year",
            "Challenge statements that opened in the latest year.",
            "count",
        ),
        Measure(
            "challenges_change_pct",
            "Change in challenges opened (%)",
            "Change from the year before in per cent; blank when the year before had none.",
            "pct",
        ),
        Measure(
            "notices_before",
            "Notices mentioning it, year before",
            "London notices first published in the year before whose words the term's search finds.",
            "count",
        ),
        Measure(
            "notices_latest",
            "Notices mentioning it, latest year",
            "London notices first published in the latest year whose words the term's search finds.",
            "count",
        ),
        Measure(
            "statements_before",
            "Challenges mentioning it, year before",
            "Challenge statements opened in the year before whose words the term's search finds.",
            "count",
        ),
        Measure(
            "statements_latest",
            "Challenges mentioning it, latest year",
            "Challenge statements opened in the latest year whose words the term's search finds.",
            "count",
        ),
        Measure(
            "found_before", "Mentions, year before", "Notices and challenge statements mentioning the term.", "count"
        ),
        Measure(
            "found_latest", "Mentions, latest year", "Notices and challenge statements mentioning the term.", "count"
        ),
        Measure(
            "sme_suitable_value_gbp",
            "Pipeline value marked suitable for SMEs (£)",
            "Estimated value of pipeline notices whose buyer says the opportunity suits small and medium-sized "
            "enterprises (SMEs).",
            "gbp",
        ),
        Measure(
            "sme_share_pct",
            "Share of pipeline value suitable for SMEs (%)",
            "Pipeline value marked suitable for SMEs as a share of the pipeline value whose notices say either way.",
            "pct",
        ),
    )
}

# Measures the borough map can colour by, in the order the page offers them.
MAP_MEASURES = (
    "tech_spend_gbp",
    "tech_spend_per_resident_gbp",
    "pipeline_value_gbp",
    "open_challenges",
    "contracts_expiring",
)
