"""Can the warehouse be served? One answer per warehouse version (the file's inode and mtime), shared by the
dashboard's pages, which show one "cannot be read" page instead of an error each, and its health check (serve.py).

The answer comes from reading every table once (DuckDB checks each block's checksum as it reads it), and is
replaced by any damage a page's query meets later. The reason goes to the server log once per version; visitors
are not shown paths.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import duckdb

from loti_demand.exceptions import LotiDemandError, WarehouseMissingError
from loti_demand.storage import explain, unreadable
from loti_demand.warehouse.db import connect, read_every_table

Version = tuple[int, int]
LOG = logging.getLogger("loti_demand")
_LOCK = threading.Lock()
_ANSWERS: dict[str, tuple[Version, str | None]] = {}  # path -> (version, problem or None) for its newest version


def version(path: Path | str) -> Version:
    """Changes whenever a build swaps in a new file (a new inode, a new mtime); (0, 0) when there is no file."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return (0, 0)
    return (stat.st_ino, stat.st_mtime_ns)


def problem(path: Path | str) -> str | None:
    """Why the warehouse at `path` cannot be served, or None when it can (or does not exist yet: the dashboard
    then builds the sample)."""
    current = version(path)
    if current == (0, 0):
        return None
    with _LOCK:  # one session reads the new version; the others wait for its answer
        known = _ANSWERS.get(str(path))
        if known is not None and known[0] == current:
            return known[1]
        answer = _probe(Path(path))
        _remember(str(path), current, answer)
        return answer


def record(path: Path | str, seen: Version, message: str) -> None:
    """A query on version `seen` met damage that the first reading did not (or the file changed under it)."""
    with _LOCK:
        _remember(str(path), seen, message)


def _remember(path: str, seen: Version, answer: str | None) -> None:
    known = _ANSWERS.get(path)
    if answer is not None and (known is None or known != (seen, answer)):
        LOG.error("The dashboard cannot serve the warehouse: %s", answer)
    _ANSWERS[path] = (seen, answer)


def _probe(path: Path) -> str | None:
    try:
        con = connect(path, read_only=True)
    except WarehouseMissingError:
        return None
    except LotiDemandError as exc:
        return str(exc)
    try:
        read_every_table(con)
    except duckdb.Error as exc:
        return str(explain(exc, warehouse=path) or unreadable(path, "DuckDB cannot read it"))
    finally:
        con.close()
    return None
