"""Take a screenshot of every registered dashboard page in headless Chromium, for docs/dashboard.md and for reviewing
changes: `python -m loti_demand screenshots --out docs/screenshots`.

Each page is captured once it has finished drawing (script done, charts drawn), 1280 pixels wide and at most
MAX_HEIGHT tall, as a JPEG of quality 80 (a long page as PNG would be megabytes)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from loti_demand.exceptions import LotiDemandError
from loti_demand.local_server import local_server
from loti_demand.navigation import registered_pages

if TYPE_CHECKING:
    from playwright.sync_api import Browser

MAX_HEIGHT = 1800
# Done: connected, the title drawn, the page's stylesheet mounted, the script finished, and every chart has marks.
READY = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.dataset.testConnectionState !== 'CONNECTED') return false;
  if (app.dataset.testScriptState !== 'notRunning') return false;
  if (!document.querySelector('[data-testid="stMain"] h1')) return false;
  if (![...document.querySelectorAll('style')].some(s => s.textContent.includes('stCaptionContainer'))) return false;
  return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(
    c => c.querySelector('g.trace, g.heatmaplayer image, .choroplethlayer path, canvas'));
}"""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def served_in_chromium(warehouse: Path, *, needed_for: str) -> Iterator[tuple[Browser, str]]:
    """Serve the dashboard on `warehouse` on a free local port and launch headless Chromium: (browser, base URL)."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        raise LotiDemandError(f"{needed_for} needs Chromium: install Debian's `chromium` package")
    from playwright.sync_api import sync_playwright

    with local_server(warehouse) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser, server.url
        finally:
            browser.close()


def take_screenshots(
    warehouse: Path, out: Path, *, echo: Callable[[str], None] = print, width: int = 1280
) -> list[Path]:
    """Serve the dashboard on `warehouse` and save one JPEG per registered page into `out`."""
    if not Path(warehouse).exists():
        raise LotiDemandError(f"{warehouse}: no warehouse; build one first")
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with served_in_chromium(warehouse, needed_for="Taking screenshots") as (browser, base_url):
        page = browser.new_page(viewport={"width": width, "height": 1000})
        for info in registered_pages():
            page.goto(f"{base_url}/{info.url_path}")
            page.wait_for_selector('[data-testid="stMain"] h1', timeout=90_000)
            page.wait_for_function(READY, timeout=90_000)
            # Streamlit scrolls inside its main area, so a full-page shot is one screen: grow the window to
            # the content (up to MAX_HEIGHT) instead, then let plotly re-layout and the map's tiles settle.
            content = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
            page.set_viewport_size({"width": width, "height": max(1000, min(int(content), MAX_HEIGHT))})
            page.wait_for_timeout(1500)
            page.wait_for_function(READY, timeout=90_000)
            target = out / f"{Path(info.path).stem}.jpg"
            page.screenshot(path=str(target), type="jpeg", quality=80)
            page.set_viewport_size({"width": width, "height": 1000})
            echo(f"  {info.title}: {target}")
            saved.append(target)
    return saved
