"""DataFrame -> plotly Figure. Pure: no Streamlit, no queries. Palettes are colour-blind safe (Okabe-Ito)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from loti_demand.metrics import label

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SEQUENTIAL = "Cividis"
FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 14, "color": "#1f1f1f"}


def _layout(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 16}},
        font=FONT,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        plot_bgcolor="white",
        paper_bgcolor="white",
        colorway=OKABE_ITO,
    )
    dark = {"color": "#1f1f1f"}  # plotly's default greys for ticks and titles fall short of 4.5:1 contrast
    fig.update_xaxes(gridcolor="#e5e5e5", linecolor="#595959", tickfont=dark, title_font=dark)
    fig.update_yaxes(gridcolor="#e5e5e5", linecolor="#595959", tickfont=dark, title_font=dark)
    fig.update_layout(legend_font=dark, legend_title_font=dark)
    return fig


def category_bar_figure(df: pd.DataFrame, *, value: str = "tech_spend_gbp", title: str = "") -> go.Figure:
    """Horizontal bars, largest first, one per tech category."""
    data = df.sort_values(value, ascending=True)
    fig = go.Figure(
        go.Bar(
            x=data[value].astype(float),
            y=data["tech_category_label"],
            orientation="h",
            marker_color=OKABE_ITO[0],
            hovertemplate="%{y}: £%{x:,.0f}<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=label(value), tickprefix="£", tickformat="~s")
    fig.update_yaxes(title_text=None, automargin=True)
    return _layout(fig, title or f"{label(value)} by tech category")


def text_summary_of_bars(df: pd.DataFrame, *, value: str, name: str, top: int = 3) -> str:
    """A sentence describing a bar chart, for screen-reader users and the chart's alt text."""
    data = df[df[value].astype(float) > 0].sort_values(value, ascending=False)
    if data.empty:
        return "No data for this selection."
    from loti_demand.metrics import MEASURES

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
    counts = (df.assign(month=df["calendar_month"].map(_month_label)).groupby(["confidence", "month"]).size()
              if not df.empty else pd.Series(dtype=int))
    fig = go.Figure()
    for confidence, colour, pattern in ((STATUTORY, OKABE_ITO[0], ""), (INFERRED, OKABE_ITO[1], "/")):
        y = [int(counts.get((confidence, m), 0)) for m in labels]
        fig.add_trace(go.Bar(
            x=labels, y=y, name=confidence.capitalize(), marker_color=colour,
            marker_pattern_shape=pattern, marker_line_color="#1f1f1f", marker_line_width=0.5,
            hovertemplate="%{x}: %{y} " + confidence + "<extra></extra>",
        ))
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.25, "traceorder": "normal",
                                                "title": {"text": "Confidence: "}})
    fig.update_xaxes(title_text="Expected month", type="category")
    fig.update_yaxes(title_text="Procurements", rangemode="tozero", dtick=1 if len(df) < 12 else None)
    return _layout(fig, title or "Expected procurements per month")


def demand_timeline_summary(df: pd.DataFrame, months: list) -> str:
    """The timeline chart in words (for the alt text and the page)."""
    from loti_demand.metrics import INFERRED, STATUTORY

    if df.empty:
        return "No procurements are expected in this period for the filters chosen."
    first, last = f"{months[0]:%B %Y}", f"{months[-1]:%B %Y}"
    statutory = int((df["confidence"] == STATUTORY).sum())
    inferred = int((df["confidence"] == INFERRED).sum())
    due = int(df["is_due_now"].sum())
    per_month = df["calendar_month"].map(lambda m: f"{pd.Timestamp(m):%B %Y}").value_counts()
    order = {f"{m:%B %Y}": i for i, m in enumerate(months)}
    busiest = min(per_month.index, key=lambda m: (-per_month[m], order.get(m, 0)))
    due_text = f" ({due} of them already due, shown in {first})" if due else ""
    return (f"{len(df)} procurements expected from {first} to {last}: {statutory} from statutory notices and "
            f"{inferred} inferred from contract end dates{due_text}. The busiest month is {busiest} with "
            f"{per_month[busiest]}.")


def score_bar_figure(df: pd.DataFrame, *, value: str, name: str, title: str) -> go.Figure:
    """Horizontal bars of a 0-100 score, lowest first so the boroughs needing attention are on top."""
    data = df.dropna(subset=[value]).sort_values([value, name], ascending=[False, False])
    fig = go.Figure(go.Bar(
        x=data[value].astype(float), y=data[name], orientation="h", marker_color=OKABE_ITO[0],
        text=data[value].astype(int), textposition="outside",
        hovertemplate="%{y}: %{x:.0f}<extra></extra>",
    ))
    fig.update_xaxes(title_text=label(value), range=[0, 110])
    fig.update_yaxes(title_text=None, automargin=True, type="category")
    fig.update_layout(height=max(300, 22 * len(data) + 120))
    return _layout(fig, title)


def score_summary(df: pd.DataFrame, *, value: str, name: str) -> str:
    data = df.dropna(subset=[value]).sort_values(value)
    if data.empty:
        return "No scores: no borough has published data yet."
    low, high = data.iloc[0], data.iloc[-1]
    return (f"Scores for {len(data)} boroughs range from {int(low[value])} ({low[name]}) to {int(high[value])} "
            f"({high[name]}); the median is {float(data[value].median()):.0f}.")
