"""Overview: London-wide tech spend, pipeline and open challenges, with the data-as-of date."""

import pandas as pd
import streamlit as st

from loti_demand import charts, periods, queries, summaries, ui
from loti_demand.metrics import MEASURES

ui.page_header(
    "Overview",
    "London's technology demand in one place: what the 32 boroughs, the City and London-wide bodies such as the GLA "
    "spend on technology, what they plan to buy, and the problems boroughs invite innovators to solve.",
)
as_of = ui.as_of()
head = ui.query("headline", as_of=as_of).iloc[0]
last12 = queries.months_back(as_of, 12)  # the headline's 12 months to the data-as-of date
ahead = periods.months_from(as_of, queries.PIPELINE_MONTHS)  # the headline's pipeline window

cols = st.columns(3)
cols[0].metric(
    "Tech spend, last 12 months", MEASURES["tech_spend_gbp"].format(head["tech_spend_gbp"]),
    help=MEASURES["tech_spend_gbp"].definition,
)
cols[1].metric(
    "Pipeline value, next 18 months", MEASURES["pipeline_value_gbp"].format(head["pipeline_value_gbp"]),
    help=MEASURES["pipeline_value_gbp"].definition,
)
cols[2].metric("Open challenges", MEASURES["open_challenges"].format(head["open_challenges"]),
               help=MEASURES["open_challenges"].definition)
st.caption(
    f"Coverage: tech spend from {int(head['boroughs_with_spend'])} of 33 authorities' spend files "
    f"({0 if pd.isna(head['lines']) else int(head['lines']):,} payment lines) in the 12 months to {as_of:%-d %B %Y}; "
    f"pipeline from {int(head['pipeline_count'])} London tech procurement notices expected to come to market "
    f"from {ahead[0]:%B %Y} to {ahead[1]:%B %Y} (see the Demand calendar). "
    + summaries.bodies_sentence(int(head["bodies_with_data"]), head["bodies_tech_spend_gbp"], ui.body_names()) + " "
    + summaries.possible_tech_sentence(ui.query("possible_tech", start=last12[0], end=last12[1]).iloc[0])
)

by_category = ui.query("tech_spend_by_category", as_of=as_of)
st.header("Tech spend by category, last 12 months")
summary = charts.text_summary_of_bars(by_category, value="tech_spend_gbp", name="tech_category_label")
st.plotly_chart(
    charts.category_bar_figure(by_category, title="Tech spend by category"),
    key="overview_categories", alt=summary,
)
st.write(summary)
ui.table(by_category, ["tech_category_label", "tech_spend_gbp", "lines"], key="overview_categories_table",
         file_name="tech_spend_by_category.csv")
