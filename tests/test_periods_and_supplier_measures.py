"""Reporting periods worked out from the data, and the supplier measures (market share, HHI, top-3 share):
the Python reference definitions in metrics/concentration.py and the bulk SQL the pages run must agree."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from loti_demand import metrics, periods, queries


def test_spend_periods_follow_the_data() -> None:
    found = periods.spend_periods(dt.date(2023, 7, 1), dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert [p.key for p in found] == ["last12", "fy2025", "fy2024", "fy2023", "all"]
    last12 = found[0]
    assert (last12.start, last12.end, last12.months) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31), 12)
    assert last12.label == "Latest 12 months (Apr 2025 to Mar 2026)"
    fy2023 = found[3]
    assert (fy2023.start, fy2023.end) == (dt.date(2023, 4, 1), dt.date(2024, 3, 31))
    assert fy2023.label == "2023-24 financial year (data Jul 2023 to Mar 2024 only)"  # partial year said so
    assert found[1].label == "2025-26 financial year"
    assert found[-1].start == dt.date(2023, 7, 1) and found[-1].grain == "quarter"
    assert last12.grain == "month" and last12.phrase.startswith("latest 12 months")


def test_latest_12_months_end_with_the_spend_not_later_notices() -> None:
    found = periods.spend_periods(dt.date(2024, 1, 1), dt.date(2024, 6, 1), dt.date(2025, 2, 1))
    assert (found[0].start, found[0].end) == (dt.date(2023, 7, 1), dt.date(2024, 6, 30))


def test_forward_periods_are_whole_months_from_the_as_of_month() -> None:
    ahead = periods.forward_periods(dt.date(2026, 3, 31))
    assert [p.key for p in ahead] == ["next18", "next12", "next24"]
    assert (ahead[0].start, ahead[0].end) == (dt.date(2026, 3, 1), dt.date(2027, 8, 31))
    assert ahead[0].label == "Next 18 months (Mar 2026 to Aug 2027)" and ahead[0].months == 18
    assert [p.months for p in ahead] == [18, 12, 24]
    # a mid-month data-as-of date and a short month: the window still runs in whole months
    assert periods.months_from(dt.date(2025, 12, 15), 3) == (dt.date(2025, 12, 1), dt.date(2026, 2, 28))
    assert periods.months_from(dt.date(2024, 1, 31), 2) == (dt.date(2024, 1, 1), dt.date(2024, 2, 29))
    assert periods.current_period(dt.date(2026, 3, 31))[0].label == "As they stand on 31 March 2026"
    assert periods.spend_periods(None, None, None) == [] and periods.forward_periods(None) == []


@pytest.mark.parametrize(
    ("amounts", "hhi", "top3"),
    [
        ([100], 10_000, 100),
        ([50, 50], 5_000, 100),
        ([25, 25, 25, 25], 2_500, 75),
        ([60, 20, 10, 5, 5], 3600 + 400 + 100 + 25 + 25, 90),
        ([80, 20, -30], 6800, 100),  # a supplier with net credit notes has no share
        ([], None, None),
    ],
)
def test_reference_definitions(amounts, hhi, top3) -> None:
    assert metrics.hhi(amounts) == (pytest.approx(hhi) if hhi is not None else None)
    assert metrics.top_share(amounts) == (pytest.approx(top3) if top3 is not None else None)


def test_concentration_bands_use_the_uk_merger_guideline_thresholds() -> None:
    assert metrics.concentration_band(999) == "Not concentrated"
    assert metrics.concentration_band(1500) == "Concentrated"
    assert metrics.concentration_band(2001) == "Highly concentrated"
    assert metrics.concentration_band(None) == "No named-supplier spend"


def test_sql_concentration_and_shares_agree_with_the_reference(sample_con) -> None:
    start, end = dt.date(2025, 4, 1), dt.date(2026, 3, 31)
    amounts = sample_con.execute(
        "select tech_category, supplier_id, sum(amount_gbp) as amount from spend "
        "where tech_category is not null and not is_redacted and payment_month between $s and $e "
        "group by all",
        {"s": start, "e": end},
    ).df()
    sql = queries.supplier_concentration(sample_con, start=start, end=end).set_index("tech_category")
    assert len(sql) == amounts["tech_category"].nunique() > 5
    for category, group in amounts.groupby("tech_category"):
        assert sql.loc[category, "hhi"] == pytest.approx(metrics.hhi(group["amount"]))
        assert sql.loc[category, "top3_share_pct"] == pytest.approx(metrics.top_share(group["amount"]))
        assert sql.loc[category, "suppliers"] == (group["amount"] > 0).sum()
    top = queries.top_suppliers(sample_con, start=start, end=end, limit=5_000)
    london = amounts.groupby("supplier_id")["amount"].sum()
    positive = london[london > 0]
    expected = dict(zip(positive.index, metrics.market_shares(positive), strict=True))
    shown = top.dropna(subset=["share_pct"])
    assert dict(zip(shown["supplier_id"], shown["share_pct"], strict=True)) == pytest.approx(expected)
    assert len(top) == len(london)


def test_the_build_stores_the_periods_the_pages_offer(sample_con) -> None:
    dates = queries.data_dates(sample_con).iloc[0]
    as_of = queries.as_of(sample_con)
    spend = periods.spend_periods(dates["first_spend_month"], dates["last_spend_month"], as_of)
    stored = sample_con.execute("select kind, period_start, period_end from page_periods order by all").fetchall()
    assert stored == sorted(
        {("spend", p.start, p.end) for p in spend}
        | {("forward", p.start, p.end) for p in periods.forward_periods(as_of)}
        | {("current", as_of, as_of)}
    )
    assert len(stored) == 4 + 3 + 1 and len(spend) == 5  # the latest 12 months is also the 2025-26 financial year


def _stored_windows(con, kind: str = "spend") -> list[tuple[dt.date, dt.date]]:
    return con.execute(
        "select period_start, period_end from page_periods where kind = $kind order by all", {"kind": kind}
    ).fetchall()


# The measures worked out for one window by the macros the build stores them with (warehouse/models/measures.sql).
BOROUGH_MEASURES = """select * exclude (period_start, period_end, tech_category)
    from borough_measures_in([{'period_start': $start, 'period_end': $end, 'tech_category': $category}])
    order by borough_name"""
TOP_SUPPLIERS = """select * exclude (period_start, period_end, publisher_code, tech_category, window_spend_gbp,
        named_spend_gbp)
    from top_suppliers_in([{'period_start': $start, 'period_end': $end, 'publisher_code': $publisher}], null)
    where tech_category is not distinct from $category and rank <= $limit + 1 order by rank"""
CONCENTRATION = """select * exclude (period_start, period_end)
    from supplier_concentration_in([{'period_start': $start, 'period_end': $end}], null, $category)
    order by named_spend_gbp desc, tech_category"""


def test_stored_borough_measures_are_the_measures_worked_out_for_the_window(sample_con) -> None:
    categories = [None, *queries.tech_categories(sample_con)["tech_category"]]
    windows = [w for kind in ("spend", "forward", "current") for w in _stored_windows(sample_con, kind)]
    for start, end in windows:
        for category in categories:
            stored = queries.borough_measures(sample_con, start=start, end=end, category=category)
            live = sample_con.execute(BOROUGH_MEASURES, {"start": start, "end": end, "category": category}).df()
            assert len(stored) == 33
            pd.testing.assert_frame_equal(stored, live, check_exact=False, rtol=1e-12)
    quarter = queries.borough_measures(sample_con, start=dt.date(2025, 4, 1), end=dt.date(2025, 6, 30))
    assert quarter["months_covered"].max() == 3 and quarter["tech_spend_gbp"].sum() > 0


def test_stored_supplier_answers_are_the_answers_grouped_from_the_monthly_mart(sample_con) -> None:
    """Over every stored window, for all tech and each category, London-wide and for one borough alone: the same
    rows, values, order and types as the macros give for that window alone."""
    categories = [None, *queries.tech_categories(sample_con)["tech_category"]]
    compared = 0
    for start, end in _stored_windows(sample_con):
        for category in categories:
            for limit, publisher in ((7, None), (50, None), (7, "E09000007")):  # the Spend page's default and most
                top = queries.top_suppliers(
                    sample_con,
                    start=start,
                    end=end,
                    boroughs=tuple(filter(None, [publisher])),
                    category=category,
                    limit=limit,
                )
                if not top.empty:
                    assert len(top) == min(limit + 1, top["suppliers_total"].iloc[0])
                    assert publisher is None or top["boroughs"].eq(1).all()
                grouped = sample_con.execute(
                    TOP_SUPPLIERS,
                    {"start": start, "end": end, "category": category, "limit": limit, "publisher": publisher},
                ).df()
                pd.testing.assert_frame_equal(top, grouped, check_exact=True)
                compared += len(top)
            concentration = queries.supplier_concentration(sample_con, start=start, end=end, category=category)
            grouped = sample_con.execute(CONCENTRATION, {"start": start, "end": end, "category": category}).df()
            pd.testing.assert_frame_equal(concentration, grouped, check_exact=False, rtol=1e-12)
            compared += len(concentration)
    assert compared > 500


def test_stored_spend_questions_are_the_answers_worked_out_for_the_window(sample_con) -> None:
    """Over every stored window: the headline, the months and quarters and the categories the build stored are
    exactly the answers worked out, London-wide for all tech and each category, and for each publisher alone."""
    categories = [None, *queries.tech_categories(sample_con)["tech_category"]]
    publishers = sample_con.execute("select distinct publisher_code from agg_spend_by_borough_month").fetchall()
    assert len(publishers) > 33
    compared = 0
    for start, end in _stored_windows(sample_con):
        window = {"start": start, "end": end}
        pairs = [("spend_summary", {**window, "boroughs": None, "category": c}) for c in categories]
        pairs += [
            ("spend_over_time", {**window, "boroughs": None, "category": c, "grain": g})
            for c in categories
            for g in ("month", "quarter")
        ]
        for boroughs in [None, *([code] for (code,) in publishers)]:
            pairs += [
                ("category_spend", {**window, "boroughs": boroughs}),
                ("spend_summary", {**window, "boroughs": boroughs, "category": None}),
                ("spend_over_time", {**window, "boroughs": boroughs, "category": None, "grain": "quarter"}),
            ]
        for name, bound in pairs:
            stored = queries.run(sample_con, f"{name}_stored", **bound)
            worked_out = queries.run(sample_con, name, **bound)
            assert len(stored) == len(worked_out) and (name != "spend_summary" or len(stored) == 1)
            pd.testing.assert_frame_equal(stored, worked_out, check_exact=True)
            compared += len(stored)
    assert compared > 5000
    one = queries.spend_summary(sample_con, start=start, end=end, boroughs=("E09000007",)).iloc[0]
    assert (one["boroughs_with_data"], one["bodies_with_data"]) == (1, 0) and one["tech_spend_gbp"] > 0


def test_the_pages_read_the_stored_answers_for_the_periods_they_offer(sample_warehouse, tmp_path) -> None:
    """Marked stored answers come back for a stored window; any other choice is worked out, unmarked."""
    import shutil

    import duckdb

    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(sample_warehouse, path)
    con = duckdb.connect(str(path))
    start, end = _stored_windows(con)[-1]
    window = {"start": start, "end": end}
    quarter = {"start": dt.date(2025, 4, 1), "end": dt.date(2025, 6, 30)}  # a window the build did not store
    con.execute("update agg_borough_measures_by_period set notices = -1")
    con.execute("update agg_suppliers_by_period set supplier_name = 'stored'")
    con.execute("update agg_concentration_by_period set suppliers = -1")
    con.execute("update agg_spend_summary_by_period set lines = -1")
    con.execute("update agg_spend_over_time_by_period set lines = -1")
    con.execute("update agg_category_spend_by_period set lines = -1")
    assert queries.borough_measures(con, **window)["notices"].eq(-1).all()
    assert queries.top_suppliers(con, **window, limit=50)["supplier_name"].eq("stored").all()
    assert queries.supplier_concentration(con, **window, category="software")["suppliers"].eq(-1).all()
    for one_or_all in ((), ("E09000007",)):
        for question in (queries.QUERIES[n].function for n in ("spend_summary", "spend_over_time", "category_spend")):
            assert question(con, **window, boroughs=one_or_all)["lines"].eq(-1).all()
            assert question(con, **quarter, boroughs=one_or_all)["lines"].gt(0).all()
    two = ("E09000007", "E09000022")
    assert not queries.QUERIES["spend_over_time"].function(con, **window, boroughs=two)["lines"].eq(-1).any()
    assert queries.borough_measures(con, **quarter)["notices"].ge(0).all()
    assert not queries.top_suppliers(con, **window, limit=51)["supplier_name"].eq("stored").any()
    assert queries.top_suppliers(con, **window, boroughs=("E09000007",))["supplier_name"].eq("stored").all()
    assert not queries.top_suppliers(con, **window, boroughs=two)["supplier_name"].eq("stored").any()
    assert queries.supplier_concentration(con, **window, boroughs=("E09000007",))["suppliers"].gt(0).all()
    assert queries.supplier_concentration(con, **quarter)["suppliers"].gt(0).all()
    con.close()


def test_other_choices_group_the_monthly_mart(sample_con) -> None:
    start, end = _stored_windows(sample_con)[-1]
    two_boroughs = queries.top_suppliers(sample_con, start=start, end=end, boroughs=("E09000007", "E09000022"))
    assert two_boroughs["boroughs"].between(1, 2).all() and len(two_boroughs) == 11
    assert two_boroughs["boroughs"].eq(2).any()
    everyone = queries.top_suppliers(sample_con, start=start, end=end, limit=51)
    assert len(everyone) > 51  # more than the build keeps
    quarter = queries.supplier_concentration(sample_con, start=dt.date(2025, 4, 1), end=dt.date(2025, 6, 30))
    assert len(quarter) > 5
    year = queries.supplier_concentration(sample_con, start=start, end=end).set_index("tech_category")
    spend = quarter.set_index("tech_category")["named_spend_gbp"]
    assert (spend < year.loc[spend.index, "named_spend_gbp"]).all()  # a quarter of the year


def test_stored_ranks_match_the_query_with_credits_ties_and_more_suppliers_than_kept(sample_warehouse) -> None:
    """On a monthly mart made to hold the cases the sample lacks: a supplier whose credits exceed its payments
    (no share, and out of the share base), two suppliers tied on spend (ordered by supplier_id), one paid in two
    categories and, in one of them, two boroughs, and more suppliers than the build keeps."""
    import duckdb

    from loti_demand.warehouse.db import MODELS_DIR, run_sql_file
    from loti_demand.warehouse.order import Macros, Sql

    con = duckdb.connect()
    con.execute("""
        create table agg_spend_by_supplier as
        select borough_code as publisher_code, * from (values
            ('E09000007', date '2025-04-01', 'software', 'acme', 900.00::decimal(18, 2), 2::bigint, 1, 1::ubigint),
            ('E09000022', date '2025-05-01', 'cloud', 'acme', 300.00, 1, 1, 2),
            ('E09000022', date '2025-08-01', 'software', 'acme', 100.00, 1, 1, 2),
            ('E09000007', date '2025-06-01', 'software', 'brill', 500.00, 1, 2, 1),
            ('E09000007', date '2025-06-01', 'software', 'cove', 500.00, 1, 3, 1),
            ('E09000007', date '2025-07-01', 'software', 'dross', -700.00, 1, 4, 1),
            ('E09000007', date '2025-07-01', 'software', 'dross', 200.00, 1, 4, 1),
            ('E09000007', date '2024-07-01', 'software', 'acme', 99999.00, 1, 1, 1)
        ) as t(borough_code, payment_month, tech_category, supplier_id, amount_gbp, lines, supplier_key, borough_bit)
        union all
        select 'E09000022', 'E09000022', date '2026-01-01', 'cloud', 'small ' || i, 10.00 + i, 1, 100 + i, 2
        from range(60) as r(i)
    """)
    con.execute("create table suppliers as select 'acme' as supplier_id, 'ACME Ltd' as canonical_name")
    con.execute(
        "create table page_periods as select 'spend' as kind, date '2025-04-01' as period_start, "
        "date '2026-03-31' as period_end"
    )
    con.execute("attach $path as sample (read_only)", {"path": str(sample_warehouse)})
    for table in (
        "boroughs",
        "publishers",
        "demand_items",
        "procurements",
        "challenges",
        "challenge_boroughs",
        "agg_spend_by_borough_month",
        "agg_demand_by_borough_month",
        "ref_tech_categories",
    ):
        # the other tables the macros of measures.sql read
        con.execute(f"create table {table} as from sample.{table}")
    run_sql_file(con, MODELS_DIR / "macros.sql")
    Macros("measures.sql").run(con, None)
    Sql("intermediate/int_spend_windows.sql").run(con, None)
    Sql("aggregates/agg_suppliers_by_period.sql").run(con, None)
    window = {"start": dt.date(2025, 4, 1), "end": dt.date(2026, 3, 31)}
    for category in (None, "software", "cloud"):
        for limit in (2, 50):
            stored = queries.top_suppliers(con, **window, category=category, limit=limit)
            grouped = con.execute(
                TOP_SUPPLIERS, {**window, "category": category, "limit": limit, "publisher": None}
            ).df()
            pd.testing.assert_frame_equal(stored, grouped, check_exact=True)
    everything = queries.top_suppliers(con, **window, limit=50)
    assert len(everything) == 51 and everything["suppliers_total"].iloc[0] == 64
    acme, brill, cove = everything.head(3).itertuples()
    assert (acme.supplier_name, acme.tech_spend_gbp, acme.lines, acme.boroughs) == ("ACME Ltd", 1300.0, 4, 2)
    assert (brill.supplier_id, cove.supplier_id) == ("brill", "cove")  # tied on 500: by supplier_id
    software = queries.top_suppliers(con, **window, category="software", limit=10).set_index("supplier_id")
    assert pd.isna(software.loc["dross", "share_pct"]) and software.loc["dross", "tech_spend_gbp"] == -500
    assert software.loc["acme", "share_pct"] == pytest.approx(100 * 1000 / 2000)  # dross is not in the base
    assert software.loc["acme", "boroughs"] == 2
