"""Demand calendar: the demand_items rules on a fixture we control, the query's window and filters, and the page
(each filter, URL round trip, download = table) against an independent pandas implementation on the sample."""

from __future__ import annotations

import datetime as dt
import io
import json
import urllib.parse
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from loti_demand import periods, queries
from loti_demand.metrics import INFERRED, REPROCUREMENT, STATUTORY, VALUE_BANDS, value_band
from tests import demand_expected
from tests.conftest import open_page

PAGE = "pages/calendar.py"
D = dt.date

# ocid -> (confidence, expected date, lead months, value band, area): every value decided when the fixture was written
FIXTURE_ITEMS = {
    "dd-s1": (STATUTORY, D(2026, 3, 15), None, "2m_10m", "Camden"),
    "dd-s2": (STATUTORY, D(2026, 5, 10), None, "100k_500k", "Islington"),  # pipeline release reported as 'tender'
    "dd-s3": (STATUTORY, D(2026, 2, 20), None, "500k_2m", "Hackney"),  # tender deadline
    "dd-s4": (STATUTORY, D(2026, 4, 1), None, "10m_plus", "Greater London Authority"),  # a London-wide body, £10m
    "dd-s7": (STATUTORY, D(2028, 1, 1), None, "500k_2m", "Camden"),
    "dd-s8": (STATUTORY, D(2026, 4, 1), None, "500k_2m", "Camden"),  # not tech
    "dd-s9": (STATUTORY, None, None, "2m_10m", "Merton"),  # no date at all
    "dd-s10": (STATUTORY, D(2025, 11, 1), None, "100k_500k", "Islington"),  # deadline passed
    "dd-s11": (STATUTORY, D(2026, 9, 1), None, "100k_500k", "Camden"),
    "dd-i1": (INFERRED, D(2026, 3, 31), 12, "2m_10m", "Merton"),  # £3m: 12 months before 31 Mar 2027
    "dd-i2": (INFERRED, D(2026, 2, 28), 6, "500k_2m", "Hackney"),  # £1,999,999.99: 6 months, clamped month end
    "dd-i3": (INFERRED, D(2025, 6, 30), 12, "2m_10m", "Camden"),  # £2m exactly (estimate, no award value)
    "dd-i4": (INFERRED, D(2027, 6, 30), 6, "unknown", "Islington"),  # no value: 6 months
    "dd-i5": (INFERRED, D(2025, 5, 30), 6, "under_100k", "Hackney"),  # ended before the data-as-of month
    "dd-i6": (INFERRED, None, 6, "under_100k", "Camden"),  # no end date
    "dd-i7": (INFERRED, D(2026, 4, 15), 6, "under_100k", "Islington"),
}
AS_OF = D(2025, 12, 31)
MONTHS = 19  # December 2025 to June 2027: the window starts with the data-as-of month
IN_WINDOW = {"dd-s1", "dd-s2", "dd-s3", "dd-s4", "dd-s11", "dd-i1", "dd-i2", "dd-i3", "dd-i4", "dd-i7"}


def test_demand_items_follow_the_rules_on_the_fixture(demand_con) -> None:
    rows = demand_con.execute(
        "select ocid, confidence, expected_date, lead_months, value_band, area_name from demand_items"
    ).fetchall()
    got = {r[0]: (r[1], r[2], r[3], r[4], r[5]) for r in rows}
    assert got == FIXTURE_ITEMS  # the cancelled tender (dd-s5) and the Kent buyer (dd-s6) are not there


def test_only_http_links_are_kept(demand_con) -> None:
    urls = dict(demand_con.execute("select ocid, url from demand_items").fetchall())
    assert urls["dd-i3"] is None  # published as javascript:alert(1)
    assert urls["dd-s1"] == "https://example.org/notice/dd-s1"


def test_value_bands_and_lead_times_agree_with_metrics(sample_con, demand_con) -> None:
    for con in (sample_con, demand_con):
        for value, band, lead, confidence in con.execute(
            "select value_gbp, value_band, lead_months, confidence from demand_items"
        ).fetchall():
            number = None if value is None else float(value)
            assert band == value_band(number)
            if confidence == INFERRED:
                assert lead == REPROCUREMENT.lead_months(number)
    assert [b.key for b in VALUE_BANDS] == ["under_100k", "100k_500k", "500k_2m", "2m_10m", "10m_plus", "unknown"]
    assert value_band(99_999.99) == "under_100k" and value_band(100_000) == "100k_500k"
    assert value_band(10_000_000) == "10m_plus" and value_band(None) == "unknown"


def test_demand_items_agree_with_the_independent_implementation(sample_con) -> None:
    got = sample_con.execute("select ocid, confidence, expected_date from demand_items order by ocid").df()
    want = demand_expected.demand_items(sample_con).sort_values("ocid").reset_index(drop=True)
    assert got["ocid"].tolist() == want["ocid"].tolist()
    assert got["confidence"].tolist() == want["confidence"].tolist()
    assert pd.to_datetime(got["expected_date"]).tolist() == pd.to_datetime(want["expected_date"]).tolist()


def test_a_reprocurement_is_never_expected_before_its_contract_starts(sample_con) -> None:
    """A contract that runs for less than its lead time is expected from its start, not before it was let (a review
    found Wandsworth's £2.48m library system, 19 April 2025 to 10 March 2026, expected on 10 March 2025)."""
    rows = sample_con.execute(
        "select d.title, d.area_name, d.expected_date, d.date_basis, p.contract_start, d.contract_end "
        "from demand_items as d join procurements as p using (ocid) where d.confidence = $c",
        {"c": INFERRED},
    ).df()
    started = rows[rows["contract_start"].notna() & (rows["contract_start"] <= rows["contract_end"])]
    assert (started["expected_date"] >= started["contract_start"]).all()
    library = rows[(rows["area_name"] == "Wandsworth") & (rows["title"] == "Library management system")].iloc[0]
    assert pd.Timestamp(library["expected_date"]) == pd.Timestamp("2025-04-19")
    assert library["date_basis"] == "contract start (it runs less than 12 months)"
    floored = started[started["date_basis"].str.startswith("contract start")]
    assert (floored["expected_date"] == floored["contract_start"]).all() and len(floored) >= 4


def _calendar(con, months: int = MONTHS, **filters) -> set[str]:
    date_from, date_to = periods.months_from(AS_OF, months)
    return set(queries.demand_calendar(con, date_from=date_from, date_to=date_to, **filters)["ocid"])


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, IN_WINDOW),
        ({"areas": ("london_wide",)}, {"dd-s4"}),
        ({"areas": ("E09000012", "E09000024")}, {"dd-s3", "dd-i1", "dd-i2"}),
        ({"categories": ("it_services",)}, {"dd-s3", "dd-s11", "dd-i2"}),
        ({"value_bands": ("unknown", "10m_plus")}, {"dd-i4", "dd-s4"}),
        ({"sme": "yes"}, {"dd-s2"}),
        ({"sme": "no"}, {"dd-s3"}),
        ({"sme": "unknown"}, IN_WINDOW - {"dd-s2", "dd-s3"}),
        ({"confidence": STATUTORY}, {"dd-s1", "dd-s2", "dd-s3", "dd-s4", "dd-s11"}),
        ({"confidence": INFERRED}, {"dd-i1", "dd-i2", "dd-i3", "dd-i4", "dd-i7"}),
    ],
)
def test_calendar_filters_on_the_fixture(demand_con, filters: dict, expected: set[str]) -> None:
    assert _calendar(demand_con, **filters) == expected


def test_calendar_window_edges_and_due_now(demand_con) -> None:
    # four months: December 2025 to March 2026 (the window starts with the data-as-of month)
    assert _calendar(demand_con, months=4) == {"dd-s1", "dd-s3", "dd-i1", "dd-i2", "dd-i3"}
    # 2027-06-30 is the last day of a 19-month window; the 2028 pipeline item needs 26 months
    assert "dd-i4" in _calendar(demand_con, months=19) and "dd-i4" not in _calendar(demand_con, months=18)
    assert "dd-s7" in _calendar(demand_con, months=26) and "dd-s7" not in _calendar(demand_con, months=25)
    date_from, date_to = periods.months_from(AS_OF, MONTHS)
    df = queries.demand_calendar(demand_con, date_from=date_from, date_to=date_to).set_index("ocid")
    assert df["is_due_now"].to_dict() == {o: o == "dd-i3" for o in IN_WINDOW}
    assert pd.Timestamp(df.loc["dd-i3", "calendar_month"]) == pd.Timestamp("2025-12-01")  # placed in the first month
    undated = dict(queries.demand_undated(demand_con).itertuples(index=False, name=None))
    assert undated == {STATUTORY: 1, INFERRED: 1}


def test_an_item_dated_before_the_data_as_of_date_is_already_due(demand_con, sample_con) -> None:
    """Already due means dated before the data-as-of date, not before the first day of its month: a tender whose
    deadline passed earlier in the as-of month stays in that month, marked (a review found seven March 2026 tenders
    on the sample, as of 31 March, shown as not due)."""
    date_from, date_to = periods.months_from(AS_OF, MONTHS)
    df = queries.demand_calendar(demand_con, date_from=date_from, date_to=date_to, as_of=D(2026, 3, 1))
    assert set(df.loc[df["is_due_now"], "ocid"]) == {"dd-i3", "dd-s3", "dd-i2"}  # before 1 March 2026
    as_of = queries.as_of(sample_con)
    date_from, date_to = periods.months_from(as_of, 18)
    df = queries.demand_calendar(sample_con, date_from=date_from, date_to=date_to)
    assert df["is_due_now"].tolist() == (df["expected_date"] < pd.Timestamp(as_of)).tolist()
    passed = df[(df["date_basis"] == "tender deadline") & (df["expected_date"] >= pd.Timestamp(date_from))]
    passed = passed[passed["expected_date"] < pd.Timestamp(as_of)]
    assert len(passed) == 7 and passed["is_due_now"].all()
    assert (pd.to_datetime(passed["calendar_month"]) == pd.Timestamp(date_from)).all()


def test_calendar_rows_are_in_month_date_area_title_order(sample_con) -> None:
    """Rows come by month, then date, area, title and ocid, already-due items (placed in the first month) too."""
    as_of = queries.as_of(sample_con)
    for months in (2, 18):
        date_from, date_to = periods.months_from(as_of, months)
        df = queries.demand_calendar(sample_con, date_from=date_from, date_to=date_to)
        assert df["is_due_now"].any() and df["calendar_month"].nunique() > 1
        want = df.sort_values(["calendar_month", "expected_date", "area_name", "title", "ocid"], na_position="last")
        assert list(df["ocid"]) == list(want["ocid"])


def test_a_contract_names_its_current_supplier_and_a_notice_the_one_it_replaces(demand_con) -> None:
    """An inferred item's current supplier is its own; a notice names one only when it replaces a contract (here by
    timing: same buyer and category, the contract ending near the notice's date, and in a category as broad as IT
    support titles that share a word: "Desktop hardware support" and "Hardware support"), with the reason. Islington's
    electoral software does not replace its parking permits software, though the same category ends as near. The
    current contract's end and the new contract's end are separate columns."""
    date_from, date_to = periods.months_from(AS_OF, MONTHS)
    df = queries.demand_calendar(demand_con, date_from=date_from, date_to=date_to).set_index("ocid")
    replacing = {"dd-s3": "dd-i2"}
    inferred = [o for o in IN_WINDOW if FIXTURE_ITEMS[o][0] == INFERRED]
    assert df["incumbent_suppliers"].dropna().to_dict() == dict.fromkeys(
        [*inferred, *replacing], "Fixture Supplier Ltd"
    )
    assert df["replaces_ocid"].dropna().to_dict() == replacing
    assert df.loc["dd-s3", "incumbent_match"].startswith(
        "Same buyer; same category, and the current contract ends on 31 August 2026"
    ) and df.loc["dd-s3", "incumbent_match"].endswith("; both titles name hardware")
    ends = dict(demand_con.execute("select ocid, contract_end from demand_items").fetchall())

    def days(column: str) -> dict:
        return {o: pd.Timestamp(d).date() for o, d in df[column].dropna().items()}

    assert days("current_contract_end") == {o: ends[replacing.get(o, o)] for o in [*inferred, *replacing]}
    assert days("new_contract_end") == {o: ends[o] for o in IN_WINDOW - set(inferred) if ends[o] is not None}


# --- The page, on the sample warehouse ---------------------------------------------------------------------


def _app(warehouse: Path, monkeypatch, **params: str) -> AppTest:
    return open_page(warehouse, monkeypatch, PAGE, **params)


def _expected(warehouse: Path, months: int = 18) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse), read_only=True)
    as_of = queries.as_of(con)
    date_from, date_to = periods.months_from(as_of, months)
    df = demand_expected.calendar(con, date_from, date_to)
    con.close()
    return df


def _shown(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def test_page_shows_exactly_the_independent_calendar(sample_warehouse: Path, monkeypatch) -> None:
    at = _app(sample_warehouse, monkeypatch)
    want = _expected(sample_warehouse)
    shown = _shown(at)
    assert len(shown) > 20
    assert sorted(shown["ocid"]) == sorted(want["ocid"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Procurements expected"] == f"{len(want):,}"
    assert metrics["From statutory notices"] == str(int((want["confidence"] == STATUTORY).sum()))
    assert int(shown["is_due_now"].sum()) == int(want["is_due_now"].sum())
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [t["name"] for t in spec["data"]] == ["Statutory notice", "Inferred from contract end date"]
    assert sum(sum(t["y"]) for t in spec["data"]) == len(want)
    # each month's bars: an item counts in its expected month, or in the first month when it is already due
    first = pd.Timestamp(spec["data"][0]["x"][0])
    placed = want["expected_date"].where(~want["is_due_now"], first)
    by_month = want.assign(month=placed.dt.strftime("%b %Y")).groupby(["confidence", "month"]).size()
    for trace, confidence in zip(spec["data"], (STATUTORY, INFERRED), strict=True):
        assert trace["y"] == [int(by_month.get((confidence, m), 0)) for m in trace["x"]]
    alt = at.get("plotly_chart")[0].proto.alt
    assert alt.startswith(f"{len(want)} procurements expected") and any(m.value == alt for m in at.markdown)
    per_month = placed.dt.to_period("M").value_counts()
    busiest = min(per_month.index, key=lambda m: (-per_month[m], m))
    assert alt.endswith(f"The busiest month is {busiest.strftime('%B %Y')} with {per_month[busiest]}.")


@pytest.mark.parametrize(
    ("params", "keep"),
    [
        ({"category": "software,it_services"}, lambda d: d["tech_category"].isin(["software", "it_services"])),
        ({"borough": "london_wide"}, lambda d: d["borough_code"].isna()),
        # a London-wide body by name (a review found the GLA and TfL in the table but not in the filter)
        ({"borough": "GLA,E09000022"}, lambda d: d["publisher_code"].isin(["GLA", "E09000022"])),
        ({"borough": "E09000022,E09000028"}, lambda d: d["borough_code"].isin(["E09000022", "E09000028"])),
        (
            {"value": "under_100k,unknown"},
            lambda d: (
                d["value_gbp"].map(lambda v: value_band(None if pd.isna(v) else v)).isin(["under_100k", "unknown"])
            ),
        ),
        ({"sme": "yes"}, lambda d: d["is_sme_suitable"].fillna(False).astype(bool)),
        ({"sme": "unknown"}, lambda d: d["is_sme_suitable"].isna()),
        ({"evidence": "inferred"}, lambda d: d["confidence"] == INFERRED),
    ],
)
def test_each_filter_matches_pandas_and_restores_from_the_link(sample_warehouse: Path, monkeypatch, params, keep):
    at = _app(sample_warehouse, monkeypatch, **params)
    want = _expected(sample_warehouse)
    want = want[keep(want)]
    assert len(want) > 0, "choose filters that match something in the sample"
    assert sorted(_shown(at)["ocid"]) == sorted(want["ocid"])
    for key, value in params.items():  # the widgets show the link's values, and the link is kept
        widget = next(w for w in (*at.multiselect, *at.selectbox) if w.key == key)
        assert (",".join(widget.value) if isinstance(widget.value, list) else widget.value) == value
        assert at.query_params[key] == value
    assert not at.warning


def test_months_ahead_changes_the_window_and_the_url(sample_warehouse: Path, monkeypatch) -> None:
    at = _app(sample_warehouse, monkeypatch)
    at.number_input(key="months").set_value(6).run()
    assert at.query_params["months"] == "6"
    assert len(_shown(at)) == len(_expected(sample_warehouse, months=6))
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert len(spec["data"][0]["x"]) == 6  # six months from the data-as-of month


def test_unknown_link_values_are_ignored_with_a_notice(sample_warehouse: Path, monkeypatch) -> None:
    at = _app(sample_warehouse, monkeypatch, borough="Atlantis", sme="maybe", months="999")
    assert "not recognised" in at.warning[0].value
    assert len(_shown(at)) == len(_expected(sample_warehouse))


def test_download_equals_the_table_shown(sample_warehouse: Path, monkeypatch, downloads: dict) -> None:
    at = _app(sample_warehouse, monkeypatch, category="software")
    shown = _shown(at)
    # named by its category and its months (the 18 from the data-as-of month), not only as the calendar
    name = "demand_calendar_software_2026-03_to_2027-08_as_of_2026-03-31.csv"
    got = pd.read_csv(io.BytesIO(downloads[name]), encoding="utf-8-sig")
    assert len(got) == len(shown)
    # who holds the work now, when that contract ends and what it is worth come first (issue 21)
    assert got.columns[:7].tolist() == [
        "Current supplier(s)",
        "Current contract ends",
        "Value (£)",
        "Expected date",
        "Already due",
        "Borough or body",
        "Title",
    ]
    assert "New contract would end" in got.columns and "Contract end" not in got.columns
    # the grid shows each current supplier as a link to its profile; the CSV keeps the name
    named = shown["incumbent_suppliers"].notna()
    assert named.any() and (got["Current supplier(s)"].notna() == named).all()
    for link, name in zip(shown.loc[named, "incumbent_suppliers"], got.loc[named, "Current supplier(s)"], strict=True):
        assert link.startswith("supplier?supplier=") and urllib.parse.unquote(link.split("#", 1)[1]) == name
    assert got["Title"].tolist() == shown["title"].tolist()
    assert got["Procurement ID (OCDS)"].tolist() == shown["ocid"].tolist()
    assert got["Expected date"].tolist() == [f"{d:%Y-%m-%d}" for d in shown["expected_date"]]
    assert got["Value (£)"].round(2).tolist() == shown["value_gbp"].astype(float).round(2).tolist()


def test_download_neutralises_formulas_but_keeps_numbers(demand_warehouse: Path, monkeypatch, downloads: dict) -> None:
    _app(demand_warehouse, monkeypatch)
    (name,) = [n for n in downloads if n.startswith("demand_calendar_")]
    text = downloads[name].decode("utf-8-sig")
    assert "'=SUM(A1) Electoral software" in text and "'-Hardware support" in text
    got = pd.read_csv(io.StringIO(text))
    assert got.loc[got["Title"] == "'=SUM(A1) Electoral software", "Value (£)"].item() == 100000
    assert got["Value (£)"].dtype.kind == "f"


def test_no_match_says_so(demand_warehouse: Path, monkeypatch) -> None:
    at = _app(demand_warehouse, monkeypatch, borough="london_wide", evidence="inferred")
    assert not at.dataframe
    assert any("No procurements match" in i.value for i in at.info)
    assert at.get("plotly_chart")[0].proto.alt.startswith("No procurements are expected")
    # filtered, the summary no longer says the other pages count the same items (found by a review)
    summary = next(c.value for c in at.caption if "statutory notices are the pipeline" in c.value)
    assert "Without the filters and search chosen here, the Overview" in summary


def test_no_match_for_words_says_to_try_other_words(demand_warehouse: Path, monkeypatch) -> None:
    at = _app(demand_warehouse, monkeypatch, q="zzzqqq")
    assert any("No procurements match these words and filters. Try other words" in i.value for i in at.info)
    at = _app(demand_warehouse, monkeypatch)
    summary = next(c.value for c in at.caption if "statutory notices are the pipeline" in c.value)
    assert "The Overview, the Borough map, the borough profiles and the export count the same items" in summary


def test_overview_pipeline_equals_the_calendars_statutory_notices(
    sample_warehouse: Path, sample_con, monkeypatch
) -> None:
    at = _app(sample_warehouse, monkeypatch, evidence="statutory")
    shown = _shown(at)
    head = queries.headline(sample_con, as_of=queries.as_of(sample_con)).iloc[0]
    assert int(head["pipeline_count"]) == len(shown)
    assert round(float(head["pipeline_value_gbp"]), 2) == round(float(shown["value_gbp"].sum()), 2)


@pytest.mark.parametrize(
    ("months_of_items", "peak"),
    [
        ([3, 4, 4], "The busiest month is April 2026 with 2."),
        ([3, 3, 4, 4, 5], "The busiest months are March 2026 and April 2026, with 2 each."),
        ([3, 4, 5, 6], "The busiest months are March 2026, April 2026, May 2026 and June 2026, with 1 each."),
        ([3, 4, 5, 6, 7], "5 months tie as the busiest, with 1 each, from March 2026 to July 2026."),
    ],
)
def test_the_timeline_summary_says_when_months_tie(months_of_items: list[int], peak: str) -> None:
    from loti_demand.presentation.charts import demand_timeline_summary

    months = [D(2026, m, 1) for m in range(3, 9)]
    items = pd.DataFrame(
        {
            "calendar_month": [pd.Timestamp(2026, m, 1) for m in months_of_items],
            "confidence": STATUTORY,
            "is_due_now": False,
        }
    )
    assert demand_timeline_summary(items, months).endswith(". " + peak)


def test_the_timeline_summary_says_one_in_the_singular() -> None:
    """'1 procurement expected ... 1 from a statutory notice' (a review found '1 procurements ... 1 from statutory
    notices' on a search that found one)."""
    from loti_demand.presentation.charts import demand_timeline_summary

    months = [D(2026, m, 1) for m in range(3, 9)]
    one = pd.DataFrame({"calendar_month": [pd.Timestamp(2026, 3, 1)], "confidence": STATUTORY, "is_due_now": True})
    assert demand_timeline_summary(one, months) == (
        "1 procurement expected from March 2026 to August 2026: 1 from a statutory notice and 0 inferred from "
        "contract end dates (already due, shown in March 2026). The busiest month is March 2026 with 1."
    )
    two = pd.concat([one, one.assign(confidence=INFERRED, is_due_now=False)])
    assert demand_timeline_summary(two, months).startswith(
        "2 procurements expected from March 2026 to August 2026: 1 from a statutory notice and 1 inferred from a "
        "contract end date (1 of them already due, shown in March 2026)."
    )


def test_the_download_names_the_search_filters_and_months(sample_warehouse: Path, monkeypatch, downloads: dict) -> None:
    """Each view's file has its own name (before, every view's was demand_calendar.csv): the filters chosen, and the
    months as months, not as a number of months ahead (next quarter's file names other months)."""
    _app(sample_warehouse, monkeypatch, borough="GLA,E09000022", value="under_100k,unknown", months="24")
    months = "2026-03_to_2028-02_as_of_2026-03-31"
    names = [n for n in downloads if n.startswith("demand_calendar")]
    assert names == [f"demand_calendar_GLA+E09000022_under-100k+unknown_{months}.csv"]
    downloads.clear()
    _app(sample_warehouse, monkeypatch, q="Software", sme="unknown", evidence="statutory")
    assert "notice_search_search-software_as_of_2026-03-31.csv" in downloads
    names = [n for n in downloads if n.startswith("demand_calendar")]
    assert names == [
        "demand_calendar_search-software_sme-not-stated_statutory-only_2026-03_to_2027-08_as_of_2026-03-31.csv"
    ]
