"""Where a Spark build's Parquet lives: a local folder or a URI (file://, s3a://, abfss://, gs://, hdfs://).

Each build writes its tables under a prefix of its own, `<parquet>/build-<UTC time>-<pid>/<table>/`, so nothing is
renamed (object stores have no rename) and a build never writes over the Parquet the serving file was made from.
Only after the new serving file is in place (build.new_version) are the other prefixes removed, through Hadoop's
FileSystem API, which speaks every scheme the cluster has a connector for. `<parquet>` itself carries
PARQUET_MARKER: a build writes into, and removes from, only a location that has it or is empty.

`spend`, the one table of a row per line that other engines read by publisher and month, is written partitioned
by publisher (hive layout: `publisher_code=.../`), each publisher's rows in payment month order, so a reader of a
few months skips the other row groups by their statistics; the other tables are small, or read whole by the next
model, and are written as they are. Not by month too: a publisher-month holds a few hundred lines at London's
scale, and thousands of such small files cost more to write and to read than they save. A partition column comes
back from the path: its type is the one written (kept here for Spark's reads and given to DuckDB's), a NULL is
`__HIVE_DEFAULT_PARTITION__` both ways, and the columns come back in the order written.

The DuckDB serving file reads a local folder with DuckDB's read_parquet; a URI through Spark, as Arrow, a table (or
a publisher of a partitioned table) at a time, so DuckDB needs neither its httpfs extension nor the store's
credentials.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from loti_demand.exceptions import LotiDemandError

PARQUET_MARKER = "LOTI_DEMAND_PARQUET.txt"  # at the top of every Parquet location a Spark build writes
PARTITIONS = {"spend": ("publisher_code",)}  # a table's partition columns (hive layout)
SORTED_BY = {"spend": ("payment_month",)}  # and the order of the rows within each partition's files
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_HIVE_TYPES = {"string": "VARCHAR", "date": "DATE", "int": "INTEGER", "bigint": "BIGINT", "boolean": "BOOLEAN"}


class Store:
    """One build's prefix under a Parquet location, and the reads and writes of its tables."""

    def __init__(self, spark, location: str | Path) -> None:
        self.spark = spark
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        name = f"build-{stamp}-{os.getpid()}"
        if _SCHEME.match(str(location)):
            self.root, self.local = str(location).rstrip("/"), None
        else:
            self.root, self.local = Path(location).absolute().as_uri(), Path(location).absolute() / name
        self.name, self.prefix = name, f"{self.root}/{name}"
        self._partitioned: dict[str, object] = {}  # table -> the Spark schema it was written with
        self._path = spark._jvm.org.apache.hadoop.fs.Path
        self._fs = self._path(self.root).getFileSystem(spark._jsc.hadoopConfiguration())

    @property
    def where(self) -> str:
        """The prefix as the operator gave the location: a local path, or a URI."""
        return str(self.local) if self.local else self.prefix

    def uri(self, table: str) -> str:
        return f"{self.prefix}/{table}"

    # The location: claimed before the build writes, cleared after the serving file is in place.

    def children(self) -> list[str]:
        root = self._path(self.root)
        if not self._fs.exists(root):
            return []
        return [status.getPath().getName() for status in self._fs.listStatus(root)]

    def claim(self) -> None:
        """Refuse a location that holds anything without the marker; create it and the marker otherwise, and this
        build's prefix."""
        children = self.children()
        if children and PARQUET_MARKER not in children:
            raise LotiDemandError(
                f"{self.root} holds files and was not written by a Spark build (it has no {PARQUET_MARKER}), so the "
                "build will not write there: give --parquet a new or empty location, or one an earlier Spark build "
                "wrote"
            )
        if not children:
            out = self._fs.create(self._path(f"{self.root}/{PARQUET_MARKER}"), True)
            try:
                out.write(
                    bytearray(
                        b"Written by `loti-demand build --engine spark`: each build writes its tables under a "
                        b"build-<time>-<pid>/ prefix here, and removes everything else here once its serving file "
                        b"is in place.\n"
                    )
                )
            finally:
                out.close()
        self._fs.mkdirs(self._path(self.prefix))

    def remove(self, name: str) -> None:
        self._fs.delete(self._path(f"{self.root}/{name}"), True)

    def remove_others(self) -> list[str]:
        """Remove everything under the location but the marker and this build's prefix: earlier builds' prefixes
        (the one the previous serving file was made from, and any a killed build left). Returns their names."""
        others = [n for n in self.children() if n not in (PARQUET_MARKER, self.name)]
        for name in others:
            self.remove(name)
        return others

    # Spark's reads and writes.

    def write(self, frame, table: str) -> None:
        columns = PARTITIONS.get(table)
        if columns:  # one file per partition: every row of a partition value in one task
            frame = frame.repartition(*columns).sortWithinPartitions(*columns, *SORTED_BY.get(table, ()))
            frame.write.mode("overwrite").partitionBy(*columns).parquet(self.uri(table))
            self._partitioned[table] = frame.schema
        else:
            frame.write.mode("overwrite").parquet(self.uri(table))

    def read(self, table: str):
        """The table as written: partition columns in their written types and places."""
        schema = self._partitioned.get(table)
        if schema is None:
            return self.spark.read.parquet(self.uri(table))
        return self.spark.read.schema(schema).parquet(self.uri(table)).select(*schema.fieldNames())

    # DuckDB's reads and writes (the staging tables, the Python models run in the driver, the serving file).

    def _read_parquet(self, table: str) -> str:
        """A local table's files as a read_parquet() call. A view's body takes no bound parameters, so the path (a
        folder the operator chose) is quoted here, its quotes doubled; the partition columns' types come from
        _HIVE_TYPES, the table name from the model files."""
        files = "'" + (self.local / table / "**" / "*.parquet").as_posix().replace("'", "''") + "'"
        schema = self._partitioned.get(table)
        if schema is None:
            return f"read_parquet({files})"
        kinds = {f.name: _HIVE_TYPES[f.dataType.simpleString()] for f in schema.fields if f.name in PARTITIONS[table]}
        types = ", ".join(f"'{name}': '{kind}'" for name, kind in kinds.items())
        select = ", ".join(f'"{name}"' for name in schema.fieldNames())
        return f"(select {select} from read_parquet({files}, hive_partitioning = true, hive_types = {{{types}}}))"

    def duckdb_view(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        """The table as a view (a local folder) or an Arrow table (a URI) of a DuckDB connection."""
        if self.local:
            con.execute(f"create or replace view {table} as select * from {self._read_parquet(table)}")
        else:
            con.register(table, self.read(table).toArrow())

    def write_from_duckdb(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        """Write a DuckDB table as Parquet (JSON as text: Spark reads it as a string, as the models use it)."""
        columns = con.execute(
            "select column_name, data_type from information_schema.columns where table_name = $t "
            "order by ordinal_position",
            {"t": table},
        ).fetchall()
        select = ", ".join(f'cast("{c}" as varchar) as "{c}"' if t == "JSON" else f'"{c}"' for c, t in columns)
        if self.local and table not in PARTITIONS:
            (self.local / table).mkdir(parents=True, exist_ok=True)
            target = "'" + (self.local / table / "part-0.parquet").as_posix().replace("'", "''") + "'"
            con.execute(f"copy (select {select} from {table}) to {target} (format parquet)")
        else:
            self.write(self.spark.createDataFrame(con.sql(f"select {select} from {table}").to_arrow_table()), table)

    def load(self, con: duckdb.DuckDBPyConnection, table: str, create: str, select: Callable[[list[str]], str]) -> None:
        """`{create} {table}` in DuckDB from the table's Parquet, as `select {select(columns)}` over it: by
        read_parquet from a local folder, else from Spark as Arrow, one publisher of a partitioned table at a time
        (the driver holds one such part, never the whole table)."""
        if self.local:
            source = self._read_parquet(table)
            names = [r[0] for r in con.execute(f"describe select * from {source}").fetchall()]
            con.execute(f"create {create} {table} as select {select(names)} from {source}")
            return
        frame = self.read(table)
        parts = [frame]
        if table in self._partitioned:
            column = frame[PARTITIONS[table][0]]
            values = [r[0] for r in frame.select(column).distinct().collect()]
            parts = [frame.where(column.eqNullSafe(v)) for v in values] or parts
        statement = f"create {create} {table} as select {select(frame.columns)} from _part"
        for part in parts:
            con.register("_part", part.toArrow())
            try:
                con.execute(statement)
            finally:
                con.unregister("_part")
            statement = f"insert into {table} select {select(frame.columns)} from _part"


@contextlib.contextmanager
def new_prefix(spark, location: str | Path) -> Iterator[Store]:
    """A new prefix under `location` for one build. A build that fails removes it (and nothing else); one that
    succeeds leaves it and removes the others, so call this around the serving file's swap: a build killed at any
    point leaves the serving file's prefix in place, and the next successful build removes what it left."""
    store = Store(spark, location)
    store.claim()
    try:
        yield store
    except BaseException:
        with contextlib.suppress(Exception):  # Spark may be gone (a kill); the next build removes it then
            store.remove(store.name)
        raise
    store.remove_others()
