"""Reporting periods worked out from the data, and the supplier measures (market share, HHI, top-3 share):
the Python reference definitions in metrics.py and the bulk SQL the pages run must agree."""

from __future__ import annotations

import datetime as dt

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


def test_forward_and_current_periods_start_at_the_as_of_date() -> None:
    ahead = periods.forward_periods(dt.date(2026, 3, 31))
    assert [p.key for p in ahead] == ["next18", "next12", "next24"]
    assert (ahead[0].start, ahead[0].end) == (dt.date(2026, 3, 31), dt.date(2027, 9, 30))
    assert periods.current_period(dt.date(2026, 3, 31))[0].label == "As they stand on 31 March 2026"
    assert periods.spend_periods(None, None, None) == [] and periods.forward_periods(None) == []


@pytest.mark.parametrize(("amounts", "hhi", "top3"), [
    ([100], 10_000, 100),
    ([50, 50], 5_000, 100),
    ([25, 25, 25, 25], 2_500, 75),
    ([60, 20, 10, 5, 5], 3600 + 400 + 100 + 25 + 25, 90),
    ([80, 20, -30], 6800, 100),  # a supplier with net credit notes has no share
    ([], None, None),
])
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
        "group by all", {"s": start, "e": end}).df()
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
