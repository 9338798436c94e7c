"""Broken and fuzzed inputs for every reader: refused with a message naming the file (and line), never a crash;
what was readable is accounted for (every line loaded, duplicate or quarantined: `check` passes).

Hand-made cases live in tests/reliability_inputs.py; hypothesis mutates valid files and generates odd values.
The CLI-level versions (real subprocesses) are in test_reliability_cli.py.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loti_demand.exceptions import InputFileError, LotiDemandError
from loti_demand.reference import Reference
from loti_demand.sources import READERS
from loti_demand.sources import limits as limits_module
from loti_demand.warehouse.build import add_files, run_checks
from loti_demand.warehouse.db import MODELS_DIR, connect, run_sql_file
from loti_demand.warehouse.ingest import ingest_file
from loti_demand.warehouse.raw_writer import RawWriter
from tests.reliability_inputs import CASES, FIXTURES, SPEND_HEADER, Case

CAMDEN = "E09000007"
BOROUGH = {"spend": CAMDEN}
SEEDS = {
    "spend": (FIXTURES / "spend" / "camden" / "council_spend_preamble.csv").read_bytes(),
    "procurement": (FIXTURES / "procurement" / "ocds_release-package_camden.json").read_bytes(),
    "challenges": (FIXTURES / "challenges" / "challenges_mixed.csv").read_bytes(),
}
SUFFIX = {"spend": ".csv", "procurement": ".json", "challenges": ".csv"}
FUZZ_SETTINGS = settings(
    max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def assert_names_the_file(exc: LotiDemandError, name: str, line: int | None = None) -> None:
    message = str(exc)
    assert name in message, f"the message does not name the file: {message}"
    if line is not None:
        assert re.search(rf"\bline {line}\b", message), f"the message does not name line {line}: {message}"
    assert "Traceback" not in message and len(message) < 3000


def _accounting(warehouse: Path) -> list[tuple]:
    con = connect(warehouse, read_only=True)
    try:
        assert run_checks(con) == []
        return con.execute(
            "select path, status, lines_read, rows_loaded, rows_duplicate, rows_quarantined from source_files"
        ).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_input_is_refused_by_name_or_fully_accounted(case: Case, tmp_path: Path) -> None:
    path = tmp_path / case.name
    case.make(path)
    warehouse = tmp_path / "w.duckdb"
    try:
        add_files(warehouse, case.kind, [path], publisher=BOROUGH.get(case.kind))
    except LotiDemandError as exc:
        assert isinstance(exc, InputFileError), f"{type(exc).__name__}: {exc}"
        assert_names_the_file(exc, case.name, case.line)
        assert not warehouse.exists(), "a refused file leaves no warehouse behind"
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "no temporary file left"
        return
    assert case.expected == "either", f"{case.id} should have been refused"
    rows = _accounting(warehouse)
    assert [r[1] for r in rows] and all(r[1] == "loaded" for r in rows)


REFUSED = [c for c in CASES if c.expected == "error"]
# Each of these builds a warehouse around the refused file: the plain run takes the first case of each kind, the
# slow run (CI) every case.
FIRST_OF_KIND = {next(c for c in REFUSED if c.kind == kind).id for kind in {c.kind for c in REFUSED}}


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c.id, marks=() if c.id in FIRST_OF_KIND else pytest.mark.slow) for c in REFUSED]
)
def test_skip_bad_files_records_a_refused_file_and_the_rest_still_balances(
    case: Case, tmp_path: Path, data_dir: Path
) -> None:
    path = tmp_path / case.name
    case.make(path)
    warehouse = tmp_path / "w.duckdb"
    report = add_files(warehouse, case.kind, [path], publisher=BOROUGH.get(case.kind), skip_bad_files=True)
    assert [f.status for f in report.files] == ["rejected"]
    con = connect(warehouse, read_only=True)
    try:
        assert run_checks(con) == []
        assert con.execute("select status, lines_read from source_files").fetchall() == [("rejected", 0)]
        problems = con.execute("select problem from load_issues where source_file = $f", {"f": str(path)}).fetchall()
        assert len(problems) == 1 and problems[0][0].startswith("file rejected")
        rows = con.execute(
            "select (select count(*) from spend) + (select count(*) from notices) + (select count(*) from challenges)"
        ).fetchall()
        assert rows == [(0,)], "no line of a refused file is loaded, even one read before the problem"
    finally:
        con.close()


def test_line_limit_streams_and_reports_the_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(limits_module, "CHUNK_BYTES", 7)  # lines cross many chunk boundaries
    path = tmp_path / "a.csv"
    path.write_bytes(b"a,b\r\n" + b"x" * 30 + b"\r\n" + b"y" * 31 + b"\n" + b"z\n")
    limits_module.check_line_lengths(path, "a.csv", 31, "a CSV file")
    with pytest.raises(InputFileError, match=r"a\.csv: line 3 is longer than"):
        limits_module.check_line_lengths(path, "a.csv", 30, "a CSV file")
    path.write_bytes(b"a\rbb\rccc\r")  # old Mac line ends count as line ends
    limits_module.check_line_lengths(path, "a.csv", 3, "a CSV file")


def test_a_spend_file_over_the_line_limit_is_refused_only_for_a_line_over_it(tmp_path: Path, monkeypatch) -> None:
    """Only a file longer than the line limit is scanned for long lines (a shorter one cannot hold one): a file of
    short lines over the limit is read, and a long line is named whichever the file's size."""
    monkeypatch.setattr(limits_module, "MAX_LINE_BYTES", 120)
    path = tmp_path / "s.csv"
    header = "Body,Department,Supplier Name,Payment Date,Transaction Number,Amount"
    lines = [header, *[f"Camden,IT,Supplier {i},01/04/2025,T{i},100.00" for i in range(6)]]
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size > 120
    (table,) = READERS["spend"](path, name="s.csv")
    assert sum(batch.num_rows for batch in table.batches()) == 6
    path.write_text("\n".join([*lines, "Camden,IT," + "x" * 120 + ",01/04/2025,T9,1.00"]) + "\n")
    with pytest.raises(InputFileError, match=r"s\.csv: line 8 is longer than"):
        READERS["spend"](path, name="s.csv")


# --- hypothesis: mutated valid files through the reader and the raw loader --------------------------------------

_mutation = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("overwrite"), st.floats(0, 1), st.binary(min_size=1, max_size=64)),
    st.tuples(
        st.just("insert"),
        st.floats(0, 1),
        st.sampled_from(
            [
                b"\x00",
                b'"',
                b"\r",
                b"\n",
                b",,,,,,,",
                b"\xff\xfe",
                b"\xef\xbb\xbf",
                b"{",
                b"]",
                b"[" * 3000,
                b"\\u0000",
                b"\xc3",
                "£é€".encode("cp1252"),
            ]
        ),
    ),
    st.tuples(st.just("duplicate"), st.floats(0, 1), st.floats(0, 1)),
)


def _mutate(data: bytes, mutations: list[tuple]) -> bytes:
    for mutation in mutations:
        at = int(mutation[1] * len(data))
        if mutation[0] == "truncate":
            data = data[:at]
        elif mutation[0] == "insert":
            data = data[:at] + mutation[2] + data[at:]
        elif mutation[0] == "overwrite":
            data = data[:at] + mutation[2] + data[at + len(mutation[2]) :]
        else:
            end = int(mutation[2] * len(data))
            data = data + data[min(at, end) : max(at, end)]
    return data


def _ingest_in_memory(kind: str, path: Path, name: str) -> None:
    con = duckdb.connect()
    try:
        run_sql_file(con, MODELS_DIR / "raw.sql")
        writer = RawWriter(con)
        ingest_file(writer, kind, path, name=name, publisher=Reference().publisher(CAMDEN) if kind == "spend" else None)
        writer.flush()
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(READERS))
@FUZZ_SETTINGS
@given(mutations=st.lists(_mutation, min_size=1, max_size=4))
def test_mutated_files_never_crash_a_reader(kind: str, mutations: list[tuple], tmp_path: Path) -> None:
    path = tmp_path / f"fuzzed{SUFFIX[kind]}"
    path.write_bytes(_mutate(SEEDS[kind], mutations))
    try:
        _ingest_in_memory(kind, path, f"{kind}/fuzzed{SUFFIX[kind]}")
    except InputFileError as exc:
        assert_names_the_file(exc, f"{kind}/fuzzed{SUFFIX[kind]}")


@pytest.mark.slow
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.binary(max_size=4096), kind=st.sampled_from(sorted(READERS)))
def test_random_bytes_never_crash_a_reader(data: bytes, kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"junk{SUFFIX[kind]}"
    path.write_bytes(data)
    try:
        _ingest_in_memory(kind, path, f"{kind}/junk")
    except InputFileError as exc:
        assert_names_the_file(exc, f"{kind}/junk")


# --- hypothesis: odd values through the whole build; accounting must balance ------------------------------------

_cell = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "REDACTED",
            "£1,234.50",
            "(12.00)",
            "-3",
            "1e9",
            "NaN",
            "31/02/2025",
            "2025-04-01",
            '=HYPERLINK("x")',
            "'; DROP TABLE spend; --",
            "<script>alert(1)</script>",
            "Total",
            "Grand total",
            "\u200b",
            "١٢٣",
            "9" * 40,
        ]
    ),
)
_spend_rows = st.lists(st.lists(_cell, min_size=0, max_size=8), max_size=25)
SLOW_SETTINGS = settings(
    max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def _csv(rows: list[list[str]]) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return SPEND_HEADER + buffer.getvalue().encode("utf-8")


@pytest.mark.slow
@SLOW_SETTINGS
@given(rows=_spend_rows)
def test_generated_spend_files_build_and_balance(rows: list[list[str]], tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("spend")
    path = folder / "generated.csv"
    path.write_bytes(_csv(rows))
    warehouse = folder / "w.duckdb"
    try:
        add_files(warehouse, "spend", [path], publisher=CAMDEN)
    except InputFileError as exc:
        assert_names_the_file(exc, "generated.csv")
        return
    [(_, status, lines_read, loaded, duplicate, quarantined)] = _accounting(warehouse)
    assert status == "loaded" and lines_read == loaded + duplicate + quarantined
    shutil.rmtree(folder)


_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12)),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
_ocds_keys = st.sampled_from(
    [
        "ocid",
        "id",
        "date",
        "tag",
        "buyer",
        "parties",
        "tender",
        "awards",
        "contracts",
        "planning",
        "title",
        "value",
        "items",
        "documents",
        "classification",
    ]
)
_release = st.dictionaries(_ocds_keys, _json, max_size=8).map(
    lambda r: {"ocid": "ocds-fuzz-1", "id": "r1", "date": "2025-01-01T00:00:00Z", **r}
)


@pytest.mark.slow
@SLOW_SETTINGS
@given(releases=st.lists(st.one_of(_release, _json), max_size=4))
def test_ocds_of_the_wrong_shape_is_refused_or_balances(releases: list, tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("ocds")
    path = folder / "shapes.json"
    path.write_text(json.dumps({"uri": "x", "releases": releases}), encoding="utf-8")
    try:
        add_files(folder / "w.duckdb", "procurement", [path])
    except InputFileError as exc:
        assert_names_the_file(exc, "shapes.json")
        return
    [(_, status, lines_read, loaded, duplicate, quarantined)] = _accounting(folder / "w.duckdb")
    assert status == "loaded" and lines_read == loaded + duplicate + quarantined
    shutil.rmtree(folder)


_challenge = st.dictionaries(
    st.sampled_from(
        [
            "id",
            "title",
            "statement",
            "boroughs",
            "theme",
            "status",
            "opens_on",
            "closes_on",
            "budget_gbp",
            "url",
            "contact",
            "tech_category",
        ]
    ),
    _json,
    max_size=12,
)


@pytest.mark.slow
@SLOW_SETTINGS
@given(items=st.lists(st.one_of(_challenge, _json), max_size=5))
def test_challenge_json_of_the_wrong_shape_is_refused_or_balances(items: list, tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("challenges")
    path = folder / "shapes.json"
    path.write_text(json.dumps({"challenges": items}), encoding="utf-8")
    try:
        add_files(folder / "w.duckdb", "challenges", [path])
    except InputFileError as exc:
        assert_names_the_file(exc, "shapes.json")
        return
    [(_, status, lines_read, loaded, duplicate, quarantined)] = _accounting(folder / "w.duckdb")
    assert status == "loaded" and lines_read == loaded + duplicate + quarantined
    shutil.rmtree(folder)
