"""Collaboration finder: the grouping rule on a fixture we control, and the page against an independent pandas
implementation of the same rule on the sample (each filter, URL round trip, downloads = tables)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from loti_demand import periods, queries
from tests import demand_expected
from tests.conftest import open_page

PAGE = "pages/collaboration.py"
AS_OF = dt.date(2025, 12, 31)
MONTHS = "2026-03_to_2027-08_as_of_2026-03-31"  # in the downloads' names: the sample's 18 months ahead


def _candidates(con, date_from: dt.date, date_to: dt.date, **params) -> pd.DataFrame:
    """Every candidate group's procurements, as the page finds them: the groups, then their evidence."""
    groups = queries.collaboration_groups(con, date_from=date_from, date_to=date_to, **params)
    items = queries.collaboration_evidence(con, date_from=date_from, date_to=date_to, groups=queries.group_keys(groups))
    return items.merge(
        groups.drop(columns=["tech_category", "tech_category_label", "group_rank"]),
        on="group_id",
        validate="many_to_one",
    )


def _groups(con, months: int = 18, **params) -> list[tuple[str, frozenset[str]]]:
    date_from, date_to = periods.months_from(AS_OF, months)
    df = _candidates(con, date_from, date_to, **params)
    return [(g, frozenset(d["ocid"])) for g, d in df.groupby("group_id", sort=False)]


def test_groups_on_the_fixture(demand_con) -> None:
    # software: Camden 15 Mar, Merton 31 Mar, Islington 15 Apr and 10 May 2026 all fall within 6 months of the first;
    # Islington's June 2027 item is alone; the GLA (a London-wide body) is left out.
    assert _groups(demand_con, window_months=6) == [("Group 1", frozenset({"dd-s1", "dd-i1", "dd-i7", "dd-s2"}))]
    # it_services: Hackney 20 and 28 Feb 2026, Camden 1 Sep 2026: a candidate only when 7 months apart is allowed
    assert _groups(demand_con, window_months=7) == [
        ("Group 1", frozenset({"dd-s3", "dd-i2", "dd-s11"})),
        ("Group 2", frozenset({"dd-s1", "dd-i1", "dd-i7", "dd-s2"})),
    ]


def test_group_facts_and_filters_on_the_fixture(demand_con) -> None:
    date_from, date_to = periods.months_from(AS_OF, 18)
    df = queries.collaboration_groups(demand_con, date_from=date_from, date_to=date_to, window_months=6)
    assert len(df) == 1
    group = df.iloc[0]
    assert group["group_boroughs"] == "Camden; Islington; Merton"
    assert sorted(group["group_codes"]) == ["E09000007", "E09000019", "E09000024"]
    assert (group["borough_count"], group["items"]) == (3, 4)
    assert (group["group_start"].date(), group["group_end"].date()) == (dt.date(2026, 3, 15), dt.date(2026, 5, 10))
    assert float(group["group_value_gbp"]) == 2_500_000 + 3_000_000 + 50_000 + 100_000
    assert _groups(demand_con, window_months=6, area="E09000012") == []  # Hackney is in no software group
    assert _groups(demand_con, window_months=7, area="E09000012")[0][1] == frozenset({"dd-s3", "dd-i2", "dd-s11"})
    assert _groups(demand_con, window_months=7, categories=("software",)) == [
        ("Group 1", frozenset({"dd-s1", "dd-i1", "dd-i7", "dd-s2"}))
    ]
    assert _groups(demand_con, window_months=6, months=2) == []  # only Camden's and Hackney's items by February


@pytest.mark.parametrize("months", [1, 3, 6, 12])
def test_grouping_agrees_with_the_independent_implementation(sample_con, months: int) -> None:
    as_of = queries.as_of(sample_con)
    date_from, date_to = periods.months_from(as_of, 18)
    df = _candidates(sample_con, date_from, date_to, window_months=months)
    got = {frozenset(d["ocid"]) for _, d in df.groupby("group_id")}
    want = set(demand_expected.collaboration_groups(sample_con, date_from, date_to, months))
    assert got == want
    assert len(got) >= 3
    counted = df.groupby("group_id").agg(
        items=("ocid", "size"),
        boroughs=("borough_code", "nunique"),
        value=("value_gbp", "sum"),
        start=("placed_on", "min"),
    )
    groups = df.drop_duplicates("group_id").set_index("group_id").loc[counted.index]
    assert (counted["items"] == groups["items"]).all() and (counted["boroughs"] == groups["borough_count"]).all()
    assert (counted["start"] == groups["group_start"]).all()
    assert (counted["value"].round(2) == groups["group_value_gbp"].round(2)).all()


def test_evidence_of_one_group_is_that_group_alone(sample_con) -> None:
    date_from, date_to = periods.months_from(queries.as_of(sample_con), 18)
    groups = queries.collaboration_groups(sample_con, date_from=date_from, date_to=date_to, window_months=6)
    every = queries.collaboration_evidence(
        sample_con, date_from=date_from, date_to=date_to, groups=queries.group_keys(groups)
    )
    for _, group in groups.iterrows():
        one = queries.collaboration_evidence(
            sample_con, date_from=date_from, date_to=date_to, groups=queries.group_keys(group.to_frame().T)
        )
        assert one["group_id"].unique().tolist() == [group["group_id"]]
        expected = every[every["group_id"] == group["group_id"]].reset_index(drop=True)
        pd.testing.assert_frame_equal(one.reset_index(drop=True), expected)
    none = queries.collaboration_evidence(sample_con, date_from=date_from, date_to=date_to, groups=())
    assert none.empty and list(none.columns) == list(every.columns)


# --- The page ---------------------------------------------------------------------------------------------


def _app(warehouse: Path, monkeypatch, **params: str) -> AppTest:
    return open_page(warehouse, monkeypatch, PAGE, **params)


def _want(
    warehouse: Path, within: int = 6, ahead: int = 18, category: str | None = None, borough: str | None = None
) -> set[frozenset[str]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    date_from, date_to = periods.months_from(queries.as_of(con), ahead)
    if category:  # filtering items by category before grouping is the same as keeping that category's groups
        groups = demand_expected.collaboration_groups(con, date_from, date_to, within)
        cats = dict(con.execute("select ocid, tech_category from procurements").fetchall())
        groups = [g for g in groups if {cats[o] for o in g} == {category}]
    else:
        groups = demand_expected.collaboration_groups(con, date_from, date_to, within)
    if borough:
        codes = dict(con.execute("select ocid, borough_code from procurements").fetchall())
        groups = [g for g in groups if borough in {codes[o] for o in g}]
    con.close()
    return set(groups)


def _shown_groups(at: AppTest) -> set[frozenset[str]]:
    items = at.dataframe[1].value if len(at.dataframe) > 1 else pd.DataFrame({"group_id": [], "ocid": []})
    return {frozenset(d["ocid"]) for _, d in items.groupby("group_id")}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"within": "3"},
        {"within": "12", "months": "12"},
        {"category": "software"},
        {"includes": "E09000022"},
    ],
)
def test_page_matches_pandas_for_each_filter_and_restores_from_the_link(
    sample_warehouse: Path, monkeypatch, params: dict
) -> None:
    at = _app(sample_warehouse, monkeypatch, **params)
    want = _want(
        sample_warehouse,
        within=int(params.get("within", 6)),
        ahead=int(params.get("months", 18)),
        category=params.get("category"),
        borough=params.get("includes"),
    )
    assert want, "choose filters that find candidates in the sample"
    assert _shown_groups(at) == want
    groups = at.dataframe[0].value
    assert len(groups) == len(want) and (groups["borough_count"] >= 2).all()
    assert {m.label: m.value for m in at.metric}["Candidate groups"] == str(len(want))
    for key, value in params.items():
        assert at.query_params[key] == value
    if "within" in params:
        assert at.number_input(key="within").value == int(params["within"])
        assert f"**{params['within']} months**" in " ".join(m.value for m in at.markdown)


def test_changing_the_gap_updates_the_url_and_the_groups(sample_warehouse: Path, monkeypatch) -> None:
    at = _app(sample_warehouse, monkeypatch)
    at.number_input(key="within").set_value(2).run()
    assert at.query_params["within"] == "2"
    assert _shown_groups(at) == _want(sample_warehouse, within=2)


def test_choosing_a_group_shows_its_procurements_alone_and_the_link_keeps_it(
    sample_warehouse: Path, monkeypatch, downloads: dict
) -> None:
    at = _app(sample_warehouse, monkeypatch)
    every = _shown_groups(at)
    choice = at.selectbox(key="group")
    assert choice.value == "" and choice.format_func("") == "All candidate groups"
    groups = at.dataframe[0].value
    second = groups.iloc[1]
    assert choice.format_func("Group 2") == (
        f"Group 2: {second['tech_category_label']}, {second['borough_count']} "
        f"boroughs from {second['group_start']:%B %Y}"
    )
    choice.set_value("Group 2").run()
    assert at.query_params["group"] == "Group 2"
    items = at.dataframe[1].value
    assert set(items["group_id"]) == {"Group 2"} and len(items) == second["items"]
    assert _shown_groups(at) < every and frozenset(items["ocid"]) in every
    assert len(at.dataframe[0].value) == len(groups)  # the groups table and the metrics still count every group
    got = pd.read_csv(
        io.BytesIO(downloads[f"collaboration_evidence_within-6-months_group-2_{MONTHS}.csv"]), encoding="utf-8-sig"
    )
    assert got["Procurement ID (OCDS)"].tolist() == items["ocid"].tolist()

    again = _app(sample_warehouse, monkeypatch, group="Group 2")  # the copied link
    assert set(again.dataframe[1].value["group_id"]) == {"Group 2"}


def test_a_group_the_filters_no_longer_offer_falls_back_to_all(sample_warehouse: Path, monkeypatch) -> None:
    at = _app(sample_warehouse, monkeypatch, group="Group 99")
    assert any("Group 99" in w.value for w in at.warning)  # named as ignored, not an error
    assert at.selectbox(key="group").value == ""
    last = f"Group {len(at.dataframe[0].value)}"
    at.selectbox(key="group").set_value(last).run()
    assert at.query_params["group"] == last
    at.number_input(key="within").set_value(24).run()  # wider windows: fewer, larger groups
    assert not at.exception
    assert len(at.dataframe[0].value) < int(last.split()[1])
    assert at.selectbox(key="group").value == "" and "group" not in at.query_params
    assert set(at.dataframe[1].value["group_id"]) == set(at.dataframe[0].value["group_id"])


def test_downloads_equal_the_tables_shown(sample_warehouse: Path, monkeypatch, downloads: dict) -> None:
    at = _app(sample_warehouse, monkeypatch)
    groups, items = at.dataframe[0].value, at.dataframe[1].value
    got_groups = pd.read_csv(
        io.BytesIO(downloads[f"collaboration_candidates_within-6-months_{MONTHS}.csv"]), encoding="utf-8-sig"
    )
    got_items = pd.read_csv(
        io.BytesIO(downloads[f"collaboration_evidence_within-6-months_{MONTHS}.csv"]), encoding="utf-8-sig"
    )
    assert got_groups["Group"].tolist() == groups["group_id"].tolist()
    assert got_groups["Boroughs in the group"].tolist() == groups["group_boroughs"].tolist()
    values = groups["group_value_gbp"].astype(float).round(2).tolist()
    assert got_groups["Combined value (£)"].round(2).tolist() == values
    assert got_items["Title"].tolist() == items["title"].tolist()
    assert got_items["Procurement ID (OCDS)"].tolist() == items["ocid"].tolist()
    assert got_items["Group"].tolist() == items["group_id"].tolist()


def test_no_candidates_says_so(demand_warehouse: Path, monkeypatch) -> None:
    at = _app(demand_warehouse, monkeypatch, category="it_services")
    assert len(at.dataframe) == 0
    assert any("No two boroughs" in i.value for i in at.info)
    assert {m.label: m.value for m in at.metric}["Candidate groups"] == "0"


def test_moving_between_pages_leaks_no_filter_into_another_meaning(sample_warehouse: Path, monkeypatch) -> None:
    """Filters with different meanings have different keys, so a value set on one page never changes another's
    (only the identical months-ahead filter of the two demand pages may carry over)."""
    at = _app(sample_warehouse, monkeypatch)
    at.switch_page("pages/calendar.py").run()
    at.multiselect(key="category").set_value(["software"]).run()
    at.multiselect(key="borough").set_value(["E09000022"]).run()
    at.number_input(key="months").set_value(6).run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.selectbox(key="includes").value == ""
    assert at.number_input(key="within").value == 6
    at.switch_page("pages/coverage.py").run()
    assert not at.exception
    assert at.number_input(key="months_back").value == 12
    assert (at.selectbox(key="source").value, at.selectbox(key="files_borough").value) == ("", "")
    at.switch_page("pages/exports.py").run()
    assert not at.exception
    assert [at.selectbox(key=k).value for k in ("area", "categories", "period")] == ["borough", "category", "quarter"]
