"""`fetch ...`, `refresh` and `boundaries ...`: downloading sources."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from loti_demand import config
from loti_demand.cli.core import REFRESH_SOURCES, cli, echo, print_report, printable, progress, secho, warehouse_option
from loti_demand.exceptions import LotiDemandError


@cli.group()
def fetch() -> None:
    """Fetch council spend files into the data folder, or OCDS notices from the Find a Tender or Contracts Finder
    API into the warehouse."""


def data_option(function):
    """--data for the fetchers: required, so real downloads never land in the default (the synthetic sample)."""
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(file_okay=False, path_type=Path),
        required=True,
        help="Data folder to fetch into: spend/<publisher>/, procurement/ (created as needed).",
    )(function)


def spend_source_options(function):
    function = click.option(
        "--publisher",
        "publishers",
        multiple=True,
        help="Only this publisher (name, folder name or GSS code); repeat for more.",
    )(function)
    return click.option(
        "--sources",
        "registry",
        type=click.Path(dir_okay=False, path_type=Path),
        default=lambda: _region_file("spend_sources"),
        show_default="the region's spend_sources.csv: data/reference/spend_sources.csv for london",
        help="The spend source registry: one row per publisher.",
    )(function)


def _region_file(name: str) -> Path:
    """The region's own reference file (the `region` setting picks its folder; docs/regions.md)."""
    from loti_demand.reference import Reference

    return Reference().path(name)


@fetch.command("spend")
@data_option
@spend_source_options
def fetch_spend(data_dir: Path, registry: Path, publishers: tuple[str, ...]) -> None:
    """Download new and changed council spend files into DIR/spend/<publisher>/ from the registry's sources.

    Lists each publisher's files (links on its page, CKAN or London Datastore API), obeys robots.txt, asks each
    host at most once a second, and keeps every file's URL, time and sha256 in DIR/spend/fetch_log.csv. A file
    that changed upstream is saved after its old version is moved to DIR/spend/.superseded/; nothing is deleted.
    Each file not kept is shown with its problem (5 a publisher; the rest are in the log). Exits 1 when files
    were listed but none of them could be kept, or no listing could be read.

    \b
    Example:
      python -m loti_demand fetch spend --data data/real --publisher Camden --publisher Lambeth
    """
    from loti_demand.refresh import policy
    from loti_demand.sources.spend_fetch import KEPT, LOG, harvest
    from loti_demand.sources.spend_sources import choose, read_sources

    log = data_dir / LOG

    def publisher_done(result) -> None:
        progress(result.line())
        for line in result.problem_lines(log):
            progress(f"  {line}")

    chosen = choose(read_sources(registry), publishers)
    echo(f"Fetching spend files of {len(chosen)} publisher(s) into {data_dir / 'spend'}", err=True)
    result = harvest(data_dir, chosen, policy=policy(), progress=publisher_done)
    echo(result.summary())
    if result.offline:
        raise LotiDemandError(f"no publisher could be reached ({result.attempted[0].problem}); nothing was fetched")
    if result.attempted and all(p.status == "failed" for p in result.attempted):
        raise LotiDemandError("no publisher's listing could be read; see the lines above")
    listed = sum(p.listed for p in result.attempted)
    if listed and not result.count(*KEPT):
        raise LotiDemandError(
            f"none of the {listed:,} file(s) listed could be kept; the lines above say why, and {log} has every file"
        )


def fetch_options(function):
    function = click.option(
        "--raw-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=lambda: config.path("raw_dir"),
        show_default="data/raw or $LOTI_DEMAND_RAW_DIR",
        help="Where to save the raw pages.",
    )(function)
    function = click.option("--stages", default="", help="Comma-separated stages to fetch (default: all).")(function)
    function = click.option("--until", help="End of the window (default: now).")(function)
    function = click.option(
        "--since",
        help="Start of the window, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (default: resume from the last complete fetch).",
    )(function)
    return warehouse_option(function)


def _fetch(source: str, warehouse: Path, since: str | None, until: str | None, stages: str, raw_dir: Path) -> None:
    from loti_demand.sources import connectors
    from loti_demand.warehouse.build import add_files
    from loti_demand.warehouse.db import connect

    start = connectors.parse_when(since) if since else None
    if start is None and warehouse.exists():
        con = connect(warehouse, read_only=True)
        try:
            start = connectors.last_fetched(con, source)
        finally:
            con.close()
    if start is None:
        raise LotiDemandError(f"no earlier {source} fetch is recorded in {warehouse}: give --since YYYY-MM-DD")
    api = connectors.APIS[source]
    from loti_demand.refresh import policy as settings_policy

    policy = settings_policy()
    echo(f"Fetching {api.label} from {start:%Y-%m-%d %H:%M:%S}", err=True)
    result = connectors.fetch(
        source,
        start,
        connectors.parse_when(until) if until else None,
        base_url=str(config.get(api.url_setting)),
        raw_dir=raw_dir,
        stages=[s.strip() for s in stages.split(",") if s.strip()],
        policy=policy,
        progress=progress,
    )
    if result.status != "ok" and not result.pages:
        raise LotiDemandError(f"{api.label}: {result.problem}; nothing was fetched")
    echo(result.summary())
    report = add_files(
        warehouse,
        "procurement",
        [p.path for p in result.pages],
        progress=progress,
        before_models=lambda con: connectors.record_fetch(con, result),
    )
    print_report(report)
    if result.status != "ok":
        raise LotiDemandError(
            f"{api.label}: the fetch stopped: {result.problem}. The {len(result.pages)} page(s) before it "
            f"({result.releases:,} releases) were saved and ingested; run the command again to retry "
            "(it resumes from the last complete fetch)"
        )
    if result.problem:
        secho(f"Warning: {result.problem}", fg="yellow", err=True)


@fetch.command("fts")
@fetch_options
def fetch_fts(warehouse, since, until, stages, raw_dir) -> None:
    """Fetch Find a Tender release packages updated in a window, save them and ingest them.

    Pages through the API 100 releases at a time, obeys Retry-After on 429/503, and records the fetch in
    fetch_log; without --since it resumes where the last complete fetch ended.

    \b
    Example:
      python -m loti_demand fetch fts --since 2025-04-01 --until 2025-05-01 --stages planning,tender
    """
    _fetch("fts", warehouse, since, until, stages, raw_dir)


@fetch.command("contracts-finder")
@fetch_options
def fetch_contracts_finder(warehouse, since, until, stages, raw_dir) -> None:
    """Fetch Contracts Finder notices published in a window, save them and ingest them.

    Pages through the OCDS search 100 releases at a time; its rate limit (an HTTP 403 page) makes it wait
    fetch_rate_limit_wait seconds (5 minutes by default). Without --since it resumes where the last complete
    fetch ended.

    \b
    Example:
      python -m loti_demand fetch contracts-finder --since 2025-04-01 --stages planning,tender
    """
    _fetch("contracts-finder", warehouse, since, until, stages, raw_dir)


@cli.command()
@data_option
@warehouse_option
@click.option(
    "--since",
    help="Start of the notices' window, YYYY-MM-DD (default: resume from the data folder's "
    "last complete fetch of each API).",
)
@click.option("--until", help="End of the notices' window (default: now).")
@spend_source_options
@click.option(
    "--only",
    type=click.Choice(REFRESH_SOURCES),
    multiple=True,
    help="Fetch only this source (repeat for more; default: all three).",
)
@click.option(
    "--strict",
    is_flag=True,
    default=lambda: bool(config.get("strict")),
    help="Fail the build if any line is quarantined.",
)
def refresh(
    data_dir: Path,
    warehouse: Path,
    since: str | None,
    until: str | None,
    registry: Path,
    publishers: tuple[str, ...],
    only: tuple[str, ...],
    strict: bool,
) -> None:
    """Fetch council spend, Find a Tender and Contracts Finder into the data folder, then rebuild the warehouse.

    Each source shows a progress bar and ends with one line; a source that fails never stops the others. The
    build is atomic and skips unreadable files (recording them in load_issues); when nothing new was fetched
    (every source offline, say) the warehouse is not touched. Exits 1 if any source or the build failed.

    \b
    Example:
      python -m loti_demand refresh --data data/real --since 2025-04-01 --until 2025-07-01
    """
    from loti_demand.refresh import refresh as run_refresh
    from loti_demand.sources import connectors
    from loti_demand.sources.spend_sources import choose, read_sources

    chosen = choose(read_sources(registry), publishers) if not only or "spend" in only else []
    report = run_refresh(
        data_dir,
        warehouse,
        sources=chosen,
        since=connectors.parse_when(since) if since else None,
        until=connectors.parse_when(until) if until else None,
        bar=_bar,
        strict=strict,
        only=only or REFRESH_SOURCES,
    )
    echo("Refresh:")
    for outcome in report.outcomes:
        echo(f"  {outcome.label}: {'' if outcome.ok else 'FAILED: '}{outcome.line}")
        for detail in outcome.details:
            echo(f"      {detail}")
    if report.build is not None:
        new = report.new_rows
        echo(
            f"Built {report.build.warehouse}: {new.get('spend', 0):,} new spend line(s) and "
            f"{new.get('procurement', 0):,} new notice(s) loaded from the files fetched"
        )
        for name, value in report.build.counts.items():
            echo(f"  {name}: {value:,}")
        for warning in report.build.warnings:
            secho(f"  warning: {warning}", fg="yellow")
    if report.skipped_build:
        echo(report.skipped_build[0].upper() + report.skipped_build[1:] + ".")
    if report.failed:
        problems = [o.label for o in report.outcomes if not o.ok] + (
            [report.build_problem] if report.build_problem else []
        )
        raise LotiDemandError("refresh incomplete: " + "; ".join(problems))


@contextlib.contextmanager
def _bar(label: str, length: int | None):
    """A progress bar on standard error (of unknown length: a pulse); yields step(item)."""
    items = range(length) if length is not None else iter(int, 1)  # iter(int, 1): endless, length unknown
    with click.progressbar(
        items,
        label=f"{label:<17}",
        show_pos=True,
        item_show_func=lambda item: item and printable(item),
        file=sys.stderr,
    ) as bar:
        yield lambda item: bar.update(1, item)


@cli.group()
def boundaries() -> None:
    """Official London borough boundaries for the geographic map."""


@boundaries.command("fetch")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=lambda: config.PROJECT_DIR / "data" / "boundaries" / "london_boroughs.geojson",
    show_default="data/boundaries/london_boroughs.geojson",
    help="Where to save the GeoJSON.",
)
@click.option(
    "--url",
    default=lambda: config.get("boundaries_url"),
    show_default="$LOTI_DEMAND_BOUNDARIES_URL",
    help="ArcGIS REST query returning GeoJSON (defaults to the ONS Open Geography Portal).",
)
@click.option(
    "--timeout",
    type=float,
    default=60,
    show_default=True,
    help="Seconds the server may stay silent; the whole download may take LOTI_DEMAND_FETCH_MAX_SECONDS.",
)
def boundaries_fetch(out: Path, url: str, timeout: float) -> None:
    """Download London borough boundaries from the ONS Open Geography Portal (needs internet).

    Checks that all 33 London authorities (E09 codes) are there before saving.

    \b
    Example:
      python -m loti_demand boundaries fetch --out data/boundaries/london_boroughs.geojson
    """
    from loti_demand.geo import fetch_boundaries

    echo(f"Downloading London borough boundaries from {url.split('?', maxsplit=1)[0]} ...", err=True)
    codes = fetch_boundaries(url, out, timeout=timeout, max_seconds=float(config.get("fetch_max_seconds")))
    echo(f"Saved {len(codes)} London borough boundaries to {out}")
    echo("To use them on the Borough map page, set the boundaries setting before starting the dashboard:")
    echo(f"  export LOTI_DEMAND_BOUNDARIES={out}")


@boundaries.command("neighbours")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=lambda: _region_file("borough_neighbours"),
    show_default="the region's borough_neighbours.csv: data/reference/borough_neighbours.csv for london",
    help="Where to write the table.",
)
def boundaries_neighbours(file: Path, out: Path) -> None:
    """Work out which boroughs share a border from official boundaries, for the Borough profile's peers.

    Writes the reference table data/reference/borough_neighbours.csv (a pair a line, both ways round, with names);
    rebuild the warehouse to use it.

    \b
    Example:
      python -m loti_demand boundaries neighbours London_Borough_Excluding_MHW.geojson
    """
    from loti_demand.geo import borough_neighbours, read_boundaries
    from loti_demand.reference import Reference

    pairs = borough_neighbours(read_boundaries(file, simplify_metres=0))
    names = Reference().borough_names
    pairs.insert(1, "borough_name", pairs["borough_code"].map(names))
    pairs["neighbour_name"] = pairs["neighbour_code"].map(names)
    pairs.to_csv(out, index=False, lineterminator="\n")
    echo(f"Wrote {len(pairs) // 2} pairs of neighbouring boroughs to {out}")
