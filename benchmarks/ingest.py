"""Ingest benchmark: how fast one large spend CSV in a council layout (the sample at scale's report export, with a
title block, day-first dates and "1,234.56" amounts) is read, normalised and ingested
(`python -m benchmarks --ingest-only`). Reports wall-clock and CPU lines per second: the box may be shared, and
CPU time shows what the code itself costs."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from loti_demand.reference import Reference
from loti_demand.sample.scale.files import write_one_file


class _Clock:
    """Wall-clock and process CPU seconds (all threads) since it was made."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def run_ingest_benchmark(*, lines: int, work_dir: Path, echo: Callable[[str], None]) -> dict[str, tuple[float, float]]:
    """Time ingesting one `lines`-line CSV: reading; reading + normalising (raw rows to staged, typed,
    de-duplicated lines, inside one transaction as a build does); and the whole `ingest spend` command.
    Returns {stage: (lines per wall-clock second, CPU seconds)}."""
    from loti_demand.sources.council_spend import read_spend
    from loti_demand.warehouse.build import add_files, load_reference, record_build
    from loti_demand.warehouse.db import MODELS_DIR, connect, run_sql_file
    from loti_demand.warehouse.ingest import ingest_file
    from loti_demand.warehouse.order import models_up_to
    from loti_demand.warehouse.raw_writer import RawWriter

    path = work_dir / f"ingest-{lines}.csv"
    if not path.exists():
        echo(f"Generating a {lines:,}-line spend CSV in {path} ...")
        write_one_file(path, lines)
    results: dict[str, tuple[float, float]] = {}

    clock = _Clock()
    read = sum(batch.num_rows for table in read_spend(path) for batch in table.batches())
    wall, cpu = clock.stop()
    results["read"] = (read / wall, cpu)

    scratch = work_dir / "ingest-bench.duckdb"
    scratch.unlink(missing_ok=True)
    con = connect(scratch)
    try:
        con.execute("set enable_progress_bar = false")
        run_sql_file(con, MODELS_DIR / "raw.sql")
        load_reference(con, Reference())
        record_build(con, is_sample=False)
        con.execute("begin transaction")
        clock = _Clock()
        writer = RawWriter(con)
        ingest_file(writer, "spend", path, publisher=Reference().publisher("E09000007"))
        writer.flush()
        # the build's own models that make the normalised lines (with the macros they call), in its order
        for model in models_up_to("int_spend_lines"):
            model.run(con, Reference())
        normalised = con.execute("select count(*) from int_spend_lines").fetchall()[0][0]
        wall, cpu = clock.stop()
        results["read + normalise"] = (normalised / wall, cpu)
        con.execute("rollback")
    finally:
        con.close()
        scratch.unlink(missing_ok=True)

    warehouse = work_dir / "ingest-bench-warehouse.duckdb"
    warehouse.unlink(missing_ok=True)
    clock = _Clock()
    report = add_files(warehouse, "spend", [path], publisher="E09000007")
    wall, cpu = clock.stop()
    results["whole ingest"] = (report.counts["spend lines loaded"] / wall, cpu)
    warehouse.unlink(missing_ok=True)

    labels = {
        "read": "read (file to Arrow, exact line numbers)",
        "read + normalise": "read + normalise (raw table, parsed, deduplicated lines)",
        "whole ingest": "whole `ingest spend` (+ suppliers, classification, marts, checks, swap)",
    }
    echo(f"ingest of one {lines:,}-line CSV ({path.stat().st_size / 1e6:,.0f} MB):")
    for key, (rate, cpu) in results.items():
        echo(f"  {labels[key]:<74} {rate:>10,.0f} lines/s  ({cpu:,.1f} s CPU)")
    return results
