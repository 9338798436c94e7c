"""Spend and suppliers page (AppTest on the sample warehouse): totals, trend, top suppliers, concentration, SME
pipeline share and the per-resident comparison all follow the filters, checked against independent pandas over the
`spend` and `procurements` marts."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import urllib.parse

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from loti_demand import metrics
from loti_demand.queries import QUERIES_DIR
from tests import demand_expected
from tests.conftest import dashboard, open_page

SMALL_TABLES = {
    "agg_spend_by_borough_month",
    "agg_spend_by_supplier",
    "boroughs",
    "procurements",
    "demand_items",
    "challenges",
    "challenge_boroughs",
    "source_files",
    "suppliers",
    "build_info",
    "ref_tech_categories",
    "agg_suppliers_by_period",
    "agg_concentration_by_period",
    "agg_borough_measures_by_period",
    "agg_spend_summary_by_period",
    "agg_spend_over_time_by_period",
    "agg_category_spend_by_period",
    # the table macros of warehouse/models/measures.sql, over the small tables above
    "borough_measures_in",
    "top_suppliers_in",
    "supplier_concentration_in",
    "spend_summary_in",
    "spend_over_time_in",
    "category_spend_in",
}
PAGE_QUERIES = [
    "data_dates",
    "tech_categories",
    "borough_list",
    "borough_measures",
    "spend_summary",
    "spend_over_time",
    "category_spend",
    "top_suppliers",
    "supplier_concentration",
    "sme_pipeline",
    "borough_pipeline",
    "borough_challenges",
    "borough_expiring",
    "borough_coverage",
    "london_demand",
]


def open_spend(app: AppTest, **params: str) -> AppTest:
    app.query_params.update(params)
    app.run()
    app.switch_page("pages/spend.py").run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Spend and suppliers"
    return app


def tech_lines(con, start: dt.date, end: dt.date, boroughs=(), category=None) -> pd.DataFrame:
    lines = con.execute("select * from spend where tech_category is not null").df()
    lines = lines[(lines["payment_month"].dt.date >= start) & (lines["payment_month"].dt.date <= end)]
    if boroughs:
        lines = lines[lines["borough_code"].isin(boroughs)]
    if category:
        lines = lines[lines["tech_category"] == category]
    return lines


def tech_lines_of(con, publishers: tuple[str, ...]) -> pd.DataFrame:
    """The tech lines of the latest 12 months paid by the publishers (boroughs or London-wide bodies)."""
    lines = tech_lines(con, *latest_12(con))
    return lines[lines["publisher_code"].isin(publishers)]


def latest_12(con) -> tuple[dt.date, dt.date]:
    last = pd.Timestamp(con.execute("select max(payment_month) from spend").fetchall()[0][0])
    return (last - pd.DateOffset(months=11)).date(), (last + pd.offsets.MonthEnd(0)).date()


TABLES = {
    "spend_trend_table": "period_start",
    "spend_suppliers_table": "supplier_name",
    "spend_concentration": "hhi",
    "spend_per_resident_table": "tech_spend_per_resident_gbp",
}


def table(app: AppTest, key: str) -> pd.DataFrame:
    """The table a page shows, told apart by a column only it has (AppTest does not expose dataframe keys)."""
    return next(d.value for d in app.dataframe if TABLES[key] in d.value.columns)


def test_page_queries_read_only_small_tables() -> None:
    """Performance rule: every page view comes from aggregates and small marts, never `spend` line by line."""
    files = [QUERIES_DIR / f"{name}{part}.sql" for name in PAGE_QUERIES for part in ("", "_stored")]
    for path in [f for f in files if f.exists()]:
        name = path.stem
        text = re.sub(r"--[^\n]*", "", path.read_text()).lower()
        ctes = set(re.findall(r"\b([a-z_][a-z0-9_]*)\s+as\s+(?:not\s+)?(?:materialized\s*)?\(", text))
        read = set(re.findall(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)", text)) - ctes
        assert read <= SMALL_TABLES, f"{name} reads {read - SMALL_TABLES}"


def test_coverage_of_a_london_wide_body_alone_names_the_body(app: AppTest, sample_con) -> None:
    """Transport for London chosen alone: the coverage counts no boroughs ('0 of the 0 chosen authorities' before),
    it gives the body's lines and says the body has data."""
    open_spend(app, boroughs="TFL")
    coverage = next(c.value for c in app.caption if c.value.startswith("Coverage"))
    lines = len(tech_lines_of(sample_con, ("TFL",)))
    assert lines > 0
    assert coverage.startswith(f"Coverage in this period: {lines:,} tech payment lines")
    assert "of the 0" not in coverage
    assert "All of this tech spend was paid by 1 London-wide body (Transport for London), which is never" in coverage


def test_coverage_of_a_borough_and_a_body_counts_each_once(app: AppTest, sample_con) -> None:
    """Lambeth and the GLA chosen: one authority of one chosen has data, the lines are both publishers', and the
    GLA's part is said (the sentence read "1 of the 1 chosen authorities have data" of two choices)."""
    open_spend(app, boroughs="E09000022,GLA")
    coverage = next(c.value for c in app.caption if c.value.startswith("Coverage"))
    lines = len(tech_lines_of(sample_con, ("E09000022", "GLA")))
    assert coverage.startswith(
        f"Coverage: the chosen borough has spend files with data in this period. In all: {lines:,} tech payment lines"
    )
    assert "paid by 1 London-wide body (Greater London Authority), which is never counted" in coverage


@pytest.mark.parametrize(
    ("boroughs", "category", "period"),
    [
        ((), None, "last12"),
        (("E09000007", "E09000022"), None, "last12"),
        ((), "software", "fy2024"),
        (("E09000033",), "it_services", "all"),
    ],
)
def test_filters_change_total_trend_and_suppliers(app: AppTest, sample_con, boroughs, category, period) -> None:
    open_spend(app)
    if boroughs:
        app.multiselect(key="boroughs").set_value(list(boroughs)).run()
    if category:
        app.selectbox(key="category").set_value(category).run()
    app.selectbox(key="period").set_value(period).run()
    assert not app.exception
    if period == "last12":
        start, end = latest_12(sample_con)
    elif period == "all":
        start, end = dt.date(2000, 1, 1), dt.date(2100, 1, 1)
    else:
        start, end = dt.date(2024, 4, 1), dt.date(2025, 3, 31)
    lines = tech_lines(sample_con, start, end, boroughs, category)
    assert len(lines) > 0
    assert app.metric[0].value == metrics.format_gbp(float(lines["amount_gbp"].sum()))
    coverage = next(c.value for c in app.caption if c.value.startswith("Coverage"))
    assert f"{len(lines):,} tech payment lines" in coverage
    trend = table(app, "spend_trend_table")
    assert float(trend["tech_spend_gbp"].sum()) == pytest.approx(float(lines["amount_gbp"].sum()))
    assert int(trend["lines"].sum()) == len(lines)
    if period == "all":  # long windows go by quarter
        assert {pd.Timestamp(d).month for d in trend["period_start"]} <= {1, 4, 7, 10}
    named = lines[~lines["is_redacted"]].groupby("supplier_id")["amount_gbp"].sum().astype(float)
    named = named[named > 0].sort_values(ascending=False)
    suppliers = table(app, "spend_suppliers_table")
    assert suppliers["tech_spend_gbp"].astype(float).tolist() == pytest.approx(named.head(10).tolist())
    assert suppliers["share_pct"].tolist() == pytest.approx((100 * named / named.sum()).head(10).tolist())
    # who paid each: boroughs, and London-wide bodies (a body's lines have no borough)
    paid, top = lines[~lines["is_redacted"]], named.head(10).index
    by_body = paid[paid["borough_code"].isna()].groupby("supplier_id")["publisher_code"].nunique()
    assert suppliers["boroughs"].tolist() == paid.groupby("supplier_id")["borough_code"].nunique()[top].tolist()
    assert suppliers["bodies"].tolist() == by_body.reindex(top, fill_value=0).tolist()
    concentration = table(app, "spend_concentration").set_index("tech_category_label")
    by_category = lines[~lines["is_redacted"]].groupby(["tech_category", "supplier_id"])["amount_gbp"].sum()
    assert len(concentration) == by_category.index.get_level_values(0).nunique()
    labels = dict(sample_con.execute("select tech_category, label from ref_tech_categories").fetchall())
    for code, amounts in by_category.groupby(level=0):
        row = concentration.loc[labels[code]]
        assert row["hhi"] == pytest.approx(metrics.hhi(amounts))
        assert row["concentration"] == metrics.concentration_band(metrics.hhi(amounts))


def test_top_n_says_when_there_are_more_and_downloads_them_all(app: AppTest, sample_con, downloads: dict) -> None:
    """A review found 61 suppliers in the latest 12 months, the page saying "Raise 'Suppliers to show' to see more"
    at its most (50), and no way to download the other 11: the whole list is now a download beside the table."""
    open_spend(app, top="5")
    assert app.number_input(key="top").value == 5
    assert len(table(app, "spend_suppliers_table")) == 5
    start, end = latest_12(sample_con)
    lines = tech_lines(sample_con, start, end)
    named = lines[~lines["is_redacted"]].groupby("supplier_id")["amount_gbp"].sum().astype(float)
    total = len(named)
    assert total > 50, "the sample has more suppliers than the table can show"
    more = [m.value for m in app.markdown if m.value.startswith("More:")]
    assert more == [
        f"More: {total - 5} smaller suppliers are not shown. Raise 'Suppliers to show' (up to 50) to see more, "
        f"or download all {total} suppliers below."
    ]
    app.number_input(key="top").set_value(50).run()
    assert len(table(app, "spend_suppliers_table")) == 50
    more = [m.value for m in app.markdown if m.value.startswith("More:")]
    assert more == [f"More: {total - 50} smaller suppliers are not shown. Download all {total} suppliers below."]
    assert app.download_button(key="spend_all_suppliers").label == f"Download all {total} suppliers (CSV)"
    months = "2025-04_to_2026-03_as_of_2026-03-31"
    top = pd.read_csv(io.BytesIO(downloads[f"top_50_suppliers_{months}.csv"]), encoding="utf-8-sig")
    every = pd.read_csv(io.BytesIO(downloads[f"all_suppliers_{months}.csv"]), encoding="utf-8-sig")
    assert list(every.columns) == list(top.columns) and len(top) == 50
    assert every["Rank"].tolist() == list(range(1, total + 1))
    assert every.head(50).equals(top)  # the table's rows first, as it shows them
    assert sorted(every["Tech spend (£)"], reverse=True) == pytest.approx(sorted(named, reverse=True))
    assert every["Market share (%)"].sum() == pytest.approx(100)


def test_the_profile_links_below_a_table_follow_its_suppliers_in_order(app: AppTest) -> None:
    """The keyboard's way to a supplier's profile: a page link for each of the first suppliers a table names."""
    from loti_demand.ui.tables import SUPPLIER_SHORTCUTS

    open_spend(app, top="5")
    for top in (5, 20):
        app.number_input(key="top").set_value(top).run()
        shown = table(app, "spend_suppliers_table")
        links = [(link.proto.label, link.proto.query_string) for link in app.get("page_link")]
        profiles = [(label, query) for label, query in links if query.startswith("supplier=")]
        named = [urllib.parse.unquote(link.split("#", 1)[1]) for link in shown["supplier_name"]][:SUPPLIER_SHORTCUTS]
        assert [label for label, _ in profiles] == named and len(named) == min(top, SUPPLIER_SHORTCUTS)
        more = [c.value for c in app.caption if c.value.startswith("and ")]
        assert more == (
            [f"and {len(shown) - SUPPLIER_SHORTCUTS:,} more: choose them on the Supplier profile page."]
            if len(shown) > SUPPLIER_SHORTCUTS
            else []
        )


def test_a_suppliers_profile_opens_on_the_period_the_page_shows(app: AppTest) -> None:
    """The grid's links and the page links below it carry ?period= when the page shows another period than the
    default (the Supplier profile takes it: test_page_supplier)."""
    open_spend(app, period="fy2024")
    grid = table(app, "spend_suppliers_table")["supplier_name"].tolist()
    assert grid and all(
        urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["period"] == ["fy2024"] for link in grid
    )
    below = [link.proto.query_string for link in app.get("page_link") if link.proto.page == "supplier"]
    assert below and all(query.endswith("&period=fy2024") for query in below)


def test_a_period_in_the_link_of_a_page_without_spend_periods_is_not_passed_on(sample_warehouse, monkeypatch) -> None:
    """Found by review: the Demand calendar has no spend period, but a stray ?period=fy2024 in its link was carried
    into every supplier link it draws."""
    app = open_page(sample_warehouse, monkeypatch, "pages/calendar.py", period="fy2024")
    below = [link.proto.query_string for link in app.get("page_link") if link.proto.page == "supplier"]
    assert below and not [query for query in below if "period" in query]


def test_sme_view_is_honest_about_what_the_data_says(app: AppTest, sample_con) -> None:
    open_spend(app)
    text = " ".join(m.value for m in app.markdown)
    assert "Council spend files do not say which suppliers are SMEs" in text
    as_of = sample_con.execute("select data_as_of from build_info").fetchall()[0][0]
    pipe = demand_expected.pipeline(demand_expected.demand_items(sample_con), *demand_expected.window(as_of, 18))
    saying = pipe[pipe["is_sme_suitable"].notna()]
    share = 100 * saying[saying["is_sme_suitable"].astype(bool)]["value_gbp"].sum() / saying["value_gbp"].sum()
    assert f"Of the {len(pipe)} notices" in text and f"{len(saying)} say whether" in text
    assert f"{share:.1f}%" in text


def test_boroughs_compared_per_resident_with_the_london_median(app: AppTest, sample_con) -> None:
    open_spend(app, boroughs="E09000007")
    start, end = latest_12(sample_con)
    lines = tech_lines(sample_con, start, end)
    population = dict(sample_con.execute("select borough_name, population from boroughs").fetchall())
    names = dict(sample_con.execute("select borough_code, borough_name from boroughs").fetchall())
    totals = lines.groupby("borough_code")["amount_gbp"].sum()
    per_head = {names[c]: float(a) / population[names[c]] for c, a in totals.items()}
    shown = table(app, "spend_per_resident_table")
    assert dict(zip(shown["borough_name"], shown["tech_spend_per_resident_gbp"], strict=True)) == pytest.approx(
        per_head
    )
    assert shown["tech_spend_per_resident_gbp"].is_monotonic_decreasing
    chart = json.loads(app.get("plotly_chart")[-1].proto.spec)
    assert "City of London" not in chart["data"][0]["y"] and len(chart["data"][0]["y"]) == 32
    median = pd.Series(list(per_head.values())).median()
    assert chart["layout"]["shapes"][0]["x0"] == pytest.approx(median)
    colours = dict(zip(chart["data"][0]["y"], chart["data"][0]["marker"]["color"], strict=True))
    assert colours["Camden"] != colours["Barnet"]  # the chosen borough stands out


def test_a_link_reopens_the_same_view(app: AppTest) -> None:
    open_spend(app, boroughs="E09000007,E09000022", category="software", period="fy2024", top="7")
    assert app.multiselect(key="boroughs").value == ["E09000007", "E09000022"]
    assert app.selectbox(key="category").value == "software"
    assert app.selectbox(key="period").value == "fy2024"
    assert app.number_input(key="top").value == 7
    assert dict(app.query_params) == {
        "boroughs": "E09000007,E09000022",
        "category": "software",
        "period": "fy2024",
        "top": "7",
    }
    assert "2024-25 financial year" in app.metric[0].label


def test_downloads_equal_the_tables(app: AppTest, sample_con, downloads: dict) -> None:
    open_spend(app, category="devices")
    suppliers = table(app, "spend_suppliers_table")
    csv = pd.read_csv(
        io.BytesIO(downloads["top_10_suppliers_devices_2025-04_to_2026-03_as_of_2026-03-31.csv"]), encoding="utf-8-sig"
    )
    assert list(csv.columns) == [
        "Rank",
        "Supplier",
        "Tech spend (£)",
        "Market share (%)",
        "Payment lines",
        "Boroughs",
        "London-wide bodies",
    ]
    # the grid links each name to its supplier's profile (?supplier=<id>, the name after '#'); the CSV keeps the name
    names = dict(sample_con.execute("select supplier_id, canonical_name from suppliers").fetchall())
    linked = [urllib.parse.urlsplit(link) for link in suppliers["supplier_name"]]
    assert {link.path for link in linked} == {"supplier"}
    ids = [urllib.parse.parse_qs(link.query)["supplier"][0] for link in linked]
    shown = [urllib.parse.unquote(link.fragment) for link in linked]
    assert csv["Supplier"].tolist() == [names[i] for i in ids] == shown
    assert csv["Market share (%)"].tolist() == pytest.approx(suppliers["share_pct"].tolist())
    concentration = pd.read_csv(
        io.BytesIO(downloads["supplier_concentration_devices_2025-04_to_2026-03_as_of_2026-03-31.csv"]),
        encoding="utf-8-sig",
    )
    assert list(concentration.columns) == [
        "Tech category",
        "Named-supplier spend (£)",
        "Suppliers",
        "Top 3 share (%)",
        "HHI (0 to 10,000)",
        "Concentration",
    ]


@pytest.mark.parametrize("warehouse", ["spend_only", "no_spend"])
def test_the_page_works_when_a_source_is_empty(partial_warehouses, monkeypatch, warehouse: str) -> None:
    app = open_spend(dashboard(partial_warehouses[warehouse], monkeypatch))
    text = " ".join(m.value for m in app.markdown) + " ".join(i.value for i in app.info)
    if warehouse == "no_spend":
        assert "No spend data has been loaded yet" in text
    else:
        assert "There are no notices in the London tech pipeline" in text


def test_a_borough_without_data_in_the_period_shows_no_data_not_nothing_spent(small_warehouse, monkeypatch) -> None:
    """The small warehouse holds Camden's spend only: chosen alone, Enfield has no spend files in the period, which
    is "No data", not £0 (Camden's own total is a figure)."""
    app = open_spend(dashboard(small_warehouse, monkeypatch), boroughs="E09000010")
    assert app.metric[0].value == "No data"
    assert any(c.value.startswith("Coverage: the chosen borough has no spend files") for c in app.caption)
    app.multiselect(key="boroughs").set_value(["E09000007"]).run()
    assert app.metric[0].value.startswith("£")


def test_downloads_of_different_views_have_different_names(sample_warehouse, monkeypatch, downloads: dict) -> None:
    """A review found /spend?boroughs=E09000007,GLA&category=software&period=fy2024 (£8.2m) and /spend?period=fy2024
    (£465m) both saved as tech_spend_over_time_fy2024.csv: each name now says the areas, category and months."""
    year = "2024-04_to_2025-03_as_of_2026-03-31"
    open_page(
        sample_warehouse, monkeypatch, "pages/spend.py", boroughs="E09000007,GLA", category="software", period="fy2024"
    )
    chosen = set(downloads)
    assert {
        f"tech_spend_over_time_E09000007+GLA_software_{year}.csv",
        f"supplier_concentration_E09000007+GLA_software_{year}.csv",
        f"tech_spend_per_resident_software_{year}.csv",  # the boroughs chosen are only highlighted in it
    } <= chosen
    downloads.clear()
    open_page(sample_warehouse, monkeypatch, "pages/spend.py", period="fy2024")
    assert {f"tech_spend_over_time_{year}.csv", f"tech_spend_per_resident_{year}.csv"} <= set(downloads)
    spend = ("tech_spend_over_time", "top_suppliers", "supplier_concentration", "tech_spend_per_resident")
    assert not {n for n in chosen & set(downloads) if n.startswith(spend)}  # (the Overview's opened first)
    downloads.clear()
    open_page(sample_warehouse, monkeypatch, "pages/spend.py")  # the latest 12 months: named as months, not last12
    assert "tech_spend_over_time_2025-04_to_2026-03_as_of_2026-03-31.csv" in downloads
