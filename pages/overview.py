"""Overview: the area's tech spend, pipeline and open challenges, with the data-as-of date; what is growing."""

import pandas as pd
import streamlit as st

from loti_demand import growth, periods, queries, ui
from loti_demand.metrics import MEASURES
from loti_demand.presentation import charts, coverage_sentences, sentences

area, authorities = ui.area(), len(ui.borough_names())
ui.page_header(
    "Overview",
    f"{area.name}'s technology demand in one place: what its {authorities} local authorities and other public bodies "
    "spend on technology, what they plan to buy, and the problems they invite innovators to solve.",
)
as_of = ui.as_of()
head = ui.query("headline", as_of=as_of).iloc[0]
spend_windows = ui.spend_periods()  # the first: the latest 12 months of spend data, the headline's (and Spend's)
last12 = (spend_windows[0].start, spend_windows[0].end) if spend_windows else periods.months_back(as_of, 12)
ahead = periods.months_from(as_of, queries.PIPELINE_MONTHS)  # the headline's pipeline window

months_covered = ui.query("borough_measures", start=last12[0], end=last12[1])["months_covered"]
cols = st.columns(3)
cols[0].metric(
    "Tech spend, last 12 months",
    MEASURES["tech_spend_gbp"].format(head["tech_spend_gbp"]),
    help=MEASURES["tech_spend_gbp"].definition,
)
cols[1].metric(
    "Pipeline value, next 18 months",
    MEASURES["pipeline_value_gbp"].format(head["pipeline_value_gbp"]),
    help=MEASURES["pipeline_value_gbp"].definition,
)
cols[2].metric(
    "Open challenges",
    MEASURES["open_challenges"].format(head["open_challenges"]),
    help=MEASURES["open_challenges"].definition,
)
st.caption(
    f"Coverage: tech spend from {int(head['boroughs_with_spend'])} of {authorities} authorities' spend files "
    f"({0 if pd.isna(head['lines']) else int(head['lines']):,} payment lines) from {last12[0]:%B %Y} to "
    f"{last12[1]:%B %Y}; "
    f"pipeline from {int(head['pipeline_count'])} {area.name} tech procurement notices expected to come to market "
    f"from {ahead[0]:%B %Y} to {ahead[1]:%B %Y} (see the Demand calendar). "
    + coverage_sentences.bodies_sentence(
        int(head["bodies_with_data"]), head["bodies_tech_spend_gbp"], ui.body_names(), area=area.name
    )
    + " "
    + coverage_sentences.possible_tech_sentence(ui.query("possible_tech", start=last12[0], end=last12[1]).iloc[0])
    + coverage_sentences.partial_authorities_sentence(coverage_sentences.partial_authorities(months_covered, 12), 12)
)

by_category = ui.query("tech_spend_by_category", as_of=as_of)
st.header("Tech spend by category, last 12 months")
summary = charts.text_summary_of_bars(by_category, value="tech_spend_gbp", name="tech_category_label")
st.plotly_chart(
    ui.cached(charts.category_bar_figure, by_category, title="Tech spend by category"),
    key="overview_categories",
    alt=summary,
)
st.write(summary)
ui.table(
    by_category,
    ["tech_category_label", "tech_spend_gbp", "lines"],
    key="overview_categories_table",
    name="tech_spend_by_category",
    months=last12,
)

st.header("What is growing")
st.write(
    f"The technology {area.name}'s councils are buying and asking for more of: tech categories and technology terms, "
    "the latest year against the year before."
)
years = periods.growth_years(as_of)  # spend: to its latest month of data
spend_years = periods.growth_years(spend_windows[0].end) if spend_windows else years
with st.expander("How growth is measured"):
    st.markdown(growth.definition(spend_years, years, area.name))
by = ui.url_selectbox(
    "Rank tech categories by", list(growth.RANKINGS), key="growth", format_func=lambda key: growth.RANKINGS[key].label
)
ui.ignored_params_notice()
rising = growth.ranked(ui.query("category_growth", spend_end=spend_years[1].end, end=as_of), by)
ui.chart(
    ui.cached(charts.category_growth_figure, rising, by, spend_years if by == "spend" else years),
    key="growth_categories",
    summary=sentences.growth_summary(rising, by),
)
st.caption(coverage_sentences.growth_coverage_sentence(rising.iloc[0], years[0].start))
ui.table(rising, growth.CATEGORY_COLUMNS, key="growth_table", name="growth_by_category", filters=(by,))

st.subheader("Technology terms newly frequent in notices and challenges")
terms = ui.query("term_growth", end=as_of)
if terms.empty:
    st.write(sentences.terms_summary(terms))
else:
    ui.chart(
        ui.cached(charts.terms_growth_figure, terms, years), key="growth_terms", summary=sentences.terms_summary(terms)
    )
    st.write(
        f"Each term opens the word search behind it: every {area.name} notice or challenge with the term, any year."
    )
    ui.term_links(terms)
    ui.table(
        terms,
        [
            "term",
            "is_newly_frequent",
            "notices_before",
            "notices_latest",
            "statements_before",
            "statements_latest",
            "search_text",
        ],
        key="growth_terms_table",
        name="growth_terms",
    )
