"""What every command shares: printing that cannot drive the terminal, one way to turn errors into messages and
exit codes, the shared options, and the `cli` group the command modules add to."""

from __future__ import annotations

import os
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


def write_data(data: bytes) -> None:
    """A CSV, Atom or iCalendar file to standard output: as it is when piped; escaped when it is a terminal, where a
    cell could drive it."""
    if sys.stdout.isatty():
        echo(data.decode("utf-8-sig").replace("\r\n", "\n"), nl=False)
    else:
        click.echo(data, nl=False)


class HandlesErrors:
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
            if os.environ.get(config.ENV_PREFIX + "DEBUG", "").strip().lower() in config.TRUE:  # even if mistyped
                raise
            from loti_demand.storage import explain

            problem = explain(exc, warehouse=ctx.meta.get("warehouse"))
            if problem is not None:
                secho(f"Error: {problem}", fg="red", err=True)
                sys.exit(1)
            detail = " ".join(str(exc).split())[:300]
            secho(f"Unexpected error ({type(exc).__name__}): {detail}", fg="red", err=True)
            echo(
                "This is a bug in loti-demand: please report it with the command you ran. "
                "A build or ingest that stops like this leaves the warehouse unchanged. "
                "Run again with LOTI_DEMAND_DEBUG=1 to see the full traceback.",
                err=True,
            )
            sys.exit(EXIT_UNEXPECTED)


class Group(HandlesErrors, click.Group):
    """A command group that handles errors so."""


class Command(HandlesErrors, click.Command):
    """A lone command that handles errors so (the benchmarks' command)."""


def _remember_warehouse(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    ctx.meta["warehouse"] = value  # meta is shared by every context: HandlesErrors.invoke names it in errors
    return value


def warehouse_option(function):
    return click.option(
        "--warehouse",
        "-w",
        type=click.Path(dir_okay=False, path_type=Path),
        default=lambda: config.path("warehouse"),
        show_default="data/warehouse.duckdb or $LOTI_DEMAND_WAREHOUSE",
        help="The DuckDB warehouse file.",
        callback=_remember_warehouse,
    )(function)


def build_options(function):
    function = click.option(
        "--strict", is_flag=True, default=lambda: bool(config.get("strict")), help="Fail if any line is quarantined."
    )(function)
    return click.option(
        "--skip-bad-files", is_flag=True, help="Record unreadable files in load_issues and go on, instead of failing."
    )(function)


def progress(message: str) -> None:
    echo(f"  {message}", err=True)


def print_report(report) -> None:
    echo(f"Built {report.warehouse}")
    files = report.files
    echo(
        f"  files read: {sum(f.status == 'loaded' for f in files)}, "
        f"rejected: {sum(f.status == 'rejected' for f in files)}"
    )
    for name, value in report.counts.items():
        echo(f"  {name}: {value:,}")
    for path, ingested_at in report.replaced:
        echo(f"  replaced: {path}, as ingested {ingested_at:%Y-%m-%d %H:%M} UTC, by the file now read from its path")
    for warning in getattr(report, "warnings", ()):
        secho(f"  warning: {warning}", fg="yellow")
    from loti_demand.load_report import file_table

    table = file_table(report.spend_files)
    if table:
        echo("")
        echo(table)


@click.group(cls=Group)
@click.version_option(package_name="loti-demand")
def cli() -> None:
    """loti-demand: build and query the London tech demand warehouse.

    \b
    Example:
      python -m loti_demand build --data data/sample --warehouse data/warehouse.duckdb
    """
