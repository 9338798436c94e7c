"""The coverage statements beside the figures: what a total rests on (authorities with data, months, lines,
London-wide bodies, possibly-tech spend), in plain English. Pure: no Streamlit."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from loti_demand.metrics import MEASURES
from loti_demand.presentation.sentences import CITY_OF_LONDON, plural


def per_resident_note(codes: Iterable[str]) -> str:
    """How per resident figures are made, with a warning about the City of London where it is among `codes` (the
    authorities shown): another region's pages have no such authority."""
    note = "Per resident figures divide by the ONS mid-year population estimate."
    if CITY_OF_LONDON in set(codes):
        note += (
            " The City of London has few residents (about 11,000) but a large working population, so its figure "
            "is not comparable."
        )
    return note


# The coverage column shown beside each map measure: what the figure rests on.
MAP_COVERAGE = {
    "tech_spend_gbp": "months_covered",
    "tech_spend_per_resident_gbp": "months_covered",
    "pipeline_value_gbp": "notices",
    "contracts_expiring": "notices",
    "open_challenges": "challenge_statements",
}


def partial_months_sentence(partial: int, period_months: int) -> str:
    """'2 of them cover fewer than 12 months, so those totals cover part of the period only' (no full stop)."""
    return (
        f"{plural(partial, 'of them covers', 'of them cover')} fewer than {period_months} months, so those totals "
        "cover part of the period only"
    )


def partial_authorities_sentence(partial: int, period_months: int) -> str:
    """' 2 of the authorities with spend data have files for fewer than 12 of these months, ...' ('' for none)."""
    if not partial:
        return ""
    return (
        f" {plural(partial, 'of the authorities with spend data has', 'of the authorities with spend data have')} "
        f"files for fewer than {period_months} of these months, so the total covers part of the period for "
        f"{'it' if partial == 1 else 'them'}."
    )


def partial_authorities(months_covered: pd.Series, period_months: int) -> int:
    """How many authorities' spend files cover some but not all of a period's months (borough_measures rows)."""
    return int(((months_covered > 0) & (months_covered < period_months)).sum())


def map_coverage_sentence(
    df: pd.DataFrame, value: str, *, period_months: int, london: pd.DataFrame, area: str = "London"
) -> str:
    """What the map's figures rest on, in one sentence, stated beside the totals. For the pipeline and contracts
    expiring, `london` (london_demand rows) gives the area's total and how it splits between the map and the rest."""
    if MAP_COVERAGE.get(value) == "months_covered":
        with_data = int((df["months_covered"] > 0).sum())
        partial = partial_authorities(df["months_covered"], period_months)
        text = (
            f"Coverage: spend files from {with_data} of {len(df)} authorities have data in this period "
            f"({int(df['lines'].sum()):,} tech payment lines)."
        )
        if partial:
            text += " " + partial_months_sentence(partial, period_months) + " (see the months column in the table)."
        if value == "tech_spend_per_resident_gbp":
            text += " " + per_resident_note(df["borough_code"])
        return text
    if value == "pipeline_value_gbp":
        return "Coverage: " + london_demand_sentence(
            london,
            "pipeline_count",
            "pipeline_value_gbp",
            "tech procurement notices",
            "are expected to come to market",
            area=area,
        )
    if value == "contracts_expiring":
        return "Coverage: " + london_demand_sentence(
            london, "contracts_expiring", "expiring_value_gbp", "awarded tech contracts", "end", area=area
        )
    total = int(df["open_challenges"].sum())
    return (
        f"Coverage: open challenge statements counted for each borough that set them ({total:,} in all: a "
        "challenge set by several boroughs counts once for each of them)."
    )


LONDON_BUYERS = {
    "borough": "by boroughs (on the map)",
    "body": "by London-wide bodies (listed below)",
    "other": "by other London buyers such as NHS trusts (on neither)",
}


def london_demand_sentence(
    london: pd.DataFrame, count: str, value: str, what: str, verb: str, *, area: str = "London"
) -> str:
    """'59 London tech procurement notices (£219.1m) are expected to come to market in this period: 56 by boroughs
    (on the map) and 3 by London-wide bodies (listed below).' from london_demand rows; other London buyers are named
    when they have any."""
    fmt = MEASURES[value].format
    rows = london.set_index("buyers")
    total = int(rows[count].sum())
    text = f"{total:,} {area} {what} ({fmt(rows[value].sum())}) {verb} in this period"
    parts = [
        f"{int(rows.loc[kind, count]):,} {words.replace('London', area)}"
        for kind, words in LONDON_BUYERS.items()
        if kind in rows.index and (int(rows.loc[kind, count]) or kind != "other")
    ]
    if total:
        text += ": " + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0])
    return text + "."


def coverage_summary(row: pd.Series, name: str) -> str:
    """What one borough's spend figures rest on, in plain English, for a borough_coverage row."""
    if not row["spend_files"]:
        return f"No spend files have been loaded for {name}, so its spend figures are missing, not zero."
    if not row["months_covered"]:
        return (
            f"{plural(int(row['spend_files']), 'spend file has', 'spend files have')} been read for {name}, but "
            f"none of their lines could be loaded ({int(row['lines_quarantined']):,} set aside)."
        )
    first, last = pd.Timestamp(row["first_month"]), pd.Timestamp(row["last_month"])
    text = (
        f"The spend figures for {name} rest on {plural(int(row['spend_files']), 'spend file', 'spend files')} "
        f"covering {plural(int(row['months_covered']), 'month', 'months')} ({first:%B %Y} to {last:%B %Y}): "
        f"{plural(int(row['lines']), 'payment line', 'payment lines')} loaded, "
        f"{plural(int(row['lines_duplicate']), 'duplicate line', 'duplicate lines')} skipped and "
        f"{plural(int(row['lines_quarantined']), 'line', 'lines')} set aside because a value could not be read."
    )
    if row.get("files_rejected"):
        text += f" {plural(int(row['files_rejected']), 'file', 'files')} could not be read at all."
    return text + f" Latest file read: {row['latest_file']}."


def bodies_sentence(
    count: int, amount: object, bodies: dict[str, str], *, area: str = "London", alone: bool = False
) -> str:
    """Whether the area's total includes its area-wide bodies' spend (London's GLA, TfL...), and how much; `alone`
    when the bodies are all that was chosen, so their spend is the whole total."""
    if not count:
        return f"Tech spend includes no {area}-wide body (none has spend data in this selection)."
    # named when few and all of them have data; `bodies` are those the choice allows, not only those with data, so a
    # count of them would contradict `count` (found on real data: "3 London-wide bodies (16 London-wide bodies)"), as
    # would their names ("1 London-wide body (Greater London Authority and Transport for London)")
    names = f" ({' and '.join(bodies.values())})" if len(bodies) <= 3 and count == len(bodies) else ""
    who = plural(count, f"{area}-wide body", f"{area}-wide bodies") + names
    never = f"{'which is' if count == 1 else 'which are'} never counted in a borough's or a per-resident figure."
    if alone:
        return f"All of this tech spend was paid by {who}, {never}"
    return f"Tech spend includes {MEASURES['tech_spend_gbp'].format(amount)} paid by {who}, {never}"


def spend_coverage_sentence(
    head: pd.Series,
    *,
    chosen: tuple[str, ...],
    boroughs: dict[str, str],
    bodies: dict[str, str],
    authority: str = "borough",
    area: str = "London",
    partial: int = 0,
    period_months: int = 12,
) -> str:
    """The coverage beside a spend total: authorities (boroughs, for London; and London-wide bodies) with data,
    `partial` of them with data for only some of the period's `period_months` months, lines, redactions."""
    chosen_boroughs = [c for c in chosen if c in boroughs]
    chosen_bodies = {c: bodies[c] for c in chosen if c in bodies} if chosen else bodies
    redacted = int(head["redacted_lines"])
    lines = (
        f"{plural(int(head['lines']), 'tech payment line', 'tech payment lines')}, of which {redacted:,} "
        f"{'has' if redacted == 1 else 'have'} the payee redacted (they count in totals but not in supplier shares)."
    )
    alone = bool(chosen) and not chosen_boroughs
    if alone:  # London-wide bodies alone: the sentence on bodies says which have data
        text = f"Coverage in this period: {lines}"
    else:
        found, of, chosen_word = (
            int(head["boroughs_with_data"]),
            len(chosen_boroughs or boroughs),
            " chosen" * bool(chosen),
        )
        if of == 1:
            who = f"the{chosen_word} {authority} {'has' if found else 'has no'}"
        else:
            who = f"{found} of the {of}{chosen_word} {authority}s {'has' if found == 1 else 'have'}"
        text = f"Coverage: {who} spend files with data in this period."
        if partial:
            text += " " + partial_months_sentence(partial, period_months) + "."
        text += f" In all: {lines}"
    if chosen_bodies or not chosen:
        text += " " + bodies_sentence(
            int(head["bodies_with_data"]), head["bodies_tech_spend_gbp"], chosen_bodies, area=area, alone=alone
        )
    return text


def bodies_list_sentence(df: pd.DataFrame, value: str, *, per_resident: bool, area: str = "London") -> str:
    """What the area-wide bodies' list beside the map shows (London's GLA, TfL...), and why they are not on it."""
    text = (
        f"{area}-wide bodies serve all of {area}, so they have no place on a borough map; their figures are listed "
        f"here instead, and {area} totals include them."
    )
    if per_resident:
        text += " Per-resident figures are for boroughs only, so the bodies' tech spend is shown."
    if not df.empty and df[value].notna().any():
        top = df.sort_values(value, ascending=False).iloc[0]
        text += f" Largest: {top['publisher_name']} ({MEASURES[value].format(top[value])})."
    return text


def possible_tech_sentence(possible: pd.Series) -> str:
    """What the tech total leaves out because it is only possibly tech."""
    amount = float(possible["possible_tech_gbp"])
    if not amount:
        return "No further spend is only possibly tech."
    return (
        f"A further {MEASURES['possible_tech_gbp'].format(amount)} ({int(possible['possible_tech_lines']):,} "
        "lines) is possibly tech: only the buying department or a general heading suggests it, so it is not "
        "counted."
    )


def growth_coverage_sentence(row: pd.Series, before_start) -> str:
    """What the year-on-year figures rest on (one category_growth row), and where the data start too late to fill
    the year before."""
    text = (
        f"Tech spend compares {plural(int(row['publishers_compared']), 'borough or body', 'boroughs and bodies')} "
        f"(of the {int(row['publishers_with_spend'])} with spend data in either year) on the "
        f"{plural(int(row['months_compared']), 'month', 'months')} their spend files cover in both years, counted "
        "once for each borough or body."
    )
    late = [
        (what, pd.Timestamp(row[column]))
        for what, column in (("notices", "first_notice_date"), ("challenge statements", "first_challenge_date"))
        if pd.notna(row[column]) and pd.Timestamp(row[column]).date() > before_start
    ]
    for what, first in late:
        text += (
            f" The {what} in the warehouse start in {first:%B %Y}, after the year before began, so their growth "
            "partly reflects when the data start."
        )
    return text
