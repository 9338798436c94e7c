"""Script injection in a real browser: hostile link values and hostile data (supplier names, challenge titles and
statements) are shown as text; no script runs (no alert dialog), no injected image or javascript: link exists."""

from __future__ import annotations

import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from loti_demand.local_server import local_server
from tests.browser.conftest import CHROMIUM, page_urls, require, wait_for_app

XSS = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(2)</script>"
LINK = "[click me](javascript:alert(3))"


# Session-scoped: the browser tests are dealt out one by one, so a worker can come back to this file after others.
@pytest.fixture(scope="session")
def hostile_server(tmp_path_factory, hostile_warehouse: Path):
    require(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}")
    root = tmp_path_factory.mktemp("hostile_browser")
    with local_server(hostile_warehouse, log=root / "dashboard.log") as server:
        yield server.url


@pytest.fixture(scope="session")
def widget_server(tmp_path_factory):
    require(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}")
    root = tmp_path_factory.mktemp("widget_browser")
    app = "tests/fixtures/apps/url_state_app.py"
    with local_server(root / "unused.duckdb", script=app, log=root / "widgets.log") as server:
        yield server.url


def _watch_dialogs(page) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


def _assert_nothing_injected(page, dialogs: list[str]) -> None:
    page.wait_for_timeout(500)  # an onerror handler fires right after the image fails to load
    assert dialogs == [], f"a script ran: {dialogs}"
    assert page.locator('[data-testid="stMain"] img[src="x"]').count() == 0, "an injected <img> reached the DOM"
    # the one script the pages may hold is their own Copy link button's (ui.copy_link)
    assert page.locator('[data-testid="stMain"] script:not(.loti-copy-link script)').count() == 0
    assert page.locator('a[href^="javascript"]').count() == 0, "an injected javascript: link reached the DOM"


@pytest.mark.browser
def test_injected_link_values_are_shown_as_text(page, widget_server: str) -> None:
    dialogs = _watch_dialogs(page)
    query = urllib.parse.urlencode({"borough": XSS, "cat": SCRIPT, "q": LINK})
    page.goto(f"{widget_server}/?{query}")
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    page.wait_for_selector('[data-testid="stAlert"]', timeout=60_000)
    # expect() retries until the rerun that applies the link's values has drawn (a plain read can race it)
    expect(page.get_by_test_id("stAlert")).to_contain_text(XSS[:28], timeout=30_000)
    expect(page.get_by_test_id("stAlert")).to_contain_text(SCRIPT[:28], timeout=30_000)
    expect(page.get_by_test_id("stTextInput").locator("input")).to_have_value(LINK, timeout=30_000)
    _assert_nothing_injected(page, dialogs)


def _assert_shown_literally(page, file: str) -> None:
    """Wherever the page shows the hostile supplier names or challenge titles, they appear literally."""
    assert page.locator('[data-testid="stException"]').count() == 0
    text = page.get_by_test_id("stMain").inner_text()
    for value in (XSS, SCRIPT):
        if value[1:12] in text:
            assert value in text, f"{file}: {value!r} was altered on the way to the page"


# The pages whose tables the tester downloaded raw formulas from with the grid's own toolbar.
RAW_DOWNLOAD_PAGES = ["spend", "calendar", "challenges", "borough?borough=E09000007"]  # Camden: the hostile rows
# The plain run opens these four pages on the hostile data in test_tables_offer_no_raw_download_..., which also
# checks that no script runs there, and the Overview and Data and coverage pages (which show the most kinds of text:
# names in charts, captions, file paths and problems) with hostile link values too; the slow run (CI) opens every
# page with them. AppTest checks hostile link values on every page in the plain run
# (tests/test_reliability_injection.py).
HOSTILE_PLAIN = {"", "coverage"}
PER_PAGE = [
    pytest.param(file, path, id=file, marks=() if path in HOSTILE_PLAIN else pytest.mark.slow)
    for file, path in page_urls()
]


@pytest.mark.browser
@pytest.mark.parametrize(("file", "path"), PER_PAGE)
def test_every_page_shows_hostile_data_and_links_as_text(page, hostile_server: str, file: str, path: str) -> None:
    dialogs = _watch_dialogs(page)
    query = urllib.parse.urlencode({"q": XSS, "supplier": SCRIPT, "borough": LINK, "search": XSS})
    page.goto(f"{hostile_server}/{path}?{query}")
    wait_for_app(page)
    _assert_shown_literally(page, file)
    _assert_nothing_injected(page, dialogs)


@pytest.mark.browser
@pytest.mark.parametrize("path", RAW_DOWNLOAD_PAGES)
def test_tables_offer_no_raw_download_and_their_csv_has_no_formula(page, hostile_server: str, path: str) -> None:
    from tests.browser.test_browser_pages import _downloads
    from tests.test_export_safety import assert_no_formula_cells

    dialogs = _watch_dialogs(page)
    page.goto(f"{hostile_server}/{path}")
    wait_for_app(page)
    _assert_shown_literally(page, path)
    grids = page.get_by_test_id("stDataFrame")
    expect(grids.first).to_be_visible(timeout=30_000)
    for i in range(grids.count()):
        grids.nth(i).scroll_into_view_if_needed()
        grids.nth(i).hover()
        toolbar = (
            grids.nth(i)
            .locator("xpath=ancestor::*[@data-testid='stElementContainer'][1]")
            .get_by_test_id("stElementToolbar")
        )
        expect(toolbar.get_by_role("button", name="Fullscreen")).to_be_visible()  # the toolbar is there...
        labels = toolbar.get_by_role("button").evaluate_all("buttons => buttons.map(b => b.ariaLabel)")
        assert "Download as CSV" not in labels, f"table {i}: {labels}"  # ...without its raw download
    for name, content in _downloads(page).items():  # the project's own download of each table
        if name.endswith(".csv"):
            assert_no_formula_cells(content, name)
    _assert_nothing_injected(page, dialogs)
