"""The benchmark (benchmarks/, outside the package): the sample at scale in the declared layouts, pandas and SQLite
equivalents of the headline questions that give the same answers as the registered queries (to the penny), and the
command end to end at tiny N. Nothing here asserts a timing."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from benchmarks.__main__ import bench
from benchmarks.equivalents import EQUIVALENTS, differences
from benchmarks.load import memory_summary, print_load_report
from benchmarks.measure import is_spend_model, percentile, phases
from benchmarks.raw import load_raw, load_sqlite, repeated_from_earlier_files, sniff_layout
from loti_demand import queries
from loti_demand.normalise.suppliers import is_redacted, supplier_key
from loti_demand.normalise.taxonomy import Classifier
from loti_demand.reference import Reference
from loti_demand.sample.scale import LAYOUTS, ScaleParams, generate_scaled
from loti_demand.sample.scale.files import HEADERS
from loti_demand.sample.scale.lines import Tables
from loti_demand.sample.scale.text import money_text
from loti_demand.warehouse.build import build
from loti_demand.warehouse.db import connect

SMALL = ScaleParams(lines=5_000, releases=300, months=12)
PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory):
    """5,000 generated lines and 300 releases, built, and loaded into pandas and SQLite."""
    folder = tmp_path_factory.mktemp("bench")
    data = generate_scaled(folder / "data", SMALL)
    warehouse = folder / "warehouse.duckdb"
    report = build(data.folder, warehouse)
    raw = load_raw(data.folder)
    sqlite_con = load_sqlite(raw, folder / "raw.sqlite")
    con = connect(warehouse, read_only=True)
    yield data, report, con, raw, sqlite_con
    con.close()
    sqlite_con.close()


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for sub in ("spend", "procurement")
        for p in sorted((folder / sub).rglob("*"))
        if p.is_file()
    }


def test_generator_is_deterministic(small, tmp_path: Path) -> None:
    data = small[0]
    again = generate_scaled(tmp_path / "again", SMALL)
    assert _digest(again.folder) == _digest(data.folder)
    assert not again.reused and generate_scaled(tmp_path / "again", SMALL).reused, "same parameters: reused"


def test_generator_writes_the_declared_layouts_and_line_counts(small) -> None:
    data, report = small[0], small[1]
    assert data.spend_lines == SMALL.lines
    assert set(data.lines_by_layout) == set(LAYOUTS)
    counted = dict.fromkeys(LAYOUTS, 0)
    for path in sorted((data.folder / "spend").glob("*/*.csv")):
        head = path.read_bytes()
        layout, skip = sniff_layout(head[:2048])
        lines = head.decode("utf-8-sig").splitlines()
        header = lines[skip].split(",")
        assert tuple(header) == HEADERS[layout]
        trailer = 2 if layout == "bom" else 0  # a blank row and an unlabelled grand total
        counted[layout] += len(lines) - skip - 1 - trailer
    assert sum(counted.values()) == data.spend_lines + data.repeated_lines
    assert 0 < data.repeated_lines <= len(LAYOUTS) * SMALL.repeated, "one March file per layout repeats February"
    assert len(list((data.folder / "procurement").glob("*.json"))) == data.release_files
    assert report.counts["spend lines loaded"] == SMALL.lines
    assert report.counts["spend lines duplicate"] == data.repeated_lines
    assert report.counts["spend lines quarantined"] == data.files_by_layout["bom"], "only the grand-total rows"
    assert report.counts["notices"] == SMALL.releases


def test_amounts_are_written_as_councils_print_them() -> None:
    cents = np.array([123456, -50000, 100, 123456789, 99])
    assert money_text(cents, thousands=False).to_pylist() == ["1234.56", "-500.00", "1.00", "1234567.89", "0.99"]
    assert money_text(cents, thousands=True, whole_pounds_bare=True).to_pylist() == [
        "1,234.56",
        "-500",
        "1",
        "1,234,567.89",
        "0.99",
    ]


def test_suppliers_are_fictional_and_their_spellings_resolve_together() -> None:
    tables = Tables(42)
    # Named real companies (the kept supplier list) must never match; a generic "Software Ltd" may, as it would in
    # real files.
    named = Classifier([], Reference().table("tech_suppliers"))
    names = tables.names.to_pylist()
    assert not [n for n in names if not is_redacted(n) and named.classify_spend(None, None, None, None, n)[0]]
    for entity in (1, 2, 3, 500, 2999):
        start = int(tables.name_offset[entity])
        spellings = names[start : start + int(tables.spellings[entity])]
        assert len(spellings) >= 2 and len({supplier_key(s) for s in spellings}) == 1, spellings
    redacted = names[: int(tables.spellings[0])]
    assert all(is_redacted(n) for n in redacted)


def test_the_headline_questions_are_registered_queries_over_payment_lines() -> None:
    assert set(EQUIVALENTS) <= set(queries.QUERIES), "equivalents for queries that no longer exist"
    assert set(EQUIVALENTS) == {
        "spend_summary",
        "spend_over_time",
        "category_spend",
        "top_suppliers",
        "borough_measures",
    }


def _cases() -> list[tuple[str, str]]:
    return [(name, engine) for name in EQUIVALENTS for engine in ("pandas", "sqlite")]


# Parameters beyond each query's example, so filters and windows are exercised too: each makes extra parameters
# from the example's answer (so a filter picks a value that is there).
def _some(frame, column: str) -> str:
    return str(frame[column].dropna().iloc[0])


MORE_PARAMS = {
    "borough_measures": [lambda found: {"category": "software"}],
    "spend_summary": [lambda found: {"category": "software"}, lambda found: {"boroughs": ("E09000001", "E09000007")}],
    "spend_over_time": [
        lambda found: {"grain": "quarter"},
        lambda found: {"category": _some(found, "tech_category"), "boroughs": ("E09000007",)},
    ],
    "category_spend": [lambda found: {"boroughs": ()}],
    "top_suppliers": [
        lambda found: {"category": "software"},
        lambda found: {"limit": 3},
        lambda found: {"boroughs": ("E09000007",)},
    ],
}


@pytest.mark.parametrize(("name", "engine"), _cases())
def test_pandas_and_sqlite_give_the_same_answers_as_duckdb(small, name: str, engine: str) -> None:
    con, raw, sqlite_con = small[2], small[3], small[4]
    equivalent = EQUIVALENTS[name]
    function, target = (equivalent.pandas, raw) if engine == "pandas" else (equivalent.sqlite, sqlite_con)
    example = queries.QUERIES[name].example(con)
    found = queries.QUERIES[name].function(con, **example)
    compared = 0
    variants = [lambda found, example=example: example(con) for _, example in queries.QUERIES[name].variants]
    for extra in [lambda found: {}, *MORE_PARAMS.get(name, []), *variants]:
        params = {**example, **extra(found)}
        expected = queries.QUERIES[name].function(con, **params)
        compared += len(expected)
        assert differences(expected, function(target, **params), equivalent.not_compared) == [], params
    assert compared > 0, "the example (or the extra) parameters find something to compare"


def test_differences_are_reported_to_the_penny() -> None:
    import pandas as pd

    left = pd.DataFrame({"a": ["x"], "amount_gbp": [10.00]})
    assert differences(left, pd.DataFrame({"a": ["x"], "amount_gbp": [10.004]})) == []
    assert differences(left, pd.DataFrame({"a": ["x"], "amount_gbp": [10.01]})) != []
    assert differences(left, pd.DataFrame({"a": ["x"]})) == ["columns missing: ['amount_gbp']"]


def test_percentile_and_build_phases() -> None:
    samples = [float(i) for i in range(1, 21)]
    assert percentile(samples, 50) == 10 and percentile(samples, 95) == 19 and percentile([3.0], 95) == 3
    events = [
        (0.1, "reading spend/a.csv", 1024),
        (2.0, "reading spend/b.csv", 2048),
        (3.0, "reading procurement/x.json", 3072),
        (4.0, "model stg_spend", 3072),
        (6.0, "model build_info", 5120),
    ]
    assert phases(events, 10.0, 6144) == [
        ("start", 0.1, 1.0),
        ("read spend files", 2.9, 3.0),
        ("read other files", 1.0, 3.0),
        ("stg_spend", 2.0, 5.0),
        ("build_info, checks, commit and swap", 4.0, 6.0),
    ]
    # reading is timed on its own: the models' share of ingest must not count it again
    assert [
        n
        for n in (
            "read spend files",
            "stg_spend",
            "int_spend_lines",
            "resolve_suppliers",
            "spend",
            "agg_spend_by_supplier",
            "notices",
        )
        if is_spend_model(n)
    ] == ["stg_spend", "int_spend_lines", "resolve_suppliers", "spend"]


def test_ingest_only_bench_runs_the_builds_spend_models_and_reports_each_stage(tmp_path: Path) -> None:
    result = CliRunner().invoke(bench, ["--ingest-only", "--ingest-lines", "2000", "--work-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for stage in ("read (file to Arrow", "read + normalise (", "whole `ingest spend`"):
        assert f"\n  {stage}" in result.output


@pytest.mark.slow
def test_bench_command_runs_end_to_end(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--lines",
            "2000",
            "--releases",
            "200",
            "--repeat",
            "2",
            "--months",
            "6",
            "--work-dir",
            str(tmp_path),
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name, query in queries.QUERIES.items():
        for label in (name, *(label for label, _ in query.variants)):  # variants are timed on their own row
            row = next(line for line in result.stdout.splitlines() if line.startswith(f"{label} "))
            headline = name in EQUIVALENTS
            assert row.endswith("pandas: yes; sqlite: yes") == headline and row.endswith(" -") != headline, row
    assert "PASS  same answers from all engines: all agree" in result.stdout
    assert "AppTest Overview:" in result.stdout
    assert "verdict (targets are for 10,000,000 lines; this run has 2,000)" in result.stdout


def test_the_ratio_verdicts_count_the_questions_that_meet_them() -> None:
    from types import SimpleNamespace

    from benchmarks.measure import QueryMeasure
    from benchmarks.report import verdicts

    def measure(
        label: str, duck: float, pandas: float | None, sqlite: float | None, floor: float = 0.5
    ) -> QueryMeasure:
        return QueryMeasure(
            label,
            label,
            {},
            1,
            [duck] * 3,
            pandas_ms=[pandas] if pandas else [],
            sqlite_ms=[sqlite] if sqlite else [],
            answer_ms=[floor] * 3,
        )

    results = SimpleNamespace(
        queries=[
            measure("fast", 1.0, 40.0, 200.0),
            measure("slow", 2.0, 20.0, 400.0),
            measure("duckdb_only", 1.0, None, None, floor=5.0),
        ],
        pages=[],
        paint=[],
        ingest_lines_per_s=0.0,
        build=SimpleNamespace(peak_rss_mb=1.0, lines=1_000_000, seconds=5.0),
    )
    figures = {target: (met, figure) for target, met, figure in verdicts(results)}
    assert figures[">= 30x faster than pandas"] == (False, "1 of 2 questions; lowest slow 10x")
    assert figures[">= 150x faster than sqlite"] == (True, "2 of 2 questions; lowest fast 200x")

    # 'slow' needs 20 / 30 = 0.67 ms for pandas and 400 / 150 = 2.67 ms for SQLite: with reading its answer back
    # taking 1 ms, only the first is out of reach. A question asked of DuckDB alone is not counted however slow its
    # floor.
    results.queries[1].answer_ms = [1.0] * 3
    figures = {target: (met, figure) for target, met, figure in verdicts(results)}
    assert figures[">= 30x faster than pandas"] == (
        False,
        "1 of 2 questions; lowest slow 10x; 1 cannot meet it, as their floor is above pandas's time / 30: slow",
    )
    assert figures[">= 150x faster than sqlite"] == (True, "2 of 2 questions; lowest fast 200x")


def test_the_floor_reads_back_exactly_the_answer_of_every_registered_query(sample_con) -> None:
    """The floor is a fair one only if what it reads back is the query's answer, in the same types."""
    import duckdb

    from benchmarks.measure import answer_reads, time_answer_read

    for name, query in queries.QUERIES.items():
        for label, example in ((name, query.example), *query.variants):
            answer = query.function(sample_con, **example(sample_con))
            con = duckdb.connect()
            as_df, as_frame, as_arrow, as_tuples = answer_reads(con, answer)
            pd.testing.assert_frame_equal(as_df(), answer, obj=label)
            pd.testing.assert_frame_equal(as_frame(), answer, obj=label)
            assert as_arrow().to_pandas().shape == answer.shape and len(as_tuples()) == len(answer), label
            con.close()
    assert len(time_answer_read(answer, 4)) == 4


@pytest.mark.slow
def test_load_test_drives_every_page_and_filter_through_a_rebuild(tmp_path: Path) -> None:
    from benchmarks.load import LoadOptions, run_load_test
    from loti_demand.navigation import registered_pages
    from tests.conftest import FIXTURES

    lines: list[str] = []
    result = run_load_test(
        LoadOptions(users=3, seconds=30, rebuild_every=40, think=(0.1, 0.3), data=FIXTURES / "data", work_dir=tmp_path),
        echo=lines.append,
    )
    assert {s.page for s in result.samples} == {p.title for p in registered_pages()}, "every page was opened"
    assert any(s.action == "filter" for s in result.samples), "filters were changed"
    assert result.errors == {}, result.errors
    assert [code for *_, code in result.rebuilds] == [0], "one rebuild was swapped in under the users"
    assert set(result.health) == {200} and result.server_tracebacks == 0
    report = "\n".join(lines)
    assert "p95" in report and "p99" in report and "errors: 0" in report
    assert len(result.memory) >= 2 and all(rss > 50e6 for _, rss in result.memory), "the server's memory is sampled"
    assert "server memory:" in report and re.search(r"curve: \d+ s \d+ MB", report)
    assert "verdict (the target is for 25 users over 2 minutes on 10,000,000 lines" in report


def test_the_load_tests_rebuilds_run_at_the_priority_asked() -> None:
    from benchmarks.load import _niced

    def niceness(nice: int) -> int:
        command = [*_niced(nice), sys.executable, "-c", "import os; print(os.nice(0))"]
        return int(subprocess.run(command, capture_output=True, text=True, check=True).stdout)

    own = os.nice(0)
    assert niceness(0) == own, "0: the server's priority"
    assert niceness(19) == 19, "19: the lowest"
    assert niceness(5) == min(19, own + 5)


def test_the_load_verdict_needs_p95_within_1_s_p99_within_2_s_no_errors_and_a_rebuild() -> None:
    from benchmarks.load import LoadOptions, LoadResult, Sample, load_verdict

    target = LoadOptions(users=25, seconds=120, lines=10_000_000)
    quick = [Sample("Overview", "open", 0.2)] * 98 + [Sample("Overview", "open", 1.5)] * 2  # p95 0.2 s, p99 1.5 s
    met = LoadResult(target, samples=quick, rebuilds=[(0.0, 1.0, 0)])
    assert load_verdict(met).startswith("verdict: PASS")
    slow = [Sample("Overview", "open", 0.2)] * 90 + [Sample("Overview", "open", 1.2)] * 10  # p95 1.2 s
    assert load_verdict(LoadResult(target, samples=slow, rebuilds=[(0.0, 1.0, 0)])).startswith("verdict: FAIL")
    failed = [*quick, Sample("Overview", "open", 0.1, "the page raised an exception")]
    assert load_verdict(LoadResult(target, samples=failed, rebuilds=[(0.0, 1.0, 0)])).startswith("verdict: FAIL")
    assert load_verdict(LoadResult(target, samples=quick)).startswith("verdict: FAIL"), "no rebuild swapped in"
    small = LoadResult(LoadOptions(users=3, seconds=30), samples=quick, rebuilds=[(0.0, 1.0, 0)])
    assert load_verdict(small).startswith("verdict (the target is for 25 users over 2 minutes on 10,000,000 lines")


def _report(result) -> str:
    lines: list[str] = []
    print_load_report(result, lines.append)
    return "\n".join(lines)


def test_page_runs_are_split_by_whether_a_rebuild_ran_beside_them_or_had_just_swapped() -> None:
    from benchmarks.load import LoadOptions, LoadResult, Sample, load_verdict

    samples = [
        Sample("Overview", "open", 0.5, None, 1.0),  # ends before the rebuild starts
        Sample("Overview", "open", 2.0, None, 9.0),  # runs into it
        Sample("Overview", "open", 0.5, None, 12.0),  # within it
        Sample("Overview", "open", 1.0, None, 19.5),  # starts before it ends
        Sample("Overview", "open", 0.25, None, 21.0),  # after it, within 10 s of its swap
        Sample("Overview", "open", 0.75, None, 29.5),  # the same
        Sample("Overview", "open", 0.5, None, 30.5),  # later
        Sample("Overview", "open", 3.0, "the page raised an exception", 12.0),  # an error: in none
    ]
    result = LoadResult(LoadOptions(), samples=samples, rebuilds=[(10.0, 20.0, 0)])
    assert result.by_rebuilds() == {
        "while a rebuild ran": [2.0, 0.5, 1.0],
        "in the 10 s after a swap": [0.25, 0.75],
        "otherwise": [0.5, 0.5],
    }
    result.server_cpu = 4.0
    assert "  server CPU: 4 s in 120 s, 500 ms a page run" in _report(result), "over the 8 runs, errors included"
    failed = LoadResult(LoadOptions(), samples=samples, rebuilds=[(10.0, 20.0, 1)])
    assert failed.by_rebuilds()["in the 10 s after a swap"] == [], "a failed rebuild swaps nothing in"
    assert "    while a rebuild ran: 3 runs, p50 1.00 s" in _report(result)
    # A rebuild started under the users counts as swapped in under them only if it ended before their last run did.
    late = LoadResult(LoadOptions(), samples=samples, rebuilds=[(10.0, 40.0, 0)])
    assert (result.swaps_under_users(), late.swaps_under_users()) == (1, 0), "the users' last run ended at 31 s"
    assert "FAIL" in load_verdict(late) and "0 of them before the users' last page run ended" in _report(late)


def test_a_process_cpu_time_is_read_from_proc() -> None:
    from benchmarks.load import cpu_seconds

    before = cpu_seconds(os.getpid())
    if before is None:
        pytest.skip("no /proc here")
    spent = time.process_time()
    while time.process_time() - spent < 0.3:
        sum(range(10_000))
    # The same clock as the process's own (user and system time of all its threads), in ticks of 10 ms.
    assert abs((cpu_seconds(os.getpid()) - before) - (time.process_time() - spent)) < 0.05
    assert cpu_seconds(2**22 + 12345) is None, "no such process"


def test_the_memory_curve_says_when_each_point_was_taken() -> None:
    short = [(t, 300_000_000 + t * 1_000_000) for t in range(0, 120, 10)]
    assert memory_summary(short).endswith(
        "curve: 0 s 300 MB, 10 s 310 MB, 20 s 320 MB, 30 s 330 MB, 40 s 340 MB, "
        "50 s 350 MB, 60 s 360 MB, 70 s 370 MB, 80 s 380 MB, 90 s 390 MB, "
        "100 s 400 MB, 110 s 410 MB"
    )
    hour = [(t, 400_000_000) for t in range(0, 3600, 300)]
    assert "curve: 0 min 400 MB, 5 min 400 MB, 10 min 400 MB" in memory_summary(hour)
    assert memory_summary(hour).startswith("server memory: 400 MB after the first minute, 400 MB at the end")


def test_lines_repeated_from_an_earlier_file_are_dropped_and_copies_within_the_first_file_are_kept() -> None:
    spend = pd.DataFrame({"source_file": ["a", "a", "b", "b", "b", "c"], "amount_gbp": [5.0, 5.0, 5.0, 5.0, 7.0, 7.0]})
    assert repeated_from_earlier_files(spend).tolist() == [False, False, True, True, False, True]


def test_the_package_neither_ships_nor_imports_the_benchmark() -> None:
    import tomllib

    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["tool"]["setuptools"]["packages"]["find"]["include"] == ["loti_demand*"]
    importing = [
        str(p.relative_to(PROJECT))
        for p in (PROJECT / "loti_demand").rglob("*.py")
        if re.search(r"^\s*(import|from) benchmarks\b", p.read_text(encoding="utf-8"), re.M)
    ]
    assert importing == []


def test_each_question_meets_the_first_target_by_its_ratios_or_near_its_floor_and_each_page_by_its_sum() -> None:
    """Issue 23: a question over payment lines is >= 30x pandas and >= 150x SQLite, or within 2 ms of its floor at
    p50, and the report names which; a page over spend sums the questions it asks that pandas and SQLite answer."""
    from benchmarks.measure import QueryMeasure
    from benchmarks.report import near_the_floor, page_questions, question_verdict

    def measure(label: str, duck: float, pandas: float, sqlite: float, floor: float) -> QueryMeasure:
        return QueryMeasure(label, label, {}, 1, [duck] * 3, pandas_ms=[pandas], sqlite_ms=[sqlite], answer_ms=[floor])

    fast = measure("spend_summary", 1.0, 40.0, 200.0, 0.5)  # 40x and 200x
    near = measure("spend_over_time", 3.0, 30.0, 300.0, 1.5)  # 10x, but 1.5 ms above its floor
    far = measure("top_suppliers", 6.0, 60.0, 600.0, 1.0)  # 10x and 5 ms above its floor
    duck_only = QueryMeasure("supplier_list", "supplier_list", {}, 1, [9.0] * 3, answer_ms=[1.0])
    assert [question_verdict(q) for q in (fast, near, far, duck_only)] == ["ratios", "floor", "neither", None]

    figures = {target: (met, figure) for target, met, figure in near_the_floor([fast, near, far, duck_only])}
    first = next(t for t in figures if t.startswith("each question"))
    assert figures[first] == (False, "ratios: spend_summary; floor: spend_over_time; neither: top_suppliers")
    # the Spend page asks all three: 10 ms against 130 ms of pandas and 1,100 of SQLite (13x and 110x)
    spend = next(t for t in figures if t.startswith("page Spend and suppliers"))
    assert figures[spend] == (False, "10.0 ms: 13x pandas, 110x SQLite")
    assert "spend_over_time, spend_summary, top_suppliers summed" in spend
    assert not any(t.startswith("page Challenges") for t in figures), "a page asking none of them is not judged"
    assert {"spend_summary", "top_suppliers"} <= page_questions()["Spend and suppliers"]
