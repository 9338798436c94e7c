"""First paint of every registered page in headless Chromium on a warm server: the time from navigation start
until the page's heading is shown, its script has finished and every chart is drawn."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from loti_demand.navigation import registered_pages
from loti_demand.screenshots import served_in_chromium

# Resolves to performance.now() (ms since navigation start) once the page is complete, else false.
PAINTED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (!document.querySelector('[data-testid="stMain"] h1')) return false;
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (!chart.querySelector('.main-svg, canvas')) return false;
  }
  return performance.now();
}"""


@dataclass
class PaintMeasure:
    title: str
    samples_ms: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)


def first_paint(warehouse: Path, loads: int = 5) -> list[PaintMeasure]:
    """Load each registered page once to warm the server, then `loads` timed times in a fresh tab."""
    results = []
    with served_in_chromium(warehouse, needed_for="--first-paint") as (browser, base_url):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        pages = registered_pages()
        for info in pages:
            _load(context, f"{base_url}/{info.url_path}")
        for info in pages:
            url = f"{base_url}/{info.url_path}"
            results.append(PaintMeasure(info.title, [_load(context, url) for _ in range(loads)]))
    return results


def _load(context, url: str) -> float:
    tab = context.new_page()
    try:
        tab.goto(url)
        return float(tab.wait_for_function(PAINTED, polling="raf", timeout=120_000).json_value())
    finally:
        tab.close()
