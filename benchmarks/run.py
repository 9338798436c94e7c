"""The benchmark: write N payment lines and OCDS releases with the sample generator at scale
(loti_demand/sample/scale/), build the warehouse in a child process, and report build time, ingest lines/s,
warehouse size, peak RSS, the p50/p95 of every registered query with the floor under its answer, the headline
questions over payment lines answered by pandas and SQLite, AppTest reruns of every page and, optionally, first
paint in Chromium.

Modules: measure (timings), raw (pandas/SQLite loaders), equivalents (the headline questions, answered in
pandas_answers and sqlite_answers), apptest and browser (pages), report (figures and verdicts); ingest (one large
CSV) and load (the load test) stand alone.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.report import Results, print_report
from loti_demand.sample.scale import ScaleParams, generate_scaled
from loti_demand.sample.scale.text import MONTHS


@dataclass(frozen=True)
class BenchOptions:
    lines: int = 10_000_000
    releases: int = 100_000
    work_dir: Path = Path("data/bench")
    repeat: int = 20
    months: int = MONTHS
    seed: int = 42
    pandas: bool = True
    sqlite: bool = True
    first_paint: bool = False
    page_reruns: int = 5
    paint_loads: int = 5

    @property
    def params(self) -> ScaleParams:
        return ScaleParams(self.lines, self.releases, self.seed, self.months)

    @property
    def stem(self) -> str:
        extra = (f"-{self.months}m" if self.months != MONTHS else "") + (f"-seed{self.seed}" if self.seed != 42 else "")
        return f"{self.lines}l-{self.releases}r{extra}"


def run_benchmark(options: BenchOptions, echo: Callable[[str], None] = print) -> Results:
    """Run every measurement and print the report; returns the figures."""
    from benchmarks import measure

    work = Path(options.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    echo(f"Preparing {options.lines:,} payment lines and {options.releases:,} OCDS releases ...")
    data = generate_scaled(work / f"data-{options.stem}", options.params)
    warehouse = work / f"warehouse-{options.stem}.duckdb"
    echo("Building the warehouse in a child process ...")
    build = measure.measure_build(data.folder, warehouse, work)
    results = Results(data, build, warehouse.stat().st_size / 1e6, [])
    results.checks = measure.time_checks(warehouse)
    echo(f"Timing every registered query ({options.repeat} runs after a warm-up) ...")
    results.queries = measure.time_queries(warehouse, options.repeat)
    if options.pandas or options.sqlite:
        _compare(options, results, data.folder, warehouse, work, echo)
    echo(f"Running every page in AppTest ({options.page_reruns} reruns each) ...")
    from benchmarks.apptest import time_pages

    results.pages = time_pages(warehouse, options.page_reruns)
    if options.first_paint:
        from benchmarks.browser import first_paint

        echo(f"Measuring first paint in Chromium ({options.paint_loads} loads per page, warm server) ...")
        results.paint = first_paint(warehouse, options.paint_loads)
    echo("")
    print_report(results, echo)
    return results


def _compare(options: BenchOptions, results: Results, data: Path, warehouse: Path, work: Path, echo) -> None:
    """Load the raw lines into pandas (and from there SQLite), then ask the headline questions of them."""
    from benchmarks import measure
    from benchmarks.raw import load_raw, load_sqlite

    echo("Loading the raw lines into pandas as an analyst would ...")
    started = time.perf_counter()
    raw = load_raw(data)
    results.load_seconds["pandas"] = time.perf_counter() - started
    sqlite_con = None
    if options.sqlite:
        echo("Loading them into SQLite with executemany and indexes ...")
        started = time.perf_counter()
        sqlite_con = load_sqlite(raw, work / f"raw-{options.stem}.sqlite")
        results.load_seconds["sqlite"] = time.perf_counter() - started
    echo("Answering the headline questions with pandas and SQLite ...")
    repeat = max(3, options.repeat // 5)
    measure.compare_engines(
        results.queries,
        warehouse,
        raw=raw if options.pandas else None,
        sqlite_con=sqlite_con,
        repeat=repeat,
        tolerance=0.01,
    )
    if sqlite_con is not None:
        sqlite_con.close()
    del raw
    gc.collect()
