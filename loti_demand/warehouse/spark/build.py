"""Build the warehouse's models on Apache Spark (`build --engine spark`), from the same model files as DuckDB.

1. Staging: the data folder's files read in Spark tasks by the DuckDB build's readers, a Parquet part per task
   (staging.py); the reference CSVs, the fetch logs and build_info written by the driver.
2. Models, in order.models() order, each table written as Parquet: a SQL model runs in Spark as Spark SQL
   (transpile.to_spark); a Python model whose module has create_rows(rows, ref) runs as Spark tasks over Arrow
   batches of the rows of the SQL beside it (mapInArrow), one with GROUP_BY and create_group(rows, ref) as a
   Spark task per group of those rows (groupBy.applyInArrow), and one with create_links and create_component as a
   Spark task per connected set of those rows (_in_components); any other Python model runs in the driver: its own
   create(con, ref) over a DuckDB connection whose tables are views of the Parquet written so far (the library
   functions it calls, and the SQL beside it, run there).
3. Serving: a DuckDB file made from the Parquet (every table the DuckDB build keeps, in the types the contract
   documents), with the macros, checked by checks/*.sql, and moved over the warehouse only when all of that passed
   (build.new_version). The Parquet is written under a new prefix of its own (spark.storage), and the earlier
   prefixes are removed only after the serving file is in place.

pyspark is imported here only; nothing the dashboard imports imports this module.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import duckdb
import pyarrow as pa

from loti_demand import config
from loti_demand.exceptions import BuildCheckError, LotiDemandError
from loti_demand.reference import Reference
from loti_demand.sources import fetch_log
from loti_demand.warehouse import contract
from loti_demand.warehouse.build import (
    BuildReport,
    Progress,
    file_summaries,
    ingest_folder,
    load_reference,
    new_version,
    record_build,
    unmatched_line_corrections,
    verify,
)
from loti_demand.warehouse.db import MODELS_DIR, run_sql_file
from loti_demand.warehouse.ingest import FileResult
from loti_demand.warehouse.inputs import SAMPLE_MARKER
from loti_demand.warehouse.order import RAW_FILE, Macros, Py, Sql, models, reads, sources
from loti_demand.warehouse.reference_checks import check_reference
from loti_demand.warehouse.spark import staging
from loti_demand.warehouse.spark.components import connected_components
from loti_demand.warehouse.spark.storage import Store, new_prefix
from loti_demand.warehouse.spark.transpile import to_spark

DEFAULT_MASTER = "local[2]"


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


def stage(
    spark, data_dir: Path, ref: Reference, store: Store, scratch: Path, *, skip_bad_files: bool, progress
) -> list[FileResult]:
    """Write the raw and reference tables as Parquet, through a scratch DuckDB file for what the driver reads (the
    reference CSVs, the fetch logs, build_info). With the Parquet in a local folder, the data folder's files are
    read in Spark tasks by the DuckDB build's readers, a Parquet part per task (staging.py). For a URI the tasks
    cannot yet write their parts (they write with pyarrow, not through Hadoop's connectors), so the driver reads
    them, as the DuckDB build does, into the scratch file."""
    con = duckdb.connect(str(scratch))
    try:
        con.execute("begin transaction")
        run_sql_file(con, MODELS_DIR / RAW_FILE)
        load_reference(con, ref)
        fetch_log.load(con, data_dir)
        if store.local is None:
            files = ingest_folder(con, data_dir, ref, skip_bad_files=skip_bad_files, progress=progress)
        else:
            files = staging.read_folder_in_tasks(
                spark, con, data_dir, ref, store.local, skip_bad_files=skip_bad_files, progress=progress
            )
        record_build(con, is_sample=(data_dir / SAMPLE_MARKER).is_file())
        con.execute("commit")
        for table in sorted(sources()):
            store.write_from_duckdb(con, table)
    finally:
        con.close()
    return files


def run_models(spark, ref: Reference, store: Store, progress: Progress | None = None) -> None:
    """Run every model in build order, each table written as Parquet under the build's prefix."""
    for table in sorted(sources()):
        store.read(table).createOrReplaceTempView(table)
    made: list[str] = []
    model_reads = reads(models())
    for model in models():
        if isinstance(model, Macros):
            continue  # expanded where the models call them (spark.macros.expand_macros)
        module = model.module if isinstance(model, Py) else None
        in_spark = module is None or any(hasattr(module, f) for f in ("create_rows", "create_group", "create_links"))
        if progress:
            progress(f"model {model.name} ({'Spark' if in_spark else 'driver'})")
        if module is None:
            _write(model, lambda model=model: spark.sql(to_spark(model.queries()[0], f"models/{model.path}")), store)
        elif hasattr(module, "create_rows"):
            _write(model, lambda model=model, module=module: _in_tasks(spark, model, module, ref), store)
        elif hasattr(module, "create_links"):
            _write(model, lambda model=model, module=module: _in_components(spark, model, module, ref), store)
        elif in_spark:
            _in_groups(spark, model, module, ref, store)
        else:
            _run_in_driver(model, ref, store, [t for t in [*sorted(sources()), *made] if t in model_reads[model]])
        for table in model.makes:
            store.read(table).createOrReplaceTempView(table)
            made.append(table)


def _write(model: Sql | Py, frame, store: Store, table: str | None = None) -> None:
    """Write the Spark DataFrame that frame() gives as the Parquet of the model's table (or of `table`, another
    table it makes); a failure names the model."""
    try:
        store.write(frame(), table or model.name)
    except Exception as exc:  # pyspark's errors share no base class with a useful message
        first = next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        raise BuildCheckError(f"model {model.name} failed in Spark: {first}") from exc


def _in_tasks(spark, model: Py, module, ref: Reference):
    """A Python model whose module has create_rows(rows, ref) (its rows for any subset of the SQL beside's rows):
    the SQL beside runs in Spark, and create_rows in the executors once per partition, over its Arrow batches
    (mapInArrow): the same library functions on the same rows as the DuckDB build's create. Once per partition,
    not per batch: create_rows sets up its classifier and corrections each time it is called."""
    from pyspark.sql.pandas.types import from_arrow_schema

    per_partition = _per_partition(module.create_rows, ref, module.SCHEMA)
    return _sql_beside(spark, model, module).mapInArrow(per_partition, from_arrow_schema(module.SCHEMA))


def _per_partition(create, ref: Reference, schema: pa.Schema):
    """mapInArrow's function for create(rows, ref): a partition's rows, from its Arrow batches, to the rows create
    makes of them, as Arrow batches of `schema`."""

    def per_partition(batches):
        rows = (row for batch in batches for row in zip(*(c.to_pylist() for c in batch.columns), strict=True))
        yield from pa.Table.from_pylist(create(rows, ref), schema=schema).to_batches()

    return per_partition


def _in_groups(spark, model: Py, module, ref: Reference, store: Store) -> None:
    """A Python model whose module has create_group(rows, ref) (the rows it makes, {table: rows}, from the rows of
    the SQL beside that share a value of GROUP_BY, in any order): the SQL beside runs in Spark, and create_group in
    the executors once per group (groupBy(GROUP_BY).applyInArrow), as the DuckDB build's create calls it
    (enrich.create_by_group). Each group gives one row holding a list per table it makes (SCHEMAS); each table's
    Parquet is those lists' rows, so a model that makes several tables runs its groups once (kept on disk between
    the tables' writes)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as sf
    from pyspark.sql.pandas.types import from_arrow_schema

    create_group, schemas = module.create_group, module.SCHEMAS
    made = pa.schema([(table, pa.list_(pa.struct(list(schema)))) for table, schema in schemas.items()])

    def per_group(group: pa.Table) -> pa.Table:
        found = create_group(list(zip(*(c.to_pylist() for c in group.columns), strict=True)), ref)
        return pa.Table.from_pylist([{table: found.get(table, []) for table in schemas}], schema=made)

    frame = _sql_beside(spark, model, module).groupBy(module.GROUP_BY).applyInArrow(per_group, from_arrow_schema(made))
    if len(schemas) > 1:
        frame = frame.persist(StorageLevel.DISK_ONLY)
    try:
        for table in schemas:
            _write(model, lambda table=table: frame.select(sf.explode(table).alias("r")).select("r.*"), store, table)
    finally:
        frame.unpersist()


def _in_components(spark, model: Py, module, ref: Reference):
    """A Python model whose module has create_links(rows, ref) (each row's links, LINKS: the row's own node, and
    what it shares with other rows; a link more than `limit` nodes share is no link) and create_component(rows, ref,
    ignored) (the rows it makes from a connected set of rows, in any order): the SQL beside runs in Spark,
    create_links in the executors over each partition (mapInArrow), the links shared too widely are counted out,
    the connected sets found in Spark (components.py), and create_component run on the sets in a few groups per
    core, each set whole in one group (groupBy(hash of the set).applyInArrow), given the links counted out: a call
    per set would cost more than resolving it, as most sets are one name. The DuckDB build's create calls
    create_component once, on all the rows: one group of all the sets."""
    from pyspark.sql import functions as sf
    from pyspark.sql.pandas.types import from_arrow_schema

    create_component, schema = module.create_component, module.SCHEMA
    rows = _sql_beside(spark, model, module).localCheckpoint()  # read twice: for the links, and grouped
    key = rows.columns[0]  # the rows' key (the links' first column)
    links_of = _per_partition(module.create_links, ref, module.LINKS)
    links = rows.mapInArrow(links_of, from_arrow_schema(module.LINKS)).localCheckpoint()
    shared = links.groupBy("link").agg(sf.count_distinct("node").alias("nodes"), sf.max("limit").alias("limit"))
    wide = shared.where("nodes > limit").select("link")
    ignored = frozenset(r.link for r in wide.collect())
    sets = connected_components(links.join(wide, "link", "left_anti").select("node", "link"), f"model {model.name}")
    nodes = links.select(key, "node").distinct().join(sets, "node")
    columns = rows.columns

    def per_set(group: pa.Table) -> pa.Table:
        found = zip(*(group[c].to_pylist() for c in columns), strict=True)
        return pa.Table.from_pylist(create_component(found, ref, ignored), schema=schema)

    groups = sf.pmod(sf.xxhash64("component"), sf.lit(spark.sparkContext.defaultParallelism * staging.TASKS_PER_CORE))
    grouped = rows.join(nodes, key).select(groups.alias("group"), *columns).groupBy("group")
    return grouped.applyInArrow(per_set, from_arrow_schema(schema))


def _sql_beside(spark, model: Py, module):
    """The SQL beside a Python model, run in Spark with its module's PARAMS (if any) bound."""
    query = to_spark(model.queries()[0], f"models/{model.path.removesuffix('.py')}.sql")
    return spark.sql(query, args=getattr(module, "PARAMS", None))


def _run_in_driver(model: Py, ref: Reference, store: Store, tables: list[str]) -> None:
    """A Python model's create(con, ref), on a DuckDB connection reading the Parquet it reads."""
    con = duckdb.connect()
    try:
        for table in tables:
            store.duckdb_view(con, table)
        model.run(con, ref)
        for table in model.makes:
            store.write_from_duckdb(con, table)
    except duckdb.Error as exc:
        raise BuildCheckError(f"model {model.name} failed: {exc}") from exc
    finally:
        con.close()


def _documented_types() -> dict[str, dict[str, str]]:
    return {table: {c["column"]: c["type"] for c in contract.columns(table)} for table, _ in contract.tables()}


def serve(con: duckdb.DuckDBPyConnection, store: Store, ref: Reference) -> None:
    """Make the serving file from the Parquet as the DuckDB build leaves its file: the raw and reference tables and
    every model's table, each column in the type the contract documents (Spark sums DECIMAL(18, 2) as
    DECIMAL(28, 2) where DuckDB gives DECIMAL(38, 2), say); an intermediate SQL model's as a temp table (the build's
    counts read them; the file never keeps them); then the macros, from their model file.
    build_info.parquet_source names the prefix it was made from."""
    documented = _documented_types()
    tables = [(t, "table") for t in sorted(sources())]
    for model in models():
        if isinstance(model, Py):
            tables += [(t, "table") for t in model.makes]
        elif isinstance(model, Sql) and not model.path.startswith("staging/"):  # staging: only models read it
            # a temp view's query reads what the serving file does not hold (the staged lines): its Parquet instead
            tables.append((model.name, "table" if model.materialisation == "table" else "temp table"))
    for table, materialisation in tables:
        types = documented.get(table, {})
        store.load(
            con,
            table,
            materialisation,
            lambda names, types=types: ", ".join(
                f'cast("{n}" as {types[n]}) as "{n}"' if n in types else f'"{n}"' for n in names
            ),
        )
    con.execute("update build_info set parquet_source = $p", {"p": store.where})
    for model in models():
        if isinstance(model, Macros):
            model.run(con, ref)


def build(
    data_dir: Path,
    warehouse: Path,
    *,
    master: str | None = None,
    parquet_dir: str | Path | None = None,
    strict: bool = False,
    skip_bad_files: bool = False,
    progress: Progress | None = None,
    reference: Reference | None = None,
) -> BuildReport:
    """Build the warehouse on Spark: Parquet for every table under a new prefix of `parquet_dir` (a folder or a URI),
    then the DuckDB serving file, swapped in atomically; the earlier prefixes are removed only after that (a failed
    or killed build leaves the serving file, and the Parquet it was made from, as they were)."""
    data_dir, warehouse = Path(data_dir), Path(warehouse)
    if not data_dir.is_dir():
        raise LotiDemandError(f"{data_dir}: no such data folder (expected spend/, procurement/, challenges/)")
    ref = reference or Reference()
    models()  # models that cannot be put in order fail before any file is read
    check_reference(ref)  # and reference files an officer mistyped
    for model in models():  # and models that cannot be written as Spark SQL, before Spark starts
        for query in [] if isinstance(model, Macros) else model.queries():
            to_spark(query, f"models/{model.path}")
    parquet_dir = parquet_dir or warehouse.with_name(f"{warehouse.stem}-parquet")
    spark = session(master)
    report = BuildReport(warehouse)
    try:
        with new_prefix(spark, parquet_dir) as store, tempfile.TemporaryDirectory(prefix="loti-spark-") as scratch:
            report.files = stage(
                spark,
                data_dir,
                ref,
                store,
                Path(scratch) / "raw.duckdb",
                skip_bad_files=skip_bad_files,
                progress=progress,
            )
            run_models(spark, ref, store, progress)
            with new_version(warehouse, start_from_existing=False) as con:
                if progress:
                    progress("serving file from the Parquet")
                serve(con, store, ref)
                report.counts = verify(con, strict=strict)
                report.warnings = unmatched_line_corrections(con, ref)
                report.spend_files = file_summaries(con, report.files)
    finally:
        spark.stop()
    return report
