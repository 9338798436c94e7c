"""Spend and suppliers: tech spend over time, the largest suppliers, how concentrated each category is, what can
be said about SMEs, and boroughs compared per resident."""

import streamlit as st

from loti_demand import metrics, periods, ui
from loti_demand.export import chosen_part, file_part
from loti_demand.metrics import MEASURES
from loti_demand.presentation import charts, coverage_sentences, sentences

area_name = ui.area().name  # the area the warehouse covers
ui.page_header(
    "Spend and suppliers",
    f"Who {area_name}'s councils and {area_name}-wide bodies pay for technology, for what, and how concentrated "
    "that spending is.",
)
names, bodies, windows = ui.borough_names(), ui.body_names(), ui.spend_periods()
publishers = {**names, **bodies}
if not windows:
    st.info(
        "No spend data has been loaded yet, so there is nothing to show here. See docs/building.md to build the "
        "warehouse from council spend files."
    )
    st.stop()
boroughs = tuple(
    ui.url_multiselect(
        f"Boroughs or {area_name}-wide bodies",
        list(publishers),
        key="boroughs",
        format_func=publishers.get,
        placeholder=f"All {area_name}",
    )
)
# One filter a row: side by side, a small laptop's boxes cut off a period's name ("Latest 12 months (Apr 2025 to
# Mar 2026)") or a category's ("Smart places and connected sensors").
category = ui.category_choice()
period = ui.period_selectbox(windows)
ui.ignored_params_notice()
where = {"start": period.start, "end": period.end, "boroughs": boroughs, "category": category}
# what a download's file name says of these filters (the areas and category chosen) and months
named = {"filters": (chosen_part(boroughs, "areas"), file_part(category)), "months": (period.start, period.end)}
head = ui.query("spend_summary", **where).iloc[0]
st.metric(
    f"Tech spend, {period.phrase}",
    MEASURES["tech_spend_gbp"].format(head["tech_spend_gbp"]) if head["months_with_data"] else "No data",
    help=MEASURES["tech_spend_gbp"].definition,
)
possible = ui.query("possible_tech", start=period.start, end=period.end, boroughs=boroughs).iloc[0]
per_head = ui.query("borough_measures", start=period.start, end=period.end, category=category)
covered = per_head[per_head["borough_code"].isin(boroughs)] if boroughs else per_head
st.caption(
    coverage_sentences.spend_coverage_sentence(
        head,
        chosen=boroughs,
        boroughs=names,
        bodies=bodies,
        authority=ui.area().authority,
        area=area_name,
        partial=coverage_sentences.partial_authorities(covered["months_covered"], period.months),
        period_months=period.months,
    )
    + " "
    + coverage_sentences.possible_tech_sentence(possible)
)

st.header("Tech spend over time")
trend = ui.query("spend_over_time", **where, grain=period.grain)
if trend.empty:
    st.write("No tech spend in this selection.")
else:
    ui.chart(
        ui.cached(
            charts.spend_trend_figure, trend, title=f"Tech spend by category, {period.phrase}", grain=period.grain
        ),
        key="spend_trend",
        summary=sentences.trend_summary(trend, grain=period.grain),
    )
    ui.table(
        trend,
        ["period_start", "tech_category_label", "tech_spend_gbp", "lines"],
        key="spend_trend_table",
        name="tech_spend_over_time",
        **named,
    )

st.header("Top suppliers")
most = 50  # the most suppliers the table shows; a download holds them all
n = ui.url_number("Suppliers to show", key="top", default=10, min_value=5, max_value=most)
suppliers, more = ui.top_n(ui.query("top_suppliers", **where, limit=n), n)
if not suppliers.empty:
    ui.chart(
        ui.cached(charts.supplier_bar_figure, suppliers, title="Market share of the largest tech suppliers"),
        key="spend_suppliers",
        summary=sentences.supplier_summary(suppliers),
    )
columns = ["rank", "supplier_name", "tech_spend_gbp", "share_pct", "lines", "boroughs", "bodies"]
ui.table(
    suppliers,
    columns,
    key="spend_suppliers_table",
    name=f"top_{n}_suppliers",
    **named,
    period=period.key,
    empty="No tech spend with named suppliers in this selection.",
)
if more:  # the rest, beside the table: the same query, as long as the list
    total = int(suppliers["suppliers_total"].iloc[0])
    st.write(sentences.more_suppliers_sentence(n, total, most))
    every = ui.query_later("top_suppliers", **where, limit=total)
    ui.all_rows_download(
        total, every, columns, noun="suppliers", key="spend_all_suppliers", name="all_suppliers", **named
    )

st.header("How concentrated is each category?")
st.write(
    "Two measures show whether a few suppliers take most of the money. The **top 3 share** is the part of "
    "the spend that went to the three largest suppliers. The **HHI** (Herfindahl-Hirschman Index) adds up "
    "the square of every supplier's share in per cent: it runs from near 0 (many small suppliers) to 10,000 "
    "(one supplier takes everything). UK competition guidance calls a market over 1,000 concentrated and "
    "over 2,000 highly concentrated. A category with only a handful of suppliers always scores high."
)
concentration = ui.query("supplier_concentration", **where)
concentration["concentration"] = concentration["hhi"].map(metrics.concentration_band)
ui.table(
    concentration,
    ["tech_category_label", "named_spend_gbp", "suppliers", "top3_share_pct", "hhi", "concentration"],
    key="spend_concentration",
    name="supplier_concentration",
    **named,
    empty="No named-supplier spend to measure.",
)

st.header("Small and medium-sized enterprises (SMEs)")
st.write(
    "Council spend files do not say which suppliers are SMEs, so this dashboard cannot show how much of the "
    "spend above goes to them."
)
ahead = periods.forward_periods(ui.as_of())
if ahead:
    sme = ui.query("sme_pipeline", start=ahead[0].start, end=ahead[0].end, boroughs=boroughs, category=category)
    st.write(sentences.sme_sentence(sme.iloc[0], ahead[0].phrase, area=area_name))

st.header("Boroughs compared per resident")
ui.chart(
    ui.cached(
        charts.per_resident_figure, per_head, title=f"Tech spend per resident, {period.phrase}", highlight=boroughs
    ),
    key="spend_per_resident",
    summary=sentences.per_resident_summary(per_head, area=area_name, authority=ui.area().authority),
)
st.caption(
    ("Your chosen boroughs are highlighted: orange-red with white hatching. " if boroughs else "")
    + f"The dashed line is the {area_name} median. "
    + coverage_sentences.per_resident_note(per_head["borough_code"])
)
ui.table(
    per_head.sort_values("tech_spend_per_resident_gbp", ascending=False),
    ["borough_name", "tech_spend_gbp", "population", "tech_spend_per_resident_gbp", "months_covered"],
    key="spend_per_resident_table",
    name="tech_spend_per_resident",
    filters=(file_part(category),),  # the boroughs chosen are only highlighted
    months=(period.start, period.end),
)
