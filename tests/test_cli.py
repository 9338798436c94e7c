"""The command line: counts, messages, exit codes, help."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import click
import duckdb
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
    assert "replaced:" not in result.output


def test_a_file_ingested_again_from_its_path_replaces_its_earlier_version(
    small_warehouse: Path, tmp_path: Path
) -> None:
    """A council corrects a month and the file is downloaded again to the same path: ingesting it replaces the
    lines of the version ingested before (whose lines share its path and line numbers), and says so. A ZIP holding
    one name twice reads both members, the second as 'name#2'."""
    warehouse = tmp_path / "w.duckdb"
    shutil.copyfile(small_warehouse, warehouse)  # built from data_dir: 5 spend lines
    month, header = tmp_path / "feb.csv", "Date,Supplier Name,Amount,Expense Type,Transaction Number\n"
    versions = [
        '01/02/2025,Northwind Cloud Ltd,"2,000.00",Hosting Services,X1\n02/02/2025,Acme Ltd,100.00,Paper,X2\n',
        '01/02/2025,Northwind Cloud Limited,"2,500.00",Hosting Services,Y1\n02/02/2025,Acme Ltd,100.00,Paper,Y2\n',
    ]
    outputs = []
    for version in versions:
        month.write_text(header + version, encoding="utf-8")
        result = CliRunner().invoke(
            cli, ["ingest", "spend", "--warehouse", str(warehouse), "--borough", "LB Camden", str(month)]
        )
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    assert "spend lines loaded: 7" in outputs[1] and "spend lines duplicate: 0" in outputs[1]
    assert f"replaced: {month}, as ingested" in outputs[1] and "replaced:" not in outputs[0]
    # another council's file saved under the same name is not Camden's new version: refused, nothing lost
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    result = CliRunner().invoke(
        cli, ["ingest", "spend", "--warehouse", str(warehouse), "--borough", "Barnet", str(month)]
    )
    assert result.exit_code == 1 and "was ingested before as the spend of E09000007" in result.output
    assert "save this publisher's file under a name of its own" in result.output
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before
    archive = tmp_path / "twice.zip"
    with zipfile.ZipFile(archive, "w") as zipped, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name it writes
        zipped.writestr("mar.csv", header + "01/03/2025,Acme Ltd,300.00,Paper,Z1\n")
        zipped.writestr("mar.csv", header + "02/03/2025,Acme Ltd,400.00,Paper,Z2\n")
    result = CliRunner().invoke(
        cli, ["ingest", "spend", "--warehouse", str(warehouse), "--borough", "LB Camden", str(archive)]
    )
    assert result.exit_code == 0, result.output
    assert "spend lines loaded: 9" in result.output
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select source_file, supplier_name, amount_gbp from spend where source_file like $like order by all",
            {"like": f"{tmp_path}%"},
        ).fetchall()
    finally:
        con.close()
    assert [(Path(f).name, s, str(a)) for f, s, a in rows] == [
        ("feb.csv", "Acme Ltd", "100.00"),
        ("feb.csv", "Northwind Cloud Limited", "2500.00"),
        ("twice.zip!mar.csv", "Acme Ltd", "300.00"),
        ("twice.zip!mar.csv#2", "Acme Ltd", "400.00"),
    ]


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


@pytest.mark.parametrize(
    ("variable", "value", "accepted"),
    [
        ("LOTI_DEMAND_MAX_FILE_MB", "abc", "a whole number of at least 1, such as 128"),
        ("LOTI_DEMAND_MAX_FILE_MB", "1e3", "a whole number of at least 1"),
        ("LOTI_DEMAND_MAX_FILE_MB", "-5", "a whole number of at least 1"),
        ("LOTI_DEMAND_BUILD_WORKERS", "-1", "a whole number of at least 0, such as 0"),
        ("LOTI_DEMAND_FETCH_TIMEOUT", "--5", "a whole number of at least 1"),  # a diff review: these were "a bug"
        ("LOTI_DEMAND_FETCH_TIMEOUT", "\u00b2", "a whole number of at least 1"),
        ("LOTI_DEMAND_STRICT", "ture", "true or false"),
        ("LOTI_DEMAND_DEBUG", "maybe", "true or false"),
    ],
)
def test_a_setting_it_cannot_take_is_one_line_naming_it_from_every_command(
    monkeypatch, variable: str, value: str, accepted: str
) -> None:
    """Before, MAX_FILE_MB=abc or 1e3 ended every command, even `settings`, in exit 70 (ValueError); -5 was taken
    ("over the limit of -5,000.0 kB"); STRICT=ture was silently false."""
    monkeypatch.setenv(variable, value)
    result = CliRunner().invoke(cli, ["settings"])
    assert result.exit_code == 1, result.output
    assert f"Error: {variable}='{value}' is not a value it accepts: give {accepted}" in result.output
    assert "Unexpected" not in result.output
