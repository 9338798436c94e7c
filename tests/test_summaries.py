"""Sentences beside charts and totals, and the charts, stay true at the edges (one item, none, many, no data)."""

from __future__ import annotations

import pandas as pd
import pytest

from loti_demand.presentation import charts, coverage_sentences, sentences


def _sme(count, saying, value, value_saying, suitable):
    share = 100 * suitable / value_saying if value_saying else None
    return pd.Series(
        {
            "pipeline_count": count,
            "notices_saying": saying,
            "pipeline_value_gbp": value,
            "value_saying_gbp": value_saying,
            "sme_suitable_value_gbp": suitable,
            "sme_share_pct": share,
        }
    )


def test_sme_sentence() -> None:
    assert sentences.sme_sentence(_sme(0, 0, 0, 0, 0), "next 18 months").startswith("There are no notices")
    assert sentences.sme_sentence(_sme(3, 0, 9e6, 0, 0), "next 18 months").startswith(
        "None of the 3 notices (£9.0m) in the London tech pipeline"
    )
    one = sentences.sme_sentence(_sme(1, 1, 537_000, 537_000, 0), "next 18 months")
    assert "Of the 1 notice (£537k) in" in one and "1 says whether" in one and "0.0% (£0 of £537k)" in one
    assert "do not say" not in one
    mixed = sentences.sme_sentence(_sme(5, 2, 10e6, 4e6, 1e6), "next 12 months")
    assert "25.0% (£1.0m of £4.0m)" in mixed and "The other 3 notices (£6.0m) do not say." in mixed


def test_london_demand_sentence_names_every_kind_of_buyer_with_items() -> None:
    london = pd.DataFrame(
        {
            "buyers": ["borough", "body", "other"],
            "pipeline_count": [56, 3, 0],
            "pipeline_value_gbp": [206e6, 13.1e6, 0.0],
        }
    )
    assert coverage_sentences.london_demand_sentence(
        london, "pipeline_count", "pipeline_value_gbp", "notices", "are due"
    ) == (
        "59 London notices (£219.1m) are due in this period: 56 by boroughs (on the map) and 3 by London-wide bodies "
        "(listed below)."
    )
    other = london.assign(pipeline_count=[0, 1, 2], pipeline_value_gbp=[0.0, 1e6, 5e5])
    assert coverage_sentences.london_demand_sentence(
        other, "pipeline_count", "pipeline_value_gbp", "notices", "are due"
    ) == (
        "3 London notices (£1.5m) are due in this period: 0 by boroughs (on the map), 1 by London-wide bodies (listed "
        "below) and 2 by other London buyers such as NHS trusts (on neither)."
    )
    none = london.assign(pipeline_count=0, pipeline_value_gbp=0.0)
    assert coverage_sentences.london_demand_sentence(
        none, "pipeline_count", "pipeline_value_gbp", "notices", "are due"
    ) == ("0 London notices (£0) are due in this period.")


def test_map_summary() -> None:
    df = pd.DataFrame({"borough_name": ["A", "B", "C"], "tech_spend_gbp": [5e6, None, 1e6]})
    assert sentences.map_summary(df, "tech_spend_gbp") == (
        "Tech spend (£): highest in A (£5.0m), lowest in C (£1.0m); 1 other borough has no data."
    )
    only = df.assign(tech_spend_gbp=[5e6, None, None])
    assert sentences.map_summary(only, "tech_spend_gbp") == (
        "Tech spend (£): only A has data (£5.0m); 2 other boroughs have no data."
    )
    assert sentences.map_summary(df.assign(tech_spend_gbp=None), "tech_spend_gbp").startswith("No borough has data")


def test_trend_summary() -> None:
    df = pd.DataFrame({"period_start": pd.to_datetime(["2025-04-01", "2025-07-01"]), "tech_spend_gbp": [2e6, 3e6]})
    assert sentences.trend_summary(df, grain="quarter") == (
        "£5.0m over 2 quarters; highest in the quarter starting July 2025 (£3.0m), lowest in the quarter "
        "starting April 2025 (£2.0m)."
    )
    assert sentences.trend_summary(df.head(1)) == "£2.0m in April 2025."


def test_coverage_and_per_resident_sentences() -> None:
    none = pd.Series({"spend_files": 0, "months_covered": 0})
    assert "missing, not zero" in coverage_sentences.coverage_summary(none, "Camden")
    unread = pd.Series({"spend_files": 2, "months_covered": 0, "lines_quarantined": 40})
    assert coverage_sentences.coverage_summary(unread, "Camden") == (
        "2 spend files have been read for Camden, but none of their lines could be loaded (40 set aside)."
    )
    row = pd.Series(
        {
            "tech_spend_per_resident_gbp": 60.0,
            "london_median_per_resident_gbp": 50.0,
            "population": 200_000,
            "population_year": 2020,
        }
    )
    assert sentences.per_resident_comparison(row) == (
        "£60.00 of tech spend per resident, 20% above the London median of £50.00 (population 200,000, ONS "
        "mid-2020 estimate)."
    )
    missing = row.copy()
    missing["tech_spend_per_resident_gbp"] = None
    assert sentences.per_resident_comparison(missing).startswith("No per-resident figure")


@pytest.mark.parametrize("categories", range(1, 13))
def test_a_spend_trend_gives_each_series_its_own_colour_and_folds_only_two_or_more(categories: int) -> None:
    """However many categories a borough or supplier was paid in: no error, no colour twice, every pound drawn."""
    months = pd.date_range("2025-01-01", periods=3, freq="MS")
    rows = pd.DataFrame(
        [(m, f"Category {c:02d}", 100.0 * (categories - c) + 1) for m in months for c in range(categories)],
        columns=["period_start", "tech_category_label", "tech_spend_gbp"],
    )
    figure = charts.spend_trend_figure(rows, title="Tech spend by category")
    names = [trace.name for trace in figure.data]
    colours = [trace.line.color for trace in figure.data]
    assert len(set(colours)) == len(colours), colours
    assert sum(sum(trace.y) for trace in figure.data) == pytest.approx(rows["tech_spend_gbp"].sum())
    if categories <= len(charts.AREA_COLOURS) + 1:
        assert names == [f"Category {c:02d}" for c in range(categories)], "every category by name, largest first"
    else:
        assert names[-1] == "Other categories" and len(names) == len(charts.AREA_COLOURS) + 1


def test_real_data_sentences_count_and_round_as_people_read_them() -> None:
    """Found by a review on real councils' files: '£1,000k', 'rest on 1 spend files', 'by 0 boroughs and 1
    London-wide body', '3 London-wide bodies (16 London-wide bodies)', and a fall of £2,687 named before one of
    £68,551 when both were down 100%."""
    from loti_demand.metrics.measures import format_gbp

    assert [format_gbp(v) for v in (999_668.68, 999_499.0, 999_960_000.0, 12_345.0)] == [
        "£1.0m",
        "£999k",
        "£1.00bn",
        "£12k",
    ]
    one = pd.Series(
        {
            "spend_files": 1,
            "months_covered": 1,
            "first_month": "2025-02-01",
            "last_month": "2025-02-01",
            "lines": 1,
            "lines_duplicate": 0,
            "lines_quarantined": 1,
            "latest_file": "spend/tfl/feb.csv",
        }
    )
    assert coverage_sentences.coverage_summary(one, "TfL").startswith(
        "The spend figures for TfL rest on 1 spend file covering 1 month (February 2025 to February 2025): 1 payment "
        "line loaded, 0 duplicate lines skipped and 1 line set aside"
    )
    buyers = pd.DataFrame({"is_london_wide": [True], "tech_spend_gbp": [100.0], "area_name": ["GLA"]})
    assert sentences.supplier_buyers_sentence(buyers, "year").startswith(
        "Paid £100 for technology by 1 London-wide body"
    )
    bodies = {f"B{i}": f"Body {i}" for i in range(16)}
    said = coverage_sentences.bodies_sentence(3, 3_100_000, bodies)
    assert said.startswith("Tech spend includes £3.1m paid by 3 London-wide bodies, which") and "16" not in said
    two = {"GLA": "Greater London Authority", "TFL": "Transport for London"}  # chosen; one of them has data
    said = coverage_sentences.bodies_sentence(1, 100_000, two, alone=True)
    assert said == (
        "All of this tech spend was paid by 1 London-wide body, which is never counted in a borough's or a "
        "per-resident figure."
    )
    assert "(Greater London Authority and Transport for London)" in coverage_sentences.bodies_sentence(2, 1, two)
    growth = pd.DataFrame(
        {
            "tech_category_label": ["Cyber security", "Cloud and hosting"],
            "spend_before_gbp": [2_687.0, 68_551.0],
            "spend_latest_gbp": [0.0, 0.0],
        }
    )
    assert sentences.growth_summary(growth, "spend").endswith(
        "Falling most: Cloud and hosting, down 100% (£69k to £0)."
    )


def test_a_spend_trend_of_one_month_is_drawn_and_each_month_is_labelled_once() -> None:
    """Found by a review on real files, where many publishers have a single month in a window: a stacked area of
    one point drew nothing, and the axis labelled one month twice."""
    one = pd.DataFrame(
        {"period_start": [pd.Timestamp("2025-02-01")] * 2, "tech_category_label": ["A", "B"], "tech_spend_gbp": [5, 7]}
    )
    figure = charts.spend_trend_figure(one, title="One month")
    assert all("markers" in trace.mode for trace in figure.data)
    assert figure.layout.xaxis.dtick == "M1"
    many = pd.DataFrame(
        {"period_start": pd.date_range("2023-04-01", periods=36, freq="MS"), "tech_category_label": "A"}
    ).assign(tech_spend_gbp=1.0)
    figure = charts.spend_trend_figure(many, title="Three years")
    assert all(trace.mode == "lines" for trace in figure.data) and figure.layout.xaxis.dtick == "M3"


def test_a_fall_from_nothing_into_credit_is_named_without_dividing_by_zero() -> None:
    """A year of credit notes alone (negative spend) after a year of none falls from £0: the steepest fall."""
    growth = pd.DataFrame(
        {
            "tech_category_label": ["Devices", "Software"],
            "spend_before_gbp": [0.0, 5_000.0],
            "spend_latest_gbp": [-300.0, 1_000.0],
        }
    )
    assert "Falling most: Devices" in sentences.growth_summary(growth, "spend")


def test_money_axes_say_millions_and_billions_as_the_text_does() -> None:
    """Plotly's short form wrote "£1M" beside text saying "£1.0m", and "£1.2G" for £1.2bn; the axes now use the
    pages' own form, in one unit per axis (not "£5,000" beside "£10k"), at round steps that form does not round (no
    £1.25m written "£1.2m"), and whole pounds (no axis of "£0" ticks under £1)."""
    trend = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-02-01"]),
            "tech_category_label": ["A", "B", "A"],
            "tech_spend_gbp": [900_000.0, 1_300_000.0, -50_000.0],
        }
    )
    axis = charts.spend_trend_figure(trend, title="t").layout.yaxis
    assert list(axis.ticktext) == ["£0", "£0.5m", "£1.0m", "£1.5m", "£2.0m"]  # the stack's top is £2.2m
    assert list(axis.tickvals) == [0, 500_000, 1_000_000, 1_500_000, 2_000_000]
    assert axis.fixedrange  # its ticks are written out: a zoom would leave it with none
    # the areas stack in trace order: a payment, then a credit drawn over it, span £0.5m to £10m, not down to -£9.5m
    credit = trend.assign(tech_spend_gbp=[-9_500_000.0, 10_000_000.0, 0.0])
    axis = charts.spend_trend_figure(credit, title="t").layout.yaxis
    assert list(axis.ticktext) == ["£0", "£2.0m", "£4.0m", "£6.0m", "£8.0m", "£10.0m"]
    cats = pd.DataFrame({"tech_category_label": ["A", "B"], "tech_spend_gbp": [1_234_000_000.0, -20_000_000.0]})
    assert list(charts.category_bar_figure(cats).layout.xaxis.ticktext) == ["£0", "£0.50bn", "£1.00bn"]
    for value, ticks in ((0.5, None), (12_000.0, ["£0", "£5k", "£10k"]), (4_500.0, ["£0", "£1,000", "£2,000"])):
        month = pd.DataFrame({"period_start": [pd.Timestamp("2025-01-01")], "tech_spend_gbp": [value]})
        drawn = charts.monthly_bar_figure(month, title="t").layout.yaxis.ticktext
        assert (list(drawn[:3]) if drawn else None) == ticks, (value, drawn)
    for value in (1_000.0, 123_456.0, 3_300_000.0, 2_750_000_000.0):
        month = pd.DataFrame({"period_start": [pd.Timestamp("2025-01-01")], "tech_spend_gbp": [value]})
        ticks = charts.monthly_bar_figure(month, title="t").layout.yaxis.ticktext
        assert len(ticks) == len(set(ticks)) >= 3, (value, ticks)


def test_more_suppliers_says_how_to_see_them_truly() -> None:
    assert sentences.more_suppliers_sentence(10, 61, 50) == (
        "More: 51 smaller suppliers are not shown. Raise 'Suppliers to show' (up to 50) to see more, "
        "or download all 61 suppliers below."
    )
    # at the most the table shows, raising it cannot show more: only the download can
    assert sentences.more_suppliers_sentence(50, 61, 50) == (
        "More: 11 smaller suppliers are not shown. Download all 61 suppliers below."
    )
    assert sentences.more_suppliers_sentence(10, 11) == (
        "More: 1 smaller supplier is not shown. Download all 11 suppliers below."
    )
