"""What is growing: tech categories and technology terms, the latest year against the year before. Pure: no I/O.

Definitions (stated on the Overview as `definition` gives them):
- The years are whole months (periods.growth_years): the 12 months to the data-as-of month and the 12 before; for
  tech spend, the 12 months to the latest month of spend data and the 12 before.
- Tech spend is counted like for like: a borough's or body's month counts only when its spend files cover the same
  calendar month in the other year too, so a council that starts or stops publishing looks like neither growth nor
  decline.
- New tech procurements are the London tech procurements whose first notice was published in the year.
- Challenges opened are challenge statements by their opening date.
- A term is newly frequent when the latest year has at least NEWLY_FREQUENT_MIN notices and challenges mentioning
  it, and at least twice as many as the year before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from loti_demand import search
from loti_demand.periods import Period


@dataclass(frozen=True)
class Ranking:
    key: str  # kept in the URL
    label: str  # in the page's "Rank by" choice
    what: str  # in sentences: "tech spend", "new tech procurements"
    before: str
    latest: str
    change: str


RANKINGS = {
    r.key: r
    for r in (
        Ranking(
            "spend",
            "Tech spend (like for like)",
            "tech spend",
            "spend_before_gbp",
            "spend_latest_gbp",
            "spend_change_pct",
        ),
        Ranking(
            "procurements",
            "New tech procurements",
            "new tech procurements",
            "procurements_before",
            "procurements_latest",
            "procurements_change_pct",
        ),
        Ranking(
            "challenges",
            "Challenges opened",
            "challenges opened",
            "challenges_before",
            "challenges_latest",
            "challenges_change_pct",
        ),
    )
}
NEWLY_FREQUENT_MIN = 2
CATEGORY_COLUMNS = ["tech_category_label", *(c for r in RANKINGS.values() for c in (r.before, r.latest, r.change))]
TERMS_SHOWN = 10  # on the chart and as links; the table has every term found


def ranked(df: pd.DataFrame, by: str) -> pd.DataFrame:
    """category_growth rows, fastest growing first by the ranking `by`: categories new in the latest year (none the
    year before) first, largest first; then by the change in per cent; categories with none in either year last."""
    r = RANKINGS[by]
    before, latest = df[r.before].astype(float), df[r.latest].astype(float)
    order = df.assign(
        _new=(before == 0) & (latest > 0),
        _none=(before == 0) & (latest == 0),
        _latest=latest,
        _change=df[r.change].astype(float),
    )
    order = order.sort_values(
        ["_none", "_new", "_change", "_latest", "tech_category_label"],
        ascending=[True, False, False, False, True],
        na_position="last",
    )
    return order.drop(columns=["_new", "_none", "_latest", "_change"]).reset_index(drop=True)


def search_text(term: str) -> str:
    """What to type in a search box to find `term`: a term of several words as a phrase, in quotes."""
    return f'"{term}"' if len(term.split()) > 1 else term


def term_searches(terms: Iterable[str], synonyms: search.Synonyms) -> list[tuple[str, list[list[str]]]]:
    """Each watched term with its word search's clauses (SearchQuery.patterns(), synonyms included: the search the
    Demand calendar's ?q= link runs for it), in order; a term no search can find (no letters or digits) left out."""
    found = [(term, search.parse(search_text(term), synonyms).patterns()) for term in terms]
    return [(term, clauses) for term, clauses in found if clauses]


def any_pattern(searches: list[tuple[str, list[list[str]]]]) -> str:
    """One regular expression finding any pattern of term_searches' searches: a document it does not find holds
    none of the terms, so each term's search need only read the documents it finds (one scan, not one per term)."""
    patterns = sorted({p for _, clauses in searches for alternatives in clauses for p in alternatives})
    return "|".join(re.escape(p) for p in patterns)


def terms_growth(df: pd.DataFrame) -> pd.DataFrame:
    """term_growth rows with the totals, whether each is newly frequent, and its search text; the terms found in
    either year only, the newly frequent first, then by how many more documents mention them."""
    found = df.assign(
        found_before=df["notices_before"] + df["statements_before"],
        found_latest=df["notices_latest"] + df["statements_latest"],
    )
    found = found[(found["found_before"] > 0) | (found["found_latest"] > 0)]
    found["is_newly_frequent"] = (found["found_latest"] >= NEWLY_FREQUENT_MIN) & (
        found["found_latest"] >= 2 * found["found_before"]
    )
    found["search_text"] = found["term"].map(search_text)
    found["_rise"] = found["found_latest"] - found["found_before"]
    return (
        found.sort_values(["is_newly_frequent", "_rise", "found_latest", "term"], ascending=[False, False, False, True])
        .drop(columns="_rise")
        .reset_index(drop=True)
    )


def definition(spend: tuple[Period, Period], years: tuple[Period, Period], area: str = "London") -> str:
    """How growth is measured, in plain English, for the page (`area`: the area the warehouse covers)."""
    return (
        f"**Which years.** Tech spend compares the latest 12 months of spend data ({spend[1].label}) with the 12 "
        f"months before ({spend[0].label}); notices and challenges compare the 12 months to the data-as-of date "
        f"({years[1].label}) with the 12 months before ({years[0].label}).\n\n"
        "**What counts.** *Tech spend* is counted like for like: a borough's or body's month counts only when its "
        "spend files cover the same month in the other year too, so a council that starts or stops publishing looks "
        f"like neither growth nor decline. *New tech procurements* are {area} tech procurements whose first notice "
        "(pipeline, tender or award) was published in the year. *Challenges opened* are challenge statements by "
        "their opening date. Growth is the change from the year before in per cent; a category with none the year "
        "before is *new*.\n\n"
        f"**Terms.** Each watched term is searched as the Demand calendar's search box would search it, in {area} "
        f"notices (by the date of their first notice) and challenge statements (by opening date). A term is *newly "
        f"frequent* when at least {NEWLY_FREQUENT_MIN} of them mention it in the latest year, and at least twice as "
        "many as the year before."
    )
