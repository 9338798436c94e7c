"""DataFrame -> plotly Figure, in the house style of chart_style. Pure: no Streamlit, no queries."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from loti_demand.metrics import MEASURES, label
from loti_demand.presentation.chart_style import LEGEND_BELOW, OKABE_ITO, figure, money_axis
from loti_demand.presentation.words import plural


def category_bar_figure(df: pd.DataFrame, *, value: str = "tech_spend_gbp", title: str = "") -> go.Figure:
    """Horizontal bars, largest first, one per tech category."""
    data = df.sort_values(value, ascending=True)
    bar = go.Bar(
        x=data[value].astype(float),
        y=data["tech_category_label"],
        orientation="h",
        marker_color=OKABE_ITO[0],
        hovertemplate="%{y}: £%{x:,.0f}<extra></extra>",
    )
    return figure(
        [bar],
        title or f"{label(value)} by tech category",
        xaxis=money_axis(data[value].astype(float)),
        yaxis={"automargin": True},
    )


def text_summary_of_bars(df: pd.DataFrame, *, value: str, name: str, top: int = 3) -> str:
    """A sentence describing a bar chart, for screen-reader users and the chart's alt text."""
    data = df[df[value].astype(float) > 0].sort_values(value, ascending=False)
    if data.empty:
        return "No data for this selection."
    measure = MEASURES.get(value)
    fmt = measure.format if measure else str
    parts = [f"{row[name]} {fmt(row[value])}" for _, row in data.head(top).iterrows()]
    return f"Largest {len(parts)} of {len(data)}: " + "; ".join(parts) + "."


def _month_label(value: object) -> str:
    return pd.Timestamp(value).strftime("%b %Y")


def demand_timeline_figure(df: pd.DataFrame, months: list, *, title: str = "") -> go.Figure:
    """Items per expected month, stacked by confidence; inferred items hatched so colour is not the only cue."""
    from loti_demand.metrics import INFERRED, STATUTORY

    labels = [_month_label(m) for m in months]
    # grouped before labelling: a label per month, not per procurement (11,000 of them at London scale)
    counts = {
        (confidence, _month_label(month)): int(n)
        for (confidence, month), n in df.groupby(["confidence", "calendar_month"]).size().items()
    }
    bars = [
        go.Bar(
            x=labels,
            y=[counts.get((confidence, m), 0) for m in labels],
            name=confidence.capitalize(),
            marker_color=colour,
            marker_pattern_shape=pattern,
            marker_line_color="#1f1f1f",
            marker_line_width=0.5,
            hovertemplate="%{x}: %{y} " + confidence + "<extra></extra>",
        )
        for confidence, colour, pattern in ((STATUTORY, OKABE_ITO[0], ""), (INFERRED, OKABE_ITO[1], "/"))
    ]
    return figure(
        bars,
        title or "Expected procurements per month",
        barmode="stack",
        legend={**LEGEND_BELOW, "traceorder": "normal", "title": {"text": "Confidence: "}},
        xaxis={"title": {"text": "Expected month"}, "type": "category"},
        yaxis={"title": {"text": "Procurements"}, "rangemode": "tozero", "dtick": 1 if len(df) < 12 else None},
    )


def demand_timeline_summary(df: pd.DataFrame, months: list) -> str:
    """The timeline chart in words (for the alt text and the page)."""
    from loti_demand.metrics import INFERRED, STATUTORY

    if df.empty:
        return "No procurements are expected in this period for the filters chosen."
    first, last = f"{months[0]:%B %Y}", f"{months[-1]:%B %Y}"
    statutory = int((df["confidence"] == STATUTORY).sum())
    inferred = int((df["confidence"] == INFERRED).sum())
    due = int(df["is_due_now"].sum())
    per_month = df["calendar_month"].value_counts()
    per_month.index = [f"{pd.Timestamp(m):%B %Y}" for m in per_month.index]
    order = {f"{m:%B %Y}": i for i, m in enumerate(months)}
    most = int(per_month.max())
    busiest = sorted((m for m in per_month.index if per_month[m] == most), key=lambda m: order.get(m, 0))
    due_text = (
        ""
        if not due
        else f" (already due, shown in {first})"
        if len(df) == 1
        else f" ({due:,} of them already due, shown in {first})"
    )
    if len(busiest) == 1:
        peak = f"The busiest month is {busiest[0]} with {most}."
    elif len(busiest) <= 4:
        peak = f"The busiest months are {', '.join(busiest[:-1])} and {busiest[-1]}, with {most} each."
    else:
        peak = f"{len(busiest)} months tie as the busiest, with {most} each, from {busiest[0]} to {busiest[-1]}."
    return (
        f"{plural(len(df), 'procurement', 'procurements')} expected from {first} to {last}: "
        f"{plural(statutory, 'from a statutory notice', 'from statutory notices')} and "
        f"{plural(inferred, 'inferred from a contract end date', 'inferred from contract end dates')}{due_text}. {peak}"
    )


def score_bar_figure(df: pd.DataFrame, *, value: str, name: str, title: str) -> go.Figure:
    """Horizontal bars of a 0-100 score, lowest first so the boroughs needing attention are on top."""
    data = df.dropna(subset=[value]).sort_values([value, name], ascending=[False, False])
    bar = go.Bar(
        x=data[value].astype(float),
        y=data[name],
        orientation="h",
        marker_color=OKABE_ITO[0],
        text=data[value].astype(int),
        textposition="outside",
        hovertemplate="%{y}: %{x:.0f}<extra></extra>",
    )
    # room beyond 100 for the score written outside the longest bar, even on a phone; ticks stop at 100
    return figure(
        [bar],
        title,
        xaxis={"range": [0, 125], "tickvals": list(range(0, 101, 20))},
        yaxis={"automargin": True, "type": "category"},
        height=max(300, 22 * len(data) + 120),
    )


def score_summary(df: pd.DataFrame, *, value: str, name: str) -> str:
    data = df.dropna(subset=[value]).sort_values(value)
    if data.empty:
        return "No scores: no borough has published data yet."
    low, high = data.iloc[0], data.iloc[-1]
    return (
        f"Scores for {len(data)} boroughs range from {int(low[value])} ({low[name]}) to {int(high[value])} "
        f"({high[name]}); the median is {float(data[value].median()):.0f}."
    )


# --- Borough map, borough profile and spend pages -----------------------------------------------------------

HIGHLIGHT = OKABE_ITO[5]  # vermillion: chosen boroughs stand out from the blue bars
AREA_COLOURS = [c for c in OKABE_ITO if c != "#F0E442"]  # yellow is too faint on white for a filled area


OTHER_GREY = "#999999"


def month_ticks(months: int) -> str:
    """A month axis's tick spacing: each month, then each quarter or year as the months grow (plotly's own choice
    labelled one month twice when there were few)."""
    return "M1" if months <= 12 else "M3" if months <= 36 else "M12"


def spend_trend_figure(df: pd.DataFrame, *, title: str, grain: str = "month") -> go.Figure:
    """Stacked areas of tech spend by category over time: the largest categories, each in a colour of its own, and
    the rest as 'Other categories' in grey (where the rest is one category, it keeps its name, in the grey)."""
    data = df.copy()
    totals = data.groupby("tech_category_label")["tech_spend_gbp"].sum().sort_values(ascending=False)
    most = len(AREA_COLOURS)
    keep = list(totals.index[:most]) if len(totals) > most + 1 else list(totals.index)
    data["series"] = data["tech_category_label"].where(data["tech_category_label"].isin(keep), "Other categories")
    pivot = data.pivot_table(
        index="period_start", columns="series", values="tech_spend_gbp", aggfunc="sum", fill_value=0
    )
    traces = []
    order = keep + (["Other categories"] if "Other categories" in pivot.columns else [])
    # one period alone draws no area: it is shown as points (real publishers often have a single month in a window)
    periods = len(pivot.index)
    for i, series in enumerate(order):
        colour = AREA_COLOURS[i] if i < most and series != "Other categories" else OTHER_GREY
        traces.append(
            go.Scatter(
                x=pivot.index,
                y=pivot[series].astype(float),
                name=series,
                stackgroup="one",
                mode="lines+markers" if periods == 1 else "lines",
                line={"width": 0.5, "color": colour},
                fillcolor=colour,
                hovertemplate=f"{series}<br>%{{x|%b %Y}}: £%{{y:,.0f}}<extra></extra>",
            )
        )
    stacked = pivot[order].astype(float).cumsum(axis=1)
    return figure(
        traces,
        title,
        xaxis={
            "title": {"text": "Quarter starting" if grain == "quarter" else "Month"},
            # a tick each month (or quarter, or year, as the months grow), never two labels for one month
            "dtick": "M3" if grain == "quarter" else month_ticks(periods),
            "tickformat": "%b %Y",
        },
        # the areas stack in trace order, so the axis spans the running totals across the traces
        yaxis={"title": {"text": label("tech_spend_gbp")}, **money_axis(stacked.to_numpy().ravel())},
        legend=LEGEND_BELOW,
        height=460,
        hovermode="x unified",
    )


def monthly_bar_figure(df: pd.DataFrame, *, title: str, value: str = "tech_spend_gbp") -> go.Figure:
    """Bars of a monthly total (categories summed)."""
    data = df.groupby("period_start", as_index=False)[value].sum()
    bar = go.Bar(
        x=data["period_start"],
        y=data[value].astype(float),
        marker_color=OKABE_ITO[0],
        hovertemplate="%{x|%B %Y}: £%{y:,.0f}<extra></extra>",
    )
    return figure(
        [bar],
        title,
        xaxis={"title": {"text": "Month"}, "tickformat": "%b %Y", "dtick": month_ticks(len(data))},
        yaxis={"title": {"text": label(value)}, **money_axis(data[value].astype(float))},
        height=380,
    )


CITY_OF_LONDON = "E09000001"


def per_resident_figure(df: pd.DataFrame, *, title: str, highlight: tuple[str, ...] = ()) -> go.Figure:
    """Boroughs sorted by tech spend per resident, the chosen ones highlighted, with the London median line.

    The City of London is left off: with about 11,000 residents and a large working population its figure is
    many times the others' and would squash every other bar (the summary and the table still give it).
    """
    value = "tech_spend_per_resident_gbp"
    data = df[df[value].notna() & (df["borough_code"] != CITY_OF_LONDON)].sort_values(value, ascending=True)
    chosen = [code in highlight for code in data["borough_code"]]
    bar = go.Bar(  # chosen boroughs differ in colour and in hatching, not colour alone
        x=data[value].astype(float),
        y=data["borough_name"],
        orientation="h",
        marker={
            "color": [HIGHLIGHT if c else OKABE_ITO[0] for c in chosen],
            "pattern": {"shape": ["/" if c else "" for c in chosen], "fgcolor": "#ffffff", "solidity": 0.3},
        },
        hovertemplate="%{y}: £%{x:,.2f} per resident<extra></extra>",
    )
    fig = figure(
        [bar],
        title,
        xaxis={"tickprefix": "£"},
        yaxis={"automargin": True, "dtick": 1},
        height=max(320, 22 * len(data) + 120),
        top_extra=20,
    )
    median = df["london_median_per_resident_gbp"].dropna()
    if len(median):
        median = median.iloc[0]
        fig.add_vline(
            x=float(median),
            line_dash="dash",
            line_color="#000000",
            line_width=2,
            annotation_text=f"London median £{float(median):,.2f}",
            # to the line's left, over the bars below the median: centred, a phone's narrow plot cut its end off
            annotation_position="top left",
        )
    return fig


def peers_figure(df: pd.DataFrame, *, title: str) -> go.Figure:
    """A borough's tech spend per resident beside its neighbours' and two medians (loti_demand.peers rows), in the
    table's order from the top: the borough highlighted and hatched, neighbours plain, medians grey and dotted; each
    label gives the figure.

    A neighbour without spend data has an empty bar saying so. The City of London is left off unless it is the
    borough itself: its figure is many times the others' and would squash their bars (the table gives it)."""
    from loti_demand.peers import MEDIAN, THIS

    value = "tech_spend_per_resident_gbp"
    data = df[(df["borough_code"] != CITY_OF_LONDON) | (df["peer_role"] == THIS)].iloc[::-1]
    kinds = ["this" if r == THIS else "median" if r.startswith(MEDIAN) else "neighbour" for r in data["peer_role"]]
    colours = {"this": HIGHLIGHT, "neighbour": OKABE_ITO[0], "median": "#595959"}
    shapes = {"this": "/", "neighbour": "", "median": "."}
    figures = data[value].astype(float)
    shown = ["no spend data" if pd.isna(v) else f"£{v:,.2f}" for v in figures]
    bar = go.Bar(
        x=figures.fillna(0),
        y=[bar_label(n, f) for n, f in zip(data["peer_name"], shown, strict=True)],
        orientation="h",
        customdata=data["peer_name"],
        text=shown,
        textposition="none",
        marker={
            "color": [colours[k] for k in kinds],
            "pattern": {"shape": [shapes[k] for k in kinds], "fgcolor": "#ffffff", "solidity": 0.3},
        },
        hovertemplate="%{customdata}: %{text}<extra></extra>",
    )
    return figure(
        [bar],
        title,
        xaxis={"tickprefix": "£", "rangemode": "tozero"},
        yaxis={"automargin": True, "dtick": 1},
        height=max(260, 48 * len(data) + 120),
    )


LABEL_LINE_CHARS = 24  # a bar's name on lines of about 24 characters leaves a phone's chart room for the bars


def bar_label(name: str, note: str) -> str:
    """A bar's axis label: its name wrapped, and under it the figure or change it shows. On the axis, not at the
    bar's end: beyond the longest bar a value ran off a phone-width chart."""
    return "<br>".join([*textwrap.wrap(str(name), LABEL_LINE_CHARS, break_long_words=False), note])


def year_on_year_figure(
    labels: list[str],
    before: list[float],
    latest: list[float],
    *,
    years: tuple[str, str],
    title: str,
    money: bool = False,
) -> go.Figure:
    """Pairs of horizontal bars, the year before (grey) and the latest year (blue), in the order given from the top;
    each label says the change ('up 45%', 'new', 'down 10%')."""
    rows = list(reversed(range(len(labels))))  # plotly draws the first category at the bottom
    names = [bar_label(labels[i], change_words(before[i], latest[i])) for i in rows]
    hover = "£%{x:,.0f}" if money else "%{x:,}"
    shown = [labels[i] for i in rows]
    bars = [
        go.Bar(
            x=[values[i] for i in rows],
            y=names,
            orientation="h",
            name=year,
            marker_color=colour,
            customdata=shown,
            hovertemplate=f"%{{customdata}}, {year}: {hover}<extra></extra>",
        )
        for values, year, colour in ((before, years[0], "#767676"), (latest, years[1], OKABE_ITO[0]))
    ]
    return figure(
        bars,
        title,
        barmode="group",
        legend={**LEGEND_BELOW, "traceorder": "normal"},
        xaxis={
            "rangemode": "tozero",
            **(money_axis([*before, *latest]) if money else {"tickformat": ",d"}),
        },
        yaxis={"automargin": True, "dtick": 1},
        height=max(300, 60 * len(labels) + 180),
    )


def category_growth_figure(df: pd.DataFrame, by: str, years: tuple) -> go.Figure:
    """growth.ranked rows as year-on-year bars of the ranking `by`, over `years` (periods.growth_years)."""
    from loti_demand.growth import RANKINGS

    r = RANKINGS[by]
    return year_on_year_figure(
        df["tech_category_label"].tolist(),
        df[r.before].astype(float).tolist(),
        df[r.latest].astype(float).tolist(),
        years=_year_names(years),
        title=f"{r.label} by tech category, year on year",
        money=by == "spend",
    )


def terms_growth_figure(df: pd.DataFrame, years: tuple) -> go.Figure:
    """The first growth.TERMS_SHOWN watched terms (growth.terms_growth rows) as year-on-year bars of mentions."""
    from loti_demand.growth import TERMS_SHOWN

    top = df.head(TERMS_SHOWN)
    return year_on_year_figure(
        top["term"].tolist(),
        top["found_before"].astype(float).tolist(),
        top["found_latest"].astype(float).tolist(),
        years=_year_names(years),
        title="Mentions of watched technology terms, year on year",
    )


def _year_names(years: tuple) -> tuple[str, str]:
    return f"Year before ({years[0].label})", f"Latest year ({years[1].label})"


def change_words(before: float, latest: float) -> str:
    """'up 45%', 'down 10%', 'new' (none the year before), 'no change' or 'none' (none in either year)."""
    if not before:
        return "new" if latest else "none"
    change = 100 * (latest - before) / before
    if round(change) == 0:
        return "no change"
    return f"{'up' if change > 0 else 'down'} {abs(change):,.0f}%"


def supplier_bar_figure(df: pd.DataFrame, *, title: str) -> go.Figure:
    """Horizontal bars of suppliers' market share, largest at the top."""
    data = df.sort_values("share_pct", ascending=True)
    bar = go.Bar(
        x=data["share_pct"].astype(float),
        y=data["supplier_name"],
        orientation="h",
        marker_color=OKABE_ITO[0],
        customdata=data["tech_spend_gbp"].astype(float),
        hovertemplate="%{y}: %{x:.1f}% (£%{customdata:,.0f})<extra></extra>",
    )
    return figure(
        [bar],
        title,
        xaxis={"ticksuffix": "%"},
        yaxis={"automargin": True, "dtick": 1},
        height=max(300, 26 * len(data) + 110),
    )
