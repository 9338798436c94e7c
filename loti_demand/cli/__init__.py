"""`python -m loti_demand ...`: thin commands over the library, by group: build (build, check, sample, ingest,
validate), fetch (fetch, refresh, boundaries), export (export, search) and docs (settings, screenshots, docs). Errors
print a message and exit 1."""

from __future__ import annotations

# Each command module adds its commands to `cli` when imported.
from loti_demand.cli import build, docs, export, fetch  # noqa: F401
from loti_demand.cli.core import (
    EXIT_UNEXPECTED,
    REFRESH_SOURCES,
    Command,
    Group,
    cli,
    echo,
    printable,
    secho,
    write_data,
)

__all__ = [
    "EXIT_UNEXPECTED",
    "REFRESH_SOURCES",
    "Command",
    "Group",
    "cli",
    "echo",
    "main",
    "printable",
    "secho",
    "write_data",
]


def main() -> None:
    cli(prog_name="python -m loti_demand")
