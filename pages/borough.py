"""Borough profile (?borough=E09... or a London-wide body's code such as GLA): one buyer's tech spend, suppliers,
pipeline, challenges, expiring contracts and what the figures rest on. A London-wide body has no per-resident
figures and sets no challenges."""

import streamlit as st

from loti_demand import periods, ui
from loti_demand.metrics import MEASURES
from loti_demand.presentation import charts, coverage_sentences, sentences

area_name = ui.area().name  # the area the warehouse covers
ui.page_header(
    "Borough profile",
    f"One borough's or {area_name}-wide body's technology demand: what it spends and with "
    "whom, what it plans to buy, the problems it has set, and how complete its data is.",
)
names, bodies = ui.borough_names(), ui.buyer_body_names()
code = ui.url_selectbox(
    f"Borough or {area_name}-wide body",
    [*names, *bodies],
    key="borough",
    format_func=lambda c: names.get(c) or f"{bodies[c]} ({area_name}-wide body)",
)
windows = ui.spend_periods()
period = ui.period_selectbox(windows) if windows else None
ui.ignored_params_notice()
is_body = code in bodies
name, as_of, gbp = names.get(code) or bodies[code], ui.as_of(), MEASURES["tech_spend_gbp"].format

st.header(f"{name}: tech spend")
if not windows:
    st.write("No spend data has been loaded yet.")
else:
    every = windows[-1]
    measures = ui.query("body_measures" if is_body else "borough_measures", start=period.start, end=period.end)
    row = measures.set_index("publisher_code" if is_body else "borough_code").reindex([code]).iloc[0]
    row = row.fillna({"months_covered": 0, "lines": 0})  # a body with no spend in the period has no row
    st.metric(f"Tech spend, {period.phrase}", gbp(row["tech_spend_gbp"]) if row["months_covered"] else "No data")
    if not is_body:
        st.write(sentences.per_resident_comparison(row, area=area_name, authority=ui.area().authority))
    st.caption(
        f"Coverage: spend files from {name} cover {int(row['months_covered'])} of the {period.months} months of "
        f"this period, with {int(row['lines']):,} tech payment lines."
    )

    st.subheader("Tech spend by month")
    trend = ui.query("spend_over_time", start=every.start, end=every.end, boroughs=(code,), grain="month")
    if trend.empty:
        st.write(f"No tech spend found in the spend files from {name}.")
    else:
        ui.chart(
            ui.cached(charts.monthly_bar_figure, trend, title=f"{name}: tech spend by month"),
            key="borough_trend",
            summary=sentences.trend_summary(trend),
        )
        ui.table(
            trend,
            ["period_start", "tech_category_label", "tech_spend_gbp", "lines"],
            key="borough_trend_table",
            name=f"{code}_tech_spend_by_month",
            months=(every.start, every.end),
        )

    if not is_body:  # a London-wide body has no residents and no neighbours
        st.subheader(f"Beside its neighbours, {period.phrase}")
        peers = ui.query("borough_peers", borough=code, start=period.start, end=period.end)
        ui.chart(
            ui.cached(charts.peers_figure, peers, title=f"{name} and its neighbours: tech spend per resident"),
            key="borough_peers",
            summary=sentences.peers_summary(peers),
        )
        ui.table(
            peers,
            ["peer_name", "peer_role", "tech_spend_gbp", "population", "tech_spend_per_resident_gbp", "months_covered"],
            key="borough_peers_table",
            name=f"{code}_neighbours_per_resident",
            months=(period.start, period.end),
        )
        st.caption(sentences.PEERS_NOTE + " " + coverage_sentences.per_resident_note(peers["borough_code"]))

    st.subheader(f"Tech categories, {period.phrase}")
    cats = ui.query("category_spend", start=period.start, end=period.end, boroughs=(code,))
    if not cats.empty:
        summary = charts.text_summary_of_bars(cats, value="tech_spend_gbp", name="tech_category_label")
        ui.chart(
            ui.cached(charts.category_bar_figure, cats, title=f"{name}: tech spend by category"),
            key="borough_cats",
            summary=summary,
        )
    ui.table(
        cats,
        ["tech_category_label", "tech_spend_gbp", "lines"],
        key="borough_cats_table",
        name=f"{code}_tech_spend_by_category",
        months=(period.start, period.end),
        empty="No tech spend in this period.",
    )

    st.subheader(f"Top suppliers, {period.phrase}")
    suppliers, more = ui.top_n(
        ui.query("top_suppliers", start=period.start, end=period.end, boroughs=(code,), limit=10), 10
    )
    if not suppliers.empty:
        whose = "this body's" if is_body else "this borough's"
        st.write(sentences.supplier_summary(suppliers) + f" Shares are of {whose} named-supplier tech spend.")
    ui.table(
        suppliers,
        ["rank", "supplier_name", "tech_spend_gbp", "share_pct", "lines"],
        key="borough_suppliers",
        name=f"{code}_top_10_suppliers",
        months=(period.start, period.end),
        period=period.key,
        empty="No tech spend with named suppliers in this period.",
    )
    if more:  # the rest: the same query, as long as the list
        total = int(suppliers["suppliers_total"].iloc[0])
        st.write(sentences.more_suppliers_sentence(10, total))
        ui.all_rows_download(
            total,
            ui.query_later("top_suppliers", start=period.start, end=period.end, boroughs=(code,), limit=total),
            ["rank", "supplier_name", "tech_spend_gbp", "share_pct", "lines"],
            noun="suppliers",
            key="borough_all_suppliers",
            name=f"{code}_all_suppliers",
            months=(period.start, period.end),
        )

ahead = periods.forward_periods(as_of)
if ahead:
    window = ahead[0]
    st.header(f"Pipeline: tech procurements expected in the {window.phrase}")
    pipeline = ui.query("borough_pipeline", borough=code, start=window.start, end=window.end)
    if not pipeline.empty:
        st.write(sentences.items_total_sentence(pipeline, "value_gbp", "tech procurement", "tech procurements"))
    ui.table(
        pipeline,
        [
            "expected_date",
            "date_basis",
            "title",
            "notice_type",
            "tech_category_label",
            "value_gbp",
            "sme_suitability",
            "url",
        ],
        key="borough_pipeline",
        name=f"{code}_pipeline",
        months=(window.start, window.end),
        empty=f"No tech procurement notices from {name} are expected to come to market in this period.",
    )
    st.header(f"Tech contracts ending in the {window.phrase}")
    expiring = ui.query("borough_expiring", borough=code, start=window.start, end=window.end)
    if not expiring.empty:
        st.write(sentences.items_total_sentence(expiring, "value_gbp", "contract", "contracts"))
    ui.table(
        expiring,
        ["contract_end", "incumbent_suppliers", "value_gbp", "title", "tech_category_label", "url"],
        key="borough_expiring",
        name=f"{code}_contracts_ending",
        months=(window.start, window.end),
        empty=f"No awarded tech contracts of {name} end in this period, as far as published notices say.",
    )

if not is_body:  # challenge statements are set by boroughs
    st.header("Open challenges")
    ui.table(
        ui.query("borough_challenges", borough=code),
        ["title", "theme", "tech_category_label", "closes_on", "budget_gbp", "url"],
        key="borough_challenges",
        name=f"{code}_open_challenges",
        empty=f"{name} has no open challenge statements.",
    )

st.header("Data coverage")
cover = ui.query("borough_coverage", borough=code)
st.write(coverage_sentences.coverage_summary(cover.iloc[0], name))
if int(cover["spend_files"].iloc[0]):
    ui.table(
        cover,
        [
            "months_covered",
            "first_month",
            "last_month",
            "spend_files",
            "lines",
            "lines_duplicate",
            "lines_quarantined",
            "latest_file",
        ],
        key="borough_coverage",
        name=f"{code}_coverage",
    )

ui.glossary("ocds", "notice_types", "cpv", "sme")
