"""`python -m loti_demand ...`: thin commands over the library. Errors print a message and exit 1."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from loti_demand import config
from loti_demand.exceptions import LotiDemandError


class Group(click.Group):
    """Turn every LotiDemandError into a plain message and exit code 1: never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except LotiDemandError as exc:
            click.secho(f"Error: {exc}", fg="red", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted: the warehouse was not changed.", err=True)
            sys.exit(130)


def warehouse_option(function):
    return click.option(
        "--warehouse", "-w", type=click.Path(dir_okay=False, path_type=Path),
        default=lambda: config.path("warehouse"), show_default="data/warehouse.duckdb or $LOTI_DEMAND_WAREHOUSE",
        help="The DuckDB warehouse file.",
    )(function)


def build_options(function):
    function = click.option("--strict", is_flag=True, default=lambda: bool(config.get("strict")),
                            help="Fail if any line is quarantined.")(function)
    return click.option("--skip-bad-files", is_flag=True,
                        help="Record unreadable files in load_issues and go on, instead of failing.")(function)


def _progress(message: str) -> None:
    click.echo(f"  {message}", err=True)


@click.group(cls=Group)
@click.version_option(package_name="loti-demand")
def cli() -> None:
    """loti-demand: build and query the London tech demand warehouse.

    \b
    Example:
      python -m loti_demand build --data data/sample --warehouse data/warehouse.duckdb
    """


@cli.command()
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
              default=lambda: config.path("data"), show_default="data/sample or $LOTI_DEMAND_DATA",
              help="Data folder with spend/<borough>/, procurement/ and challenges/.")
@warehouse_option
@build_options
@click.option("--quiet", "-q", is_flag=True, help="Do not print progress.")
def build(data_dir: Path, warehouse: Path, strict: bool, skip_bad_files: bool, quiet: bool) -> None:
    """Build the warehouse from a data folder, atomically.

    The new warehouse replaces the old one only when every model and check passed.

    \b
    Example:
      python -m loti_demand build --data data/sample --warehouse /tmp/w.duckdb
    """
    from loti_demand.warehouse.build import build as run_build

    report = run_build(data_dir, warehouse, strict=strict, skip_bad_files=skip_bad_files,
                       progress=None if quiet else _progress)
    _print_report(report)


def _print_report(report) -> None:
    click.echo(f"Built {report.warehouse}")
    files = report.files
    click.echo(f"  files read: {sum(f.status == 'loaded' for f in files)}, "
               f"rejected: {sum(f.status == 'rejected' for f in files)}")
    for name, value in report.counts.items():
        click.echo(f"  {name}: {value:,}")


@cli.command()
@warehouse_option
def check(warehouse: Path) -> None:
    """Run the model checks (keys, relationships, totals, accounting) against a warehouse.

    \b
    Example:
      python -m loti_demand check --warehouse data/warehouse.duckdb
    """
    from loti_demand.warehouse.build import check_names, run_checks
    from loti_demand.warehouse.db import connect

    con = connect(warehouse, read_only=True)
    failures = run_checks(con)
    failed = {f.check for f in failures}
    for name in check_names():
        click.echo(f"  {'FAIL' if name in failed else 'ok  '} {name}")
    if failures:
        raise LotiDemandError("checks failed:\n  " + "\n  ".join(str(f) for f in failures))
    click.echo(f"All {len(check_names())} checks passed.")


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=lambda: config.path("data"),
              show_default="data/sample", help="Folder to write the sample into.")
def sample(out: Path) -> None:
    """Regenerate the synthetic sample data (deterministic: the same bytes every time).

    \b
    Example:
      python -m loti_demand sample --out data/sample
    """
    from loti_demand.sample import generate

    counts = generate(out)
    click.echo(f"Wrote sample data to {out}")
    for name, value in counts.items():
        click.echo(f"  {name}: {value:,}")


@cli.group()
def ingest() -> None:
    """Add files to an existing warehouse (atomically, like build)."""


def _ingest(kind: str, warehouse: Path, files: tuple[Path, ...], strict: bool, skip_bad_files: bool,
            borough: str | None = None, mapping: Path | None = None) -> None:
    from loti_demand.reference import Reference
    from loti_demand.warehouse.build import add_files, read_mapping

    ref = Reference()
    code = None
    if borough:
        code = ref.borough_code(borough)
        if code is None:
            raise LotiDemandError(f"--borough {borough!r} is not a London borough name, alias or GSS code")
    report = add_files(warehouse, kind, list(files), borough_code=code,
                       mapping=read_mapping(mapping) if mapping else None, strict=strict,
                       skip_bad_files=skip_bad_files, progress=_progress, reference=ref)
    _print_report(report)


@ingest.command("spend")
@warehouse_option
@click.option("--borough", required=True, help="Borough name, alias or GSS code the files belong to.")
@click.option("--mapping", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="CSV with columns field,column naming the council's column for each field.")
@build_options
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
def ingest_spend(warehouse, borough, mapping, strict, skip_bad_files, files) -> None:
    """Ingest council spend files (CSV, XLSX, XLS or ZIP).

    \b
    Example:
      python -m loti_demand ingest spend --borough Lambeth lambeth-2024-06.csv
    """
    _ingest("spend", warehouse, files, strict, skip_bad_files, borough=borough, mapping=mapping)


@ingest.command("procurement")
@warehouse_option
@build_options
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
def ingest_procurement(warehouse, strict, skip_bad_files, files) -> None:
    """Ingest OCDS files (release or record packages, releases, JSON Lines; gzip allowed).

    \b
    Example:
      python -m loti_demand ingest procurement releases.json
    """
    _ingest("procurement", warehouse, files, strict, skip_bad_files)


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


@cli.command()
def settings() -> None:
    """Print every setting, its environment variable and its effective value.

    \b
    Example:
      python -m loti_demand settings
    """
    for name, env, value, help_text in config.effective():
        click.echo(f"{name} = {value!r}  (${env})\n    {help_text}")


@cli.command()
@warehouse_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("docs/screenshots"),
              show_default=True, help="Folder for the PNG files.")
def screenshots(warehouse: Path, out: Path) -> None:
    """Screenshot every registered dashboard page in headless Chromium (for the README and reviews).

    \b
    Example:
      python -m loti_demand screenshots --warehouse data/warehouse.duckdb --out docs/screenshots
    """
    from loti_demand.screenshots import take_screenshots

    take_screenshots(warehouse, out, echo=click.echo)


@cli.group()
def boundaries() -> None:
    """Official London borough boundaries for the geographic map."""


@boundaries.command("fetch")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=lambda: config.PROJECT_DIR / "data" / "boundaries" / "london_boroughs.geojson",
              show_default="data/boundaries/london_boroughs.geojson", help="Where to save the GeoJSON.")
@click.option("--url", default=lambda: config.get("boundaries_url"), show_default="$LOTI_DEMAND_BOUNDARIES_URL",
              help="ArcGIS REST query returning GeoJSON (defaults to the ONS Open Geography Portal).")
@click.option("--timeout", type=float, default=60, show_default=True, help="Seconds to wait for the server.")
def boundaries_fetch(out: Path, url: str, timeout: float) -> None:
    """Download London borough boundaries from the ONS Open Geography Portal (needs internet).

    Checks that all 33 London authorities (E09 codes) are there before saving.

    \b
    Example:
      python -m loti_demand boundaries fetch --out data/boundaries/london_boroughs.geojson
    """
    from loti_demand.geo import fetch_boundaries

    click.echo(f"Downloading London borough boundaries from {url.split('?', maxsplit=1)[0]} ...", err=True)
    codes = fetch_boundaries(url, out, timeout=timeout)
    click.echo(f"Saved {len(codes)} London borough boundaries to {out}")
    click.echo("To use them on the Borough map page, set the boundaries setting before starting the dashboard:")
    click.echo(f"  export LOTI_DEMAND_BOUNDARIES={out}")


@cli.command()
@click.option("--update-readme", is_flag=True, help="Rewrite the README's 'Warehouse tables' section.")
def docs(update_readme: bool) -> None:
    """Print the warehouse contract (tables and columns) as Markdown.

    \b
    Example:
      python -m loti_demand docs --update-readme
    """
    from loti_demand.config import PROJECT_DIR
    from loti_demand.warehouse import contract

    if update_readme:
        changed = contract.update_readme(PROJECT_DIR / "README.md")
        click.echo("README.md updated." if changed else "README.md already current.")
    else:
        click.echo(contract.markdown())


@cli.command()
@click.option("--lines", type=int, default=10_000_000, show_default=True, help="Synthetic payment lines.")
@click.option("--releases", type=int, default=100_000, show_default=True, help="Synthetic OCDS releases.")
@click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("data/bench"),
              show_default=True, help="Where to write the generated inputs and the warehouse.")
@click.option("--repeat", type=int, default=20, show_default=True, help="Timed runs per query.")
def bench(lines: int, releases: int, work_dir: Path, repeat: int) -> None:
    """Benchmark: generate N payment lines, build, and report timings, size, memory and query latency.

    \b
    Example:
      python -m loti_demand bench --lines 1000000 --releases 10000
    """
    from loti_demand.bench import run_benchmark

    run_benchmark(lines=lines, releases=releases, work_dir=work_dir, repeat=repeat, echo=click.echo)


def main() -> None:
    cli(prog_name="python -m loti_demand")
