"""Measurements: the build in a child process (phases, peak RSS), every registered query on DuckDB with the floor
under its answer, the headline questions on pandas and SQLite, and the model checks."""

from __future__ import annotations

import json
import math
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from loti_demand.exceptions import LotiDemandError

ROOT = Path(__file__).resolve().parent.parent  # the repository, where `python -m benchmarks...` runs

if TYPE_CHECKING:
    import pandas as pd


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 20 samples is the 19th smallest)."""
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(len(ordered) * pct / 100) - 1))]


def time_calls(
    call: Callable[[], object], repeat: int, warm_up: int = 1, cpu: list[float] | None = None
) -> list[float]:
    """Milliseconds of `repeat` calls after `warm_up` untimed ones; with `cpu`, also the process CPU time of each
    (all threads), which a busy shared machine inflates far less than the elapsed time."""
    for _ in range(warm_up):
        call()
    samples = []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        samples.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - started_cpu) * 1000)
    return samples


# --- The build ---------------------------------------------------------------------------------------------


@dataclass
class BuildMeasure:
    seconds: float
    counts: dict[str, int]
    peak_rss_mb: float
    phases: list[tuple[str, float, float]]  # (phase, seconds, peak RSS MB by its end) in build order
    spend_read_seconds: float
    spend_models_seconds: float

    @property
    def lines(self) -> int:
        return self.counts.get("spend lines loaded", 0)


def is_spend_model(name: str) -> bool:
    """Models that parse, normalise, dedupe, resolve and classify payment lines: the ingest of spend."""
    return ("spend" in name or "supplier" in name) and not name.startswith(("agg_", "read "))


def phases(events: list[tuple], total: float, peak_kb: int = 0) -> list[tuple[str, float, float]]:
    """Turn progress events (seconds, message[, peak RSS KB so far]) into (phase, seconds, peak RSS MB at its end):
    reading spend, reading other files, then each model."""
    marks: list[tuple[str, float]] = []
    peaks: list[int] = []
    for at, message, *rss in events:
        if message.startswith("reading "):
            name = "read spend files" if message.startswith("reading spend") else "read other files"
        else:
            name = message.removeprefix("model ")
        if not marks or marks[-1][0] != name:
            marks.append((name, at))
            peaks.append(rss[0] if rss else 0)
    if not marks:
        return [("build", total, peak_kb / 1024)]
    ends = [*peaks[1:], peak_kb]  # the peak so far when the next phase starts is this phase's
    result = [("start", marks[0][1], peaks[0] / 1024)] if marks[0][1] > 0.05 else []
    for (name, at), (_, nxt), end in zip(marks, [*marks[1:], ("end", total)], ends, strict=True):
        result.append((name, nxt - at, end / 1024))
    last = result.pop()
    return [*result, (f"{last[0]}, checks, commit and swap", last[1], last[2])]


def measure_build(data: Path, warehouse: Path, work: Path) -> BuildMeasure:
    """Build in a child process; its own peak RSS, free of the generator's and pandas' memory."""
    out = work / "build-timings.json"
    out.unlink(missing_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    args = [str(Path(p).resolve()) for p in (data, warehouse, out)]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.build_child", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise LotiDemandError(f"the benchmark build failed:\n{done.stderr[-3000:]}")
    result = json.loads(out.read_text(encoding="utf-8"))
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    peak_kb = result["max_rss_kb"] if children == before else max(result["max_rss_kb"], children)
    steps = phases([tuple(e) for e in result["events"]], result["seconds"], result["max_rss_kb"])
    return BuildMeasure(
        seconds=result["seconds"],
        counts=result["counts"],
        peak_rss_mb=peak_kb / 1024,
        phases=steps,
        spend_read_seconds=sum(s for n, s, _ in steps if n == "read spend files"),
        spend_models_seconds=sum(s for n, s, _ in steps if is_spend_model(n)),
    )


# --- Queries -----------------------------------------------------------------------------------------------


@dataclass
class QueryMeasure:
    name: str
    label: str  # the row in the report: the query's name, or a variant's label (queries.Query.variants)
    params: dict
    rows: int
    duck_ms: list[float]
    duck_cpu_ms: list[float] = field(default_factory=list)
    pandas_ms: list[float] = field(default_factory=list)
    sqlite_ms: list[float] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)  # engine -> differences from DuckDB
    answer_ms: list[float] = field(default_factory=list)  # reading the answer back (time_answer_read)

    @property
    def p50(self) -> float:
        return statistics.median(self.duck_ms)

    @property
    def p95(self) -> float:
        return percentile(self.duck_ms, 95)

    @property
    def answer_p50(self) -> float | None:
        return statistics.median(self.answer_ms) if self.answer_ms else None

    def engine_p50(self, engine: str) -> float | None:
        """Median ms of 'pandas' or 'sqlite' answering the same question, or None when not timed."""
        samples = self.pandas_ms if engine == "pandas" else self.sqlite_ms
        return statistics.median(samples) if samples else None

    def ratio(self, engine: str) -> float | None:
        other = self.engine_p50(engine)
        return other / self.p50 if other is not None and self.p50 else None

    def below_floor(self, engine: str, target: float) -> bool:
        """Could no query meet `target` times faster than `engine` on this question? True when even reading the
        answer back from a table holding exactly it takes longer than the engine's time divided by the target."""
        other, floor = self.engine_p50(engine), self.answer_p50
        return other is not None and floor is not None and other / target < floor


def time_queries(warehouse: Path, repeat: int) -> list[QueryMeasure]:
    """p50/p95 of every registered query on a read-only connection, as the dashboard opens it."""
    from loti_demand import queries
    from loti_demand.warehouse.db import connect

    con = connect(warehouse, read_only=True)
    try:
        results = []
        for name, query in queries.QUERIES.items():
            for label, example in ((name, query.example), *query.variants):
                params = example(con)
                answer = query.function(con, **params)
                cpu: list[float] = []
                samples = time_calls(lambda q=query, p=params: q.function(con, **p), repeat, cpu=cpu)
                results.append(
                    QueryMeasure(
                        name, label, params, len(answer), samples, cpu, answer_ms=time_answer_read(answer, repeat)
                    )
                )
        return results
    finally:
        con.close()


def time_answer_read(answer: pd.DataFrame, repeat: int) -> list[float]:
    """Milliseconds to read `answer` back from a DuckDB table holding exactly it, the quickest of four ways: the
    floor under any query that gives this answer, however much of it a build stores beforehand."""
    import duckdb

    con = duckdb.connect()  # in memory: the answer uncompressed, so if anything quicker to read than from a file
    try:
        return min((time_calls(read, repeat) for read in answer_reads(con, answer)), key=statistics.median)
    finally:
        con.close()


def answer_reads(con, answer: pd.DataFrame) -> tuple[Callable[[], object], ...]:
    """Store `answer` as table `answer` in `con`; ways to read it back: the query layer's two ways to a DataFrame
    (`.df()` as `run` does, Arrow as `run_long` does), then the rows as Arrow or as Python tuples, with no
    DataFrame made at all."""
    from loti_demand import queries

    con.register("_answer", answer)
    con.execute("create table answer as select * from _answer")
    con.unregister("_answer")
    return (
        lambda: con.execute("select * from answer").df(),
        lambda: queries.arrow_frame(con, con.sql("select * from answer").to_arrow_table()),
        lambda: con.sql("select * from answer").to_arrow_table(),
        lambda: con.execute("select * from answer").fetchall(),
    )


def compare_engines(
    measures: list[QueryMeasure], warehouse: Path, *, raw=None, sqlite_con=None, repeat: int = 3, tolerance: float = 0.0
) -> None:
    """Answer each headline question with pandas and SQLite; time them and record any difference in answers. The
    other queries are timed on DuckDB only."""
    from benchmarks.equivalents import EQUIVALENTS, differences
    from loti_demand import queries
    from loti_demand.warehouse.db import connect

    con = connect(warehouse, read_only=True)
    try:
        for measure in measures:
            equivalent = EQUIVALENTS.get(measure.name)
            if equivalent is None:
                continue
            expected = queries.QUERIES[measure.name].function(con, **measure.params)
            for engine, function, target in (
                ("pandas", equivalent.pandas, raw),
                ("sqlite", equivalent.sqlite, sqlite_con),
            ):
                if target is None:
                    continue
                answer = function(target, **measure.params)
                measure.problems[engine] = differences(expected, answer, equivalent.not_compared, tolerance)
                samples = time_calls(lambda f=function, t=target, p=measure.params: f(t, **p), repeat, warm_up=0)
                setattr(measure, f"{engine}_ms", samples)
    finally:
        con.close()


def time_checks(warehouse: Path) -> list[tuple[str, float]]:
    """Each model check (warehouse/checks/*.sql) run once on the built warehouse, in ms."""
    from loti_demand.warehouse.db import CHECKS_DIR, connect

    con = connect(warehouse, read_only=True)
    con.execute("set enable_progress_bar = false")
    try:
        results = []
        for path in sorted(CHECKS_DIR.glob("*.sql")):
            sql = path.read_text(encoding="utf-8")
            results.append((path.stem, time_calls(lambda s=sql: con.execute(s).fetchall(), 1, warm_up=0)[0]))
        return results
    finally:
        con.close()
