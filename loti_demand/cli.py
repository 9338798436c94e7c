"""`python -m loti_demand ...`: thin commands over the library. Errors print a message and exit 1."""

from __future__ import annotations

import contextlib
import re
import sys
from pathlib import Path

import click

from loti_demand import config
from loti_demand.exceptions import LotiDemandError

EXIT_UNEXPECTED = 70  # EX_SOFTWARE: a bug in loti-demand rather than a problem with the input
REFRESH_SOURCES = ("spend", "fts", "contracts-finder")  # loti_demand.refresh.SOURCES, without importing requests


# Control characters from file names and cells (an ANSI escape can recolour, retitle or rewrite the terminal) and
# the Unicode marks that reorder text are shown escaped; tab and newline stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: object) -> str:
    r"""`text` with every control character shown as an escape (\x1b), so printing it cannot drive the terminal."""
    return _CONTROL.sub(_escaped, str(text))


def _escaped(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def echo(message: object = "", **kwargs) -> None:
    """click.echo, through printable: everything the CLI prints goes through here or secho."""
    click.echo(printable(message), **kwargs)


def secho(message: object, **kwargs) -> None:
    click.secho(printable(message), **kwargs)


def _write_data(data: bytes) -> None:
    """A CSV, Atom or iCalendar file to standard output: as it is when piped; escaped when it is a terminal, where a
    cell could drive it."""
    if sys.stdout.isatty():
        echo(data.decode("utf-8-sig").replace("\r\n", "\n"), nl=False)
    else:
        click.echo(data, nl=False)


class Group(click.Group):
    """Turn every LotiDemandError into a plain message and exit code 1: never a traceback.

    So are the operator's problems that arrive as other exceptions (a full or read-only disk, a damaged warehouse:
    storage.explain). Any other exception is a bug: it is reported in one line with exit code 70
    (LOTI_DEMAND_DEBUG=1 shows the traceback). Builds and ingests are atomic, so the warehouse is unchanged either
    way.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except LotiDemandError as exc:
            secho(f"Error: {exc}", fg="red", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            echo("Interrupted: the warehouse was not changed.", err=True)
            sys.exit(130)
        except click.exceptions.ClickException as exc:  # usage errors quote what was typed: file names included
            exc.message = printable(exc.message)
            raise
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            if config.get("debug"):
                raise
            from loti_demand.storage import explain

            problem = explain(exc, warehouse=ctx.meta.get("warehouse"))
            if problem is not None:
                secho(f"Error: {problem}", fg="red", err=True)
                sys.exit(1)
            detail = " ".join(str(exc).split())[:300]
            secho(f"Unexpected error ({type(exc).__name__}): {detail}", fg="red", err=True)
            echo("This is a bug in loti-demand: please report it with the command you ran. "
                 "A build or ingest that stops like this leaves the warehouse unchanged. "
                 "Run again with LOTI_DEMAND_DEBUG=1 to see the full traceback.", err=True)
            sys.exit(EXIT_UNEXPECTED)


def _remember_warehouse(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    ctx.meta["warehouse"] = value  # meta is shared by every context: Group.invoke names it in errors
    return value


def warehouse_option(function):
    return click.option(
        "--warehouse", "-w", type=click.Path(dir_okay=False, path_type=Path),
        default=lambda: config.path("warehouse"), show_default="data/warehouse.duckdb or $LOTI_DEMAND_WAREHOUSE",
        help="The DuckDB warehouse file.", callback=_remember_warehouse,
    )(function)


def build_options(function):
    function = click.option("--strict", is_flag=True, default=lambda: bool(config.get("strict")),
                            help="Fail if any line is quarantined.")(function)
    return click.option("--skip-bad-files", is_flag=True,
                        help="Record unreadable files in load_issues and go on, instead of failing.")(function)


def _progress(message: str) -> None:
    echo(f"  {message}", err=True)


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
    echo(f"Built {report.warehouse}")
    files = report.files
    echo(f"  files read: {sum(f.status == 'loaded' for f in files)}, "
         f"rejected: {sum(f.status == 'rejected' for f in files)}")
    for name, value in report.counts.items():
        echo(f"  {name}: {value:,}")
    from loti_demand.load_report import file_table

    table = file_table(report.spend_files)
    if table:
        echo("")
        echo(table)


@cli.command()
@warehouse_option
def check(warehouse: Path) -> None:
    """Read every table back (a damaged block fails its checksum), then run the model checks (keys, relationships,
    totals, accounting) against a warehouse.

    \b
    Example:
      python -m loti_demand check --warehouse data/warehouse.duckdb
    """
    from loti_demand.warehouse.build import check_names, run_checks
    from loti_demand.warehouse.db import connect, read_every_table

    con = connect(warehouse, read_only=True)
    echo(f"  ok   every block of the {read_every_table(con)} tables reads back")
    failures = run_checks(con)
    failed = {f.check for f in failures}
    for name in check_names():
        echo(f"  {'FAIL' if name in failed else 'ok  '} {name}")
    if failures:
        raise LotiDemandError("checks failed:\n  " + "\n  ".join(str(f) for f in failures))
    echo(f"All {len(check_names())} checks passed.")


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
    echo(f"Wrote sample data to {out}")
    for name, value in counts.items():
        echo(f"  {name}: {value:,}")


@cli.group()
def ingest() -> None:
    """Add files to an existing warehouse (atomically, like build)."""


def _ingest(kind: str, warehouse: Path, files: tuple[Path, ...], strict: bool, skip_bad_files: bool,
            publisher: str | None = None, mapping: Path | None = None, per_file: bool = False) -> None:
    from loti_demand.reference import Reference
    from loti_demand.warehouse.build import add_files, read_mapping, resolve_publisher

    ref = Reference()
    report = add_files(warehouse, kind, list(files), publisher=resolve_publisher(ref, publisher) if publisher else None,
                       mapping=read_mapping(mapping) if mapping else None, strict=strict,
                       skip_bad_files=skip_bad_files, progress=_progress, reference=ref)
    _print_report(report)
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
            echo(f"  {path}: {fmt}, {read:,} read, {loaded:,} loaded, {duplicate:,} duplicate, "
                 f"{quarantined:,} quarantined")


def _print_rejected_rows(warehouse: Path, paths: list[str]) -> None:
    """List the rows of the files just ingested that were not loaded, one message each."""
    from loti_demand.warehouse.db import connect

    con = connect(warehouse, read_only=True)
    try:
        rows = con.execute("select problem from load_issues where list_contains($paths, source_file) "
                           "order by source_file, source_row", {"paths": paths}).fetchall()
    finally:
        con.close()
    if rows:
        echo("  rows not loaded (see load_issues):")
    for (problem,) in rows:
        echo(f"    {problem}")


@ingest.command("spend")
@warehouse_option
@click.option("--publisher", "--borough", "publisher", required=True, metavar="NAME|CODE",
              help="Who published the files: a borough's name, alias or GSS code (Lambeth, E09000022), or a "
                   "London-wide body's name or code (Greater London Authority, GLA, TfL, MOPAC...).")
@click.option("--mapping", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="CSV with columns field,column naming the council's column for each field.")
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
        echo(f"{report.source_file} ({report.detected_format}): {rows} row{'' if rows == 1 else 's'}, "
             f"{len(report.valid)} valid, {len(report.invalid)} invalid")
        for message in report.messages():
            echo(f"  {message}")
        if show_valid:
            for line in report.summaries(ref.borough_names):
                echo(f"  ok {line}")
        failed += bool(report.invalid)
    if failed:
        echo(f"{failed} of {len(files)} file(s) need fixing.", err=True)
        sys.exit(1)


@cli.group()
def fetch() -> None:
    """Fetch council spend files into the data folder, or OCDS notices from the Find a Tender or Contracts Finder
    API into the warehouse."""


def data_option(function):
    """--data for the fetchers: required, so real downloads never land in the default (the synthetic sample)."""
    return click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
                        help="Data folder to fetch into: spend/<publisher>/, procurement/ (created as needed).")(
                            function)


def spend_source_options(function):
    function = click.option("--publisher", "publishers", multiple=True,
                            help="Only this publisher (name, folder name or GSS code); repeat for more.")(function)
    return click.option("--sources", "registry", type=click.Path(dir_okay=False, path_type=Path),
                        default=lambda: config.path("reference") / "spend_sources.csv",
                        show_default="data/reference/spend_sources.csv",
                        help="The spend source registry: one row per publisher.")(function)


@fetch.command("spend")
@data_option
@spend_source_options
def fetch_spend(data_dir: Path, registry: Path, publishers: tuple[str, ...]) -> None:
    """Download new and changed council spend files into DIR/spend/<publisher>/ from the registry's sources.

    Lists each publisher's files (links on its page, CKAN or London Datastore API), obeys robots.txt, asks each
    host at most once a second, and keeps every file's URL, time and sha256 in DIR/spend/fetch_log.csv. A file
    that changed upstream is saved after its old version is moved to DIR/spend/.superseded/; nothing is deleted.

    \b
    Example:
      python -m loti_demand fetch spend --data data/real --publisher Camden --publisher Lambeth
    """
    from loti_demand.refresh import policy
    from loti_demand.sources.spend_fetch import harvest
    from loti_demand.sources.spend_sources import choose, read_sources

    chosen = choose(read_sources(registry), publishers)
    echo(f"Fetching spend files of {len(chosen)} publisher(s) into {data_dir / 'spend'}", err=True)
    result = harvest(data_dir, chosen, policy=policy(), progress=lambda p: _progress(p.line()))
    echo(result.summary())
    if result.offline:
        raise LotiDemandError(f"no publisher could be reached ({result.attempted[0].problem}); nothing was fetched")
    if result.attempted and all(p.status == "failed" for p in result.attempted):
        raise LotiDemandError("no publisher's listing could be read; see the lines above")


def fetch_options(function):
    function = click.option("--raw-dir", type=click.Path(file_okay=False, path_type=Path),
                            default=lambda: config.path("raw_dir"), show_default="data/raw or $LOTI_DEMAND_RAW_DIR",
                            help="Where to save the raw pages.")(function)
    function = click.option("--stages", default="", help="Comma-separated stages to fetch (default: all).")(function)
    function = click.option("--until", help="End of the window (default: now).")(function)
    function = click.option("--since", help="Start of the window, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS "
                                            "(default: resume from the last complete fetch).")(function)
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
    policy = connectors.FetchPolicy(timeout=float(config.get("fetch_timeout")),
                                    rate_limit_wait=float(config.get("fetch_rate_limit_wait")))
    echo(f"Fetching {api.label} from {start:%Y-%m-%d %H:%M:%S}", err=True)
    result = connectors.fetch(source, start, connectors.parse_when(until) if until else None,
                              base_url=str(config.get(api.url_setting)), raw_dir=raw_dir,
                              stages=[s.strip() for s in stages.split(",") if s.strip()], policy=policy,
                              progress=_progress)
    if result.status != "ok" and not result.pages:
        raise LotiDemandError(f"{api.label}: {result.problem}; nothing was fetched")
    echo(result.summary())
    report = add_files(warehouse, "procurement", [p.path for p in result.pages], progress=_progress,
                       before_models=lambda con: connectors.record_fetch(con, result))
    _print_report(report)
    if result.status != "ok":
        raise LotiDemandError(
            f"{api.label}: the fetch stopped: {result.problem}. The {len(result.pages)} page(s) before it "
            f"({result.releases:,} releases) were saved and ingested; run the command again to retry "
            "(it resumes from the last complete fetch)")
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
@click.option("--since", help="Start of the notices' window, YYYY-MM-DD (default: resume from the data folder's "
                              "last complete fetch of each API).")
@click.option("--until", help="End of the notices' window (default: now).")
@spend_source_options
@click.option("--only", type=click.Choice(REFRESH_SOURCES), multiple=True,
              help="Fetch only this source (repeat for more; default: all three).")
@click.option("--strict", is_flag=True, default=lambda: bool(config.get("strict")),
              help="Fail the build if any line is quarantined.")
def refresh(data_dir: Path, warehouse: Path, since: str | None, until: str | None, registry: Path,
            publishers: tuple[str, ...], only: tuple[str, ...], strict: bool) -> None:
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
    report = run_refresh(data_dir, warehouse, sources=chosen, since=connectors.parse_when(since) if since else None,
                         until=connectors.parse_when(until) if until else None, bar=_bar, strict=strict,
                         only=only or REFRESH_SOURCES)
    echo("Refresh:")
    for outcome in report.outcomes:
        echo(f"  {outcome.label}: {'' if outcome.ok else 'FAILED: '}{outcome.line}")
        for detail in outcome.details:
            echo(f"      {detail}")
    if report.build is not None:
        new = report.new_rows
        echo(f"Built {report.build.warehouse}: {new.get('spend', 0):,} new spend line(s) and "
             f"{new.get('procurement', 0):,} new notice(s) loaded from the files fetched")
        for name, value in report.build.counts.items():
            echo(f"  {name}: {value:,}")
    if report.skipped_build:
        echo(report.skipped_build[0].upper() + report.skipped_build[1:] + ".")
    if report.failed:
        problems = [o.label for o in report.outcomes if not o.ok] + ([report.build_problem]
                                                                     if report.build_problem else [])
        raise LotiDemandError("refresh incomplete: " + "; ".join(problems))


@contextlib.contextmanager
def _bar(label: str, length: int | None):
    """A progress bar on standard error (of unknown length: a pulse); yields step(item)."""
    items = range(length) if length is not None else iter(int, 1)  # iter(int, 1): endless, length unknown
    with click.progressbar(items, label=f"{label:<17}", show_pos=True,
                           item_show_func=lambda item: item and printable(item), file=sys.stderr) as bar:
        yield lambda item: bar.update(1, item)


@cli.group()
def export() -> None:
    """Export CSV files (the same files the dashboard's download buttons give)."""


@export.command("summary")
@warehouse_option
@click.option("--by", "by_text", default=",".join(("borough", "category", "quarter")), show_default=True,
              help="Comma-separated dimensions, from: borough, category, month, quarter, financial_year.")
@click.option("--from", "month_from", metavar="YYYY-MM", help="First month to include (default: the earliest).")
@click.option("--to", "month_to", metavar="YYYY-MM", help="Last month to include (default: the latest).")
@click.option("--out", required=True, metavar="FILE", help="CSV file to write, or - for standard output.")
@click.option("--notes", "notes_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Where to write the notes (data as of, definitions). Default: beside --out as NAME.notes.md; "
                   "with --out - none unless given.")
@click.option("--bom/--no-bom", default=True, show_default=True,
              help="Start the CSV with a UTF-8 byte-order mark (helps Excel; --no-bom for other tools).")
def export_summary(warehouse: Path, by_text: str, month_from: str | None, month_to: str | None, out: str,
                   notes_path: Path | None, bom: bool) -> None:
    """Demand summary by borough x tech category x period: tech spend, pipeline, expiring contracts, challenges.

    The CSV has one header row and data rows; definitions and the data-as-of date go in a notes file beside it.

    \b
    Example:
      python -m loti_demand export summary --by borough,category,quarter --from 2025-04 --to 2026-03 --out s.csv
      python -m loti_demand export summary --by category,financial_year --out -
    """
    from loti_demand.export import summary_notes, to_csv_bytes
    from loti_demand.queries import export_summary
    from loti_demand.warehouse.db import connect

    def parsed(option: str, parse, *args):
        try:
            return parse(*args)
        except LotiDemandError as exc:
            raise click.BadParameter(str(exc).removeprefix(f"{option}: "), param_hint=f"'{option}'") from exc

    by = parsed("--by", export_summary.parse_by, by_text)
    first = parsed("--from", export_summary.parse_month, month_from, "--from")
    last = parsed("--to", export_summary.parse_month, month_to, "--to")
    con = connect(warehouse, read_only=True)
    df = export_summary.demand_summary(con, by=by, month_from=first, month_to=last)
    data = to_csv_bytes(df, bom=bom)
    text = summary_notes(con, by=by, month_from=first, month_to=last, rows=len(df))
    con.close()
    try:
        if out == "-":
            _write_data(data)
        else:
            Path(out).write_bytes(data)
            notes_path = notes_path or Path(out).with_suffix(".notes.md")
            echo(f"Wrote {len(df):,} rows to {out}", err=True)
        if notes_path:
            notes_path.write_text(text, encoding="utf-8")
            echo(f"Wrote the notes (definitions, data as of) to {notes_path}", err=True)
    except OSError as exc:
        from loti_demand.storage import explain

        raise explain(exc) or LotiDemandError(f"could not write {exc.filename}: {exc.strerror}") from exc


def _alert_options(function):
    function = click.option("--out", required=True, metavar="FILE", help="File to write, or - for standard output.")(
        function)
    return click.option("--link", required=True, metavar="URL",
                        help="The page's link, filters and all, as the dashboard's Copy link gives it "
                             "(https://HOST/calendar?q=AI&sme=yes), or just its path (challenges?status=open).")(
        function)


def _write_alert(out: str, data: bytes, what: str) -> None:
    try:
        if out == "-":
            _write_data(data)
        else:
            Path(out).write_bytes(data)
            echo(f"Wrote {what} to {out}", err=True)
    except OSError as exc:
        raise LotiDemandError(f"could not write {exc.filename}: {exc.strerror}") from exc


@export.command("feed")
@warehouse_option
@_alert_options
def export_feed(warehouse: Path, link: str, out: str) -> None:
    """An Atom feed of a filtered Demand calendar or Challenges view: one entry per procurement or challenge.

    Run it on a schedule and publish the file, and anyone can follow the view in a feed reader.

    \b
    Example:
      python -m loti_demand export feed --link "https://dash.example/calendar?q=AI&sme=yes" --out ai.atom
      python -m loti_demand export feed --link "challenges?status=open" --out -
    """
    from loti_demand import alerts
    from loti_demand.warehouse.db import connect

    con = connect(warehouse, read_only=True)
    try:
        shown = alerts.view(con, link)
        data = alerts.atom(shown.entries, title=shown.title, link=link, updated=alerts.built_at(con))
    finally:
        con.close()
    _write_alert(out, data, f"an Atom feed of {len(shown.entries):,} entries")


@export.command("ics")
@warehouse_option
@_alert_options
def export_ics(warehouse: Path, link: str, out: str) -> None:
    """An iCalendar (.ics) file of a filtered Demand calendar or Challenges view.

    Each procurement's expected date and bid deadline, and each challenge's closing date, is an all-day event.

    \b
    Example:
      python -m loti_demand export ics --link "https://dash.example/calendar?category=cyber_security" --out cyber.ics
    """
    from loti_demand import alerts
    from loti_demand.warehouse.db import connect

    con = connect(warehouse, read_only=True)
    try:
        shown = alerts.view(con, link)
        data = alerts.ics(shown.events, name=shown.title, stamp=alerts.built_at(con))
    finally:
        con.close()
    _write_alert(out, data, f"a calendar of {len(shown.events):,} events")


@cli.command()
@warehouse_option
@click.argument("words")
@click.option("--challenges", is_flag=True, help="Search the challenges instead of the procurement notices.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True, help="Notices at most.")
def search(warehouse: Path, words: str, challenges: bool, limit: int) -> None:
    """Search London's procurement notices (or challenges) for words: whole words in any form, "phrases in
    quotes", and the synonyms in data/reference/search_synonyms.csv. Matches are marked «like this».

    \b
    Example:
      python -m loti_demand search 'AI "case management"'
      python -m loti_demand search cyber --challenges
    """
    from loti_demand import queries
    from loti_demand.warehouse.db import connect

    con = connect(warehouse, read_only=True)
    try:
        found = queries.search_query(con, words)
        if not found:
            raise LotiDemandError(f"{words!r} holds no words to search for")
        rows = (queries.challenges_list(con, q=words) if challenges
                else queries.notice_search(con, q=words, limit=limit))
    finally:
        con.close()
    echo(f"Searched for {found.describe()}: {len(rows):,} {'challenges' if challenges else 'notices'}", err=True)
    key = "challenge_id" if challenges else "ocid"
    for row in rows.itertuples(index=False):
        echo(f"{_one_line(getattr(row, key))}  {_one_line(row.title)}\n    {_one_line(row.search_match)}")


def _one_line(value: object) -> str:
    """Publisher text on one terminal line: line breaks and tabs become spaces (echo escapes the rest)."""
    return " ".join(str(value).split())


@cli.command()
def settings() -> None:
    """Print every setting, its environment variable and its effective value.

    \b
    Example:
      python -m loti_demand settings
    """
    for name, env, value, help_text in config.effective():
        echo(f"{name} = {value!r}  (${env})\n    {help_text}")


@cli.command()
@warehouse_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("docs/screenshots"),
              show_default=True, help="Folder for the JPEG files.")
def screenshots(warehouse: Path, out: Path) -> None:
    """Screenshot every registered dashboard page in headless Chromium (for docs/dashboard.md and reviews).

    \b
    Example:
      python -m loti_demand screenshots --warehouse data/warehouse.duckdb --out docs/screenshots
    """
    from loti_demand.screenshots import take_screenshots

    take_screenshots(warehouse, out, echo=echo)


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

    echo(f"Downloading London borough boundaries from {url.split('?', maxsplit=1)[0]} ...", err=True)
    codes = fetch_boundaries(url, out, timeout=timeout)
    echo(f"Saved {len(codes)} London borough boundaries to {out}")
    echo("To use them on the Borough map page, set the boundaries setting before starting the dashboard:")
    echo(f"  export LOTI_DEMAND_BOUNDARIES={out}")


@boundaries.command("neighbours")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=lambda: config.path("reference") / "borough_neighbours.csv",
              show_default="data/reference/borough_neighbours.csv", help="Where to write the table.")
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


@cli.command()
@click.option("--update", is_flag=True, help="Rewrite the table reference in docs/warehouse-tables.md.")
def docs(update: bool) -> None:
    """Print the warehouse contract (tables and columns) as Markdown.

    \b
    Example:
      python -m loti_demand docs --update
    """
    from loti_demand.config import PROJECT_DIR
    from loti_demand.warehouse import contract

    if update:
        changed = contract.update(PROJECT_DIR / "docs" / "warehouse-tables.md")
        echo("docs/warehouse-tables.md updated." if changed else "docs/warehouse-tables.md already current.")
    else:
        echo(contract.markdown())


@cli.command()
@click.option("--lines", type=int, default=10_000_000, show_default=True, help="Synthetic payment lines.")
@click.option("--releases", type=int, default=100_000, show_default=True, help="Synthetic OCDS releases.")
@click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("data/bench"),
              show_default=True, help="Where to write the generated inputs and the warehouse.")
@click.option("--repeat", type=int, default=20, show_default=True, help="Timed runs per query (after a warm-up).")
@click.option("--months", type=click.IntRange(1, 120), default=120, show_default=True,
              help="Spread the lines over the last N months of the ten years (fewer files for quick runs).")
@click.option("--skip-pandas", is_flag=True, help="Do not time the pandas equivalents.")
@click.option("--skip-sqlite", is_flag=True, help="Do not load SQLite or time its equivalents.")
@click.option("--first-paint", is_flag=True, help="Also time each page's first paint in Chromium (warm server).")
@click.option("--ingest-lines", type=int, default=1_000_000, show_default=True,
              help="Lines in the single realistic CSV the ingest measurement reads.")
@click.option("--ingest-only", is_flag=True, help="Only measure ingest speed of one CSV (no full build, no queries).")
@click.option("--load-only", is_flag=True,
              help="Only run the load test: simulated users on one local server while the warehouse is rebuilt.")
@click.option("--users", type=click.IntRange(1, 100), default=25, show_default=True,
              help="Load test: simulated users (WebSocket sessions).")
@click.option("--duration", type=click.IntRange(10, 3600), default=120, show_default=True,
              help="Load test: seconds the users run.")
@click.option("--rebuild-every", type=click.IntRange(5, 3600), default=30, show_default=True,
              help="Load test: seconds between rebuilds swapped in under the users.")
def bench(lines: int, releases: int, work_dir: Path, repeat: int, months: int, skip_pandas: bool, skip_sqlite: bool,
          first_paint: bool, ingest_lines: int, ingest_only: bool, load_only: bool, users: int, duration: int,
          rebuild_every: int) -> None:
    """Benchmark: generate N payment lines in three council layouts and OCDS releases, build, and report build
    time, ingest lines/s, size, peak memory, every registered query's p50/p95, the same questions in pandas and
    SQLite, AppTest reruns and (optionally) first paint, with a verdict against each target. `--ingest-only`
    times the ingest of one large CSV instead; `--load-only` runs the load test instead: simulated users (real
    clients of Streamlit's WebSocket protocol) through every page, changing filters, on a server on 127.0.0.1
    over the sample warehouse, while it is rebuilt and swapped under them, reporting p50/p95/p99 page time and
    errors.

    Generated inputs are kept in the work folder and reused when the parameters are the same.

    \b
    Example:
      python -m loti_demand bench --lines 1000000 --releases 10000
      python -m loti_demand bench --first-paint          # 10 million lines, 100,000 releases
      python -m loti_demand bench --ingest-only --ingest-lines 1000000
      python -m loti_demand bench --load-only --users 25 --duration 120
    """
    from loti_demand.bench import BenchOptions, run_benchmark

    if load_only:
        from loti_demand.bench.load import LoadOptions, run_load_test

        run_load_test(LoadOptions(users=users, seconds=duration, rebuild_every=rebuild_every, work_dir=work_dir),
                      echo=echo)
        return

    if ingest_only:
        from loti_demand.bench.ingest import run_ingest_benchmark

        run_ingest_benchmark(lines=ingest_lines, work_dir=work_dir, echo=echo)
        return
    run_benchmark(BenchOptions(lines=lines, releases=releases, work_dir=work_dir, repeat=repeat, months=months,
                               pandas=not skip_pandas, sqlite=not skip_sqlite, first_paint=first_paint),
                  echo=echo)


def main() -> None:
    cli(prog_name="python -m loti_demand")
