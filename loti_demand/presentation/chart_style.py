"""The house style of every chart: the colour-blind-safe palette (Okabe-Ito), font, axes, and titles and legends
laid out to fit a phone. Pure: no Streamlit."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable

import plotly.graph_objects as go

from loti_demand.metrics.measures import format_gbp, gbp_unit

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SEQUENTIAL = "Cividis"
FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 14, "color": "#1f1f1f"}


DARK = {"color": "#1f1f1f"}  # plotly's default greys for ticks and titles fall short of 4.5:1 contrast
AXIS = {"gridcolor": "#e5e5e5", "linecolor": "#595959", "tickfont": DARK, "title": {"font": DARK}}


def _merged(base: dict, extra: dict) -> dict:
    """`base` with `extra` laid over it, nested dicts merged key by key."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


# Phones: a chart on a 320 px screen is about 304 px wide, and plotly neither wraps a title nor moves it out of the
# way of its toolbar (and Streamlit's full-screen button) in the chart's top-right corner. So titles are wrapped
# here to lines a phone can show, and set below the toolbars' strip; legends and colour bars go under the chart,
# anchored to the bottom of the figure (the margins then make room for them and the axis labels both, where a
# legend placed relative to the plot lands on the axis title once the tick labels turn on a narrow screen).
TITLE_LINE_CHARS = 36  # a 16 px title line of about 36 characters fits 304 px (a 320 px screen: WCAG's reflow)
TOOLBAR_PX = 40  # the toolbars' strip at the top of a chart (28 px), and a gap
TITLE_LINE_PX = 22
MULTILINE_LIFT_PX = 11  # plotly sets a title of two or more lines about 11 px higher than its padding says
# Horizontal bars carry no x-axis title: centred under a plot squeezed by long names it ran off a phone's screen,
# and the chart's title already names the measure (the tick labels give the unit).
LEGEND_BELOW = {"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yref": "container", "yanchor": "bottom"}


def title_lines(title: str) -> list[str]:
    """The title wrapped to lines that fit a phone-width chart (plotly draws one long line off the edge)."""
    return textwrap.wrap(title, TITLE_LINE_CHARS, break_long_words=False) or [""]


def house_layout(title: str, *, top_extra: int = 0) -> dict:
    """The house style of every chart: title, font, margins, a white ground, the palette and dark legend text.

    The title is wrapped, at the top left under the toolbars' strip; `top_extra` pixels more are left between it
    and the plot (for a label drawn above the plot)."""
    lines = title_lines(title)
    return {
        "title": {
            "text": "<br>".join(lines),
            "font": {"size": 16},
            "x": 0,
            "xref": "container",
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": TOOLBAR_PX + (MULTILINE_LIFT_PX if len(lines) > 1 else 0), "l": 10},
        },
        "font": FONT,
        "margin": {
            "l": 10,
            "r": 10,
            "t": TOOLBAR_PX + MULTILINE_LIFT_PX + TITLE_LINE_PX * len(lines) + 4 + top_extra,
            "b": 10,
        },
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "colorway": OKABE_ITO,
        "legend": {"font": DARK, "title": {"font": DARK}},
    }


def figure(
    traces: list,
    title: str,
    *,
    xaxis: dict | None = None,
    yaxis: dict | None = None,
    top_extra: int = 0,
    **layout: object,
) -> go.Figure:
    """A figure in the house style, with its axes and `layout` over it. The layout goes whole to the constructor:
    each update_layout or update_xaxes afterwards validates it again, about 10 ms a chart."""
    axes = {"xaxis": _merged(AXIS, xaxis or {}), "yaxis": _merged(AXIS, yaxis or {})}
    return go.Figure(traces, layout=_merged(house_layout(title, top_extra=top_extra), {**axes, **layout}))


# --- Axis ticks ---------------------------------------------------------------------------------------------------

STEPS = (1, 2, 2.5, 5, 10)
# Money ticks are written short (£1.5m), and 2.5 times a power of ten would be rounded there (£1.25m as "£1.2m").
MONEY_STEPS = (1, 2, 5, 10)


def nice_ticks(
    low: float, high: float, count: int = 5, *, whole: bool = False, steps: tuple[float, ...] = STEPS
) -> list[float]:
    """Round tick values (`steps` times a power of ten) spanning low..high; whole numbers if `whole`."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low] if math.isfinite(low) else []
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in steps if m * power >= raw)
    if whole:
        step = max(1, math.ceil(step))
    first = math.ceil(low / step) * step
    return [round(first + i * step, 10) for i in range(int((high - first) / step + 1e-9) + 1)]


def money_axis(values: Iterable[float]) -> dict:
    """An axis's ticks from 0 (or below it) across `values`, written in the pages' short form (format_gbp) and in one
    unit, the largest tick's (£500k and £1.0m would mix two): plotly's own short form says "£1M" and, for billions,
    "£1G"."""
    numbers = [number for number in map(float, values) if math.isfinite(number)]
    ticks = nice_ticks(min([0.0, *numbers]), max([0.0, *numbers]), whole=True, steps=MONEY_STEPS)
    if len(ticks) < 2:
        return {"tickprefix": "£"}
    unit = gbp_unit(max(abs(t) for t in ticks))
    text = [format_gbp(t, unit) if t else "£0" for t in ticks]
    # the ticks are written out, so a zoom would leave it with none: the axis keeps its range (hover and the table
    # under the chart give every figure)
    return {"tickmode": "array", "tickvals": ticks, "ticktext": text, "fixedrange": True}
