"""Benchmark: generate N synthetic payment lines in a real council layout plus OCDS releases, build the
warehouse, and report build time, lines/s, warehouse size, peak memory and the latency of every query the
pages run (read from the query registry, so nothing is left out)."""

from __future__ import annotations

import json
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from loti_demand.reference import Reference

CATEGORIES = ["Software Licences", "IT Hardware", "Telephony", "IT Consultancy", "Hosting Services",
              "Agency Staff", "Building Repairs", "Residential Care", "Waste Collection", "Stationery",
              "Legal Fees", "Catering", "Rents", "Utilities - Electricity", "Grants to Voluntary Orgs"]
SERVICES = ["Digital", "Housing", "Adults", "Children's Services", "Environment", "Finance", "Regeneration"]


def generate_spend(root: Path, lines: int, seed: int = 42) -> int:
    """Write `lines` payment lines as LGA spend-data CSVs, one file per borough per month. Returns files."""
    rng = np.random.default_rng(seed)
    boroughs = Reference().boroughs
    months = [(y, m) for y in range(2016, 2026) for m in range(1, 13)]
    per_file = max(1, lines // (len(boroughs) * len(months)))
    suppliers = np.array([f"Supplier {i:05d} Ltd" for i in range(30_000)], dtype=object)
    weights = 1 / (np.arange(len(suppliers)) + 3.0) ** 1.05
    weights /= weights.sum()
    files, written = 0, 0
    for b in boroughs:
        folder = root / "spend" / b["borough_code"]
        folder.mkdir(parents=True, exist_ok=True)
        for year, month in months:
            n = min(per_file, lines - written)
            if n <= 0:
                break
            days = rng.integers(1, 29, n)
            amount = np.round(500 + rng.lognormal(np.log(1500), 1.2, n), 2)
            amount[rng.random(n) < 0.025] *= -1
            table = pa.table({
                "OrganisationLabel": [b["borough_name"]] * n,
                "OrganisationalUnit": rng.choice(SERVICES, n),
                "BeneficiaryName": suppliers[rng.choice(len(suppliers), n, p=weights)],
                "PaymentDate": [f"{year}-{month:02d}-{d:02d}" for d in days],
                "TransactionNumber": [f"{b['borough_code'][-2:]}{year}{month:02d}{i:07d}" for i in range(n)],
                "Amount": [f"{a:.2f}" for a in amount],
                "Purpose": rng.choice(CATEGORIES, n),
            })
            pacsv.write_csv(table, folder / f"{year}-{month:02d}.csv")
            files += 1
            written += n
    return files


def generate_releases(root: Path, releases: int, seed: int = 7) -> None:
    """Write `releases` OCDS releases as release packages of 10,000."""
    rng = np.random.default_rng(seed)
    codes = [b["borough_code"] for b in Reference().boroughs]
    folder = root / "procurement"
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, releases, 10_000):
        items = []
        for i in range(start, min(start + 10_000, releases)):
            code = codes[int(rng.integers(0, len(codes)))]
            items.append({
                "ocid": f"ocds-h6vhtk-{i // 3:06x}", "id": f"{i:06d}-2026", "date": f"2026-0{1 + i % 9}-01T00:00:00Z",
                "tag": ["planning" if i % 3 == 0 else "tender" if i % 3 == 1 else "award"],
                "buyer": {"id": f"GB-LAC-{code}", "name": code},
                "tender": {"title": f"Procurement {i}", "classification": {"scheme": "CPV", "id": "48000000"},
                           "value": {"amount": int(rng.integers(50_000, 5_000_000)), "currency": "GBP"}},
            })
        (folder / f"releases-{start:07d}.json").write_text(json.dumps({"version": "1.1", "releases": items}))


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def time_queries(warehouse: Path, repeat: int) -> list[tuple[str, float, float]]:
    """(query, p50 ms, p95 ms) for every registered query, on a read-only connection."""
    from loti_demand import queries
    from loti_demand.warehouse.db import connect

    con = connect(warehouse, read_only=True)
    results = []
    for name, query in queries.QUERIES.items():
        params = query.example(con)
        query.function(con, **params)  # warm-up
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            query.function(con, **params)
            samples.append((time.perf_counter() - started) * 1000)
        results.append((name, statistics.median(samples), _percentile(samples, 95)))
    con.close()
    return results


def run_benchmark(*, lines: int, releases: int, work_dir: Path, repeat: int, echo: Callable[[str], None]) -> None:
    from loti_demand.warehouse.build import build

    data = work_dir / "data"
    warehouse = work_dir / "bench.duckdb"
    if not (data / "spend").exists():
        echo(f"Generating {lines:,} payment lines and {releases:,} OCDS releases in {data} ...")
        files = generate_spend(data, lines)
        generate_releases(data, releases)
        echo(f"  {files:,} spend files")
    started = time.perf_counter()
    report = build(data, warehouse)
    elapsed = time.perf_counter() - started
    loaded = report.counts["spend lines loaded"]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    echo(f"build: {elapsed:.1f} s for {loaded:,} lines = {loaded / elapsed:,.0f} lines/s (whole build)")
    echo(f"warehouse size: {warehouse.stat().st_size / 1e6:,.1f} MB; peak RSS: {peak_mb:,.0f} MB")
    echo(f"{'query':<32} {'p50 ms':>8} {'p95 ms':>8}")
    for name, p50, p95 in time_queries(warehouse, repeat):
        echo(f"{name:<32} {p50:>8.1f} {p95:>8.1f}")
