"""`build`, `check`, `sample`, `ingest ...` and `validate ...`: making and checking the warehouse."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from loti_demand import config
from loti_demand.cli.core import build_options, cli, echo, print_report, progress, secho, warehouse_option
from loti_demand.exceptions import LotiDemandError


@cli.command()
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=lambda: config.path("data"),
    show_default="data/sample or $LOTI_DEMAND_DATA",
    help="Data folder with spend/<borough>/, procurement/ and challenges/.",
)
@warehouse_option
@build_options
@click.option("--quiet", "-q", is_flag=True, help="Do not print progress.")
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="Run the models on DuckDB, or on Apache Spark (needs Java and `pip install -r requirements-spark.txt`; "
    "see docs/spark.md).",
)
@click.option(
    "--spark-master",
    help="With --engine spark: the Spark master (local[N], spark://host:port, k8s://...). Default: spark-submit's "
    "--master when run under spark-submit, else local[2].",
)
@click.option(
    "--parquet",
    "parquet_dir",
    metavar="DIR|URI",
    help="With --engine spark: where the tables are written as Parquet, a folder or a URI (file://, s3a://, "
    "abfss://, gs://: see docs/spark.md); each build writes under a new build-<time>-<pid>/ prefix there (default: "
    "beside the warehouse, named <warehouse>-parquet).",
)
def build(
    data_dir: Path,
    warehouse: Path,
    strict: bool,
    skip_bad_files: bool,
    quiet: bool,
    engine: str,
    spark_master: str | None,
    parquet_dir: str | None,
) -> None:
    """Build the warehouse from a data folder, atomically.

    The new warehouse replaces the old one only when every model and check passed.

    \b
    Example:
      python -m loti_demand build --data data/sample --warehouse /tmp/w.duckdb
      python -m loti_demand build --engine spark --spark-master 'local[2]'
    """
    if engine != "spark" and (spark_master or parquet_dir):
        raise click.UsageError("--spark-master and --parquet go with --engine spark")
    options = {"strict": strict, "skip_bad_files": skip_bad_files, "progress": None if quiet else progress}
    if engine == "spark":
        from loti_demand.warehouse.spark.build import build as build_on_spark

        report = build_on_spark(data_dir, warehouse, master=spark_master, parquet_dir=parquet_dir, **options)
    else:
        from loti_demand.warehouse.build import build as run_build

        report = run_build(data_dir, warehouse, **options)
    print_report(report)


@cli.command()
@warehouse_option
def check(warehouse: Path) -> None:
    """Read every table back (a damaged block fails its checksum), then run the model checks (keys, relationships,
    totals, accounting) against a warehouse.

    \b
    Example:
      python -m loti_demand check --warehouse data/warehouse.duckdb
    """
    from loti_demand.warehouse import contract
    from loti_demand.warehouse.build import check_names, run_checks
    from loti_demand.warehouse.db import connect, read_every_table

    con = connect(warehouse, read_only=True)
    echo(f"  ok   every block of the {read_every_table(con)} tables reads back")
    if absent := contract.missing(con):
        raise LotiDemandError(
            f"{warehouse}: built by an older version of loti-demand (it has no {', '.join(absent[:5])}"
            f"{f' and {len(absent) - 5} more' if len(absent) > 5 else ''}); rebuild it from its data folder with "
            f"`python -m loti_demand build --data DIR --warehouse {warehouse}`, or add a file with `python -m "
            "loti_demand ingest`, which brings it up to date"
        )
    failures = run_checks(con)
    failed = {f.check for f in failures}
    for name in check_names():
        echo(f"  {'FAIL' if name in failed else 'ok  '} {name}")
    if failures:
        raise LotiDemandError("checks failed:\n  " + "\n  ".join(str(f) for f in failures))
    echo(f"All {len(check_names())} checks passed.")


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=lambda: config.path("data"),
    show_default="data/sample",
    help="Folder to write the sample into.",
)
@click.option(
    "--lines",
    type=click.IntRange(1),
    help="The sample at scale: this many payment lines in three council "
    "layouts, one file per borough-month (a million or ten million take seconds).",
)
@click.option(
    "--releases",
    type=click.IntRange(0),
    default=10_000,
    show_default=True,
    help="With --lines: synthetic OCDS releases.",
)
@click.option(
    "--months",
    type=click.IntRange(1, 120),
    default=120,
    show_default=True,
    help="With --lines: spread the lines over the last N months of ten financial years.",
)
def sample(out: Path, lines: int | None, releases: int, months: int) -> None:
    """Regenerate the synthetic sample data (deterministic: the same bytes every time).

    With --lines, write the sample at scale instead, for the benchmark or a test of a large build.

    \b
    Example:
      python -m loti_demand sample --out data/sample
      python -m loti_demand sample --out data/scale --lines 1000000 --releases 10000
    """
    if lines is not None:
        from loti_demand.sample.scale import ScaleParams, generate_scaled

        data = generate_scaled(out, ScaleParams(lines, releases, months=months))
        counts = {
            "spend_files": sum(data.files_by_layout.values()),
            "spend_lines": data.spend_lines,
            "spend_lines_repeated": data.repeated_lines,
            "procurement_files": data.release_files,
            "procurement_releases": releases,
        }
    else:
        from loti_demand.sample import generate

        counts = generate(out)
    echo(f"Wrote sample data to {out}")
    for name, value in counts.items():
        echo(f"  {name}: {value:,}")


@cli.group()
def ingest() -> None:
    """Add files to an existing warehouse (atomically, like build)."""


def _ingest(
    kind: str,
    warehouse: Path,
    files: tuple[Path, ...],
    strict: bool,
    skip_bad_files: bool,
    publisher: str | None = None,
    mapping: Path | None = None,
    per_file: bool = False,
) -> None:
    from loti_demand.reference import Reference
    from loti_demand.warehouse.build import add_files
    from loti_demand.warehouse.inputs import read_mapping, resolve_publisher

    ref = Reference()
    report = add_files(
        warehouse,
        kind,
        list(files),
        publisher=resolve_publisher(ref, publisher) if publisher else None,
        mapping=read_mapping(mapping) if mapping else None,
        strict=strict,
        skip_bad_files=skip_bad_files,
        progress=progress,
        reference=ref,
    )
    print_report(report)
    if per_file:
        _print_files(report)
    if kind == "challenges":
        _print_rejected_rows(warehouse, [f.path for f in report.files])


def _print_files(report) -> None:
    """One line per file: what was detected and how every release was accounted for."""
    for path, fmt, read, loaded, duplicate, quarantined, status, problem in report.file_rows:
        if status == "rejected":
            echo(f"  {path}: rejected ({problem})")
        else:
            echo(
                f"  {path}: {fmt}, {read:,} read, {loaded:,} loaded, {duplicate:,} duplicate, "
                f"{quarantined:,} quarantined"
            )


def _print_rejected_rows(warehouse: Path, paths: list[str]) -> None:
    """List the rows of the files just ingested that were not loaded, one message each."""
    from loti_demand.warehouse.db import connect

    con = connect(warehouse, read_only=True)
    try:
        rows = con.execute(
            "select problem from load_issues where list_contains($paths, source_file) order by source_file, source_row",
            {"paths": paths},
        ).fetchall()
    finally:
        con.close()
    if rows:
        echo("  rows not loaded (see load_issues):")
    for (problem,) in rows:
        echo(f"    {problem}")


@ingest.command("spend")
@warehouse_option
@click.option(
    "--publisher",
    "--borough",
    "publisher",
    required=True,
    metavar="NAME|CODE",
    help="Who published the files: a borough's name, alias or GSS code (Lambeth, E09000022), or a "
    "London-wide body's name or code (Greater London Authority, GLA, TfL, MOPAC...).",
)
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="CSV with columns field,column naming the council's column for each field.",
)
@build_options
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
def ingest_spend(warehouse, publisher, mapping, strict, skip_bad_files, files) -> None:
    """Ingest spend files (CSV, XLSX, XLS or ZIP) of a borough or a London-wide body.

    \b
    Example:
      python -m loti_demand ingest spend --publisher Lambeth lambeth-2024-06.csv
      python -m loti_demand ingest spend --publisher "Transport for London" tfl-2025-p03.csv
    """
    _ingest("spend", warehouse, files, strict, skip_bad_files, publisher=publisher, mapping=mapping)


@ingest.command("procurement")
@warehouse_option
@build_options
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
def ingest_procurement(warehouse, strict, skip_bad_files, files) -> None:
    """Ingest OCDS files and print, per file, the format detected and the releases read, loaded, duplicate and
    quarantined.

    Release or record packages, single releases, arrays, JSON Lines or concatenated JSON; gzip allowed. A file
    with malformed JSON anywhere is refused whole, naming the line (--skip-bad-files records it and goes on).

    \b
    Example:
      python -m loti_demand ingest procurement --warehouse data/warehouse.duckdb releases.json more.jsonl.gz
    """
    _ingest("procurement", warehouse, files, strict, skip_bad_files, per_file=True)


@ingest.command("challenges")
@warehouse_option
@build_options
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
def ingest_challenges(warehouse, strict, skip_bad_files, files) -> None:
    """Ingest challenge statements (CSV, JSON or XLSX in the challenge schema).

    \b
    Example:
      python -m loti_demand ingest challenges challenges.csv
    """
    _ingest("challenges", warehouse, files, strict, skip_bad_files)


@cli.group()
def validate() -> None:
    """Check files against their standard and report, without touching any warehouse."""


@validate.command("challenges")
@click.option("--show-valid", is_flag=True, help="Also list each valid row with its boroughs and tech category.")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
def validate_challenges(show_valid: bool, files: tuple[Path, ...]) -> None:
    """Validate challenge files (CSV, JSON or XLSX) against the challenge standard.

    Prints the valid and invalid row counts and one message per invalid row; exits 1 if any row or file
    is invalid, 0 otherwise. See data/reference/challenge.schema.json and challenges_template.csv.

    \b
    Example:
      python -m loti_demand validate challenges challenges.csv
    """
    from loti_demand.exceptions import InputFileError
    from loti_demand.reference import Reference
    from loti_demand.validate import validate_challenge_file

    ref, failed = Reference(), 0
    for path in files:
        try:
            report = validate_challenge_file(path, ref)
        except InputFileError as exc:
            secho(f"{exc}", fg="red", err=True)
            failed += 1
            continue
        rows = len(report.results)
        echo(
            f"{report.source_file} ({report.detected_format}): {rows} row{'' if rows == 1 else 's'}, "
            f"{len(report.valid)} valid, {len(report.invalid)} invalid"
        )
        for message in report.messages():
            echo(f"  {message}")
        if show_valid:
            for line in report.summaries(ref.borough_names):
                echo(f"  ok {line}")
        failed += bool(report.invalid)
    if failed:
        echo(f"{failed} of {len(files)} file(s) need fixing.", err=True)
        sys.exit(1)
