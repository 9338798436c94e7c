"""The fetch logs kept in the data folder: DIR/spend/fetch_log.csv (the spend harvester) and
DIR/procurement/fetch_log.csv (the API fetches of `refresh`).

They live beside the files they describe, so they survive rebuilds, let a fetch resume, and are loaded into the
warehouse's raw_fetch_log at every build. One row per event, appended and never rewritten; a row cut short by an
interruption is left as it is and the next row starts on a new line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path

from loti_demand.exceptions import InputFileError

FILE_NAME = "fetch_log.csv"
LOGS = (Path("spend") / FILE_NAME, Path("procurement") / FILE_NAME)
COLUMNS = (
    "source",  # spend | fts | contracts-finder
    "fetched_at",  # UTC, YYYY-MM-DDTHH:MM:SS
    "publisher",  # spend: the registry's publisher
    "url",  # spend: the listing page or the file
    "path",  # spend: where the file is kept, relative to the data folder
    "sha256",
    "bytes",
    "etag",  # spend: validators for the next conditional GET
    "last_modified",
    "window_from",  # API fetches: the window asked for
    "window_to",
    "pages",  # listing pages read (spend) or result pages saved (APIs)
    "files",  # spend listings: files the listing named
    "releases",
    "stated_total",
    "last_date_fetched",
    "status",
    "problem",
)


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def append(path: Path, rows: Iterable[dict[str, object]]) -> None:
    """Add rows to a log, writing the header first when the log is new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
    fresh = not path.exists() or path.stat().st_size == 0
    if fresh:
        writer.writeheader()
    elif _header(path) != list(COLUMNS):
        raise InputFileError(
            str(path),
            "does not have the fetch log's columns",
            f"move it aside (a new log starts with: {','.join(COLUMNS)})",
        )
    for row in rows:
        writer.writerow({c: "" if row.get(c) is None else row[c] for c in COLUMNS})
    with path.open("a+b") as fh:
        if not fresh:
            fh.seek(-1, 2)
            if fh.read(1) != b"\n":  # an earlier write was interrupted mid-line
                fh.write(b"\n")
        fh.write(buffer.getvalue().encode("utf-8"))
        fh.flush()


def read(path: Path) -> list[dict[str, str]]:
    """Every row of a log ([] when there is none)."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="", errors="replace") as fh:
        return [{c: (row.get(c) or "") for c in COLUMNS} for row in csv.DictReader(fh)]


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="", errors="replace") as fh:
        return next(csv.reader(fh), [])


def load(con, data_dir: Path) -> None:
    """Copy the data folder's fetch logs into raw_fetch_log (inside the build's transaction)."""
    from loti_demand.warehouse.db import step_sql

    for relative in LOGS:
        path = Path(data_dir) / relative
        if path.is_file() and path.stat().st_size:
            con.execute(step_sql("load_fetch_log"), {"path": str(path)})
