"""Time every registered page in Streamlit's AppTest on the benchmark warehouse. The package's one module besides
ui that imports Streamlit: it drives the app as the tests do, and renders nothing itself."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from loti_demand.bench.measure import time_calls


@dataclass
class PageMeasure:
    title: str
    first_ms: float  # first run in the process: cold query cache
    rerun_ms: list[float]
    exception: str | None = None


def time_pages(warehouse: Path, repeat: int) -> list[PageMeasure]:
    """Run every registered page in AppTest on the warehouse: the first run, then `repeat` timed reruns."""
    from streamlit.testing.v1 import AppTest

    from loti_demand.config import PROJECT_DIR
    from loti_demand.navigation import registered_pages

    previous = os.environ.get("LOTI_DEMAND_WAREHOUSE")
    os.environ["LOTI_DEMAND_WAREHOUSE"] = str(Path(warehouse).resolve())
    try:
        app = AppTest.from_file(str(PROJECT_DIR / "dashboard.py"), default_timeout=300)
        results = []
        for number, page in enumerate(registered_pages()):
            started = time.perf_counter()
            app.run() if number == 0 else app.switch_page(page.path).run()
            first = (time.perf_counter() - started) * 1000
            reruns = time_calls(app.run, repeat, warm_up=0)
            failure = str(app.exception[0].value) if app.exception else None
            results.append(PageMeasure(page.title, first, reruns, failure))
        return results
    finally:
        if previous is None:
            os.environ.pop("LOTI_DEMAND_WAREHOUSE", None)
        else:
            os.environ["LOTI_DEMAND_WAREHOUSE"] = previous
