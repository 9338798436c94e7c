"""The Spark build's Parquet location (warehouse/spark/storage.py), on a local folder and on a file:// URI (Hadoop's
FileSystem, as for s3a:// or abfss://): the partitioned spend table comes back with the same rows, types and column
order, NULL partition values included, to Spark and to DuckDB; each build writes under its own prefix and removes
the others only once it succeeded; a location no Spark build wrote is never written to or removed from.
Runs with `pytest -m spark`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from loti_demand.exceptions import LotiDemandError

pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

# Partition columns in the middle, as in spend; NULL in each partition column, and both in one row.
SCHEMA = "amount_gbp decimal(18,2), publisher_code string, source_row int, payment_month date, note string"
ROWS = [
    (Decimal("12.50"), "E09000007", 1, dt.date(2025, 4, 1), "a"),
    (Decimal("-3.00"), "E09000007", 2, dt.date(2025, 5, 1), None),
    (Decimal("7.25"), "GLA", 3, dt.date(2025, 4, 1), "b"),
    (Decimal("1.00"), None, 4, dt.date(2025, 4, 1), "c"),
    (Decimal("2.00"), "GLA", 5, None, "d"),
    (None, None, 6, None, "e"),
]


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="pip install -r requirements-spark.txt")
    from loti_demand.warehouse.spark.build import session

    spark = session("local[1]")
    yield spark
    spark.stop()


def _location(tmp_path: Path, kind: str) -> str:
    folder = tmp_path / "parquet"
    return str(folder) if kind == "path" else folder.as_uri()


def _names(folder: Path) -> list[str]:
    """What a folder holds, leaving out the checksum files (.name.crc) Hadoop's local file system writes."""
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".crc"))


def _key(row: tuple) -> tuple:
    return tuple((value is None, str(value)) for value in row)


@pytest.mark.parametrize("kind", ["path", "uri"])
def test_partitioned_spend_comes_back_as_written_to_spark_and_duckdb(spark, tmp_path: Path, kind: str) -> None:
    from loti_demand.warehouse.spark.storage import Store

    store = Store(spark, _location(tmp_path, kind))
    store.claim()
    written = spark.createDataFrame(ROWS, SCHEMA)
    store.write(written, "spend")
    spend = tmp_path / "parquet" / store.name / "spend"
    assert sorted(p.name for p in spend.iterdir() if p.is_dir()) == [
        "publisher_code=E09000007",
        "publisher_code=GLA",
        "publisher_code=__HIVE_DEFAULT_PARTITION__",
    ]
    (gla,) = [p for p in (spend / "publisher_code=GLA").iterdir() if p.suffix == ".parquet"]  # one file, by month
    assert [r["payment_month"] for r in pq.read_table(gla).to_pylist()] == [None, dt.date(2025, 4, 1)]  # NULLs first
    back = store.read("spend")
    assert back.schema == written.schema  # names, order and types
    assert sorted(map(tuple, back.collect()), key=_key) == sorted(ROWS, key=_key)

    for how in ("serving file", "driver model"):  # store.load makes a table, store.duckdb_view a view
        con = duckdb.connect()
        if how == "serving file":
            store.load(con, "spend", "table", lambda names: ", ".join(f'"{n}"' for n in names))
        else:
            store.duckdb_view(con, "spend")
        assert [(r[0], r[1]) for r in con.execute("describe spend").fetchall()] == [
            ("amount_gbp", "DECIMAL(18,2)"),
            ("publisher_code", "VARCHAR"),
            ("source_row", "INTEGER"),
            ("payment_month", "DATE"),
            ("note", "VARCHAR"),
        ], how
        assert sorted(con.execute("select * from spend").fetchall(), key=_key) == sorted(ROWS, key=_key), how
        con.close()


@pytest.mark.parametrize("kind", ["path", "uri"])
def test_older_prefixes_are_removed_only_after_the_build_succeeded(spark, tmp_path: Path, kind: str) -> None:
    from loti_demand.warehouse.spark.storage import PARQUET_MARKER, new_prefix

    location = _location(tmp_path, kind)
    root = tmp_path / "parquet"
    with new_prefix(spark, location) as first:
        first.write(spark.createDataFrame(ROWS, SCHEMA), "spend")
    assert _names(root) == sorted([PARQUET_MARKER, first.name])
    killed = root / "build-20250101T000000000000Z-999999999"  # as a killed build leaves it
    (killed / "spend").mkdir(parents=True)
    (killed / "spend" / "part-0.parquet").write_bytes(b"half written")

    with pytest.raises(RuntimeError), new_prefix(spark, location) as failed:
        failed.write(spark.createDataFrame(ROWS, SCHEMA), "spend")
        raise RuntimeError("a model failed")
    assert _names(root) == sorted([PARQUET_MARKER, first.name, killed.name])

    with new_prefix(spark, location) as second:
        second.write(spark.createDataFrame(ROWS, SCHEMA), "spend")
        # the serving file is swapped here: until then the Parquet it was made from is kept
        assert (root / first.name / "spend").is_dir() and killed.is_dir()
    assert _names(root) == sorted([PARQUET_MARKER, second.name])
    assert second.read("spend").count() == len(ROWS)


@pytest.mark.parametrize("kind", ["path", "uri"])
def test_a_location_no_spark_build_wrote_is_never_written_to(spark, tmp_path: Path, kind: str) -> None:
    """`--parquet data` must not touch the data folder: only an empty location, or one with the marker, is used."""
    from loti_demand.warehouse.spark.storage import PARQUET_MARKER, new_prefix

    data = tmp_path / "parquet"
    (data / "spend").mkdir(parents=True)
    (data / "spend" / "payments.csv").write_text("Date,Supplier,Amount\n")
    with (
        pytest.raises(LotiDemandError, match="was not written by a Spark build"),
        new_prefix(spark, _location(tmp_path, kind)),
    ):
        pass
    assert _names(data) == ["spend"]
    assert (data / "spend" / "payments.csv").read_text() == "Date,Supplier,Amount\n"

    (data / "spend" / "payments.csv").unlink()
    (data / "spend").rmdir()  # an empty folder is taken, and marked
    with new_prefix(spark, _location(tmp_path, kind)) as store:
        pass
    assert _names(data) == sorted([PARQUET_MARKER, store.name])
