"""Ingest benchmark: how fast one large spend CSV in a realistic council layout is read, normalised and
ingested (`python -m loti_demand bench --ingest-only`). Reports wall-clock and CPU lines per second: the
box may be shared, and CPU time shows what the code itself costs."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from loti_demand.reference import Reference

INGEST_PURPOSES = ["Annual licence renewal", "Laptop refresh", "Mobile airtime", "Agency cover", "Roof repairs",
                   "Placement fees", "Waste contract", "Office supplies", "Counsel fees", "School meals"]

CATEGORIES = ["Software Licences", "IT Hardware", "Telephony", "IT Consultancy", "Hosting Services",
              "Agency Staff", "Building Repairs", "Residential Care", "Waste Collection", "Stationery",
              "Legal Fees", "Catering", "Rents", "Utilities - Electricity", "Grants to Voluntary Orgs"]
SERVICES = ["Digital", "Housing", "Adults", "Children's Services", "Environment", "Finance", "Regeneration"]


def generate_ingest_csv(path: Path, lines: int, seed: int = 3) -> None:
    """One spend file of `lines` payment lines in a council layout: a report preamble, quoted amounts with
    thousands separators, day-first dates, credits, supplier names with commas, and a grand-total row."""
    rng = np.random.default_rng(seed)
    suppliers = np.array([f"Supplier {i:05d} Ltd" for i in range(29_000)]
                         + [f"Smith, Jones & Partner {i:03d} LLP" for i in range(1_000)], dtype=object)
    amount = np.round(500 + rng.lognormal(np.log(1500), 1.2, lines), 2)
    amount[rng.random(lines) < 0.02] *= -1
    days = rng.integers(0, 365, lines)
    dates = np.datetime64("2025-04-01") + days
    table = pa.table({
        "Body": ["Camden"] * lines,
        "Department": rng.choice(SERVICES, lines),
        "Supplier Name": suppliers[rng.integers(0, len(suppliers), lines)],
        "Payment Date": pa.array(dates).cast(pa.string()),
        "Transaction Number": [f"T{i:09d}" for i in range(lines)],
        "Net Amount": [f"{a:,.2f}" for a in amount],
        "Expense Type": rng.choice(CATEGORIES, lines),
        "Purpose": rng.choice(INGEST_PURPOSES, lines),
    })
    iso = table["Payment Date"].to_pylist()
    table = table.set_column(3, "Payment Date", pa.array([f"{d[8:10]}/{d[5:7]}/{d[:4]}" for d in iso]))
    buffer = pa.BufferOutputStream()
    pacsv.write_csv(table, buffer, pacsv.WriteOptions(quoting_style="needed"))
    preamble = b"London Borough of Camden Payments Over \xc2\xa3500\nReport Date: 01/04/2026\n\n"
    total = f',,,,,"{amount.sum():,.2f}",,\n'.encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(preamble + buffer.getvalue().to_pybytes() + total)


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
    from loti_demand.warehouse.build import MODELS, Sql, add_files, load_reference, record_build
    from loti_demand.warehouse.db import MODELS_DIR, connect, run_sql_file
    from loti_demand.warehouse.ingest import RawWriter, ingest_file

    path = work_dir / f"ingest-{lines}.csv"
    if not path.exists():
        echo(f"Generating a {lines:,}-line spend CSV in {path} ...")
        generate_ingest_csv(path, lines)
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
        run_sql_file(con, MODELS_DIR / "macros.sql")
        con.execute("begin transaction")
        clock = _Clock()
        writer = RawWriter(con)
        ingest_file(writer, "spend", path, publisher=Reference().publisher("E09000007"))
        writer.flush()
        # the build's own models, in its order, up to the normalised lines
        for model in MODELS[:MODELS.index(Sql("intermediate/int_spend_lines.sql")) + 1]:
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
