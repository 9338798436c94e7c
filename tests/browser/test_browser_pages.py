"""Every registered page in headless Chromium: renders, draws its charts, has no console errors of its own and
passes axe-core with no serious or critical violations (checked on the shared load of test_browser_settled.py);
every CSV download starts with the rows its button promises; each page's main table downloads exactly what the
library gives for the same view, and the Exports page's summary equals `python -m loti_demand export summary` for
the same parameters."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import subprocess
import sys
import urllib.parse

import pandas as pd
import pytest
from playwright.sync_api import expect

from loti_demand import periods, queries
from loti_demand.export import to_csv_bytes
from loti_demand.presentation import coverage_sentences
from tests.browser.conftest import PROJECT, own_console_errors, page_urls, run_axe, wait_for_app

PAGES = page_urls()
SUPPLIER = "thamesgate it services"  # paid by boroughs and London-wide bodies in the sample


def check_renders_and_is_accessible(page, file: str, path: str, record_property) -> None:
    """On the settled page (test_browser_settled.py loads it once for several checks): no exception, the sample
    data notice, every chart drawn, and axe-core finds no serious or critical violation."""
    assert page.locator('[data-testid="stException"]').count() == 0, "the page raised an exception"
    assert "synthetic sample data" in page.get_by_test_id("stMain").inner_text()
    charts = page.get_by_test_id("stPlotlyChart")
    if path not in ("challenges", "collaboration", "exports"):  # every other page has at least one chart
        expect(charts.first).to_be_visible(timeout=30_000)
    count = -1
    while count != charts.count():  # let the main area finish mounting
        count = charts.count()
        page.wait_for_timeout(500)
    for i in range(count):  # each chart draws marks (bars, lines, tiles, polygons), not only axes and a legend
        expect(
            charts.nth(i).locator("g.trace, g.heatmaplayer image, .choroplethlayer path, canvas").first
        ).to_be_attached(timeout=30_000)
    assert own_console_errors(page) == []
    result = run_axe(page)
    # printed per page in the terminal summary (tests/conftest.py), also when every test passes
    record_property(
        "axe",
        json.dumps(
            {
                "page": file,
                "passes": len(result["passes"]),
                "violations": [
                    {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])} for v in result["violations"]
                ],
            }
        ),
    )
    serious = [
        (v["id"], [n["html"][:120] for n in v["nodes"]])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{file}: serious or critical accessibility violations {serious}"


CALENDAR_COLUMNS = [
    "incumbent_suppliers",
    "current_contract_end",
    "value_gbp",
    "expected_date",
    "is_due_now",
    "area_name",
    "title",
    "notice_url",
    "tech_category_label",
    "confidence",
    "value_band_label",
    "date_basis",
    "new_contract_end",
    "incumbent_match",
    "notice_type",
    "sme_suitability",
    "buyer_name",
    "ocid",
]


def _main_tables(con) -> dict[str, tuple[str, str, bytes]]:
    """Per page: (link to a pinned view, the main table's file name, the CSV the library gives for that view),
    worked out here from the query functions and the one CSV writer, as the CLI would."""

    def run(name: str, **params):
        return queries.QUERIES[name].function(con, **params)

    as_of = pd.Timestamp(queries.build_info(con).iloc[0]["data_as_of"]).date()
    dates = queries.data_dates(con).iloc[0]
    spend = {p.key: p for p in periods.spend_periods(dates["first_spend_month"], dates["last_spend_month"], as_of)}
    fy = spend["fy2024"]
    camden = dict(zip(run("borough_list")["borough_name"], run("borough_list")["borough_code"], strict=True))["Camden"]
    ahead, back = periods.months_from(as_of, 18), periods.months_back(as_of, 12)
    measure = "tech_spend_per_resident_gbp"
    collaboration = run(
        "collaboration_groups", date_from=ahead[0], date_to=ahead[1], window_months=6, categories=(), area=""
    )
    coverage = run("coverage_by_borough", date_from=back[0], date_to=back[1], as_of=as_of)
    # each file's name: its table, the filters chosen, its months and the data-as-of date
    dated = f"as_of_{as_of:%Y-%m-%d}"
    year, forward, last12 = (f"{a:%Y-%m}_to_{b:%Y-%m}_{dated}" for a, b in ((fy.start, fy.end), ahead, back))
    return {
        "": (
            "",
            f"tech_spend_by_category_{last12}.csv",
            to_csv_bytes(
                run("tech_spend_by_category", as_of=as_of), columns=["tech_category_label", "tech_spend_gbp", "lines"]
            ),
        ),
        "map": (
            f"?measure={measure}&period=fy2024",
            f"borough_map_{measure}_{year}.csv",
            to_csv_bytes(
                run("borough_measures", start=fy.start, end=fy.end, category=None),
                columns=["borough_name", measure, "population", coverage_sentences.MAP_COVERAGE[measure]],
            ),
        ),
        "spend": (
            "?period=fy2024&category=software",
            f"top_10_suppliers_software_{year}.csv",
            to_csv_bytes(
                run("top_suppliers", start=fy.start, end=fy.end, boroughs=(), category="software", limit=10).head(10),
                columns=["rank", "supplier_name", "tech_spend_gbp", "share_pct", "lines", "boroughs", "bodies"],
            ),
        ),
        "borough": (
            f"?borough={camden}&period=fy2024",
            f"{camden}_tech_spend_by_category_{year}.csv",
            to_csv_bytes(
                run("category_spend", start=fy.start, end=fy.end, boroughs=(camden,)),
                columns=["tech_category_label", "tech_spend_gbp", "lines"],
            ),
        ),
        "supplier": (
            f"?supplier={urllib.parse.quote(SUPPLIER)}&period=fy2024",
            f"supplier_payments_by_buyer_{SUPPLIER.replace(' ', '-')}_{year}.csv",
            to_csv_bytes(
                run("supplier_spend_by_buyer", supplier=SUPPLIER, start=fy.start, end=fy.end),
                columns=["area_name", "tech_spend_gbp", "lines", "months_paid"],
            ),
        ),
        "calendar": (
            "",
            f"demand_calendar_{forward}.csv",
            to_csv_bytes(
                run(
                    "demand_calendar",
                    date_from=ahead[0],
                    date_to=ahead[1],
                    categories=(),
                    areas=(),
                    value_bands=(),
                    sme="any",
                    confidence="any",
                ),
                columns=CALENDAR_COLUMNS,
            ),
        ),
        "collaboration": (
            "",
            f"collaboration_candidates_within-6-months_{forward}.csv",
            to_csv_bytes(
                collaboration,
                columns=[
                    "group_id",
                    "tech_category_label",
                    "group_start",
                    "group_end",
                    "borough_count",
                    "items",
                    "group_value_gbp",
                    "group_boroughs",
                ],
            ),
        ),
        "challenges": (
            "",
            f"challenges_{dated}.csv",
            to_csv_bytes(
                run(
                    "challenges_list",
                    q="",
                    borough=None,
                    theme=None,
                    tech_category=None,
                    status=None,
                    closing_within_days=None,
                    today=as_of,
                ),
                columns=[
                    "challenge_id",
                    "title",
                    "borough_names",
                    "theme",
                    "tech_category_label",
                    "status",
                    "opens_on",
                    "closes_on",
                    "budget_gbp",
                    "led_to_procurement",
                    "url",
                ],
            ),
        ),
        "coverage": (
            "",
            f"coverage_by_borough_{last12}.csv",
            to_csv_bytes(coverage, columns=[c for c in coverage.columns if c != "borough_code"]),
        ),
    }


def _downloads(page) -> dict[str, bytes]:
    """Click every download button on the page; {file name: content}. Each must start and hold a CSV (or notes)
    with the number of rows its button promises."""
    files = {}
    buttons = page.get_by_test_id("stDownloadButton")
    # the main area can still be mounting when the script state first reads notRunning: wait until the number of
    # buttons holds for four checks half a second apart (one check was once too few for a busy machine's Spend page)
    expect(buttons.first).to_be_visible(timeout=30_000)
    counts: list[int] = []
    while len(counts) < 4 or len(set(counts[-4:])) > 1:
        page.wait_for_timeout(500)
        counts.append(buttons.count())
    # Each button is held as the element itself, its label read before its click: a locator such as nth(i) is
    # looked up afresh at every use, and a busy machine can redraw the page between the click and the reading.
    for handle in buttons.element_handles():
        button = handle.query_selector("button")
        promised = re.search(r"\(([\d,]+) rows?\)", button.inner_text())
        with page.expect_download() as download:
            button.click()
        name, content = download.value.suggested_filename, download.value.path().read_bytes()
        assert name.endswith((".csv", ".notes.md", ".atom", ".ics")), name  # a CSV or its notes; a feed, a calendar
        if promised:
            rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
            assert len(rows) - 1 == int(promised.group(1).replace(",", "")), f"{name}: not the rows promised"
        files[name] = content
    return files


TABLE_PAGES = [(f, p) for f, p in PAGES if p != "exports"]  # the Exports page is compared with the CLI below
# The plain run downloads from the pages of most tables and buttons; the slow run (CI) from every page. Every page's
# main table is checked against the library by its AppTest tests in the plain run.
DOWNLOADS_PLAIN = {"spend", "borough", "calendar"}


@pytest.mark.browser
@pytest.mark.parametrize(
    ("file", "path"),
    [pytest.param(f, p, id=f, marks=() if p in DOWNLOADS_PLAIN else pytest.mark.slow) for f, p in TABLE_PAGES],
)
def test_every_download_starts_and_the_main_table_matches_the_library(
    page, app_url: str, sample_con, file: str, path: str
) -> None:
    tables = _main_tables(sample_con)
    assert set(tables) == {p for _, p in TABLE_PAGES}, "every registered page needs its main table here"
    link, name, expected = tables[path]
    page.goto(f"{app_url}/{path}{link}")
    wait_for_app(page)
    files = _downloads(page)
    assert name in files, f"{file}: no download named {name} (got {sorted(files)})"
    assert files[name] == expected, f"{file}: {name} differs from what the queries give for the same view"


@pytest.mark.browser
def test_exports_download_equals_the_cli_export(page, app_url: str, sample_warehouse, tmp_path) -> None:
    page.goto(f"{app_url}/exports?area=london&period=financial_year&from=2024-04&to=2025-03")
    wait_for_app(page)
    command = page.get_by_test_id("stCode").inner_text().strip()  # the page's own "same file from the CLI" line
    # the dashboard reads a warehouse other than the default: the command names it, so it exports the same one
    assert command.startswith(
        f"python -m loti_demand export summary --warehouse {sample_warehouse} --by category,financial_year "
        "--from 2024-04 --to 2025-03 --out "
    ), command
    stem = shlex.split(command)[-1].removesuffix(".csv")
    files = _downloads(page)
    args = [*shlex.split(command)[3:-1], str(tmp_path / "cli.csv")]  # the command as the page gives it
    subprocess.run([sys.executable, "-m", "loti_demand", *args], check=True, capture_output=True, cwd=PROJECT)
    assert files[f"{stem}.csv"] == (tmp_path / "cli.csv").read_bytes()
    assert files[f"{stem}.notes.md"] == (tmp_path / "cli.notes.md").read_bytes()
