"""One exception tree: every error a user can cause is a LotiDemandError with a plain-English message."""

from __future__ import annotations


class LotiDemandError(Exception):
    """An error the user can act on. The CLI prints the message and exits 1, never a traceback."""


MAX_PROBLEM_CHARS = 1000


class InputFileError(LotiDemandError):
    """An input file cannot be read at all (binary, no recognisable header, unsupported format)."""

    def __init__(self, path: str, problem: str, hint: str = "") -> None:
        if len(problem) > MAX_PROBLEM_CHARS:  # e.g. a 'header' that is really a megabyte of junk
            problem = problem[:MAX_PROBLEM_CHARS] + " [...]"
        if len(hint) > MAX_PROBLEM_CHARS:
            hint = hint[:MAX_PROBLEM_CHARS] + " [...]"
        self.path = path
        self.problem = problem
        self.hint = hint
        message = f"{path}: {problem}"
        if hint:
            message += f"\n  What to do: {hint}"
        super().__init__(message)


class InputLimitError(InputFileError):
    """An input file is over one of the input limits (sources/limits.py): too large, too wide, too slow to read."""


class MissingColumnsError(InputFileError):
    """Required Transparency Code columns could not be found in a spend file's header."""

    recognised = 0  # the spend fields that the likeliest header row does name


class SummaryOnlyError(InputFileError):
    """The file holds totals per supplier (a pivot export), not individual payment lines."""

    recognised = 0  # as MissingColumnsError


class ReferenceDataError(LotiDemandError):
    """A reference file or region (data/reference/) is missing or lacks a column the build needs."""


class StrictModeError(LotiDemandError):
    """--strict was given and at least one line was quarantined."""


class BuildCheckError(LotiDemandError):
    """A model check failed, so the new warehouse was not put in place."""


class ModelOrderError(LotiDemandError):
    """The models cannot be put in order: two files make one table, one reads a table nothing makes, or they read
    each other in a circle."""


class WarehouseMissingError(LotiDemandError):
    """The warehouse file does not exist yet."""


class WarehouseUnreadableError(LotiDemandError):
    """The warehouse file is damaged (truncated, a block failing its checksum) or is not a loti-demand warehouse."""


class WarehouseBusyError(LotiDemandError):
    """Another build or ingest is writing the same warehouse: two at once would each copy the old file and the
    later swap would drop the other's work."""


class CannotWriteError(LotiDemandError):
    """A file or folder cannot be used: the disk is full or read-only, access is denied, or the path is wrong."""


class FetchError(LotiDemandError):
    """A remote API could not be reached or answered with something unusable."""


class LotiDemandWarning(UserWarning):
    """A value problem that quarantines a line but does not stop the build."""
