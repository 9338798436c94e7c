"""Plain-English method notes for the Data and coverage page (kept here so the page stays thin)."""

from __future__ import annotations

from loti_demand.metrics import QUALITY_COMPONENTS, QUALITY_SCORE, REPROCUREMENT


def score_method() -> str:
    parts = [f"- **{c.label}**: {c.definition}" for c in QUALITY_COMPONENTS]
    return "\n".join([*parts, f"- **{QUALITY_SCORE.label}**: {QUALITY_SCORE.definition}"])


def how_figures_are_computed(taxonomy_version: str) -> str:
    return f"""
- **Spend** comes from the files each council publishes under the Local Government Transparency Code 2015
  (payments over £500; some publish every payment, and every line they publish is counted). Every line of every
  file is either loaded, counted as a duplicate of a line already loaded, or quarantined with a reason (listed
  above), and those counts add up for every file.
- **What "tech" means**: a payment, notice or challenge is technology when the tech taxonomy (version
  **{taxonomy_version}**) places it in one of the categories listed below. Spend lines are classified by their
  ProClass code (the procurement classification many councils' ledgers use), words in their expense type or
  description, or a known technology supplier (where a line says nothing of what was bought, also by what the
  supplier's other payments say where theirs do); notices by their CPV code (the Common Procurement Vocabulary every
  notice is classified by); challenges by the category their publisher gives or words in their text. Anything the
  taxonomy does not place is not counted as tech.
- **Notices and procurements** come from Find a Tender and Contracts Finder, published in the Open Contracting
  Data Standard (OCDS). A procurement is one OCDS process, compiled from all its notices; its OCDS ID names it on
  both sites.
- **Inferred re-procurement dates**: {REPROCUREMENT.explain()}
- **Data as of** is the later of the spend's and the notices' "as of" dates. Each is the date by which all but
  one in a thousand of its payment lines or notices are dated (never after the build), so a few dated ahead by
  mistake cannot move it; the few after it are still counted in totals.
"""


LIMITATIONS = """
- Councils publish in different layouts and at different times; a month with no file looks the same as a month
  with no spending. The *Months with data* column shows where files are missing.
- Redacted payees are counted in totals but cannot be matched to a supplier.
- A tender and its award are sometimes published under different OCDS IDs, so *Tenders with an award* can be
  too low for some buyers.
- Values in notices are the buyer's estimate; contract values are what was awarded. Neither is money spent.
- The tech classification is rule-based. It misses tech bought under vague descriptions and can catch some
  non-tech lines; the category *Other or unspecified IT* holds lines that are clearly IT but not specific.
"""


# Words of public procurement a supplier new to it meets on the pages, each in one plain sentence (pages show the
# ones they use, under "Words used on this page").
GLOSSARY = {
    "ocds": "**OCDS** (Open Contracting Data Standard): the format Find a Tender and Contracts Finder publish "
    "notices in. A *Procurement ID (OCDS)*, such as ocds-h6vhtk-04df2b, names one procurement through all its "
    "notices, from pipeline to award.",
    "notice_types": "**Notice types**: UK1 is a pipeline notice (a buyer's plan for the coming months), UK2 a "
    "preliminary market engagement (the buyer asks suppliers' views before buying), UK3 a planned procurement "
    "(it will go to market soon), UK4 a tender notice (bids are invited, with a deadline). Awards and contracts "
    "follow.",
    "cpv": "**CPV** (Common Procurement Vocabulary): the codes every notice uses to say what is bought; 48 is "
    "software, 72 IT services, 32 networks and telecoms equipment.",
    "proclass": "**ProClass**: the procurement classification many councils' ledgers use for what a payment "
    "bought (271 is information and communication technology).",
    "sme": "**SME**: a small or medium-sized enterprise (under 250 staff). A notice may say whether its "
    "opportunity suits one.",
}


def glossary(*terms: str) -> str:
    """The GLOSSARY entries for `terms`, as a markdown list."""
    return "\n".join(f"- {GLOSSARY[term]}" for term in terms)
