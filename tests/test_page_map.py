"""Borough map page (AppTest on the sample warehouse): every filter changes the map and its table as an independent
computation over the marts says, links reopen the same view, selecting a borough opens its profile."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from loti_demand import geo
from loti_demand.metrics import label
from loti_demand.presentation import maps
from tests import demand_expected
from tests.conftest import dashboard, real_file


def open_map(app: AppTest, **params: str) -> AppTest:
    app.query_params.update(params)
    app.run()
    app.switch_page("pages/map.py").run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Borough map"
    return app


def shown(app: AppTest, measure: str) -> dict[str, float]:
    """Borough name -> the value in the table under the map (NaN = no data)."""
    table = app.dataframe[0].value
    return {r.borough_name: float(getattr(r, measure)) for r in table.itertuples()}


def spec(app: AppTest) -> dict:
    return json.loads(app.get("plotly_chart")[0].proto.spec)


# --- independent computations over the marts ---------------------------------------------------------------


def _as_of(con) -> dt.date:
    return con.execute("select data_as_of from build_info").fetchall()[0][0]


def _latest_12(con) -> tuple[dt.date, dt.date]:
    last = con.execute("select max(payment_month) from spend").fetchall()[0][0]
    return (pd.Timestamp(last) - pd.DateOffset(months=11)).date(), (pd.Timestamp(last) + pd.offsets.MonthEnd(0)).date()


def expected_spend(con, start: dt.date, end: dt.date, category: str | None = None, per_resident: bool = False):
    lines = con.execute("select borough_code, payment_month, amount_gbp, tech_category from spend").df()
    window = lines[(lines["payment_month"].dt.date >= start) & (lines["payment_month"].dt.date <= end)]
    covered = set(window["borough_code"])
    tech = window[window["tech_category"].notna()]
    if category:
        tech = tech[tech["tech_category"] == category]
    totals = tech.groupby("borough_code")["amount_gbp"].sum().astype(float)
    boroughs = con.execute("select borough_code, borough_name, population from boroughs").df()
    result = {}
    for b in boroughs.itertuples():
        value = float(totals.get(b.borough_code, 0.0)) if b.borough_code in covered else float("nan")
        result[b.borough_name] = value / b.population if per_resident else value
    return result


def expected_procurements(con, measure: str, start: dt.date, end: dt.date, category: str | None = None):
    items = demand_expected.demand_items(con)
    items = items[items["borough_code"].notna()]
    if measure == "pipeline_value_gbp":
        values = demand_expected.pipeline(items, start, end, category).groupby("borough_code")["value_gbp"].sum()
    else:
        values = demand_expected.expiring(items, start, end, category).groupby("borough_code").size()
    names = con.execute("select borough_code, borough_name from boroughs").df()
    return {n.borough_name: float(values.get(n.borough_code, 0)) for n in names.itertuples()}


def expected_open_challenges(con, category: str | None = None):
    c = con.execute("select * from challenges").df()
    links = con.execute("select * from challenge_boroughs").df()
    c = c[c["status"] == "open"]
    if category:
        c = c[c["tech_category"] == category]
    counts = links[links["challenge_id"].isin(c["challenge_id"])].groupby("borough_code").size()
    names = con.execute("select borough_code, borough_name from boroughs").df()
    return {n.borough_name: float(counts.get(n.borough_code, 0)) for n in names.itertuples()}


def assert_same(actual: dict[str, float], expected: dict[str, float]) -> None:
    assert actual.keys() == expected.keys()
    for name, value in expected.items():
        if pd.isna(value):
            assert pd.isna(actual[name]), name
        else:
            assert actual[name] == pytest.approx(value, rel=1e-9, abs=0.005), name


# --- tests -------------------------------------------------------------------------------------------------


def test_default_is_a_tile_map_of_tech_spend_in_the_latest_12_months(app: AppTest, sample_con) -> None:
    open_map(app)
    start, end = _latest_12(sample_con)
    expected = expected_spend(sample_con, start, end)
    assert_same(shown(app, "tech_spend_gbp"), expected)
    figure = spec(app)
    assert [t["type"] for t in figure["data"]] == ["heatmap", "heatmap", "scatter"]
    assert len(figure["data"][2]["customdata"]) == 33
    assert figure["data"][1]["colorbar"]["title"]["text"] == "Tech spend (£)"
    assert list(app.dataframe[0].value.columns) == ["borough_name", "tech_spend_gbp", "population", "months_covered"]
    highest = max(expected, key=expected.get)
    assert any(f"highest in {highest}" in m.value for m in app.markdown)
    assert any("33 of 33 authorities" in c.value for c in app.caption)
    assert dict(app.query_params) == {}  # defaults keep the link short


@pytest.mark.parametrize(
    ("measure", "period", "category"),
    [
        ("tech_spend_per_resident_gbp", "last12", None),
        ("tech_spend_gbp", "fy2024", "software"),
        ("tech_spend_gbp", "all", "cyber_security"),
        ("pipeline_value_gbp", "next18", None),
        ("pipeline_value_gbp", "next24", "software"),
        ("contracts_expiring", "next24", None),
        ("open_challenges", "now", None),
        ("open_challenges", "now", "data_analytics"),
    ],
)
def test_each_filter_changes_the_map(app: AppTest, sample_con, measure: str, period: str, category) -> None:
    open_map(app)
    app.selectbox(key="measure").set_value(measure).run()
    app.selectbox(key="period").set_value(period).run()
    app.selectbox(key="category").set_value(category or "all").run()
    assert not app.exception
    as_of = _as_of(sample_con)
    if measure.startswith("tech_spend"):
        if period == "last12":
            start, end = _latest_12(sample_con)
        elif period == "all":
            start, end = dt.date(2000, 1, 1), dt.date(2100, 1, 1)
        else:
            start, end = dt.date(int(period[2:]), 4, 1), dt.date(int(period[2:]) + 1, 3, 31)
        expected = expected_spend(sample_con, start, end, category, per_resident=measure.endswith("resident_gbp"))
    elif measure == "open_challenges":
        expected = expected_open_challenges(sample_con, category)
    else:
        months = {"next12": 12, "next18": 18, "next24": 24}[period]
        expected = expected_procurements(sample_con, measure, *demand_expected.window(as_of, months), category)
    assert_same(shown(app, measure), expected)
    assert sum(v for v in expected.values() if pd.notna(v)) > 0, "the sample exercises this filter"
    link = dict(app.query_params)  # the view is in the link; defaults are left out to keep it short
    assert link.get("measure", "tech_spend_gbp") == measure and link.get("category", "all") == (category or "all")
    default_period = "last12" if measure.startswith("tech_spend") else "now" if period == "now" else "next18"
    assert link.get("period", default_period) == period
    assert spec(app)["data"][1]["colorbar"]["title"]["text"] == label(measure)


def test_a_link_reopens_the_same_view(app: AppTest, sample_con) -> None:
    open_map(app, measure="contracts_expiring", period="next12", category="it_services")
    assert app.selectbox(key="measure").value == "contracts_expiring"
    assert app.selectbox(key="period").value == "next12"
    assert app.selectbox(key="category").value == "it_services"
    window = demand_expected.window(_as_of(sample_con), 12)
    assert_same(
        shown(app, "contracts_expiring"),
        expected_procurements(sample_con, "contracts_expiring", *window, "it_services"),
    )
    assert dict(app.query_params) == {"measure": "contracts_expiring", "period": "next12", "category": "it_services"}
    assert not app.warning


def test_unknown_values_in_a_link_are_ignored_with_a_notice(app: AppTest) -> None:
    open_map(app, measure="tech_spend_gbp", period="fy1999", category="<b>x</b>")
    assert app.selectbox(key="period").value == "last12"
    assert app.selectbox(key="category").value == "all"
    assert "not recognised" in app.warning[0].value and "fy1999" in app.warning[0].value


def test_download_equals_the_table(app: AppTest, downloads: dict) -> None:
    open_map(app, measure="tech_spend_per_resident_gbp")
    table = app.dataframe[0].value
    name = "borough_map_tech_spend_per_resident_gbp_2025-04_to_2026-03_as_of_2026-03-31.csv"  # the latest 12 months
    csv = pd.read_csv(io.BytesIO(downloads[name]), encoding="utf-8-sig")
    assert list(csv.columns) == ["Borough", "Tech spend per resident (£)", "Population", "Months of spend data"]
    assert csv["Borough"].tolist() == table["borough_name"].tolist()
    assert csv["Tech spend per resident (£)"].tolist() == pytest.approx(
        table["tech_spend_per_resident_gbp"].astype(float).tolist()
    )


def test_selecting_a_borough_on_the_map_opens_its_profile(app: AppTest) -> None:
    open_map(app, period="fy2024")
    app.session_state["map_chart"] = {
        "selection": {
            "points": [{"customdata": ["E09000022", "Lambeth"]}],
            "point_indices": [0],
            "box": [],
            "lasso": [],
        }
    }
    app.run()
    assert app.title[0].value == "Borough profile"
    assert app.query_params["borough"] == "E09000022"
    assert app.selectbox(key="borough").value == "E09000022"
    assert app.selectbox(key="period").value == "fy2024"  # the months the map showed


def test_the_keyboard_route_to_a_profile_is_a_link(app: AppTest) -> None:
    open_map(app, period="fy2024")
    app.selectbox(key="map_open_borough").set_value("E09000007").run()
    link = app.get("page_link")[0].proto
    assert link.page == "borough" and link.query_string == "borough=E09000007&period=fy2024"
    assert link.label == "Open the Camden profile"
    app.selectbox(key="measure").set_value("pipeline_value_gbp").run()  # a period ahead: the profile has its own
    assert app.get("page_link")[0].proto.query_string == "borough=E09000007"


def test_without_boundaries_the_page_says_how_to_get_them(app: AppTest) -> None:
    open_map(app)
    assert not [s for s in app.selectbox if s.key == "view"]
    text = " ".join(m.value for m in app.markdown)
    assert "boundaries fetch" in text and "LOTI_DEMAND_BOUNDARIES" in text


def test_geographic_map_from_official_boundaries(app: AppTest, monkeypatch, sample_con) -> None:
    monkeypatch.setenv("LOTI_DEMAND_BOUNDARIES", str(real_file("boundaries/London_Borough_Excluding_MHW.geojson")))
    open_map(app, view="geographic", measure="tech_spend_per_resident_gbp")
    figure = spec(app)
    assert {t["type"] for t in figure["data"]} == {"choroplethmap"}
    assert sorted(code for t in figure["data"] for code in t["locations"]) == list(geo.LONDON_CODES)
    assert figure["layout"]["map"]["style"] == "white-bg"
    assert any(maps.ATTRIBUTION in c.value for c in app.caption)
    start, end = _latest_12(sample_con)
    assert_same(shown(app, "tech_spend_per_resident_gbp"), expected_spend(sample_con, start, end, per_resident=True))
    app.session_state["map_chart"] = {
        "selection": {"points": [{"location": "E09000001"}], "point_indices": [0], "box": [], "lasso": []}
    }
    app.run()
    assert app.title[0].value == "Borough profile" and app.query_params["borough"] == "E09000001"


def test_an_unusable_boundaries_file_falls_back_to_the_tile_map(app: AppTest, monkeypatch, tmp_path: Path) -> None:
    bad = tmp_path / "boroughs.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": []}')
    monkeypatch.setenv("LOTI_DEMAND_BOUNDARIES", str(bad))
    open_map(app, view="geographic")
    assert "could not be used" in app.warning[0].value and str(bad) in app.warning[0].value
    assert spec(app)["data"][0]["type"] == "heatmap"


@pytest.mark.parametrize(
    ("warehouse", "measure"),
    [
        ("spend_only", "pipeline_value_gbp"),
        ("spend_only", "open_challenges"),
        ("spend_only", "tech_spend_gbp"),
        ("no_spend", "tech_spend_gbp"),
        ("no_spend", "contracts_expiring"),
    ],
)
def test_the_map_says_no_data_when_a_source_is_empty(partial_warehouses, monkeypatch, warehouse, measure) -> None:
    app = open_map(dashboard(partial_warehouses[warehouse], monkeypatch), measure=measure)
    if warehouse == "no_spend" and measure == "tech_spend_gbp":  # no spend at all: said, not drawn empty
        assert "nothing to map" in app.info[-1].value and not app.get("plotly_chart")
        return
    values = shown(app, measure)
    assert len(values) == 33
    if warehouse == "spend_only" and measure != "tech_spend_gbp":
        assert set(values.values()) == {0.0}
    assert app.get("plotly_chart")
