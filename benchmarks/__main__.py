"""`python -m benchmarks [OPTIONS]` from the repository's root: the benchmark, `--ingest-only` or `--load-only`."""

from __future__ import annotations

from pathlib import Path

import click

from loti_demand.cli import Command, echo


@click.command(cls=Command)  # LotiDemandError -> a message and exit 1, as in loti-demand
@click.option("--lines", type=int, default=10_000_000, show_default=True, help="Synthetic payment lines.")
@click.option("--releases", type=int, default=100_000, show_default=True, help="Synthetic OCDS releases.")
@click.option(
    "--work-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data/bench"),
    show_default=True,
    help="Where to write the generated inputs and the warehouse.",
)
@click.option("--repeat", type=int, default=20, show_default=True, help="Timed runs per query (after a warm-up).")
@click.option(
    "--months",
    type=click.IntRange(1, 120),
    default=120,
    show_default=True,
    help="Spread the lines over the last N months of the ten years (fewer files for quick runs).",
)
@click.option("--skip-pandas", is_flag=True, help="Do not time the pandas equivalents.")
@click.option("--skip-sqlite", is_flag=True, help="Do not load SQLite or time its equivalents.")
@click.option("--first-paint", is_flag=True, help="Also time each page's first paint in Chromium (warm server).")
@click.option(
    "--ingest-lines",
    type=int,
    default=1_000_000,
    show_default=True,
    help="Lines in the single realistic CSV the ingest measurement reads.",
)
@click.option("--ingest-only", is_flag=True, help="Only measure ingest speed of one CSV (no full build, no queries).")
@click.option(
    "--load-only",
    is_flag=True,
    help="Only run the load test: simulated users on one local server while the warehouse is rebuilt.",
)
@click.option(
    "--users",
    type=click.IntRange(1, 100),
    default=25,
    show_default=True,
    help="Load test: simulated users (WebSocket sessions).",
)
@click.option(
    "--duration",
    type=click.IntRange(10, 3600),
    default=120,
    show_default=True,
    help="Load test: seconds the users run.",
)
@click.option(
    "--load-lines",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Load test: serve the generator's files at this many payment lines (0: the sample data).",
)
@click.option(
    "--rebuild-every",
    type=click.IntRange(5, 3600),
    default=30,
    show_default=True,
    help="Load test: seconds between rebuilds swapped in under the users.",
)
@click.option(
    "--rebuild-nice",
    type=click.IntRange(0, 19),
    default=19,
    show_default=True,
    help="Load test: the rebuilds' CPU priority (nice); 19, the lowest, as docs/deployment.md runs builds beside a "
    "server; 0 builds at the server's priority.",
)
def bench(
    lines: int,
    releases: int,
    work_dir: Path,
    repeat: int,
    months: int,
    skip_pandas: bool,
    skip_sqlite: bool,
    first_paint: bool,
    ingest_lines: int,
    ingest_only: bool,
    load_only: bool,
    users: int,
    duration: int,
    load_lines: int,
    rebuild_every: int,
    rebuild_nice: int,
) -> None:
    """Benchmark: write N payment lines in three council layouts and OCDS releases (the sample at scale), build,
    and report build time, ingest lines/s, size, peak memory, every registered query's p50/p95 and floor, the
    headline questions over payment lines in pandas and SQLite, AppTest reruns and (optionally) first paint, with a
    verdict against each target. `--ingest-only` times the ingest of one large CSV instead; `--load-only` runs the
    load test instead: simulated users (real clients of Streamlit's WebSocket protocol) through every page,
    changing filters, on a server on 127.0.0.1 over the sample warehouse, while it is rebuilt and swapped under
    them, reporting p50/p95/p99 page time and errors.

    Generated inputs are kept in the work folder and reused when the parameters are the same.

    \b
    Example:
      python -m benchmarks --lines 1000000 --releases 10000
      python -m benchmarks --first-paint          # 10 million lines, 100,000 releases
      python -m benchmarks --ingest-only --ingest-lines 1000000
      python -m benchmarks --load-only --users 25 --duration 120
    """
    if load_only:
        from benchmarks.load import LoadOptions, run_load_test

        run_load_test(
            LoadOptions(
                users=users,
                seconds=duration,
                rebuild_every=rebuild_every,
                rebuild_nice=rebuild_nice,
                work_dir=work_dir,
                lines=load_lines,
            ),
            echo=echo,
        )
    elif ingest_only:
        from benchmarks.ingest import run_ingest_benchmark

        run_ingest_benchmark(lines=ingest_lines, work_dir=work_dir, echo=echo)
    else:
        from benchmarks.run import BenchOptions, run_benchmark

        run_benchmark(
            BenchOptions(
                lines=lines,
                releases=releases,
                work_dir=work_dir,
                repeat=repeat,
                months=months,
                pandas=not skip_pandas,
                sqlite=not skip_sqlite,
                first_paint=first_paint,
            ),
            echo=echo,
        )


def main() -> None:
    bench(prog_name="python -m benchmarks")


if __name__ == "__main__":
    main()
