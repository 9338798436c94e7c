"""The Spark build's staging: the data folder's files are read in Spark tasks (spark/staging.py), a Parquet part per
task, with the DuckDB build's file ids, rejections and errors. Runs with `pytest -m spark`."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from loti_demand.exceptions import InputFileError
from loti_demand.warehouse import contract
from loti_demand.warehouse.spark.storage import PARQUET_MARKER
from tests.conftest import SAMPLE
from tests.test_spark_parity import differences

pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

BARNET = sorted((SAMPLE / "spend" / "barnet").glob("*.csv"))[:3]
BAD = "spend/barnet/" + BARNET[1].name


def data_folder(root: Path) -> Path:
    """Three Barnet files, the middle one not a spend file; Lambeth's two archives (an id per member, so the files
    after them are renumbered) and a CSV; an OCDS file and the challenges; a folder named after no publisher."""
    data = root / "data"
    (data / "spend" / "barnet").mkdir(parents=True)
    for path in BARNET:
        shutil.copy(path, data / "spend" / "barnet" / path.name)
    (data / BAD).write_bytes(b"\x00\x01\x02\x03 not a spend file \xff\xfe" * 200)
    shutil.copytree(SAMPLE / "spend" / "lambeth", data / "spend" / "lambeth")
    (data / "spend" / "nowhere-council").mkdir()
    shutil.copy(BARNET[0], data / "spend" / "nowhere-council" / "spend.csv")
    (data / "procurement").mkdir()
    shutil.copy(SAMPLE / "procurement" / "fts-2025.json", data / "procurement")
    shutil.copytree(SAMPLE / "challenges", data / "challenges")
    return data


def test_the_readers_run_as_spark_tasks_with_the_duckdb_builds_ids_and_rejections(tmp_path: Path) -> None:
    """With --skip-bad-files: every input file is read in a Spark task (a Python process other than the driver's)
    and its rows written as its own Parquet part; every contract table equals the DuckDB build's, file ids,
    the rejected file and the rejected folder included."""
    pytest.importorskip("pyspark", reason="pip install -r requirements-spark.txt")
    from loti_demand.warehouse.build import build
    from loti_demand.warehouse.spark.build import build as build_on_spark

    data = data_folder(tmp_path)
    build(data, tmp_path / "duckdb.duckdb", skip_bad_files=True)
    messages: list[str] = []
    report = build_on_spark(
        data, tmp_path / "spark.duckdb", master="local[2]", skip_bad_files=True, progress=messages.append
    )

    inputs = sorted(str(p.relative_to(data)) for p in data.rglob("*") if p.is_file() and "nowhere" not in str(p))
    read = dict(re.findall(r"^read (\S+) in Spark task \d+, process (\d+)$", "\n".join(messages), re.MULTILINE))
    assert sorted(read) == inputs, "each input file is read once, in a Spark task"
    assert str(os.getpid()) not in read.values(), "by the executors' Python, not the driver"
    (parts,) = (tmp_path / "spark-parquet").glob("build-*")  # the build's own prefix (spark.storage)
    names = sorted(p.name for p in (parts / "raw_spend").glob("*.parquet"))
    assert names[0] == "part-0.parquet"  # the driver's: the rejected folder's rows (none) and the table's columns
    tasks = names[1:]  # a part per task that read spend rows, not per file
    assert tasks and all(re.fullmatch(r"task-\d+\.parquet", n) for n in tasks) and len(tasks) < len(inputs), names
    assert not list(parts.rglob(".*.tmp")), "every part was renamed into place"
    statuses = {(f.path, f.status) for f in report.files}
    assert (BAD, "rejected") in statuses and ("spend/nowhere-council", "rejected") in statuses
    for table, _ in contract.tables():
        rows, spark_rows, missing, extra = differences(tmp_path / "duckdb.duckdb", tmp_path / "spark.duckdb", table)
        assert (spark_rows, missing, extra) == (rows, 0, 0), f"{table}: DuckDB {rows} rows, Spark {spark_rows}"


def test_a_bad_file_in_the_middle_stops_the_build_with_the_duckdb_builds_error(tmp_path: Path) -> None:
    """Without --skip-bad-files, a file no reader can read, read in a Spark task, stops the build with the error the
    DuckDB build gives, naming the file (no Spark stack trace), and nothing is written."""
    pytest.importorskip("pyspark", reason="pip install -r requirements-spark.txt")
    from loti_demand.warehouse.build import build
    from loti_demand.warehouse.spark.build import build as build_on_spark

    data = data_folder(tmp_path)
    shutil.rmtree(data / "spend" / "nowhere-council")  # a folder named after no publisher stops the build first
    with pytest.raises(InputFileError) as duckdb_error:
        build(data, tmp_path / "duckdb.duckdb")
    with pytest.raises(InputFileError) as spark_error:
        build_on_spark(data, tmp_path / "spark.duckdb", master="local[2]")
    assert str(spark_error.value) == str(duckdb_error.value)
    assert str(spark_error.value).startswith(f"{BAD}: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "spark-parquet"], "no warehouse"
    left = [p.name for p in (tmp_path / "spark-parquet").iterdir() if not p.name.startswith(".")]  # Hadoop's .crc
    assert left == [PARQUET_MARKER], "the failed build's prefix is removed"


def test_a_tasks_part_holds_its_files_rows_in_order_and_a_failed_task_leaves_none(tmp_path: Path) -> None:
    """A task appends each file's rows to its part, in row groups once enough are held, and says where each file's
    rows are (the renumbering reads that); the part appears only when the task is done, and not after a failure."""
    from loti_demand.warehouse.spark.staging import PART_ROWS, _TaskPart

    schemas = {"raw_spend": pa.schema([("file_id", pa.int32()), ("source_row", pa.int32())])}
    files = [(1, 3), (2, PART_ROWS), (3, 2)]  # (file id, rows): the second makes the part write a row group
    with _TaskPart(schemas, tmp_path, 7) as part:
        places = [
            part.add("raw_spend", pa.table({"file_id": pa.array([i] * n, pa.int32()), "source_row": range(n)}))
            for i, n in files
        ]
        assert [p.name for p in (tmp_path / "raw_spend").iterdir()] == [f".task-7.parquet.{os.getpid()}.tmp"]
    assert places == [[0, 3], [3, PART_ROWS], [PART_ROWS + 3, 2]]
    written = pq.read_table(tmp_path / "raw_spend" / "task-7.parquet")
    assert written.schema == schemas["raw_spend"]
    assert written["file_id"].to_pylist() == [i for i, n in files for _ in range(n)]
    assert [p.name for p in (tmp_path / "raw_spend").iterdir()] == ["task-7.parquet"]

    with pytest.raises(RuntimeError), _TaskPart(schemas, tmp_path, 8) as part:
        part.add(
            "raw_spend", pa.table({"file_id": pa.array([4] * PART_ROWS, pa.int32()), "source_row": range(PART_ROWS)})
        )
        raise RuntimeError("the task's process failed")
    assert [p.name for p in (tmp_path / "raw_spend").iterdir()] == ["task-7.parquet"]
