"""A table longer than ui.LAZY_ROWS is served to the browser in pages as the user scrolls: in Chromium it must
still draw, say how many rows it holds, scroll to its last row and download every row (in the slow run)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from loti_demand import periods, queries, ui
from loti_demand.export import to_csv_bytes
from loti_demand.sample.scale import ScaleParams, generate_scaled
from loti_demand.warehouse.build import build
from loti_demand.warehouse.db import connect
from tests.browser.conftest import _serve, own_console_errors, wait_for_app
from tests.browser.test_browser_pages import CALENDAR_COLUMNS, _downloads


@pytest.fixture(scope="module")
def long_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated notices enough for a Demand calendar of thousands of rows (the sample has a few hundred)."""
    folder = tmp_path_factory.mktemp("long")
    data = generate_scaled(folder / "data", ScaleParams(lines=2_000, releases=20_000, months=12))
    warehouse = folder / "warehouse.duckdb"
    build(data.folder, warehouse)
    return warehouse


@pytest.fixture(scope="module")
def long_app_url(long_warehouse: Path):
    yield from _serve(long_warehouse)


@pytest.mark.slow  # its warehouse of 20,000 generated notices takes a minute to build
@pytest.mark.browser
def test_a_long_calendar_draws_scrolls_and_downloads_every_row(page, long_app_url: str, long_warehouse: Path) -> None:
    con = connect(long_warehouse, read_only=True)
    try:
        date_from, date_to = periods.months_from(queries.as_of(con), 18)
        items = queries.demand_calendar(con, date_from=date_from, date_to=date_to)
    finally:
        con.close()
    assert len(items) > ui.LAZY_ROWS, "the generated calendar must be long enough to load lazily"
    page.goto(f"{long_app_url}/calendar")
    wait_for_app(page)
    table = page.get_by_test_id("stDataFrame").first
    grid = table.locator('[role="grid"]')  # the grid's accessible table, which screen readers read
    expect(grid).to_have_attribute("aria-rowcount", str(len(items) + 1))  # the header row and every item
    table.locator(".dvn-scroller").evaluate("scroller => { scroller.scrollTop = scroller.scrollHeight; }")
    last = grid.locator(f'[aria-rowindex="{len(items) + 1}"]')  # fetched from the server as it comes into view
    expect(last).to_contain_text(items["area_name"].iloc[-1], timeout=30_000)
    expect(last).to_contain_text(items["title"].iloc[-1])
    files = _downloads(page)
    (name,) = [n for n in files if n.startswith("demand_calendar_")]
    assert files[name] == to_csv_bytes(items, columns=CALENDAR_COLUMNS)
    assert own_console_errors(page) == []
