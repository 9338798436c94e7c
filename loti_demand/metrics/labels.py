"""Display and CSV headers: the dimensions' labels and `label`, which gives any column its header."""

from __future__ import annotations

from loti_demand.metrics.measures import MEASURES
from loti_demand.metrics.rules import QUALITY_COMPONENTS, QUALITY_SCORE

DIMENSIONS: dict[str, str] = {
    "borough_code": "GSS code",
    "borough_name": "Borough",
    "publisher_name": "London-wide body",
    "bodies": "London-wide bodies",
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
    "date_basis": "Date based on",
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
    "ocid": "Procurement ID (OCDS)",
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


def label(column: str) -> str:
    """The display and CSV header for a column: a measure label, a dimension label, or the name itself."""
    if column in MEASURES:
        return MEASURES[column].label
    return DIMENSIONS.get(column, column.replace("_", " ").capitalize())


# Column headers of the Data and coverage page.
DIMENSIONS.update(
    {
        "spend_files": "Spend files (all)",
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
    }
)
