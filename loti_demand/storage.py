"""Operator errors: a full or read-only disk, a folder that is really a file, a damaged or foreign warehouse.

Each becomes a one-line LotiDemandError naming the file and saying what to do, where it would otherwise reach the
CLI as "unexpected error, please report it" or the dashboard as an error on every page.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

from loti_demand.exceptions import CannotWriteError, LotiDemandError, WarehouseUnreadableError

_FULL = "free some space on that disk, or choose a folder on another one"
_ELSEWHERE = "choose a folder you can write to"
_ACCESS = "give the user running loti-demand access to it, or choose another folder"
# errno -> (what is wrong, what to do). Permission and path problems can come from reading as well as writing.
WRITE_PROBLEMS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("cannot write here: the disk is full", _FULL),
    errno.EDQUOT: ("cannot write here: the disk quota is used up", _FULL),
    errno.EFBIG: (
        "cannot write here: the file would be larger than this system allows (the disk is full or a "
        "size limit was reached)",
        _FULL,
    ),
    errno.EROFS: ("cannot write here: the file system is read-only", _ELSEWHERE),
    errno.EACCES: ("permission denied", _ACCESS),
    errno.EPERM: ("operation not permitted", _ACCESS),
    errno.ENOTDIR: ("part of the path is a file, not a folder", "choose another path"),
    errno.EEXIST: ("a file is where a folder should be", "choose another path, or move the file"),
    errno.EISDIR: ("it is a folder, not a file", "give a file name"),
}
# DuckDB reports its own I/O failures as text, with the C library's wording (strerror) and the file in quotes.
_DUCKDB_WRITE = {os.strerror(code): code for code in WRITE_PROBLEMS}
_DUCKDB_DAMAGE = re.compile(
    r"Corrupt database file|Could not read enough bytes|not a valid DuckDB database file|"
    r"database has been invalidated",
    re.IGNORECASE,
)
_QUOTED_PATH = re.compile(r'"(/[^"]+)"')


def unreadable(path: Path | str, what: str) -> WarehouseUnreadableError:
    """The warehouse at `path` cannot be read because of `what` ("it is truncated ...")."""
    return WarehouseUnreadableError(
        f"{path}: the warehouse cannot be read: {what}. Rebuild it with "
        f"`python -m loti_demand build --data DIR --warehouse {path}`, or restore it from a backup"
    )


def cannot_use(path: Path | str, code: int) -> CannotWriteError:
    """The file or folder at `path` cannot be used because of error number `code` (one of WRITE_PROBLEMS)."""
    problem, advice = WRITE_PROBLEMS[code]
    return CannotWriteError(f"{path}: {problem}; {advice}")


def explain(exc: BaseException, *, warehouse: Path | str | None = None) -> LotiDemandError | None:
    """The operator's error that `exc` really is (a full disk, a damaged warehouse...), or None when it is none of
    these (then it is a bug). `warehouse` names the file when DuckDB's message does not."""
    if isinstance(exc, OSError) and exc.errno in WRITE_PROBLEMS:
        return cannot_use(_shown(exc.filename2 or exc.filename or warehouse or "?", warehouse), exc.errno)
    if not _is_duckdb_error(exc):
        return None
    message = str(exc)
    quoted = _QUOTED_PATH.search(message)
    if _DUCKDB_DAMAGE.search(message):
        path = warehouse or (quoted.group(1) if quoted else "the warehouse")
        if "invalidated" in message:
            return unreadable(path, "an earlier read of it failed (it is damaged)")
        if "enough bytes" in message:
            return unreadable(path, "it is truncated (it ends before its last block)")
        if "not a valid" in message:
            return unreadable(path, "it is not a DuckDB database")
        return unreadable(path, "it is damaged (a block fails its checksum)")
    for text, code in _DUCKDB_WRITE.items():
        if text in message:
            return cannot_use(_shown(quoted.group(1) if quoted else warehouse or "?", warehouse), code)
    return None


def _shown(path: Path | str, warehouse: Path | str | None) -> str:
    """A build's temporary copy (.NAME.building-PID, removed by now) is named as the warehouse it was to replace."""
    if warehouse and Path(path).name.startswith(f".{Path(warehouse).name}.building-"):
        return f"{warehouse} (its new copy, written beside it)"
    return str(path)


def _is_duckdb_error(exc: BaseException) -> bool:
    import duckdb

    return isinstance(exc, duckdb.Error)
