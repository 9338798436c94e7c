"""The borough maps: the tile map (one square per borough, as on the "London Squared" map) and the geographic map on
the official boundaries (loti_demand.geo reads them), with their shared colour scale. Pure: no Streamlit.

The geographic map uses plotly's `choropleth_map` with the blank "white-bg" style: it needs no map tiles or other
files from the internet, so it works offline (the older `choropleth` fetches a world outline from a CDN).
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from loti_demand.metrics import MEASURES, label
from loti_demand.presentation.chart_style import MONEY_STEPS, SEQUENTIAL, STEPS, figure, house_layout, nice_ticks

if TYPE_CHECKING:  # the boundaries come in as GeoDataFrames; drawing them needs no geopandas import
    import geopandas as gpd

ATTRIBUTION = "Contains National Statistics and OS data © Crown copyright and database right"

# Three-letter labels for the tile map, as on the "London Squared" map.
BOROUGH_ABBREVIATIONS = {
    "E09000001": "CTY",
    "E09000002": "BAR",
    "E09000003": "BRN",
    "E09000004": "BXL",
    "E09000005": "BRT",
    "E09000006": "BRM",
    "E09000007": "CMD",
    "E09000008": "CRD",
    "E09000009": "EAL",
    "E09000010": "ENF",
    "E09000011": "GRN",
    "E09000012": "HCK",
    "E09000013": "HMS",
    "E09000014": "HGY",
    "E09000015": "HRW",
    "E09000016": "HAV",
    "E09000017": "HDN",
    "E09000018": "HNS",
    "E09000019": "ISL",
    "E09000020": "KNS",
    "E09000021": "KTN",
    "E09000022": "LAM",
    "E09000023": "LSH",
    "E09000024": "MRT",
    "E09000025": "NWM",
    "E09000026": "RED",
    "E09000027": "RCH",
    "E09000028": "SWK",
    "E09000029": "STN",
    "E09000030": "TOW",
    "E09000031": "WFR",
    "E09000032": "WND",
    "E09000033": "WST",
}
NO_DATA_COLOUR = "#d9d9d9"
TILE_LABEL_PX = 12  # three capitals at 12 px fit a tile of a phone-width map (8 tiles across 304 px)
COLOUR_BAR_PX = 260  # fits a chart on a 320 px screen (304 px), tick labels over its ends included


def _luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour given as 0-255 channels."""

    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _rgb(colour: str) -> tuple[float, float, float]:
    if colour.startswith("#"):
        return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return tuple(float(v) for v in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3])


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with the background (WCAG contrast ratio)."""
    lum = _luminance(_rgb(background))
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


def _scale_colours(values: pd.Series, scale: str = SEQUENTIAL) -> list[str]:
    """The colour each value gets on the sequential scale, with the same min-max the colour bar uses."""
    from plotly.colors import sample_colorscale

    numbers = values.astype(float)
    low, high, _ = colour_range(values)
    span = (high - low) or 1.0
    return sample_colorscale(scale, [min(max((v - low) / span, 0.0), 1.0) for v in numbers])


def _has_value(df: pd.DataFrame, value: str) -> pd.Series:
    return df[value].notna()


def colour_range(values: pd.Series) -> tuple[float, float, bool]:
    """(low, high, capped) for a colour scale. One value more than twice the next (the City of London per
    resident, say) would leave every other borough the same colour, so the scale then stops at the next value
    and its top reads 'or more'; hover text and the table keep the real figure."""
    numbers = values.dropna().astype(float).sort_values(ascending=False)
    if numbers.empty:
        return 0.0, 1.0, False
    low, high = float(numbers.min()), float(numbers.iloc[0])
    if len(numbers) >= 3 and numbers.iloc[1] > low and high > 2 * numbers.iloc[1]:
        return low, float(numbers.iloc[1]), True
    return low, high, False


def colour_bar(values: pd.Series, value: str) -> dict:
    """A colour bar titled with the measure label, its ticks written the way the page writes the measure."""
    measure = MEASURES.get(value)
    low, high, capped = colour_range(values)
    # Under the map, not beside it: upright at the side, its title and tick labels took 40% of a phone's width.
    bar = {
        "title": {"text": label(value), "side": "top"},
        "orientation": "h",
        "thickness": 14,
        "outlinewidth": 0,
        "lenmode": "pixels",
        "len": COLOUR_BAR_PX,
        "x": 0.5,
        "xanchor": "center",
        "y": 0,
        "yref": "container",
        "yanchor": "bottom",
        "ypad": 10,
    }
    if measure and values.notna().any():
        money = measure.fmt.startswith("gbp")
        ticks = nice_ticks(low, high, whole=measure.fmt in ("count", "index"), steps=MONEY_STEPS if money else STEPS)
        text = [measure.format(t) for t in ticks]
        if capped:  # the top of the scale says "or more"; drop a round tick that would overprint it
            keep = [i for i, t in enumerate(ticks) if high - t > 0.08 * (high - low)]
            ticks = [*(ticks[i] for i in keep), high]
            text = [*(text[i] for i in keep), f"{measure.format(high)} or more"]
        bar.update(tickmode="array", tickvals=ticks, ticktext=text)
    return bar


def tile_map_figure(df: pd.DataFrame, value: str, *, title: str = "", coverage: str | None = None) -> go.Figure:
    """One square per borough at (tile_col, tile_row), coloured by `value` on a colour-blind-safe scale.

    Boroughs with no value (no data) are grey. Squares carry the borough's three-letter label in black or
    white for contrast; hovering shows the name and the value. `coverage` names a column shown on hover.
    """
    measure = MEASURES.get(value)
    fmt = measure.format if measure else str
    data = df.copy()
    has = _has_value(data, value)
    rows, cols = int(data["tile_row"].max()) + 1, int(data["tile_col"].max()) + 1
    grid = [[None] * cols for _ in range(rows)]
    blank = [[None] * cols for _ in range(rows)]
    for _, row in data.iterrows():
        r, c = int(row["tile_row"]), int(row["tile_col"])
        if pd.notna(row[value]):
            grid[r][c] = float(row[value])
        else:
            blank[r][c] = 1
    traces = [
        go.Heatmap(
            z=blank,
            colorscale=[[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]],
            showscale=False,
            hoverinfo="skip",
            xgap=4,
            ygap=4,
            name="No data",
        )
    ]
    low, high, _ = colour_range(data[value])
    traces.append(
        go.Heatmap(
            z=grid,
            colorscale=SEQUENTIAL,
            zmin=low,
            zmax=high,
            xgap=4,
            ygap=4,
            hoverinfo="skip",
            name=label(value),
            colorbar=colour_bar(data[value], value),
        )
    )
    colours = pd.Series(NO_DATA_COLOUR, index=data.index, dtype="object")
    if has.any():
        colours[has] = _scale_colours(data.loc[has, value])
    hover = [
        f"<b>{row['borough_name']}</b><br>{label(value)}: "
        + (fmt(row[value]) if pd.notna(row[value]) else "no data")
        + (f"<br>{label(coverage)}: {row[coverage]}" if coverage else "")
        for _, row in data.iterrows()
    ]
    traces.append(
        go.Scatter(
            x=data["tile_col"],
            y=data["tile_row"],
            mode="markers+text",
            text=[BOROUGH_ABBREVIATIONS.get(c, c[-3:]) for c in data["borough_code"]],
            textfont={"color": [text_colour(c) for c in colours], "size": TILE_LABEL_PX},
            marker={"symbol": "square", "size": 44, "opacity": 0},
            customdata=data[["borough_code", "borough_name"]].to_numpy(),
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
            name="Boroughs",
        )
    )
    return figure(
        traces,
        title or label(value),
        xaxis={"visible": False, "range": [-0.5, cols - 0.5], "fixedrange": True},
        yaxis={"visible": False, "range": [rows - 0.5, -0.5], "fixedrange": True, "scaleanchor": "x", "scaleratio": 1},
        height=560,
        hovermode="closest",
        dragmode=False,
        clickmode="event+select",
    )


def center_and_zoom(boundaries: gpd.GeoDataFrame, *, width: int = 800, height: int = 560) -> tuple[dict, float]:
    """Map centre and a zoom level that fits the boundaries in a width x height pixel map (Web Mercator)."""
    minx, miny, maxx, maxy = boundaries.total_bounds

    def mercator_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    zoom_x = math.log2(width * 360 / (512 * max(maxx - minx, 1e-6)))
    zoom_y = math.log2(height * 2 * math.pi / (512 * max(mercator_y(maxy) - mercator_y(miny), 1e-9)))
    return {"lon": float(minx + maxx) / 2, "lat": float(miny + maxy) / 2}, round(min(zoom_x, zoom_y) - 0.15, 2)


def geographic_map_figure(
    boundaries: gpd.GeoDataFrame, df: pd.DataFrame, value: str, *, title: str = "", coverage: str | None = None
) -> go.Figure:
    """A choropleth of `value` by borough on the official boundaries; boroughs without a value are grey."""
    geojson = json.loads(boundaries.to_json(drop_id=True))
    measure = MEASURES.get(value)
    fmt = measure.format if measure else str
    data = df[df["borough_code"].isin(boundaries["borough_code"])].copy()
    data["shown"] = [fmt(v) if pd.notna(v) else "no data" for v in data[value]]
    data["coverage_text"] = data[coverage].astype(str) if coverage else ""
    center, zoom = center_and_zoom(boundaries)
    with_value = data[data[value].notna()].assign(**{value: lambda d: d[value].astype(float)})
    fig = px.choropleth_map(
        with_value,
        geojson=geojson,
        locations="borough_code",
        featureidkey="properties.borough_code",
        color=value,
        color_continuous_scale=SEQUENTIAL,
        map_style="white-bg",
        center=center,
        zoom=zoom,
        custom_data=["borough_code", "borough_name", "shown", "coverage_text"],
        opacity=1,
        labels={value: label(value)},
        range_color=colour_range(data[value])[:2],
    )
    hover = "<b>%{customdata[1]}</b><br>" + label(value) + ": %{customdata[2]}"
    if coverage:
        hover += "<br>" + label(coverage) + ": %{customdata[3]}"
    fig.update_traces(marker_line_color="#ffffff", marker_line_width=1, hovertemplate=hover + "<extra></extra>")
    blank = data[data[value].isna()]
    if not blank.empty:
        fig.add_trace(
            go.Choroplethmap(
                geojson=geojson,
                locations=blank["borough_code"],
                featureidkey="properties.borough_code",
                z=[0] * len(blank),
                colorscale=[[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]],
                showscale=False,
                customdata=blank[["borough_code", "borough_name", "shown", "coverage_text"]].to_numpy(),
                hovertemplate=hover + "<extra></extra>",
                marker_line_color="#ffffff",
                marker_line_width=1,
                name="No data",
            )
        )
    fig.update_layout(
        house_layout(title or label(value)),
        height=560,
        coloraxis_colorbar=colour_bar(data[value], value),
        clickmode="event+select",
    )
    # on two lines: one ran off a phone-width map
    fig.add_annotation(
        text=ATTRIBUTION.replace(" ©", "<br>©"),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="bottom",
        align="left",
        showarrow=False,
        font={"size": 11, "color": "#1f1f1f"},
        bgcolor="rgba(255,255,255,0.85)",
    )
    return fig
