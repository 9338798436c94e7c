"""The Spark build equals the DuckDB build on the sample and on 200,000 generated lines, table by table of the
contract: the same rows (as a multiset: neither build promises an order), amounts exact to the penny, counts
exact; and a Spark build killed part-way leaves the warehouse as it was. Runs with `pytest -m spark` (CI does),
needing pyspark (requirements-spark.txt) and Java; the plain run leaves it out."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from loti_demand.sample.scale import ScaleParams, generate_scaled
from loti_demand.warehouse import contract
from tests.conftest import PROJECT, SAMPLE

pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

# Columns that record when a build ran (and where a Spark build's Parquet is), which two builds never share.
BUILD_TIMES = {
    "build_info": ("built_at", "parquet_source"),
    "source_files": ("ingested_at",),
    **dict.fromkeys(("raw_challenges", "raw_ocds_releases", "raw_source_files", "raw_spend"), ("ingested_at",)),
    "ref_build": ("built_at",),
}
# Ratios are DOUBLE in both engines; their last bits depend on the order a sum adds them in.
DOUBLE_PLACES = 9


def differences(duckdb_file: Path, spark_file: Path, table: str) -> tuple[int, int, int, int]:
    """(rows in DuckDB's table, rows in Spark's, DuckDB rows Spark lacks, Spark rows DuckDB lacks), counted with
    multiplicity; DOUBLE columns compared to DOUBLE_PLACES places, build times left out."""
    con = duckdb.connect()
    try:
        con.execute("attach $path as d (read_only)", {"path": str(duckdb_file)})
        con.execute("attach $path as s (read_only)", {"path": str(spark_file)})
        columns = con.execute(
            "select column_name, data_type from information_schema.columns where table_catalog = 'd' "
            "and table_name = $t order by ordinal_position",
            {"t": table},
        ).fetchall()
        select = ", ".join(
            f'round("{c}", {DOUBLE_PLACES}) as "{c}"' if t == "DOUBLE" else f'"{c}"'
            for c, t in columns
            if c not in BUILD_TIMES.get(table, ())
        )

        def count(sql: str) -> int:
            return con.execute(f"select count(*) from ({sql})").fetchone()[0]

        d, s = f"select {select} from d.{table}", f"select {select} from s.{table}"
        return count(d), count(s), count(f"{d} except all {s}"), count(f"{s} except all {d}")
    finally:
        con.close()


# The sample, and a generated folder at scale: 200,000 payment lines in three council layouts, with repeated lines
# (duplicates), totals rows (quarantined) and redacted payees, and 2,000 OCDS releases.
SCALE = ScaleParams(lines=200_000, releases=2_000)


def _build_both(data: Path, folder: Path) -> tuple[Path, Path]:
    pytest.importorskip("pyspark", reason="pip install -r requirements-spark.txt")
    from loti_demand.warehouse.build import build
    from loti_demand.warehouse.spark.build import build as build_on_spark

    build(data, folder / "duckdb.duckdb")
    build_on_spark(data, folder / "spark.duckdb", master="local[2]")  # its Parquet: folder / "spark-parquet"
    return folder / "duckdb.duckdb", folder / "spark.duckdb"


@pytest.fixture(scope="module")
def sample_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _build_both(SAMPLE, tmp_path_factory.mktemp("spark-parity-sample"))


@pytest.fixture(scope="module", params=["sample", "scale-200k"])
def builds(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if request.param == "sample":
        return request.getfixturevalue("sample_builds")
    folder = tmp_path_factory.mktemp(f"spark-parity-{request.param}")
    generate_scaled(folder / "data", SCALE)
    return _build_both(folder / "data", folder)


# Tables the sample leaves empty: no notice of the sample replaces one of its contracts (its notices and contracts are
# drawn independently); the generated data's do, and tests/test_replacements.py runs the model on Spark on its own.
EMPTY_ON_THE_SAMPLE = {"contract_replacements"}


@pytest.mark.parametrize("table", [name for name, _ in contract.tables()])
def test_every_contract_table_equals_the_duckdb_build(
    builds: tuple[Path, Path], table: str, request: pytest.FixtureRequest
) -> None:
    rows, spark_rows, missing, extra = differences(*builds, table)
    on_sample = request.node.callspec.params["builds"] == "sample"
    assert rows > 0 or table == "fetch_log" or (on_sample and table in EMPTY_ON_THE_SAMPLE), (
        f"{table} is empty: the comparison would prove nothing"
    )
    assert (spark_rows, missing, extra) == (rows, 0, 0), (
        f"{table}: DuckDB {rows} rows, Spark {spark_rows}; {missing} of DuckDB's rows not in Spark's, "
        f"{extra} of Spark's not in DuckDB's"
    )


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str, str]]:
    return con.execute(
        "select table_name, table_type, (select list(column_name || ' ' || data_type order by ordinal_position) "
        "from information_schema.columns as c where c.table_catalog = t.table_catalog "
        "and c.table_name = t.table_name) from information_schema.tables as t where table_catalog = $c order by 1",
        {"c": catalog},
    ).fetchall()


@pytest.mark.timeout(1800)  # run alone, it waits for the sample's two builds, then builds again
def test_a_build_to_a_uri_equals_the_build_to_a_folder(sample_builds: tuple[Path, Path], tmp_path: Path) -> None:
    """--parquet file://...: the Hadoop FileSystem path object stores take, and a serving file made from Spark's
    Arrow rather than DuckDB's read_parquet: the same file, table for table (every table and view, its columns and
    types, its rows), with spend partitioned by publisher and month under the build's own prefix."""
    from loti_demand.warehouse.spark.build import build as build_on_spark

    by_path = sample_builds[1]
    location = (tmp_path / "parquet").as_uri()
    build_on_spark(SAMPLE, tmp_path / "uri.duckdb", master="local[2]", parquet_dir=location)
    con = duckdb.connect()
    try:
        con.execute("attach $path as d (read_only)", {"path": str(by_path)})
        con.execute("attach $path as s (read_only)", {"path": str(tmp_path / "uri.duckdb")})
        tables = _tables(con, "d")
        assert len(tables) > 30 and _tables(con, "s") == tables
        (prefix,) = con.execute("select parquet_source from s.build_info").fetchone()
        assert con.execute("select parquet_source from d.build_info").fetchone()[0].startswith(str(by_path.parent))
    finally:
        con.close()
    assert prefix.startswith(location + "/build-")
    spend = tmp_path / "parquet" / prefix.rsplit("/", 1)[-1] / "spend"
    assert len(list(spend.glob("publisher_code=*/*.parquet"))) > 30
    for table, kind, _ in tables:
        if kind == "BASE TABLE":
            rows, uri_rows, missing, extra = differences(by_path, tmp_path / "uri.duckdb", table)
            assert (uri_rows, missing, extra) == (rows, 0, 0), f"{table}: {rows} rows by path, {uri_rows} by URI"


@pytest.mark.timeout(1200)  # run alone, it waits for the sample's two builds
@pytest.mark.parametrize("after", ["model spend", "serving file from the Parquet"])
def test_a_killed_spark_build_leaves_the_warehouse_as_it_was(sample_builds: tuple[Path, Path], after: str) -> None:
    """SIGKILL (the driver and Spark's JVM) while Spark runs the models, and while the serving file is made: the
    previous warehouse (a Spark build's) is byte-identical and passes its checks, the Parquet it was made from is
    still there, whole, and the killed build's prefix is left for the next successful build to remove."""
    from loti_demand.warehouse.build import run_checks
    from loti_demand.warehouse.db import connect

    warehouse = sample_builds[1]
    parquet = warehouse.with_name("spark-parquet")
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    prefixes = {p.name for p in parquet.iterdir()}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "loti_demand",
            "build",
            "--engine",
            "spark",
            "--data",
            str(SAMPLE),
            "-w",
            str(warehouse),
        ],
        cwd=PROJECT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the kill reaches Spark's JVM too
    )
    try:
        for line in proc.stderr:
            if line.strip().startswith(after):
                break
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=120)
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL, "the build finished before the kill"
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before
    con = connect(warehouse, read_only=True)
    try:
        assert run_checks(con) == []
        source, lines = con.execute("select parquet_source, (select count(*) from spend) from build_info").fetchone()
    finally:
        con.close()
    spend = (Path(source) / "spend" / "**" / "*.parquet").as_posix()
    with duckdb.connect() as con:  # the Parquet the warehouse was made from is whole
        assert con.execute(
            "select count(*) from read_parquet($f, hive_partitioning = true)", {"f": spend}
        ).fetchone() == (lines,)
    left = {p.name for p in parquet.iterdir()} - prefixes
    assert len(left) == 1 and left.pop().startswith("build-"), "killed: its prefix is left"
    for name in {p.name for p in parquet.iterdir()} - prefixes:  # as the next successful build does
        shutil.rmtree(parquet / name)
