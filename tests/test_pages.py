"""AppTest smoke test over every registered page, on the sample warehouse."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from loti_demand.navigation import registered_pages, unknown_path

REGISTERED = [page.path for page in registered_pages()]


def test_pages_are_registered() -> None:
    assert REGISTERED[0] == "pages/overview.py"
    assert registered_pages()[0].url_path == ""


URL_PATHS = [page.url_path for page in registered_pages()]


@pytest.mark.parametrize(
    ("url", "base", "unknown"),
    [
        (None, "", None),  # no browser (AppTest, bare mode): run the page asked for
        ("http://127.0.0.1:8501", "", None),
        ("http://127.0.0.1:8501/", "", None),
        ("http://127.0.0.1:8501/map", "", None),
        ("https://demand.example.org/loti/map/", "loti", None),
        ("https://demand.example.org/loti", "/loti/", None),
        ("http://127.0.0.1:8501/reports", "", "reports"),
        ("http://127.0.0.1:8501/Map", "", "Map"),  # paths are case-sensitive, as Streamlit matches them
        ("https://demand.example.org/loti/reports", "loti", "reports"),
        ("http://127.0.0.1:8501/caf%C3%A9%20%3Cb%3E", "", "café <b>"),
        ("http://127.0.0.1:8501/map/extra", "", "map/extra"),
    ],
)
def test_an_unknown_page_path_is_recognised(url, base: str, unknown) -> None:
    assert unknown_path(url, base, URL_PATHS) == unknown


@pytest.mark.parametrize("page", REGISTERED)
def test_page_renders_without_exception(app: AppTest, page: str) -> None:
    app.run()
    if page != REGISTERED[0]:
        app.switch_page(page).run()
    assert not app.exception, app.exception
    assert app.title, "every page has a title"
    assert any("synthetic sample data" in i.value for i in app.info), "the sample-data banner shows"
    assert any("Data as of" in c.value for c in app.caption), "every page states the data-as-of date"
    # a missing value is a blank cell, as in the table's CSV, not the grid's default "None"
    assert [(t.proto.HasField("placeholder"), t.proto.placeholder) for t in app.dataframe] == [(True, "")] * len(
        app.dataframe
    )


def test_overview_shows_non_zero_figures_for_all_three_sources(app: AppTest) -> None:
    app.run()
    values = {m.label: m.value for m in app.metric}
    assert values["Tech spend, last 12 months"].startswith("£")
    assert values["Tech spend, last 12 months"] != "£0"
    assert values["Pipeline value, next 18 months"] not in ("£0", "–")
    assert int(values["Open challenges"]) > 0
    chart = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert chart["data"][0]["type"] == "bar" and len(chart["data"][0]["y"]) >= 10


def test_overview_table_matches_its_download(app: AppTest, monkeypatch, downloads: dict) -> None:
    import io

    import pandas as pd

    app.run()
    shown = app.dataframe[0].value
    downloaded = pd.read_csv(
        io.BytesIO(downloads["tech_spend_by_category_2025-04_to_2026-03_as_of_2026-03-31.csv"]), encoding="utf-8-sig"
    )
    assert list(downloaded.columns) == ["Tech category", "Tech spend (£)", "Payment lines"]
    assert downloaded["Tech category"].tolist() == shown["tech_category_label"].tolist()
    assert [round(float(v), 2) for v in downloaded["Tech spend (£)"]] == [
        round(float(v), 2) for v in shown["tech_spend_gbp"]
    ]


@pytest.mark.parametrize("page", ["pages/borough.py", "pages/supplier.py", "pages/challenges.py", "pages/calendar.py"])
def test_pages_showing_notices_explain_the_words_of_procurement(app: AppTest, page: str) -> None:
    """The supplier's review: 'Procurement ID (OCDS)', 'UK1 pipeline notice' and CPV were not explained on the
    pages that show them (only Data and coverage said what CPV and ProClass are)."""
    app.run()
    app.switch_page(page).run()
    assert not app.exception
    (words,) = [e for e in app.expander if e.label == "Words used on this page"]
    text = " ".join(m.value for m in words.markdown)
    assert "Open Contracting Data Standard" in text and "UK1 is a pipeline notice" in text
