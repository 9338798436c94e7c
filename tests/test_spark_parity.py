"""The Spark build equals the DuckDB build on the sample and on 200,000 generated lines, table by table of the
contract: the same rows (as a multiset: neither build promises an order), amounts exact to the penny, counts
exact; and a Spark build killed part-way leaves the warehouse as it was. Runs with `pytest -m spark` (CI does),
needing pyspark (requirements-spark.txt) and Java; the plain run leaves it out."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from loti_demand.sample.scale import ScaleParams, generate_scaled
from loti_demand.warehouse import contract
from loti_demand.warehouse.build import remove_stale_builds
from tests.conftest import PROJECT, SAMPLE

pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

# Columns that record when a build ran, which two builds never share.
BUILD_TIMES = {"build_info": ("built_at",), "source_files": ("ingested_at",)}
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


@pytest.fixture(scope="module", params=["sample", "scale-200k"])
def builds(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    pytest.importorskip("pyspark", reason="pip install -r requirements-spark.txt")
    from loti_demand.warehouse.build import build
    from loti_demand.warehouse.spark.build import build as build_on_spark

    folder = tmp_path_factory.mktemp(f"spark-parity-{request.param}")
    data = SAMPLE if request.param == "sample" else folder / "data"
    if request.param != "sample":
        generate_scaled(data, SCALE)
    build(data, folder / "duckdb.duckdb")
    build_on_spark(data, folder / "spark.duckdb", master="local[2]")
    return folder / "duckdb.duckdb", folder / "spark.duckdb"


@pytest.mark.parametrize("table", [name for name, _ in contract.tables()])
def test_every_contract_table_equals_the_duckdb_build(builds: tuple[Path, Path], table: str) -> None:
    rows, spark_rows, missing, extra = differences(*builds, table)
    assert rows > 0 or table == "fetch_log", f"{table} is empty: the comparison would prove nothing"
    assert (spark_rows, missing, extra) == (rows, 0, 0), (
        f"{table}: DuckDB {rows} rows, Spark {spark_rows}; {missing} of DuckDB's rows not in Spark's, "
        f"{extra} of Spark's not in DuckDB's"
    )


@pytest.mark.parametrize("after", ["model spend", "serving file from the Parquet"])
def test_a_killed_spark_build_leaves_the_warehouse_as_it_was(tmp_path: Path, after: str) -> None:
    """SIGKILL (the driver and Spark's JVM) while Spark runs the models, and while the serving file is made: the
    previous warehouse is byte-identical and passes its checks, no Parquet folder appears, and the next build
    clears what the killed one left."""
    pytest.importorskip("pyspark", reason="pip install -r requirements-spark.txt")
    from loti_demand.warehouse.build import build, run_checks
    from loti_demand.warehouse.db import connect

    warehouse = tmp_path / "warehouse.duckdb"
    build(SAMPLE, warehouse)
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
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
    finally:
        con.close()
    assert not (tmp_path / "warehouse-parquet").exists()
    assert any(".warehouse-parquet.building-" in p.name for p in tmp_path.iterdir()), "killed: its folder is left"
    for target in (warehouse, tmp_path / "warehouse-parquet"):  # as the next Spark build does first
        remove_stale_builds(target)
    assert [p.name for p in tmp_path.iterdir() if ".building-" in p.name] == []
