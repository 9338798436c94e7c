"""Plain-English sentences that go with the charts and totals: the one-sentence summaries that are each chart's
alt text and are shown as text for everyone (the coverage statements are in coverage_sentences). Pure: no
Streamlit."""

from __future__ import annotations

import pandas as pd

from loti_demand.metrics import MEASURES, label
from loti_demand.presentation.charts import CITY_OF_LONDON
from loti_demand.presentation.words import plural


def map_summary(df: pd.DataFrame, value: str, *, name: str = "borough_name") -> str:
    """One sentence for screen readers: the highest and lowest boroughs, and how many have no data."""
    measure = MEASURES.get(value)
    fmt = measure.format if measure else str
    data = df[df[value].notna()].sort_values([value, name], ascending=[False, True])
    missing = len(df) - len(data)
    if data.empty:
        return f"No borough has data for {label(value).lower()} in this selection."
    top, bottom = data.iloc[0], data.iloc[-1]
    if len(data) == 1:
        text = f"{label(value)}: only {top[name]} has data ({fmt(top[value])})"
    else:
        text = (
            f"{label(value)}: highest in {top[name]} ({fmt(top[value])}), "
            f"lowest in {bottom[name]} ({fmt(bottom[value])})"
        )
    if missing:
        text += f"; {plural(missing, 'other borough has', 'other boroughs have')} no data"
    return text + "."


def trend_summary(df: pd.DataFrame, *, value: str = "tech_spend_gbp", grain: str = "month") -> str:
    """One sentence on a time series: total, highest and lowest period."""
    data = df.groupby("period_start")[value].sum()
    if data.empty:
        return "No tech spend in this selection."
    fmt = MEASURES[value].format
    when = "%B %Y" if grain == "month" else "the quarter starting %B %Y"
    high, low = pd.Timestamp(data.idxmax()), pd.Timestamp(data.idxmin())
    if len(data) == 1:
        return f"{fmt(data.sum())} in {high:{when}}."
    return (
        f"{fmt(data.sum())} over {plural(len(data), grain, grain + 's')}; highest in {high:{when}} "
        f"({fmt(data.max())}), lowest in {low:{when}} ({fmt(data.min())})."
    )


def per_resident_summary(df: pd.DataFrame, *, area: str = "London", authority: str = "borough") -> str:
    """The per resident chart in words: its highest and lowest authorities (`authority`: what the area calls them)
    and the area's median."""
    value = "tech_spend_per_resident_gbp"
    data = df[df[value].notna()].sort_values(value, ascending=False)
    if data.empty:
        return f"No {authority} has tech spend data in this selection."
    fmt = MEASURES[value].format
    boroughs = data[data["borough_code"] != CITY_OF_LONDON]
    text = (
        f"{area} median {fmt(data.iloc[0]['london_median_per_resident_gbp'])} across "
        f"{plural(len(data), 'authority', 'authorities')} with data."
    )
    if len(boroughs) > 1:
        text = (
            f"Highest tech spend per resident among the {authority}s: {boroughs.iloc[0]['borough_name']} "
            f"({fmt(boroughs.iloc[0][value])}); lowest: {boroughs.iloc[-1]['borough_name']} "
            f"({fmt(boroughs.iloc[-1][value])}). " + text
        )
    city = data[data["borough_code"] == CITY_OF_LONDON]
    if len(city):
        text += (
            f" The City of London ({fmt(city.iloc[0][value])} per resident) is left off the chart because it "
            "has few residents; it is in the table."
        )
    return text


def more_suppliers_sentence(shown: int, total: int, most: int | None = None) -> str:
    """Said below a table of the `shown` largest of `total` suppliers, above the download of them all: what is left
    out, and how to see it (raising the number shown, when the page can show up to `most`, and at least one more)."""
    left = total - shown
    text = f"More: {left:,} smaller {'supplier is' if left == 1 else 'suppliers are'} not shown."
    if most is not None and shown < most:
        text += f" Raise 'Suppliers to show' (up to {most}) to see more, or download"
    else:
        text += " Download"
    return text + f" all {total:,} suppliers below."


def supplier_summary(df: pd.DataFrame) -> str:
    data = df[df["share_pct"].notna()]
    if data.empty:
        return "No tech spend with named suppliers in this selection."
    first = data.iloc[0]
    text = (
        f"The largest supplier, {first['supplier_name']}, took {first['share_pct']:.1f}% of the "
        "named-supplier tech spend"
    )
    if len(data) > 1:
        text += f"; the largest {min(3, len(data))} took {data.head(3)['share_pct'].sum():.1f}% between them"
    return text + "."


def items_total_sentence(df: pd.DataFrame, value: str, one: str, many: str) -> str:
    """'2 tech procurements, worth £3.0m in all (1 gives no value).': the count and value of a list of items, as
    the map and the Overview count them."""
    count, missing = len(df), int(df[value].isna().sum())
    text = f"{plural(count, one, many)}, worth {MEASURES[value].format(df[value].sum())} in all"
    if missing:
        text += f" ({plural(missing, 'gives', 'give')} no value)"
    return text + "."


def calendar_measures_sentence(items: pd.DataFrame, date_from, date_to, *, filtered: bool = False) -> str:
    """The Demand calendar's items as the other pages count them: its statutory notices are the pipeline, and its
    inferred items whose contract ends in the window are the contracts expiring (the other pages' figures are the
    calendar's with no filter or search)."""
    from loti_demand.metrics import INFERRED, STATUTORY

    fmt = MEASURES["pipeline_value_gbp"].format
    statutory = items[items["confidence"] == STATUTORY]
    ends = pd.to_datetime(items["contract_end"])
    ending = items[
        (items["confidence"] == INFERRED) & (ends >= pd.Timestamp(date_from)) & (ends <= pd.Timestamp(date_to))
    ]
    return (
        f"The {plural(len(statutory), 'statutory notice is', 'statutory notices are')} the pipeline "
        f"({fmt(statutory['value_gbp'].sum())}); {plural(len(ending), 'contract', 'contracts')} of those "
        f"inferred from contract end dates {'ends' if len(ending) == 1 else 'end'} in this period "
        f"({fmt(ending['value_gbp'].sum())}), the others later. "
        + (
            "Without the filters and search chosen here, the Overview, the Borough map, the borough profiles and "
            "the export count the same items for the same months."
            if filtered
            else "The Overview, the Borough map, the borough profiles and the export count the same items for the "
            "same months."
        )
    )


def per_resident_comparison(row: pd.Series, *, area: str = "London", authority: str = "borough") -> str:
    """'£52.14 per resident, 26% above the London median of £41.35 ...' for one borough_measures row."""
    value, median = row["tech_spend_per_resident_gbp"], row["london_median_per_resident_gbp"]
    if pd.isna(value):
        return f"No per-resident figure: the {authority} has no spend data in this period."
    fmt = MEASURES["tech_spend_per_resident_gbp"].format
    text = f"{fmt(value)} of tech spend per resident"
    if pd.notna(median) and float(median):
        diff = 100 * (float(value) - float(median)) / float(median)
        side = "above" if diff > 0.05 else "below" if diff < -0.05 else "the same as"
        text += (
            f", {abs(diff):.0f}% {side} the {area} median of {fmt(median)}"
            if side != "the same as"
            else f", the same as the {area} median of {fmt(median)}"
        )
    return text + f" (population {int(row['population']):,}, ONS mid-{int(row['population_year'])} estimate)."


def sme_sentence(row: pd.Series, window: str, *, area: str = "London") -> str:
    """What the pipeline notices say about SME suitability (sme_pipeline row), honest about notices that say nothing."""
    fmt = MEASURES["pipeline_value_gbp"].format
    count, saying = int(row["pipeline_count"]), int(row["notices_saying"])
    where = f"the {area} tech pipeline for this selection over the {window}"
    if count == 0:
        return f"There are no notices in {where}, so nothing can be said about SME suitability."
    notices = f"{plural(count, 'notice', 'notices')} ({fmt(row['pipeline_value_gbp'])})"
    if saying == 0:
        return f"None of the {notices} in {where} say whether the opportunity suits SMEs."
    text = (
        f"Of the {notices} in {where}, {saying:,} "
        f"{'says' if saying == 1 else 'say'} whether the opportunity suits SMEs. Of their value, "
        f"{MEASURES['sme_share_pct'].format(row['sme_share_pct'])} ({fmt(row['sme_suitable_value_gbp'])} of "
        f"{fmt(row['value_saying_gbp'])}) is marked suitable for SMEs."
    )
    if count > saying:
        silent_value = float(row["pipeline_value_gbp"]) - float(row["value_saying_gbp"])
        text += (
            f" The other {plural(count - saying, 'notice', 'notices')} ({fmt(silent_value)}) "
            f"{'does' if count - saying == 1 else 'do'} not say."
        )
    return text


PEERS_NOTE = (
    "Neighbours are the boroughs that share a border with it, worked out from the official boundaries; these "
    "stop at the Thames, so a borough across the river is a neighbour only where they also meet on land. "
    "Inner and Outer London follow the ONS statistical definition. A median is taken over the authorities "
    "with spend data in the period."
)


def peers_summary(df: pd.DataFrame) -> str:
    """loti_demand.peers rows in one sentence: where the borough stands among its neighbours and beside the two
    medians, and that the City of London is off the chart when it is a neighbour."""
    from loti_demand.peers import MEDIAN, NEIGHBOUR, THIS, VALUE

    fmt = MEASURES[VALUE].format
    me = df[df["peer_role"] == THIS].iloc[0]
    neighbours = df[df["peer_role"] == NEIGHBOUR]
    known = neighbours[neighbours[VALUE].notna()]
    medians = df[df["peer_role"].str.startswith(MEDIAN)]
    median_text = " and ".join(
        f"the {row['peer_name']} is {fmt(row[VALUE])}" for _, row in medians.iterrows() if pd.notna(row[VALUE])
    )
    if pd.isna(me[VALUE]):
        text = (
            f"{me['peer_name']} has no spend data in this period, so it cannot be compared with its "
            f"{plural(len(neighbours), 'neighbour', 'neighbours')}."
        )
    else:
        below, count = int((known[VALUE] < me[VALUE]).sum()), len(known)
        rank = "more than all" if below == count else "no more than any" if below == 0 else f"more than {below}"
        text = (
            f"{me['peer_name']} spent {fmt(me[VALUE])} per resident on technology, {rank} of its "
            f"{plural(count, 'neighbour', 'neighbours')} with spend data"
        )
        if len(known):
            top, bottom = known.iloc[0], known.iloc[-1]
            text += (
                f" (highest {top['peer_name']}, {fmt(top[VALUE])}; lowest {bottom['peer_name']}, {fmt(bottom[VALUE])})"
                if len(known) > 1
                else f" ({top['peer_name']}, {fmt(top[VALUE])})"
            )
        text += "."
    if median_text:
        text += f" {median_text[:1].upper()}{median_text[1:]}."
    missing = len(neighbours) - len(known)
    if missing:
        text += f" {plural(missing, 'neighbour has', 'neighbours have')} no spend data in this period."
    city = neighbours[neighbours["borough_code"] == CITY_OF_LONDON]
    if len(city) and pd.notna(city.iloc[0][VALUE]):
        text += (
            f" The City of London ({fmt(city.iloc[0][VALUE])} per resident) is left off the chart because it "
            "has few residents; it is in the table."
        )
    return text


def growth_summary(df: pd.DataFrame, by: str) -> str:
    """growth.ranked rows in one sentence: the three categories growing fastest by the ranking `by`, and the one
    falling most."""
    from loti_demand.growth import RANKINGS
    from loti_demand.presentation.charts import change_words

    r = RANKINGS[by]
    fmt = MEASURES["tech_spend_gbp"].format if by == "spend" else (lambda v: f"{int(v):,}")
    before, latest = df[r.before].astype(float), df[r.latest].astype(float)

    def part(i: int) -> str:
        words = change_words(before[i], latest[i])
        start = "none" if not before[i] else fmt(before[i])
        return f"{df['tech_category_label'][i]}, {words} ({start} to {fmt(latest[i])})"

    growing = [i for i in df.index if latest[i] > before[i]]
    falling = [i for i in df.index if latest[i] < before[i]]
    if not growing and not falling:
        return f"No tech category's {r.what} changed between the two years."
    text = (
        f"Growing fastest in {r.what}: " + "; ".join(part(i) for i in growing[:3]) + "."
        if growing
        else f"No tech category grew in {r.what}."
    )
    if falling:  # the steepest fall, and of equal falls (two down 100%) the larger in money or count

        def fall(i: int) -> tuple[float, float]:  # relative change (credit notes can make a year negative)
            change = latest[i] - before[i]
            return (change / abs(before[i]) if before[i] else float("-inf"), change)

        steepest = min(falling, key=fall)
        text += f" Falling most: {part(steepest)}."
    return text


def terms_summary(df: pd.DataFrame) -> str:
    """growth.terms_growth rows in one sentence: the terms newly frequent, with their counts."""
    newly = df[df["is_newly_frequent"]]
    if df.empty:
        return "No watched technology term is mentioned in the notices or challenge statements of either year."
    if newly.empty:
        return (
            "No watched technology term became newly frequent: none is mentioned at least twice as often as the "
            "year before."
        )
    parts = [
        f"{row['term']} ({int(row['found_latest'])}, "
        + ("none the year before)" if not row["found_before"] else f"up from {int(row['found_before'])})")
        for _, row in newly.head(5).iterrows()
    ]
    more = f", and {len(newly) - 5} more" if len(newly) > 5 else ""
    return (
        "Newly frequent in notices and challenge statements (mentions in the latest year): "
        + "; ".join(parts)
        + more
        + "."
    )


# --- Supplier profile -----------------------------------------------------------------------------------------------


def supplier_choices_sentence(find: str, offered: int, matching: int) -> str:
    """What the Supplier profile's list offers, when it is not every supplier: '' when it is."""
    if find and not matching:
        return f'No supplier\'s name holds "{find}": the list offers the supplier shown.'
    if find:
        names = "supplier's name holds" if matching == 1 else "suppliers' names hold"
        shown = "" if offered >= matching else f" The list offers the {offered:,} of them paid most for technology."
        return f'{matching:,} {names} "{find}": choose one in the Supplier list.{shown}'
    if offered < matching:
        return (
            f"The list offers the {offered:,} suppliers paid most for technology, of {matching:,}: type part of a "
            "name in Find a supplier to choose another."
        )
    return ""


def supplier_identity_sentence(detail: pd.Series) -> str:
    """Who the profile is of: the spellings it gathers and how they were matched, and whether it is paid."""
    count = int(detail["spelling_count"])
    text = (
        f"Published under {plural(count, 'spelling', 'spellings')}: {detail['spellings']}"
        if count > 1
        else f"Published as {detail['spellings']}"
    )
    text += f" (matched by {detail['match_method']})." if count > 1 else "."
    if detail.get("company_number"):
        text += f" Companies House number {detail['company_number']}."
    if not bool(detail["is_paid"]):
        text += (
            " Named in award notices only: no loaded spend file pays a supplier of this name, so it has no "
            "payments to show."
        )
    return text


def supplier_buyers_sentence(buyers: pd.DataFrame, phrase: str) -> str:
    """'Paid £1.2m for technology by 5 boroughs and 1 London-wide body in the ...; the most by Camden (£400k).'"""
    if buyers.empty:
        return f"No London tech payments to this supplier in the {phrase}."
    bodies = int(buyers["is_london_wide"].sum())
    parts = [plural(len(buyers) - bodies, "borough", "boroughs")] if len(buyers) > bodies else []
    if bodies:  # '1 London-wide body', not 'by 0 boroughs and 1 London-wide body'
        parts.append(plural(bodies, "London-wide body", "London-wide bodies"))
    who = " and ".join(parts)
    fmt, top = MEASURES["tech_spend_gbp"].format, buyers.iloc[0]
    return (
        f"Paid {fmt(buyers['tech_spend_gbp'].sum())} for technology by {who} in the {phrase}; the most by "
        f"{top['area_name']} ({fmt(top['tech_spend_gbp'])})."
    )
