"""`export ...` and `search`: answers out of the warehouse."""

from __future__ import annotations

import errno
from pathlib import Path

import click

from loti_demand.cli.core import cli, echo, warehouse_option, write_data
from loti_demand.exceptions import LotiDemandError
from loti_demand.storage import cannot_use


@cli.group()
def export() -> None:
    """Export CSV files (the same files the dashboard's download buttons give)."""


@export.command("summary")
@warehouse_option
@click.option(
    "--by",
    "by_text",
    default=",".join(("borough", "category", "quarter")),
    show_default=True,
    help="Comma-separated dimensions, from: borough, category, month, quarter, financial_year.",
)
@click.option("--from", "month_from", metavar="YYYY-MM", help="First month to include (default: the earliest).")
@click.option("--to", "month_to", metavar="YYYY-MM", help="Last month to include (default: the latest).")
@click.option("--out", required=True, metavar="FILE", help="CSV file to write, or - for standard output.")
@click.option(
    "--notes",
    "notes_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Where to write the notes (data as of, definitions). Default: beside --out as NAME.notes.md; "
    "with --out - none unless given.",
)
@click.option(
    "--bom/--no-bom",
    default=True,
    show_default=True,
    help="Start the CSV with a UTF-8 byte-order mark (helps Excel; --no-bom for other tools).",
)
def export_summary(
    warehouse: Path,
    by_text: str,
    month_from: str | None,
    month_to: str | None,
    out: str,
    notes_path: Path | None,
    bom: bool,
) -> None:
    """Demand summary by borough x tech category x period: tech spend, pipeline, expiring contracts, challenges.

    The CSV has one header row and data rows; definitions and the data-as-of date go in a notes file beside it.

    \b
    Example:
      python -m loti_demand export summary --by borough,category,quarter --from 2025-04 --to 2026-03 --out s.csv
      python -m loti_demand export summary --by category,financial_year --out -
    """
    from loti_demand.export import summary_notes, to_csv_bytes
    from loti_demand.queries.export_summary import demand_summary, parse_by, parse_month
    from loti_demand.warehouse.db import connect

    def parsed(option: str, parse, *args):
        try:
            return parse(*args)
        except LotiDemandError as exc:
            raise click.BadParameter(str(exc).removeprefix(f"{option}: "), param_hint=f"'{option}'") from exc

    by = parsed("--by", parse_by, by_text)
    first = parsed("--from", parse_month, month_from, "--from")
    last = parsed("--to", parse_month, month_to, "--to")
    con = connect(warehouse, read_only=True)
    df = demand_summary(con, by=by, month_from=first, month_to=last)
    data = to_csv_bytes(df, bom=bom)
    text = summary_notes(con, by=by, month_from=first, month_to=last, rows=len(df), warehouse=warehouse)
    con.close()
    if out != "-":
        notes_path = notes_path or Path(out).with_suffix(".notes.md")
    for target in [Path(out)] * (out != "-") + [notes_path] * bool(notes_path):
        if not target.parent.is_dir():  # checked before either is written, so neither is left alone
            if any(p.exists() and not p.is_dir() for p in target.parents):
                raise cannot_use(str(target), errno.ENOTDIR)
            raise LotiDemandError(
                f"could not write {target}: the folder {target.parent} does not exist; create it or choose another"
            )
    try:
        if out == "-":
            write_data(data)
        else:
            Path(out).write_bytes(data)
            echo(f"Wrote {len(df):,} rows to {out}", err=True)
        if notes_path:
            notes_path.write_text(text, encoding="utf-8")
            echo(f"Wrote the notes (definitions, data as of) to {notes_path}", err=True)
    except OSError as exc:
        from loti_demand.storage import explain

        raise explain(exc) or LotiDemandError(f"could not write {exc.filename}: {exc.strerror}") from exc


def _alert_options(function):
    function = click.option("--out", required=True, metavar="FILE", help="File to write, or - for standard output.")(
        function
    )
    return click.option(
        "--link",
        required=True,
        metavar="URL",
        help="The page's link, filters and all, as the dashboard's Copy link gives it "
        "(https://HOST/calendar?q=AI&sme=yes), or just its path (challenges?status=open).",
    )(function)


def _write_alert(out: str, data: bytes, what: str) -> None:
    try:
        if out == "-":
            write_data(data)
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
        rows = queries.challenges_list(con, q=words) if challenges else queries.notice_search(con, q=words, limit=limit)
    finally:
        con.close()
    echo(f"Searched for {found.describe()}: {len(rows):,} {'challenges' if challenges else 'notices'}", err=True)
    key = "challenge_id" if challenges else "ocid"
    for row in rows.itertuples(index=False):
        echo(f"{_one_line(getattr(row, key))}  {_one_line(row.title)}\n    {_one_line(row.search_match)}")


def _one_line(value: object) -> str:
    """Publisher text on one terminal line: line breaks and tabs become spaces (echo escapes the rest)."""
    return " ".join(str(value).split())
