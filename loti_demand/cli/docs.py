"""`settings`, `screenshots` and `docs`: describing the settings, the pages and the warehouse."""

from __future__ import annotations

from pathlib import Path

import click

from loti_demand import config
from loti_demand.cli.core import cli, echo, warehouse_option


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
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("docs/screenshots"),
    show_default=True,
    help="Folder for the JPEG files.",
)
def screenshots(warehouse: Path, out: Path) -> None:
    """Screenshot every registered dashboard page in headless Chromium (for docs/dashboard.md and reviews).

    \b
    Example:
      python -m loti_demand screenshots --warehouse data/warehouse.duckdb --out docs/screenshots
    """
    from loti_demand.screenshots import take_screenshots

    take_screenshots(warehouse, out, echo=echo)


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
