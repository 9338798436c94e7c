"""Print the benchmark's figures and a verdict against each target of issue 23 (which restated issue 8's)."""

from __future__ import annotations

import ast
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.apptest import PageMeasure
from benchmarks.browser import PaintMeasure
from benchmarks.measure import BuildMeasure, QueryMeasure
from loti_demand.config import PROJECT_DIR
from loti_demand.navigation import registered_pages
from loti_demand.sample.scale import ScaledData

Echo = Callable[[str], None]

# Issue 23's targets, at 10 million payment lines and 100,000 releases. A question over payment lines meets the
# first two by its ratios or by being within FLOOR_MARGIN_MS of its floor at p50; each page over spend, its
# questions summed, by its ratios.
QUERY_P95_MS = 50
PANDAS_RATIO = 30
SQLITE_RATIO = 150
FLOOR_MARGIN_MS = 2.0
PAGE_RERUN_MS = 150
INGEST_LINES_PER_S = 500_000
BUILD_LINES_PER_S = 250_000
PEAK_RSS_MB = 2048
FIRST_PAINT_MS = 1500


@dataclass
class Results:
    data: ScaledData
    build: BuildMeasure
    warehouse_mb: float
    queries: list[QueryMeasure]
    checks: list[tuple[str, float]] = field(default_factory=list)
    load_seconds: dict[str, float] = field(default_factory=dict)  # engine -> seconds to load the raw lines
    pages: list[PageMeasure] = field(default_factory=list)
    paint: list[PaintMeasure] = field(default_factory=list)

    @property
    def ingest_lines_per_s(self) -> float:
        spend = self.build.spend_read_seconds + self.build.spend_models_seconds
        return self.build.lines / spend if spend else 0.0


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def _floor(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}x"


def print_data(results: Results, echo: Echo) -> None:
    data = results.data
    how = "reused from an earlier run" if data.reused else "generated"
    layouts = ", ".join(
        f"{k} {v:,} lines in {data.files_by_layout[k]:,} files" for k, v in data.lines_by_layout.items()
    )
    echo(
        f"inputs ({how}, in {data.folder}): {data.spend_lines:,} payment lines ({layouts}); "
        f"{data.params.releases:,} OCDS releases in {data.release_files} packages; "
        f"generation took {data.seconds:.1f} s"
    )


def print_build(results: Results, echo: Echo) -> None:
    build = results.build
    lines = build.lines
    echo(
        f"build: {build.seconds:.1f} s for {lines:,} loaded lines = {lines / build.seconds:,.0f} lines/s (whole build)"
    )
    echo(
        f"  spend ingest: reading {build.spend_read_seconds:.1f} s ({lines / max(build.spend_read_seconds, 1e-9):,.0f}"
        f" lines/s) + parsing, dedupe, suppliers and classification models {build.spend_models_seconds:.1f} s "
        f"= {results.ingest_lines_per_s:,.0f} lines/s"
    )
    echo("  counts: " + "; ".join(f"{k} {v:,}" for k, v in build.counts.items()))
    per_line = results.warehouse_mb * 1e6 / max(lines, 1)
    echo(
        f"  warehouse size {results.warehouse_mb:,.1f} MB ({per_line:,.0f} bytes per line); "
        f"peak RSS of the build process {build.peak_rss_mb:,.0f} MB"
    )
    slowest = sorted(build.phases, key=lambda p: -p[1])[:10]
    echo("  slowest phases: " + "; ".join(f"{name} {seconds:.1f} s" for name, seconds, _ in slowest))
    growth = [
        (name, end - before)
        for (name, _, end), (_, _, before) in zip(build.phases, [("", 0, 0.0), *build.phases[:-1]], strict=True)
        if end - before >= 50
    ]
    if growth:
        echo("  peak RSS grew during: " + "; ".join(f"{name} +{mb:,.0f} MB" for name, mb in growth))
    if results.checks:
        echo("  checks on the built warehouse: " + "; ".join(f"{n} {ms:,.0f} ms" for n, ms in results.checks))


def print_queries(results: Results, echo: Echo) -> None:
    if results.load_seconds:
        echo("raw lines loaded for comparison: " + "; ".join(f"{k} {v:.1f} s" for k, v in results.load_seconds.items()))
    echo(
        f"{'query':<28} {'rows':>6} {'DuckDB p50':>10} {'p95':>8} {'cpu p50':>8} {'floor':>7} {'pandas':>9} "
        f"{'SQLite':>9} {'pandas/':>8} {'SQLite/':>8}  same answers"
    )
    for q in results.queries:
        pandas, sqlite = q.engine_p50("pandas"), q.engine_p50("sqlite")
        same = (
            "; ".join(f"{engine}: {'yes' if not p else 'NO ' + ', '.join(p[:3])}" for engine, p in q.problems.items())
            or "-"
        )
        cpu = statistics.median(q.duck_cpu_ms) if q.duck_cpu_ms else None
        echo(
            f"{q.label:<28} {q.rows:>6} {_ms(q.p50):>10} {_ms(q.p95):>8} {_ms(cpu):>8} {_floor(q.answer_p50):>7} "
            f"{_ms(pandas):>9} {_ms(sqlite):>9} {_ratio(q.ratio('pandas')):>8} {_ratio(q.ratio('sqlite')):>8}  {same}"
        )
    echo(
        "  (ms elapsed, and DuckDB's CPU time; floor: p50 of reading the answer's rows back from a DuckDB table"
        " holding exactly it, as a DataFrame, Arrow or tuples, whichever is quickest: no query giving this answer"
        " can beat it; pandas and SQLite answer the headline questions over the raw lines; ratios are their median"
        " / DuckDB p50)"
    )


def print_pages(results: Results, echo: Echo) -> None:
    for page in results.pages:
        failure = f"  EXCEPTION: {page.exception}" if page.exception else ""
        echo(
            f"AppTest {page.title}: first run {page.first_ms:,.0f} ms (cold cache), reruns p50 "
            f"{statistics.median(page.rerun_ms):,.0f} ms, max {max(page.rerun_ms):,.0f} ms{failure}"
        )
    for paint in results.paint:
        echo(
            f"first paint {paint.title}: p50 {paint.p50:,.0f} ms over {len(paint.samples_ms)} loads "
            f"(all: {', '.join(f'{s:,.0f}' for s in paint.samples_ms)})"
        )


def verdicts(results: Results) -> list[tuple[str, bool | None, str]]:
    """(target, met? (None = not measured), measured figure)."""
    worst_p95 = max(results.queries, key=lambda q: q.p95)
    out: list[tuple[str, bool | None, str]] = [
        (
            f"every query p95 <= {QUERY_P95_MS} ms",
            worst_p95.p95 <= QUERY_P95_MS,
            f"worst {worst_p95.label} {worst_p95.p95:,.1f} ms",
        ),
    ]
    for engine, target in (("pandas", PANDAS_RATIO), ("sqlite", SQLITE_RATIO)):
        ratios = [(q.ratio(engine), q.label) for q in results.queries if q.ratio(engine) is not None]
        if ratios:
            low = min(ratios)
            met = sum(ratio >= target for ratio, _ in ratios)
            floor = [q.label for q in results.queries if q.below_floor(engine, target)]
            below = (
                (
                    f"; {len(floor)} cannot meet it, as their floor is above {engine}'s time / {target}: "
                    f"{', '.join(floor)}"
                )
                if floor
                else ""
            )
            out.append(
                (
                    f">= {target}x faster than {engine}",
                    low[0] >= target,
                    f"{met} of {len(ratios)} questions; lowest {low[1]} {low[0]:,.0f}x{below}",
                )
            )
        else:
            out.append((f">= {target}x faster than {engine}", None, "not measured"))
    out += near_the_floor(results.queries)
    wrong = [q.label for q in results.queries if any(q.problems.values())]
    asked = any(q.problems for q in results.queries)  # no engine asked (--skip-pandas --skip-sqlite): nothing agreed
    out.append(
        (
            "same answers from all engines",
            not wrong if asked else None,
            f"differences in {', '.join(wrong)}" if wrong else "all agree" if asked else "not compared",
        )
    )
    if results.pages:
        slow = max(results.pages, key=lambda p: statistics.median(p.rerun_ms))
        out.append(
            (
                f"every page reruns in AppTest in <= {PAGE_RERUN_MS} ms",
                statistics.median(slow.rerun_ms) <= PAGE_RERUN_MS and not any(p.exception for p in results.pages),
                f"slowest {slow.title} {statistics.median(slow.rerun_ms):,.0f} ms",
            )
        )
    out.append(
        (
            f"ingest >= {INGEST_LINES_PER_S:,} lines/s",
            results.ingest_lines_per_s >= INGEST_LINES_PER_S,
            f"{results.ingest_lines_per_s:,.0f} lines/s",
        )
    )
    whole = results.build.lines / results.build.seconds if results.build.seconds else 0.0
    out.append((f"whole build >= {BUILD_LINES_PER_S:,} lines/s", whole >= BUILD_LINES_PER_S, f"{whole:,.0f} lines/s"))
    out.append(
        (
            f"peak RSS <= {PEAK_RSS_MB:,} MB while building",
            results.build.peak_rss_mb <= PEAK_RSS_MB,
            f"{results.build.peak_rss_mb:,.0f} MB",
        )
    )
    if results.paint:
        slow_paint = max(results.paint, key=lambda p: p.p50)
        out.append(
            (
                f"first paint <= {FIRST_PAINT_MS:,} ms warm",
                slow_paint.p50 <= FIRST_PAINT_MS,
                f"slowest {slow_paint.title} {slow_paint.p50:,.0f} ms",
            )
        )
    else:
        out.append((f"first paint <= {FIRST_PAINT_MS:,} ms warm", None, "not measured (use --first-paint)"))
    return out


def question_verdict(q: QueryMeasure) -> str | None:
    """Which way a question over payment lines meets issue 23's first target: 'ratios' (>= 30x pandas and >= 150x
    SQLite), 'floor' (within 2 ms of its floor at p50), or 'neither'; None for a question only DuckDB answers."""
    pandas, sqlite = q.ratio("pandas"), q.ratio("sqlite")
    if pandas is None or sqlite is None:
        return None
    if pandas >= PANDAS_RATIO and sqlite >= SQLITE_RATIO:
        return "ratios"
    floor = q.answer_p50
    return "floor" if floor is not None and q.p50 - floor <= FLOOR_MARGIN_MS else "neither"


def page_questions(dashboard: Path = PROJECT_DIR / "dashboard.py") -> dict[str, set[str]]:
    """{page title: the registered queries its script asks with ui.query("name", ...)}, read from the source."""
    asked = {}
    for page in registered_pages(dashboard):
        tree = ast.parse((dashboard.parent / page.path).read_text(encoding="utf-8"))
        asked[page.title] = {
            node.args[0].value
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "query"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "ui"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        }
    return asked


def near_the_floor(queries: list[QueryMeasure]) -> list[tuple[str, bool | None, str]]:
    """Issue 23's first target: each question over payment lines by its ratios or near its floor; and each page over
    spend, the p50s of the questions it asks that pandas and SQLite also answer summed, by its ratios."""
    judged = {q.label: (q, way) for q in queries if (way := question_verdict(q)) is not None}
    if not judged:
        return [("each question: ratios or within 2 ms of its floor", None, "not measured")]
    ways = {way: [label for label, (_, v) in judged.items() if v == way] for way in ("ratios", "floor", "neither")}
    out: list[tuple[str, bool | None, str]] = [
        (
            f"each question over payment lines >= {PANDAS_RATIO}x pandas and >= {SQLITE_RATIO}x SQLite, or within "
            f"{FLOOR_MARGIN_MS:g} ms of its floor at p50",
            not ways["neither"],
            "; ".join(f"{way}: {', '.join(labels)}" for way, labels in ways.items() if labels),
        )
    ]
    for title, names in page_questions().items():
        asked = [judged[n][0] for n in sorted(names) if n in judged]
        if not asked:
            continue
        duck = sum(q.p50 for q in asked)
        pandas, sqlite = (sum(q.engine_p50(e) for q in asked) / duck for e in ("pandas", "sqlite"))
        out.append(
            (
                f"page {title} ({', '.join(q.label for q in asked)} summed) >= {PANDAS_RATIO}x pandas and >= "
                f"{SQLITE_RATIO}x SQLite",
                pandas >= PANDAS_RATIO and sqlite >= SQLITE_RATIO,
                f"{duck:,.1f} ms: {pandas:,.0f}x pandas, {sqlite:,.0f}x SQLite",
            )
        )
    return out


def print_verdicts(results: Results, echo: Echo) -> None:
    lines = results.build.lines
    note = "" if lines >= 10_000_000 else f" (targets are for 10,000,000 lines; this run has {lines:,})"
    echo(f"verdict{note}:")
    for target, met, figure in verdicts(results):
        mark = "n/a " if met is None else ("PASS" if met else "FAIL")
        echo(f"  {mark}  {target}: {figure}")


def print_report(results: Results, echo: Echo) -> None:
    for part in (print_data, print_build, print_queries, print_pages, print_verdicts):
        part(results, echo)
