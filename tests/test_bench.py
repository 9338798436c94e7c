"""The benchmark: a deterministic generator in the declared layouts, pandas and SQLite equivalents that give the
same answers as the registered queries (to the penny), no registered query left out of the comparison, and the
command end to end at tiny N. Nothing here asserts a timing."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from loti_demand import queries
from loti_demand.bench.equivalents import EQUIVALENTS, Equivalent, Exempt, differences
from loti_demand.bench.generate import HEADERS, LAYOUTS, BenchParams, Tables, ensure_data
from loti_demand.bench.load import memory_summary
from loti_demand.bench.measure import is_spend_model, percentile, phases
from loti_demand.bench.raw import load_raw, load_sqlite, sniff_layout
from loti_demand.bench.text import money_text
from loti_demand.cli import cli
from loti_demand.normalise.suppliers import is_redacted, supplier_key
from loti_demand.normalise.taxonomy import Classifier
from loti_demand.reference import Reference
from loti_demand.warehouse.build import build
from loti_demand.warehouse.db import connect

SMALL = BenchParams(lines=5_000, releases=300, months=12)


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory):
    """5,000 generated lines and 300 releases, built, and loaded into pandas and SQLite."""
    folder = tmp_path_factory.mktemp("bench")
    data = ensure_data(folder / "data", SMALL)
    warehouse = folder / "warehouse.duckdb"
    report = build(data.folder, warehouse)
    raw = load_raw(data.folder)
    sqlite_con = load_sqlite(raw, folder / "raw.sqlite")
    con = connect(warehouse, read_only=True)
    yield data, report, con, raw, sqlite_con
    con.close()
    sqlite_con.close()


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for sub in ("spend", "procurement") for p in sorted((folder / sub).rglob("*")) if p.is_file()}


def test_generator_is_deterministic(small, tmp_path: Path) -> None:
    data = small[0]
    again = ensure_data(tmp_path / "again", SMALL)
    assert _digest(again.folder) == _digest(data.folder)
    assert not again.reused and ensure_data(tmp_path / "again", SMALL).reused, "same parameters: reused"


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
    assert counted == data.lines_by_layout
    assert len(list((data.folder / "procurement").glob("*.json"))) == data.release_files
    assert report.counts["spend lines loaded"] == SMALL.lines
    assert report.counts["spend lines quarantined"] == data.files_by_layout["bom"], "only the grand-total rows"
    assert report.counts["notices"] == SMALL.releases


def test_amounts_are_written_as_councils_print_them() -> None:
    cents = np.array([123456, -50000, 100, 123456789, 99])
    assert money_text(cents, thousands=False).to_pylist() == ["1234.56", "-500.00", "1.00", "1234567.89", "0.99"]
    assert money_text(cents, thousands=True, whole_pounds_bare=True).to_pylist() == [
        "1,234.56", "-500", "1", "1,234,567.89", "0.99"]


def test_suppliers_are_fictional_and_their_spellings_resolve_together() -> None:
    tables = Tables(42)
    # Named real companies (the kept supplier list) must never match; a generic "Software Ltd" may, as it would in
    # real files.
    named = Classifier([], Reference().table("tech_suppliers"))
    names = tables.names.to_pylist()
    assert not [n for n in names if not is_redacted(n) and named.classify_spend(None, None, None, None, n)[0]]
    for entity in (1, 2, 3, 500, 2999):
        start = int(tables.name_offset[entity])
        spellings = names[start:start + int(tables.spellings[entity])]
        assert len(spellings) >= 2 and len({supplier_key(s) for s in spellings}) == 1, spellings
    redacted = names[:int(tables.spellings[0])]
    assert all(is_redacted(n) for n in redacted)


def test_every_registered_query_has_an_equivalent_or_an_exemption() -> None:
    missing = sorted(set(queries.QUERIES) - set(EQUIVALENTS))
    assert missing == [], f"add pandas and SQLite equivalents (or an exemption) in bench/equivalents.py: {missing}"
    assert sorted(set(EQUIVALENTS) - set(queries.QUERIES)) == [], "equivalents for queries that no longer exist"
    assert all(e.reason for e in EQUIVALENTS.values() if isinstance(e, Exempt))


def _cases() -> list[tuple[str, str]]:
    return [(name, engine) for name, e in EQUIVALENTS.items() if isinstance(e, Equivalent)
            for engine in ("pandas", "sqlite")]


# Parameters beyond each query's example, so filters and windows are exercised too: each makes extra parameters
# from the example's answer and the warehouse (so a filter picks a value that is there).
def _example(con, name: str) -> dict:
    return queries.QUERIES[name].example(con)


def _some(frame, column: str) -> str:
    return str(frame[column].dropna().iloc[0])


def _busy_borough(con, stages: tuple[str, ...]) -> str:
    """A borough with tech procurements at these stages (the example's first borough may have none at small N)."""
    rows = con.execute("select borough_code from procurements where stage in (select unnest($stages)) and "
                       "tech_category is not null and borough_code is not null group by all order by count(*) desc, "
                       "borough_code limit 1", {"stages": list(stages)}).fetchall()
    return rows[0][0]


EVER = {"start": dt.date(2000, 1, 1), "end": dt.date(2100, 1, 1)}
MORE_PARAMS = {
    "spend_lines": [lambda found, con: {"tech_category": "software"}, lambda found, con: {"limit": 5}],
    "headline": [lambda found, con: {"as_of_shift_months": -6}],
    "tech_spend_by_category": [lambda found, con: {"as_of_shift_months": -3}],
    "borough_measures": [lambda found, con: {"category": "software"}],
    "spend_summary": [lambda found, con: {"category": "software"},
                      lambda found, con: {"boroughs": ("E09000001", "E09000007")}],
    "spend_over_time": [lambda found, con: {"grain": "quarter"},
                        lambda found, con: {"category": _some(found, "tech_category"), "boroughs": ("E09000007",)}],
    "category_spend": [lambda found, con: {"boroughs": ()}],
    "top_suppliers": [lambda found, con: {"category": "software"}, lambda found, con: {"limit": 3},
                      lambda found, con: {"boroughs": ("E09000007",)}],
    "supplier_concentration": [lambda found, con: {"category": _some(found, "tech_category")},
                               lambda found, con: {"boroughs": ("E09000007", "E09000033")}],
    "sme_pipeline": [lambda found, con: {"category": "software"}],
    "borough_pipeline": [lambda found, con: {"borough": _busy_borough(con, ("planning", "tender")), **EVER}],
    "borough_expiring": [lambda found, con: {"borough": _busy_borough(con, ("award", "contract")), **EVER}],
    "demand_calendar": [lambda found, con: {"confidence": "statutory notice"},
                        lambda found, con: {"categories": (_some(found, "tech_category"),)},
                        lambda found, con: {"value_bands": (_some(found, "value_band"),), "sme": "unknown"},
                        lambda found, con: {"areas": ("london_wide", "E09000007")},
                        # every item ever: the few notices that replace a contract (incumbents) are among them
                        lambda found, con: {"date_from": EVER["start"], "date_to": EVER["end"]}],
    "collaboration_groups": [lambda found, con: {"window_months": 3},
                             lambda found, con: {"area": list(found["group_codes"].iloc[-1])[-1]}],
    "collaboration_evidence": [lambda found, con: {"groups": _example(con, "collaboration_evidence")["groups"][-1:]},
                               lambda found, con: {"groups": ()}],
    # the generated spend covers 12 months, so no month has a partner a year apart: the spend side is tested on
    # two years in tests/test_growth.py; here the windows move so that both years hold notices
    "category_growth": [lambda found, con: {"end": queries.add_months(queries.as_of(con), -6)},
                        lambda found, con: {"spend_end": queries.add_months(queries.as_of(con), 6)}],
    "demand_summary": [lambda found, con: {"by": ("borough", "month")},
                       lambda found, con: {"by": ("category", "financial_year")}, lambda found, con: {"by": ()}],
}


@pytest.mark.parametrize(("name", "engine"), _cases())
def test_pandas_and_sqlite_give_the_same_answers_as_duckdb(small, name: str, engine: str) -> None:
    con, raw, sqlite_con = small[2], small[3], small[4]
    equivalent = EQUIVALENTS[name]
    function, target = (equivalent.pandas, raw) if engine == "pandas" else (equivalent.sqlite, sqlite_con)
    example = queries.QUERIES[name].example(con)
    found = queries.QUERIES[name].function(con, **example)
    compared = 0
    variants = [lambda found, con, example=example: example(con) for _, example in queries.QUERIES[name].variants]
    for extra in [lambda found, con: {}, *MORE_PARAMS.get(name, []), *variants]:
        params = {**example, **extra(found, con)}
        if "as_of_shift_months" in params:
            params["as_of"] = queries.add_months(params["as_of"], params.pop("as_of_shift_months"))
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
    events = [(0.1, "reading spend/a.csv", 1024), (2.0, "reading spend/b.csv", 2048),
              (3.0, "reading procurement/x.json", 3072), (4.0, "model stg_spend", 3072),
              (6.0, "model build_info", 5120)]
    assert phases(events, 10.0, 6144) == [
        ("start", 0.1, 1.0), ("read spend files", 2.9, 3.0), ("read other files", 1.0, 3.0), ("stg_spend", 2.0, 5.0),
        ("build_info, checks, commit and swap", 4.0, 6.0)]
    # reading is timed on its own: the models' share of ingest must not count it again
    assert [n for n in ("read spend files", "stg_spend", "int_spend_lines", "resolve_suppliers", "spend",
                        "agg_spend_by_supplier", "notices") if is_spend_model(n)] == [
        "stg_spend", "int_spend_lines", "resolve_suppliers", "spend"]


def test_ingest_only_bench_runs_the_builds_spend_models_and_reports_each_stage(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["bench", "--ingest-only", "--ingest-lines", "2000", "--work-dir",
                                      str(tmp_path)])
    assert result.exit_code == 0, result.output
    for stage in ("read (file to Arrow", "read + normalise (", "whole `ingest spend`"):
        assert f"\n  {stage}" in result.output


@pytest.mark.slow
def test_bench_command_runs_end_to_end(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["bench", "--lines", "2000", "--releases", "200", "--repeat", "2",
                                      "--months", "6", "--work-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name, query in queries.QUERIES.items():
        assert f"\n{name} " in result.output
        for label, _ in query.variants:  # timed and compared as well, on their own row
            row = next(line for line in result.output.splitlines() if line.startswith(f"{label} "))
            assert row.endswith("pandas: yes; sqlite: yes"), row
    assert "PASS  same answers from all engines: all agree" in result.output
    assert "AppTest Overview:" in result.output
    assert "verdict (targets are for 10,000,000 lines; this run has 2,000)" in result.output


def test_the_ratio_verdicts_count_the_questions_that_meet_them() -> None:
    from types import SimpleNamespace

    from loti_demand.bench.measure import QueryMeasure
    from loti_demand.bench.report import verdicts

    def measure(label: str, duck: float, pandas: float, sqlite: float, exempt: str | None = None,
                floor: float = 0.5) -> QueryMeasure:
        return QueryMeasure(label, label, {}, 1, [duck] * 3, pandas_ms=[pandas], sqlite_ms=[sqlite], exempt=exempt,
                            answer_ms=[floor] * 3)

    results = SimpleNamespace(
        queries=[measure("fast", 1.0, 40.0, 200.0), measure("slow", 2.0, 20.0, 400.0),
                 measure("small", 1.0, 10.0, 10.0, exempt="reads a reference table", floor=5.0)],
        pages=[], paint=[], ingest_lines_per_s=0.0, build=SimpleNamespace(peak_rss_mb=1.0))
    figures = {target: (met, figure) for target, met, figure in verdicts(results)}
    assert figures[">= 30x faster than pandas"] == (False, "1 of 2 questions; lowest slow 10x")
    assert figures[">= 150x faster than sqlite"] == (True, "2 of 2 questions; lowest fast 200x")

    # 'slow' needs 20 / 30 = 0.67 ms for pandas and 400 / 150 = 2.67 ms for SQLite: with reading its answer back
    # taking 1 ms, only the first is out of reach. The exempt question is not counted however slow its floor.
    results.queries[1].answer_ms = [1.0] * 3
    figures = {target: (met, figure) for target, met, figure in verdicts(results)}
    assert figures[">= 30x faster than pandas"] == (
        False, "1 of 2 questions; lowest slow 10x; 1 cannot meet it, as their floor is above pandas's time / 30: slow")
    assert figures[">= 150x faster than sqlite"] == (True, "2 of 2 questions; lowest fast 200x")


def test_the_floor_reads_back_exactly_the_answer_of_every_registered_query(sample_con) -> None:
    """The floor is a fair one only if what it reads back is the query's answer, in the same types."""
    import duckdb

    from loti_demand.bench.measure import answer_reads, time_answer_read

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
    from loti_demand.bench.load import LoadOptions, run_load_test
    from loti_demand.navigation import registered_pages
    from tests.conftest import FIXTURES

    lines: list[str] = []
    result = run_load_test(LoadOptions(users=3, seconds=30, rebuild_every=40, think=(0.1, 0.3),
                                       data=FIXTURES / "data", work_dir=tmp_path), echo=lines.append)
    assert {s.page for s in result.samples} == {p.title for p in registered_pages()}, "every page was opened"
    assert any(s.action == "filter" for s in result.samples), "filters were changed"
    assert result.errors == {}, result.errors
    assert [code for _, code in result.rebuilds] == [0], "one rebuild was swapped in under the users"
    assert set(result.health) == {200} and result.server_tracebacks == 0
    report = "\n".join(lines)
    assert "p95" in report and "p99" in report and "errors: 0" in report
    assert len(result.memory) >= 2 and all(rss > 50e6 for _, rss in result.memory), "the server's memory is sampled"
    assert "server memory:" in report and re.search(r"curve: \d+ s \d+ MB", report)


def test_the_memory_curve_says_when_each_point_was_taken() -> None:
    short = [(t, 300_000_000 + t * 1_000_000) for t in range(0, 120, 10)]
    assert memory_summary(short).endswith("curve: 0 s 300 MB, 10 s 310 MB, 20 s 320 MB, 30 s 330 MB, 40 s 340 MB, "
                                          "50 s 350 MB, 60 s 360 MB, 70 s 370 MB, 80 s 380 MB, 90 s 390 MB, "
                                          "100 s 400 MB, 110 s 410 MB")
    hour = [(t, 400_000_000) for t in range(0, 3600, 300)]
    assert "curve: 0 min 400 MB, 5 min 400 MB, 10 min 400 MB" in memory_summary(hour)
    assert memory_summary(hour).startswith("server memory: 400 MB after the first minute, 400 MB at the end")
