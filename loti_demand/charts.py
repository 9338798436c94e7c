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
    fig.update_xaxes(gridcolor="#e5e5e5", linecolor="#595959")
    fig.update_yaxes(gridcolor="#e5e5e5", linecolor="#595959")
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
