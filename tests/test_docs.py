"""Documentation stays true: settings, the warehouse contract in docs/warehouse-tables.md."""

from __future__ import annotations

from pathlib import Path

from loti_demand import config
from loti_demand.warehouse import contract

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme() -> None:
    for setting in config.SETTINGS:
        assert setting.env_var in README, f"{setting.env_var} is not documented in README.md"


def test_warehouse_tables_page_is_current() -> None:
    page = (Path(__file__).resolve().parent.parent / "docs" / "warehouse-tables.md").read_text(encoding="utf-8")
    start = page.index(contract.BEGIN)
    end = page.index(contract.END) + len(contract.END)
    assert page[start:end] == contract.markdown(), "run: python -m loti_demand docs --update"


def test_every_documented_column_has_a_description() -> None:
    for table, description in contract.tables():
        assert description
        for column in contract.columns(table):
            assert column["description"].strip(), f"{table}.{column['column']} has no description"
