"""Real-browser fixtures: the Streamlit server on a free port over the sample warehouse, and Debian's Chromium
driven by Playwright (`playwright install` cannot download browsers here, so executable_path is given).

Without Chromium these tests skip with a message, unless LOTI_DEMAND_REQUIRE_BROWSER=1 (set by .ci/run), which
makes a missing browser a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from loti_demand import config
from loti_demand.local_server import local_server
from loti_demand.navigation import registered_pages
from loti_demand.screenshots import CHROMIUM_ARGS
from tests.conftest import real_file

PROJECT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE_JS = PROJECT / "node_modules" / "axe-core" / "axe.min.js"


def require(condition: bool, message: str) -> None:
    if condition:
        return
    if config.get("require_browser"):
        pytest.fail(f"{message} (LOTI_DEMAND_REQUIRE_BROWSER=1 makes this a failure)")
    pytest.skip(f"{message}; install Debian's chromium to run the browser tests")


def page_urls() -> list[tuple[str, str]]:
    """(page file, URL path) for every registered page; the default page is at '/'."""
    return [(page.path, page.url_path) for page in registered_pages()]


def _serve(warehouse: Path, **env: str):
    """Run the dashboard on a free port over `warehouse` (extra LOTI_DEMAND_* settings in env); yield its URL."""
    require(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}")
    handle, log = tempfile.mkstemp(prefix="streamlit-", suffix=".log", dir=warehouse.parent)
    os.close(handle)
    with local_server(warehouse, env=env, log=Path(log)) as server:
        yield server.url


@pytest.fixture(scope="session")
def app_url(sample_warehouse: Path):
    yield from _serve(sample_warehouse)


@pytest.fixture(scope="session")
def boundaries_app_url(sample_warehouse: Path):
    """A second server whose Borough map can draw official boundaries (the real GeoJSON in the shared data)."""
    boundaries = real_file("boundaries/London_Borough_Excluding_MHW.geojson")
    yield from _serve(sample_warehouse, LOTI_DEMAND_BOUNDARIES=str(boundaries))


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, tmp_path: Path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    tab.console_messages = []  # type: ignore[attr-defined]
    tab.on("console", lambda m: tab.console_messages.append((m.type, m.text, m.location.get("url", ""))))
    yield tab
    context.close()


def wait_for_app(page, timeout: int = 60_000) -> None:
    """Wait until the app is connected and its script has finished running.

    The heading comes first: before the first run starts the script state already reads notRunning, and a check
    made while the page is still drawing sees half-styled elements (captions in Streamlit's default grey).
    """
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout)
    # ui.page_header's stylesheet (the caption contrast fix) is a markdown element whose renderer loads
    # lazily, so it can mount after the script finished; auditing before it would judge Streamlit's default
    # grey (seen on 1 in 10 loads of any page).
    page.wait_for_function(
        "() => [...document.querySelectorAll('style')].some(s => s.textContent.includes('stCaptionContainer'))",
        timeout=timeout,
    )
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)


# Console noise that is not the app's own: blocked external hosts (icon fonts), Streamlit's deep-link probes.
HARMLESS = re.compile(
    r"fonts\.gstatic|ERR_NAME_NOT_RESOLVED|_stcore/(health|host-config)|favicon|"
    r"GPU stall|WebGL|ERR_CONNECTION_REFUSED|net::ERR_"
)


def own_console_errors(page) -> list[str]:
    return [
        text for kind, text, url in page.console_messages if kind == "error" and not HARMLESS.search(text + " " + url)
    ]


def run_axe(page) -> dict:
    require(AXE_JS.exists(), f"axe-core not found at {AXE_JS}; run `npm ci`")
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
