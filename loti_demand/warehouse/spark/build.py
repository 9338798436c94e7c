"""Build the warehouse's models on Apache Spark (`build --engine spark`), from the same model files as DuckDB.

1. Staging: the data folder's files read in Spark tasks by the DuckDB build's readers, a Parquet part per file
   (staging.py); the reference CSVs, the fetch logs and build_info written by the driver.
2. Models, in order.models() order, each table written as Parquet: a SQL model runs in Spark as Spark SQL
   (transpile.to_spark); a Python model whose module has create_rows(rows, ref) runs as Spark tasks over Arrow
   batches of the rows of the SQL beside it (mapInArrow); any other Python model runs, in this phase, in the
   driver: its own create(con, ref) over a DuckDB connection whose tables are views of the Parquet written so far
   (the library functions it calls, and the SQL beside it, run there).
3. Serving: a DuckDB file made from the Parquet (every table the DuckDB build keeps, in the types the contract
   documents), with the macros and staging views, checked by checks/*.sql, and moved over the warehouse only when
   all of that passed (build.new_version). The Parquet folder is replaced the same way, after the serving file.

pyspark is imported here only; nothing the dashboard imports imports this module.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from loti_demand import config
from loti_demand.exceptions import BuildCheckError, LotiDemandError
from loti_demand.reference import Reference
from loti_demand.sources import fetch_log
from loti_demand.warehouse import contract
from loti_demand.warehouse.build import (
    SAMPLE_MARKER,
    BuildReport,
    Progress,
    file_summaries,
    load_reference,
    new_version,
    record_build,
    remove_stale_builds,
    verify,
)
from loti_demand.warehouse.db import MODELS_DIR, run_sql_file
from loti_demand.warehouse.ingest import FileResult, reject_file
from loti_demand.warehouse.order import RAW_FILE, Macros, Py, Sql, models, sources
from loti_demand.warehouse.raw_writer import RawWriter
from loti_demand.warehouse.spark import staging
from loti_demand.warehouse.spark.transpile import to_spark

DEFAULT_MASTER = "local[2]"
PARQUET_MARKER = "LOTI_DEMAND_PARQUET.txt"  # in every Parquet folder a Spark build writes


class SparkUnavailableError(LotiDemandError):
    """Java or pyspark is missing, so a Spark build cannot start."""


def check_java() -> str:
    """The `java -version` line of the Java Spark will use; SparkUnavailableError when there is none."""
    java = Path(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else shutil.which("java")
    try:
        found = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=60, check=True)
    except (TypeError, OSError, subprocess.SubprocessError) as exc:
        raise SparkUnavailableError(
            "build --engine spark needs Java 17 or later: none was found (install a JDK, e.g. `apt-get install "
            "openjdk-17-jre-headless`, or set JAVA_HOME), or build with the default engine, DuckDB"
        ) from exc
    line = next(iter((found.stderr or found.stdout).splitlines()), "")
    if not line:
        raise SparkUnavailableError(f"{java} -version said nothing: set JAVA_HOME to a Java 17 (or later) install")
    version = re.search(r'version "(?:1\.)?(\d+)', line)
    if version and int(version.group(1)) < 17:
        raise SparkUnavailableError(
            f"build --engine spark needs Java 17 or later (Spark 4); {java} is {line.strip()!r}: install a newer JDK "
            "and set JAVA_HOME to it"
        )
    return line


def session(master: str | None = None):
    """A Spark session on `master` (local[N], spark://host:port, k8s://...; None: spark-submit's --master when run
    under spark-submit, else DEFAULT_MASTER), set to read and write what DuckDB does: UTC, timestamps without time
    zone."""
    check_java()
    # pyspark 4.3 warns, more than once, that pandas 3 is not fully supported: the build gives it no pandas.
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailableError(
            "build --engine spark needs pyspark: install it with `pip install -r requirements-spark.txt` "
            "(it is not part of the default install)"
        ) from exc
    builder = SparkSession.builder
    if master or "PYSPARK_GATEWAY_PORT" not in os.environ:  # spark-submit starts the gateway with its own master
        builder = builder.master(master or DEFAULT_MASTER)
    if (master or DEFAULT_MASTER).startswith("local"):  # the tasks of Python models run this package's Python
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # (a cluster's executors have their own)
    spark = (
        builder.appName("loti-demand build")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.timestampType", "TIMESTAMP_NTZ")
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .config("spark.sql.shuffle.partitions", str(config.get("spark_partitions")))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.ansi.enabled", "true")
    )
    try:
        spark = spark.getOrCreate()
    except Exception as exc:  # pyspark raises its own errors, and Py4J's, for a master it cannot reach or parse
        raise SparkUnavailableError(
            f"Spark did not start with master {master or DEFAULT_MASTER!r}: check --spark-master "
            f"(local[N], spark://HOST:PORT or k8s://...) ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})"
        ) from exc
    # A failing model is reported by the build, once, not also by Spark's logs.
    spark.sparkContext.setLogLevel("OFF")
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    return spark


def _parquet(folder: Path, table: str) -> str:
    return str(folder / table)


def _files(folder: Path, table: str, name: str = "*.parquet") -> str:
    """A table's Parquet files (or one of them), as a SQL string literal: a view's body takes no bound parameters,
    so the path (a folder the operator chose) is quoted here, its quotes doubled, and every statement naming the
    files uses it. Table names come from the model files."""
    return "'" + (folder / table / name).as_posix().replace("'", "''") + "'"


def _duckdb_view(con: duckdb.DuckDBPyConnection, folder: Path, table: str) -> None:
    con.execute(f"create or replace view {table} as select * from read_parquet({_files(folder, table)})")


def _write_from_duckdb(con: duckdb.DuckDBPyConnection, folder: Path, table: str, name: str = "part-0.parquet") -> None:
    """Write a DuckDB table as Parquet (JSON as text: Spark reads it as a string, as the models use it)."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns where table_name = $t order by ordinal_position",
        {"t": table},
    ).fetchall()
    select = ", ".join(f'cast("{c}" as varchar) as "{c}"' if t == "JSON" else f'"{c}"' for c, t in columns)
    (folder / table).mkdir(parents=True, exist_ok=True)
    con.execute(f"copy (select {select} from {table}) to {_files(folder, table, name)} (format parquet)")


def stage(
    spark, data_dir: Path, ref: Reference, folder: Path, scratch: Path, *, skip_bad_files: bool, progress
) -> list[FileResult]:
    """Write the raw and reference tables as Parquet: the data folder's files read in Spark tasks by the DuckDB
    build's readers, a Parquet part per file (staging.py); the rest (the reference CSVs, the fetch logs, spend
    folders not named after a publisher, build_info) in the driver, through a scratch DuckDB file, as part-0."""
    rejected, files, stopped = staging.list_inputs(data_dir, ref, skip_bad_files=skip_bad_files)
    con = duckdb.connect(str(scratch))
    try:
        run_sql_file(con, MODELS_DIR / RAW_FILE)
        load_reference(con, ref)
        fetch_log.load(con, data_dir)
        writer = RawWriter(con)
        results = [reject_file(writer, "spend", name, error, what="folder") for name, error in rejected]
        writer.flush()
        record_build(con, is_sample=(data_dir / SAMPLE_MARKER).is_file())
        if progress:
            progress(f"reading {len(files)} files in Spark tasks")
        read = staging.read_in_tasks(
            spark, files, writer.next_file_id, ref, folder, writer.now, skip_bad_files=skip_bad_files, progress=progress
        )
        if stopped:
            raise stopped
        for table in sorted(sources()):
            _write_from_duckdb(con, folder, table)
    finally:
        con.close()
    return results + read


def run_models(spark, ref: Reference, folder: Path, progress: Progress | None = None) -> None:
    """Run every model in build order, each table written as Parquet under `folder`."""
    for table in sorted(sources()):
        spark.read.parquet(_parquet(folder, table)).createOrReplaceTempView(table)
    made: list[str] = []
    for model in models():
        if isinstance(model, Macros):
            continue  # expanded where the models call them (spark.macros.expand_macros)
        module = model.module if isinstance(model, Py) else None
        in_spark = module is None or hasattr(module, "create_rows")
        if progress:
            progress(f"model {model.name} ({'Spark' if in_spark else 'driver'})")
        if module is None:
            _write(model, lambda model=model: spark.sql(to_spark(model.queries()[0], f"models/{model.path}")), folder)
        elif in_spark:
            _write(model, lambda model=model, module=module: _in_tasks(spark, model, module, ref), folder)
        else:
            _run_in_driver(model, ref, folder, [*sorted(sources()), *made])
        for table in model.makes:
            spark.read.parquet(_parquet(folder, table)).createOrReplaceTempView(table)
            made.append(table)


def _write(model: Sql | Py, frame, folder: Path) -> None:
    """Write the Spark DataFrame that frame() gives as the model's Parquet; a failure names the model."""
    try:
        frame().write.mode("overwrite").parquet(_parquet(folder, model.name))
    except Exception as exc:  # pyspark's errors share no base class with a useful message
        first = next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        raise BuildCheckError(f"model {model.name} failed in Spark: {first}") from exc


def _in_tasks(spark, model: Py, module, ref: Reference):
    """A Python model whose module has create_rows(rows, ref) (its rows for any subset of the SQL beside's rows):
    the SQL beside runs in Spark, and create_rows in the executors once per partition, over its Arrow batches
    (mapInArrow): the same library functions on the same rows as the DuckDB build's create. Once per partition,
    not per batch: create_rows sets up its classifier and corrections each time it is called."""
    from pyspark.sql.pandas.types import from_arrow_schema

    create_rows, schema = module.create_rows, module.SCHEMA

    def per_partition(batches):
        rows = (row for batch in batches for row in zip(*(c.to_pylist() for c in batch.columns), strict=True))
        yield from pa.Table.from_pylist(create_rows(rows, ref), schema=schema).to_batches()

    query = to_spark(model.queries()[0], f"models/{model.path.removesuffix('.py')}.sql")
    return spark.sql(query).mapInArrow(per_partition, from_arrow_schema(schema))


def _run_in_driver(model: Py, ref: Reference, folder: Path, tables: list[str]) -> None:
    """A Python model's create(con, ref), on a DuckDB connection reading the Parquet written so far."""
    con = duckdb.connect()
    try:
        for table in tables:
            _duckdb_view(con, folder, table)
        model.run(con, ref)
        for table in model.makes:
            _write_from_duckdb(con, folder, table)
    except duckdb.Error as exc:
        raise BuildCheckError(f"model {model.name} failed: {exc}") from exc
    finally:
        con.close()


def _documented_types() -> dict[str, dict[str, str]]:
    return {table: {c["column"]: c["type"] for c in contract.columns(table)} for table, _ in contract.tables()}


def serve(con: duckdb.DuckDBPyConnection, folder: Path, ref: Reference) -> None:
    """Make the serving file from the Parquet as the DuckDB build leaves its file: the raw and reference tables and
    every model's table, each column in the type the contract documents (Spark sums DECIMAL(18, 2) as
    DECIMAL(28, 2) where DuckDB gives DECIMAL(38, 2), say); an intermediate SQL model's as a temp table (the build's
    counts read them; the file never keeps them); then the staging views and the macros, from their model files."""
    documented = _documented_types()
    tables = [(t, "table") for t in sorted(sources())]
    for model in models():
        if isinstance(model, Py):
            tables += [(t, "table") for t in model.makes]
        elif isinstance(model, Sql) and model.materialisation != "view":
            tables.append((model.name, model.materialisation))
    for table, materialisation in tables:
        files = _files(folder, table)
        names = [r[0] for r in con.execute(f"describe select * from read_parquet({files})").fetchall()]
        types = documented.get(table, {})
        select = ", ".join(f'cast("{n}" as {types[n]}) as "{n}"' if n in types else f'"{n}"' for n in names)
        con.execute(f"create {materialisation} {table} as select {select} from read_parquet({files})")
    for model in models():
        if isinstance(model, Macros) or (isinstance(model, Sql) and model.materialisation == "view"):
            model.run(con, ref)


def build(
    data_dir: Path,
    warehouse: Path,
    *,
    master: str | None = None,
    parquet_dir: Path | None = None,
    strict: bool = False,
    skip_bad_files: bool = False,
    progress: Progress | None = None,
    reference: Reference | None = None,
) -> BuildReport:
    """Build the warehouse on Spark: Parquet for every table, then the DuckDB serving file, swapped in atomically
    (a failed or killed build leaves both the serving file and the Parquet folder as they were)."""
    data_dir, warehouse = Path(data_dir), Path(warehouse)
    if not data_dir.is_dir():
        raise LotiDemandError(f"{data_dir}: no such data folder (expected spend/, procurement/, challenges/)")
    ref = reference or Reference()
    models()  # models that cannot be put in order fail before any file is read
    for model in models():  # and models that cannot be written as Spark SQL, before Spark starts
        for query in [] if isinstance(model, Macros) else model.queries():
            to_spark(query, f"models/{model.path}")
    parquet_dir = Path(parquet_dir) if parquet_dir else warehouse.with_name(f"{warehouse.stem}-parquet")
    spark = session(master)
    report = BuildReport(warehouse)
    try:
        with _new_folder(parquet_dir) as folder, tempfile.TemporaryDirectory(prefix="loti-spark-") as scratch:
            report.files = stage(
                spark,
                data_dir,
                ref,
                folder,
                Path(scratch) / "raw.duckdb",
                skip_bad_files=skip_bad_files,
                progress=progress,
            )
            run_models(spark, ref, folder, progress)
            with new_version(warehouse, start_from_existing=False) as con:
                if progress:
                    progress("serving file from the Parquet")
                serve(con, folder, ref)
                report.counts = verify(con, strict=strict)
                report.spend_files = file_summaries(con, report.files)
    finally:
        spark.stop()
    return report


@contextlib.contextmanager
def _new_folder(target: Path) -> Iterator[Path]:
    """A fresh folder beside `target`, moved over it only if the block succeeds (the old folder is moved aside,
    then the new one into its place: two renames, not one, as a folder cannot replace a full one). Folders left by
    killed builds, either one, are removed first."""
    if target.exists() and not (target / PARQUET_MARKER).is_file():
        raise LotiDemandError(
            f"{target} exists and was not written by a Spark build (it has no {PARQUET_MARKER}), so the build will "
            "not replace it: give --parquet a new folder, or the folder an earlier Spark build wrote"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_builds(target)
    building = target.with_name(f".{target.name}.building-{os.getpid()}")
    building.mkdir()
    (building / PARQUET_MARKER).write_text(
        "Written by `loti-demand build --engine spark`; the next Spark build replaces this whole folder.\n",
        encoding="utf-8",
    )
    try:
        yield building
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    old = target.with_name(f".{target.name}.building-old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    building.rename(target)
    shutil.rmtree(old, ignore_errors=True)
