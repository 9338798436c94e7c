"""Borough map: one measure per borough, on a square tile map (always) or the official boundaries (when set)."""

import streamlit as st

from loti_demand import periods, ui
from loti_demand.export import file_part
from loti_demand.metrics import MAP_MEASURES, MEASURES, label
from loti_demand.presentation import coverage_sentences, maps, sentences

area = ui.area()
ui.page_header(
    "Borough map",
    f"Compare {area.name}'s {len(ui.borough_names())} local authorities on one measure at a time. Choose one to open "
    "its profile.",
)
as_of = ui.as_of()
SPEND = ("tech_spend_gbp", "tech_spend_per_resident_gbp")
FORWARD = ("pipeline_value_gbp", "contracts_expiring")

shapes, problem = ui.boundaries()
# The measure and map style side by side; the period and the category each a row of its own, so that their whole
# names ("Latest 12 months (Apr 2025 to Mar 2026)", "Smart places and connected sensors") fit a small laptop's page.
filters = st.columns(2)
with filters[0]:
    measure = ui.url_selectbox("Measure", list(MAP_MEASURES), key="measure", format_func=label)
if measure in SPEND:
    windows = ui.spend_periods()
elif measure in FORWARD:
    windows = periods.forward_periods(as_of)
else:
    windows = periods.current_period(as_of)
if not windows:
    st.info(
        "No data has been loaded for this measure yet, so there is nothing to map. Build the warehouse from "
        "spend files and procurement notices: see docs/building.md."
    )
    st.stop()
views = {"tiles": "Tile map (equal squares)", "geographic": "Geographic map (boundaries)"}
view = "tiles"
if shapes is not None:
    with filters[1]:
        view = ui.url_selectbox("Map style", list(views), key="view", format_func=views.get)
period = ui.period_selectbox(
    windows,
    help="Spend measures look back; pipeline and expiring contracts look "
    "ahead from the data-as-of date; open challenges are as they stand.",
)
category = ui.category_choice()
ui.ignored_params_notice()
same_period = {"period": period.key} if measure in SPEND else {}  # a profile opened from here shows the same months
st.caption(MEASURES[measure].definition)

df = ui.query("borough_measures", start=period.start, end=period.end, category=category)
coverage = coverage_sentences.MAP_COVERAGE[measure]
london = ui.query("london_demand", start=period.start, end=period.end, category=category)
st.caption(
    coverage_sentences.map_coverage_sentence(df, measure, period_months=period.months, london=london, area=area.name)
)

st.header(f"{label(measure)} by borough")
title = f"{label(measure)}, {period.phrase}" + (f", {ui.category_label(category)}" if category else "")
has_tiles = bool(df["tile_col"].notna().all()) and not df.empty
if view == "geographic":
    figure = maps.geographic_map_figure(shapes, df, measure, title=title, coverage=coverage)
elif has_tiles:
    figure = ui.cached(maps.tile_map_figure, df, measure, title=title, coverage=coverage)
else:
    figure = None
    st.info(
        f"No tile layout exists for {area.name} (its reference data gives its {area.authorities} no tile "
        "positions), so there is no tile map: the table below gives every figure. To map the real shapes, set "
        "LOTI_DEMAND_BOUNDARIES to an official boundaries file of this area: see docs/maps.md and docs/regions.md."
    )
if figure is not None:
    event = ui.chart(figure, key="map_chart", summary=sentences.map_summary(df, measure), on_select="rerun")
    if code := ui.selected_borough(event):
        st.switch_page("pages/borough.py", query_params={"borough": code, **same_period})
    st.caption("Grey: no data for this period. Select a borough on the map to open its profile.")
if view == "geographic":
    st.caption(maps.ATTRIBUTION)
if problem:
    st.warning(f"The boundaries file could not be used, so the tile map is shown: {problem}")
elif shapes is None and has_tiles:
    st.write(
        "The tile map gives every borough an equal square, so small boroughs are as easy to see as large "
        "ones. To switch to the boroughs' real shapes, run `python -m loti_demand boundaries fetch` (needs "
        "internet) or set LOTI_DEMAND_BOUNDARIES to an official boundaries file: see docs/maps.md."
    )

st.header("Open a borough profile")
names = ui.borough_names()
chosen = st.selectbox("Borough", list(names), format_func=names.get, key="map_open_borough")
st.page_link(
    "pages/borough.py",
    label=f"Open the {names[chosen]} profile",
    query_params={"borough": chosen, **same_period},
    icon=":material/arrow_forward:",
)

st.header("The figures behind the map")
ui.table(
    df,
    ["borough_name", measure, "population", coverage],
    key="map_table",
    name=f"borough_map_{measure}",
    filters=(file_part(category),),
    months=(period.start, period.end),
)

st.header(f"{area.name}-wide bodies")
bodies = ui.query("body_measures", start=period.start, end=period.end, category=category)
body_measure = "tech_spend_gbp" if measure == "tech_spend_per_resident_gbp" else measure
if measure == "open_challenges":
    st.write(f"Challenge statements are set by {area.authorities}, so {area.name}-wide bodies have none to show here.")
else:
    st.write(
        coverage_sentences.bodies_list_sentence(
            bodies, body_measure, per_resident=measure != body_measure, area=area.name
        )
    )
    ui.table(
        bodies,
        ["publisher_name", body_measure, coverage],
        key="map_bodies_table",
        name=f"london_bodies_{body_measure}",
        filters=(file_part(category),),
        months=(period.start, period.end),
        empty=f"No {area.name}-wide body has data for this measure in the warehouse.",
    )
