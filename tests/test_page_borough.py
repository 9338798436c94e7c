"""Borough profile page (AppTest on the sample warehouse): ?borough=E09... opens one borough, and every section
matches an independent computation over the marts for that borough."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from loti_demand import metrics
from tests import demand_expected
from tests.conftest import dashboard

PROJECT = Path(__file__).resolve().parent.parent


def open_profile(app: AppTest, **params: str) -> AppTest:
    app.query_params.update(params)
    app.run()
    app.switch_page("pages/borough.py").run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Borough profile"
    return app


def table_with(app: AppTest, column: str) -> pd.DataFrame:
    """The first table with `column`; the monthly table (by period_start) only when asked for by that column."""
    return next(
        d.value
        for d in app.dataframe
        if column in d.value.columns and (column == "period_start" or "period_start" not in d.value.columns)
    )


def plotted(array) -> list[float]:
    """Values from a plotly spec, which packs numeric arrays as base64 typed arrays."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def text(app: AppTest) -> str:
    return " ".join(m.value for m in app.markdown) + " " + " ".join(c.value for c in app.caption)


def window(con, months: int = 18) -> tuple[dt.date, dt.date]:
    return demand_expected.window(con.execute("select data_as_of from build_info").fetchall()[0][0], months)


def latest_12_spend(con) -> pd.DataFrame:
    last = pd.Timestamp(con.execute("select max(payment_month) from spend").fetchall()[0][0])
    lines = con.execute("select * from spend").df()
    return lines[lines["payment_month"] > last - pd.DateOffset(months=12)]


@pytest.mark.parametrize("code", ["E09000007", "E09000001", "E09000033"])
def test_spend_and_per_resident_comparison(app: AppTest, sample_con, code: str) -> None:
    open_profile(app, borough=code)
    name, population = sample_con.execute(
        "select borough_name, population from boroughs where borough_code = $c", {"c": code}
    ).fetchall()[0]
    assert app.selectbox(key="borough").value == code
    assert app.header[0].value == f"{name}: tech spend"
    recent = latest_12_spend(sample_con)
    tech = recent[recent["tech_category"].notna()]
    mine = tech[tech["borough_code"] == code]
    assert app.metric[0].value == metrics.format_gbp(float(mine["amount_gbp"].sum()))
    per_head = (
        tech.groupby("borough_code")["amount_gbp"].sum().astype(float)
        / sample_con.execute("select borough_code, population from boroughs")
        .df()
        .set_index("borough_code")["population"]
    )
    median, value = per_head.median(), float(mine["amount_gbp"].sum()) / population
    sentence = next(m.value for m in app.markdown if "per resident" in m.value)
    assert sentence.startswith(f"£{value:,.2f} of tech spend per resident")
    side = "above" if value > median else "below"
    assert f"{abs(100 * (value - median) / median):.0f}% {side} the London median of £{median:,.2f}" in sentence
    assert f"{len(mine):,} tech payment lines" in text(app)


def test_trend_categories_and_suppliers(app: AppTest, sample_con) -> None:
    code = "E09000022"
    open_profile(app, borough=code)
    lines = sample_con.execute(
        "select * from spend where borough_code = $c and tech_category is not null", {"c": code}
    ).df()
    trend = json.loads(app.get("plotly_chart")[0].proto.spec)["data"][0]
    monthly = lines.groupby("payment_month")["amount_gbp"].sum().astype(float)
    assert plotted(trend["y"]) == pytest.approx(monthly.tolist())
    table = table_with(app, "period_start")  # the chart's data, by month and category
    by_month = table.groupby("period_start")["tech_spend_gbp"].sum().astype(float)
    assert by_month.tolist() == pytest.approx(monthly.tolist()) and int(table["lines"].sum()) == len(lines)
    recent = latest_12_spend(sample_con)
    recent = recent[(recent["borough_code"] == code) & recent["tech_category"].notna()]
    categories = table_with(app, "tech_category_label")
    expected = recent.groupby("tech_category")["amount_gbp"].sum().astype(float).sort_values(ascending=False)
    assert categories["tech_spend_gbp"].astype(float).tolist() == pytest.approx(expected.tolist())
    suppliers = table_with(app, "supplier_name")
    named = recent[~recent["is_redacted"]].groupby("supplier_id")["amount_gbp"].sum().astype(float)
    named = named[named > 0].sort_values(ascending=False)
    assert suppliers["tech_spend_gbp"].astype(float).tolist() == pytest.approx(named.head(10).tolist())
    assert suppliers["share_pct"].tolist() == pytest.approx((100 * named / named.sum()).head(10).tolist())
    if len(named) > 10:
        assert f"More: {len(named) - 10} smaller suppliers are not shown. Download all {len(named)} suppliers" in text(
            app
        )
        assert app.download_button(key="borough_all_suppliers").label == f"Download all {len(named)} suppliers (CSV)"


def test_a_chosen_period_sets_every_spend_section(app: AppTest, sample_con, downloads: dict) -> None:
    """?period= (as on the Spend page) sets the total, coverage, neighbours, categories and suppliers; the monthly
    trend keeps every month."""
    code = "E09000022"
    open_profile(app, borough=code, period="fy2024")
    assert app.selectbox(key="period").value == "fy2024"
    lines = sample_con.execute(
        "select * from spend where tech_category is not null and payment_month between $s and $e",
        {"s": dt.date(2024, 4, 1), "e": dt.date(2025, 3, 31)},
    ).df()
    mine = lines[lines["borough_code"] == code]
    assert app.metric[0].label == "Tech spend, 2024-25 financial year"
    assert app.metric[0].value == metrics.format_gbp(float(mine["amount_gbp"].sum()))
    assert f"spend files from Lambeth cover 12 of the 12 months of this period, with {len(mine):,} tech" in text(app)
    categories = table_with(app, "tech_category_label")
    expected = mine.groupby("tech_category")["amount_gbp"].sum().astype(float).sort_values(ascending=False)
    assert categories["tech_spend_gbp"].astype(float).tolist() == pytest.approx(expected.tolist())
    named = mine[~mine["is_redacted"]].groupby("supplier_id")["amount_gbp"].sum().astype(float)
    named = named[named > 0].sort_values(ascending=False)
    suppliers = table_with(app, "supplier_name")
    assert suppliers["tech_spend_gbp"].astype(float).tolist() == pytest.approx(named.head(10).tolist())
    peers = table_with(app, "peer_name").set_index("peer_role")
    assert float(peers.loc["This borough", "tech_spend_gbp"]) == pytest.approx(float(mine["amount_gbp"].sum()))
    every_month = sample_con.execute(
        "select count(distinct payment_month) from spend where borough_code = $c and tech_category is not null",
        {"c": code},
    ).fetchall()[0][0]
    assert table_with(app, "period_start")["period_start"].nunique() == every_month
    assert f"{code}_top_10_suppliers_2024-04_to_2025-03_as_of_2026-03-31.csv" in downloads  # the year's months
    app.selectbox(key="period").set_value("last12").run()
    assert "period" not in app.query_params  # the default needs no place in the link
    assert app.metric[0].label.startswith("Tech spend, latest 12 months")


def test_pipeline_expiring_and_challenges(app: AppTest, sample_con) -> None:
    code = "E09000001"
    open_profile(app, borough=code)
    start, end = window(sample_con)
    items = demand_expected.demand_items(sample_con)
    items = items[items["borough_code"] == code]
    pipeline = demand_expected.pipeline(items, start, end)
    expiring = demand_expected.expiring(items, start, end)
    challenges = sample_con.execute(
        "select c.title from challenges c join challenge_boroughs b using (challenge_id) "
        "where b.borough_code = $c and c.status = 'open'",
        {"c": code},
    ).df()
    assert len(pipeline) and len(expiring) and len(challenges), "the sample exercises every section"
    titles = dict(sample_con.execute("select ocid, title from procurements").fetchall())
    assert sorted(table_with(app, "notice_type")["title"]) == sorted(pipeline["ocid"].map(titles))
    assert sorted(table_with(app, "incumbent_suppliers")["title"]) == sorted(expiring["ocid"].map(titles))
    assert sorted(table_with(app, "theme")["title"]) == sorted(challenges["title"])
    fmt, said = metrics.MEASURES["value_gbp"].format, text(app)
    for found, one in ((pipeline, "tech procurement"), (expiring, "contract")):
        assert f"{len(found)} {one}{'s' if len(found) > 1 else ''}, worth {fmt(found['value_gbp'].sum())}" in said


def test_data_coverage(app: AppTest, sample_con) -> None:
    code = "E09000006"
    open_profile(app, borough=code)
    files = sample_con.execute(
        "select * from source_files where kind = 'spend' and borough_code = $c", {"c": code}
    ).df()
    months = sample_con.execute(
        "select count(distinct payment_month) from spend where borough_code = $c", {"c": code}
    ).fetchall()[0][0]
    issues = sample_con.execute(
        "select count(*) from load_issues where source_file in (select path from "
        "source_files where borough_code = $c) and source_row is not null",
        {"c": code},
    ).fetchall()[0][0]
    coverage = table_with(app, "latest_file").iloc[0]
    assert (coverage["spend_files"], coverage["months_covered"]) == (len(files), months)
    assert coverage["lines_quarantined"] == issues == files["rows_quarantined"].sum()
    assert coverage["latest_file"] in set(files["path"])
    assert f"rest on {len(files)} spend files covering {months} months" in text(app)


def test_choosing_another_borough_updates_the_link(app: AppTest) -> None:
    open_profile(app, borough="E09000007")
    app.selectbox(key="borough").set_value("E09000010").run()
    assert app.query_params["borough"] == "E09000010"
    assert app.header[0].value == "Enfield: tech spend"


def test_an_unknown_borough_in_the_link_is_ignored_with_a_notice(app: AppTest) -> None:
    open_profile(app, borough="E09999999")
    assert "not recognised" in app.warning[0].value and "E09999999" in app.warning[0].value
    assert app.selectbox(key="borough").value == "E09000002"  # the first borough by name


def test_downloads_equal_the_tables(app: AppTest, downloads: dict) -> None:
    open_profile(app, borough="E09000007")
    categories = table_with(app, "tech_category_label")
    csv = pd.read_csv(
        io.BytesIO(downloads["E09000007_tech_spend_by_category_2025-04_to_2026-03_as_of_2026-03-31.csv"]),
        encoding="utf-8-sig",
    )
    assert list(csv.columns) == ["Tech category", "Tech spend (£)", "Payment lines"]
    assert csv["Tech category"].tolist() == categories["tech_category_label"].tolist()
    assert csv["Tech spend (£)"].tolist() == pytest.approx(categories["tech_spend_gbp"].astype(float).tolist())
    coverage = pd.read_csv(io.BytesIO(downloads["E09000007_coverage_as_of_2026-03-31.csv"]), encoding="utf-8-sig")
    assert coverage["First month"].tolist() == [str(table_with(app, "latest_file")["first_month"].iloc[0])]
    # each button says how many rows its file holds, in plain English for one
    assert app.download_button(key="borough_coverage_download").label == "Download this table as CSV (1 row)"
    assert app.download_button(key="borough_pipeline_download").label == "Download this table as CSV (3 rows)"


def test_yes_and_no_in_every_csv(app: AppTest, sample_warehouse: Path, monkeypatch, downloads: dict) -> None:
    """The profile's pipeline CSV and the Demand calendar's CSV say SME suitability the same way, and a true/false
    column (the calendar's 'Already due') is Yes/No too, never True/False."""
    open_profile(app, borough="E09000033")
    pipeline = pd.read_csv(
        io.BytesIO(downloads["E09000033_pipeline_2026-03_to_2027-08_as_of_2026-03-31.csv"]),
        encoding="utf-8-sig",
        dtype=str,
    )
    app.query_params.clear()  # the sidebar's link to the calendar carries no filters
    app.switch_page("pages/calendar.py").run()
    calendar = pd.read_csv(
        io.BytesIO(downloads["demand_calendar_2026-03_to_2027-08_as_of_2026-03-31.csv"]),
        encoding="utf-8-sig",
        dtype=str,
    )
    for csv in (pipeline, calendar):
        assert set(csv["Suitable for SMEs"]) <= {"Yes", "No", "Not stated"} and "Yes" in set(csv["Suitable for SMEs"])
    assert set(calendar["Already due"]) == {"Yes", "No"}


@pytest.mark.parametrize("warehouse", ["spend_only", "no_spend"])
def test_the_page_works_when_a_source_is_empty(partial_warehouses, monkeypatch, warehouse: str) -> None:
    app = open_profile(dashboard(partial_warehouses[warehouse], monkeypatch), borough="E09000007")
    words = text(app)
    if warehouse == "no_spend":
        assert "No spend data has been loaded yet." in words
        assert "No spend files have been loaded for Camden" in words
    else:
        assert "No tech procurement notices from Camden" in words and "Camden has no open challenge" in words
        assert app.metric[0].value.startswith("£")


@pytest.mark.parametrize("code", ["E09000007", "E09000017"])
def test_beside_its_neighbours_half_of_london_and_the_london_median(app: AppTest, sample_con, code: str) -> None:
    """The peers table: the borough, its neighbours by the committed reference list (highest per resident first),
    the median of its half of London and the London median, each worked out here from the spend mart."""
    open_profile(app, borough=code)
    boroughs = sample_con.execute("select borough_code, borough_name, inner_outer, population from boroughs").df()
    recent = latest_12_spend(sample_con)
    spent = recent[recent["tech_category"].notna()].groupby("borough_code")["amount_gbp"].sum().astype(float)
    boroughs["per_resident"] = boroughs["borough_code"].map(spent) / boroughs["population"]
    boroughs = boroughs.set_index("borough_code")
    pairs = pd.read_csv(PROJECT / "data" / "reference" / "borough_neighbours.csv")
    neighbours = boroughs.loc[pairs.loc[pairs["borough_code"] == code, "neighbour_code"]]
    neighbours = neighbours.sort_values("per_resident", ascending=False)
    half = boroughs.loc[code, "inner_outer"]
    table = table_with(app, "peer_role")
    expected_names = [
        boroughs.loc[code, "borough_name"],
        *neighbours["borough_name"],
        f"{half} London median",
        "London median",
    ]
    assert table["peer_name"].tolist() == expected_names
    in_half = boroughs.loc[boroughs["inner_outer"] == half, "per_resident"].dropna()
    expected = [
        boroughs.loc[code, "per_resident"],
        *neighbours["per_resident"],
        in_half.median(),
        boroughs["per_resident"].median(),
    ]
    assert table["tech_spend_per_resident_gbp"].astype(float).tolist() == pytest.approx(expected)
    assert table["peer_role"].iloc[-2] == f"Median of {len(in_half)} {half} London authorities with spend data"
    # the chart draws the same rows from the top (plotly lists bars bottom up), the City of London left off
    chart = next(json.loads(c.proto.spec) for c in app.get("plotly_chart") if "neighbours" in c.proto.spec)
    drawn = [" ".join(label.split("<br>")[:-1]) for label in reversed(chart["data"][0]["y"])]  # name, then figure
    assert drawn == [n for n in expected_names if n != "City of London" or n == expected_names[0]]
    said = text(app)
    fmt = metrics.MEASURES["tech_spend_per_resident_gbp"].format
    assert f"{boroughs.loc[code, 'borough_name']} spent {fmt(expected[0])} per resident on technology" in said
    assert f"the London median is {fmt(expected[-1])}" in said
    assert ("per resident) is left off the chart" in said) == ("City of London" in neighbours["borough_name"].tolist())


def test_a_london_wide_body_has_a_buyer_profile(app: AppTest, sample_con) -> None:
    """?borough=TFL opens Transport for London's profile: its spend, categories, suppliers, pipeline, contracts
    ending and coverage, with no per-resident figures and no challenges (bodies set none)."""
    open_profile(app, borough="TFL")
    assert app.selectbox(key="borough").value == "TFL"
    assert {"Camden", "Greater London Authority (London-wide body)", "Transport for London (London-wide body)"} <= set(
        app.selectbox(key="borough").options
    )
    assert app.header[0].value == "Transport for London: tech spend"
    recent = latest_12_spend(sample_con)
    mine = recent[(recent["publisher_code"] == "TFL") & recent["tech_category"].notna()]
    assert len(mine) and mine["borough_code"].isna().all()
    assert app.metric[0].value == metrics.format_gbp(float(mine["amount_gbp"].sum()))
    assert "per resident" not in text(app)
    assert "Shares are of this body's named-supplier tech spend." in text(app) and "this borough's" not in text(app)
    assert "Open challenges" not in [h.value for h in app.header]
    categories = table_with(app, "tech_category_label")
    expected = mine.groupby("tech_category")["amount_gbp"].sum().astype(float).sort_values(ascending=False)
    assert categories["tech_spend_gbp"].astype(float).tolist() == pytest.approx(expected.tolist())
    named = mine.groupby("supplier_id")["amount_gbp"].sum().astype(float).sort_values(ascending=False)
    assert table_with(app, "supplier_name")["tech_spend_gbp"].astype(float).tolist() == pytest.approx(
        named.head(10).tolist()
    )
    start, end = window(sample_con)
    items = demand_expected.demand_items(sample_con)
    items = items[items["publisher_code"] == "TFL"]
    titles = dict(sample_con.execute("select ocid, title from procurements").fetchall())
    assert sorted(table_with(app, "notice_type")["title"]) == sorted(
        demand_expected.pipeline(items, start, end)["ocid"].map(titles)
    )
    assert sorted(table_with(app, "incumbent_suppliers")["title"]) == sorted(
        demand_expected.expiring(items, start, end)["ocid"].map(titles)
    )
    files = sample_con.execute("select count(*) from source_files where kind = 'spend' and publisher_code = 'TFL'")
    assert table_with(app, "latest_file")["spend_files"].iloc[0] == files.fetchall()[0][0] > 0


def test_a_borough_without_data_in_the_period_shows_no_data(small_warehouse, monkeypatch) -> None:
    """The small warehouse holds Camden's spend only: Enfield's profile says "No data" for its total, not £0."""
    app = open_profile(dashboard(small_warehouse, monkeypatch), borough="E09000010")
    assert app.metric[0].value == "No data"
    assert "Coverage: spend files from Enfield cover 0 of the 12 months of this period" in text(app)
    app.selectbox(key="borough").set_value("E09000007").run()
    assert app.metric[0].value.startswith("£")
