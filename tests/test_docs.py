"""Documentation stays true: settings, the warehouse contract in the README, the reference data."""

from __future__ import annotations

from pathlib import Path

from loti_demand import config
from loti_demand.warehouse import contract

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme() -> None:
    for setting in config.SETTINGS:
        assert setting.env_var in README, f"{setting.env_var} is not documented in README.md"


def test_readme_warehouse_tables_section_is_current() -> None:
    start = README.index(contract.BEGIN)
    end = README.index(contract.END) + len(contract.END)
    assert README[start:end] == contract.markdown(), "run: python -m loti_demand docs --update-readme"


def test_every_documented_column_has_a_description() -> None:
    for table, description in contract.tables():
        assert description
        for column in contract.columns(table):
            assert column["description"].strip(), f"{table}.{column['column']} has no description"
