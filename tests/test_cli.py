"""The command line: counts, messages, exit codes, help."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from loti_demand.cli import cli
from loti_demand.warehouse.build import check_names

PROJECT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "loti_demand", *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=300,
    )


def test_build_then_check(data_dir: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    result = run("build", "--data", str(data_dir), "--warehouse", str(warehouse), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "spend lines loaded: 5" in result.stdout
    assert "spend lines quarantined: 3" in result.stdout
    assert "procurements: 2" in result.stdout
    checked = run("check", "--warehouse", str(warehouse))
    assert checked.returncode == 0
    assert f"All {len(check_names())} checks passed." in checked.stdout


def test_corrupt_file_exits_non_zero_without_traceback(data_dir: Path, small_warehouse: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    shutil.copyfile(small_warehouse, warehouse)  # built from data_dir as it is
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    (data_dir / "procurement" / "corrupt.json").write_text('{"releases": [ {"ocid": "x", ')
    result = run("build", "--data", str(data_dir), "--warehouse", str(warehouse), "-q")
    assert result.returncode == 1
    assert "procurement/corrupt.json" in result.stderr
    assert "Traceback" not in result.stderr
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before


def test_check_on_missing_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--warehouse", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "no warehouse here yet" in result.output


def test_ingest_spend_adds_to_existing_warehouse(small_warehouse: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    shutil.copyfile(small_warehouse, warehouse)  # built from data_dir: 5 spend lines
    extra = tmp_path / "extra.csv"
    extra.write_text(
        "Date,Supplier Name,Amount,Expense Type,Transaction Number\n"
        '01/05/2025,Northwind Cloud Ltd,"2,000.00",Hosting Services,X1\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["ingest", "spend", "--warehouse", str(warehouse), "--borough", "LB Camden", str(extra)]
    )
    assert result.exit_code == 0, result.output
    assert "spend lines loaded: 6" in result.output


def test_ingest_with_unknown_borough_is_refused(tmp_path: Path) -> None:
    extra = tmp_path / "x.csv"
    extra.write_text("Date,Supplier Name,Amount\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["ingest", "spend", "--warehouse", str(tmp_path / "w.duckdb"), "--borough", "Gotham", str(extra)]
    )
    assert result.exit_code == 1
    assert "'Gotham' is not a London borough or London-wide body" in result.output


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize(
    ("path", "command"), list(_commands(cli)), ids=lambda p: " ".join(p) if isinstance(p, tuple) else ""
)
def test_every_command_has_help_with_an_example(path, command) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert command.help, f"{' '.join(path)} has no help"
    if not isinstance(command, click.Group):
        assert "Example:" in result.output, f"{' '.join(path)} help has no example"
