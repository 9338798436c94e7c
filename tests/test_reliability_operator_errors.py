"""Operator errors: a damaged, truncated or foreign warehouse, and a target that cannot be written (a full disk, a
read-only file system, a file where a folder should be), give one line naming the file and what to do, and exit 1,
from every command; the dashboard shows one "cannot be read" page and serve.py's health check fails.

Damaged warehouses are copies of the sample warehouse, truncated or with one bit flipped in a table's block. The
tests run as root, for whom chmod does not stop a write, so an unwritable target is a path under a file
(ENOTDIR/EEXIST, real), a full disk is a child process with a file-size limit (RLIMIT_FSIZE: DuckDB's own writes
fail with EFBIG, real), and ENOSPC and EROFS are raised by monkeypatching the one call that would meet them.
"""

from __future__ import annotations

import errno
import hashlib
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from loti_demand.cli import cli
from loti_demand.navigation import registered_pages
from loti_demand.warehouse import build as build_module
from loti_demand.warehouse import health
from loti_demand.warehouse.db import connect, cursor, read_every_table
from tests.reliability_inputs import FIXTURES

PROJECT = Path(__file__).resolve().parent.parent
SPEND_FILE = next((FIXTURES / "spend" / "camden").iterdir())
UNREADABLE_TITLE = "The data cannot be read just now"


# --- Damaged warehouses, made from a copy of the sample warehouse ---------------------------------------------


def _block_of(path: Path, table: str) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        sql = f"select min(block_id) from pragma_storage_info('{table}') where block_id >= 0"
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()


def flip_bit_in(path: Path, table: str) -> None:
    """Flip one bit inside the first data block of `table` (blocks follow 12 KiB of headers, 256 KiB each)."""
    offset = 3 * 4096 + _block_of(path, table) * 262_144 + 5_000
    with path.open("r+b") as file:
        file.seek(offset)
        byte = file.read(1)[0]
        file.seek(offset)
        file.write(bytes([byte ^ 0x10]))


def damaged(kind: str, sample: Path, folder: Path) -> Path:
    path = folder / f"{kind}.duckdb"
    if kind == "truncated":
        path.write_bytes(sample.read_bytes()[: sample.stat().st_size // 2])
    elif kind == "bit-flipped":
        shutil.copyfile(sample, path)
        flip_bit_in(path, "raw_spend")  # read by check, by ingest's models and by nothing the pages ask
    elif kind == "text":
        path.write_text("supplier,amount\n=1+1,12\n", encoding="utf-8")
    elif kind == "sqlite":
        with sqlite3.connect(path) as con:
            con.execute("create table spend (amount)")
    elif kind == "other-duckdb":
        con = duckdb.connect(str(path))
        con.execute("create table spend as select 1 as amount")
        con.close()
    return path


DAMAGE = {  # kind -> what the message says
    "truncated": "it is truncated",
    "bit-flipped": "it is damaged (a block fails its checksum)",
    "text": "it is not a DuckDB database",
    "sqlite": "it is not a DuckDB database",
    "other-duckdb": "not a loti-demand warehouse",
}


def one_error_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "bug in loti-demand" not in result.output, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("Error:")]
    return line


@pytest.fixture
def fts_api(monkeypatch):
    """A local stand-in for the Find a Tender API (every page: the fixture release package), set as its URL."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    package = (FIXTURES / "procurement" / "ocds_release-package_camden.json").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(package)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("LOTI_DEMAND_FTS_URL", f"http://127.0.0.1:{server.server_port}")
    yield
    server.shutdown()
    server.server_close()


def _commands(warehouse: Path, out: Path) -> dict[str, list[str]]:
    return {
        "check": ["check", "-w", str(warehouse)],
        "export": ["export", "summary", "-w", str(warehouse), "--out", str(out / "s.csv")],
        "ingest": ["ingest", "spend", "-w", str(warehouse), "--publisher", "Camden", str(SPEND_FILE)],
        "fetch": ["fetch", "fts", "-w", str(warehouse), "--since", "2025-01-01", "--raw-dir", str(out / "raw")],
    }


@pytest.mark.parametrize("kind", DAMAGE)
@pytest.mark.parametrize("command", ["check", "export", "ingest", "fetch"])
def test_a_damaged_or_foreign_warehouse_is_one_line_naming_it_from_every_command(
    kind: str, command: str, sample_warehouse: Path, tmp_path: Path, fts_api
) -> None:
    warehouse = damaged(kind, sample_warehouse, tmp_path)
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    args = _commands(warehouse, tmp_path)[command]
    if kind == "bit-flipped" and command == "export":
        flip_bit_in(warehouse, "agg_demand_summary")  # what the export reads
        before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    line = one_error_line(CliRunner().invoke(cli, args))
    assert str(warehouse) in line and DAMAGE[kind] in line
    assert "Rebuild it with `python -m loti_demand build" in line
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before, "the damaged file is left as it was"
    assert not list(tmp_path.glob(".*.building-*")), "no temporary copy is left behind"
    assert not (tmp_path / "s.csv").exists(), "nothing is exported from a damaged warehouse"


def test_a_truncated_copy_is_refused_before_any_query_answers(sample_warehouse: Path, tmp_path: Path) -> None:
    # Found: `export` read the half of the file that was left and wrote a CSV, exit 0.
    warehouse = damaged("truncated", sample_warehouse, tmp_path)
    with pytest.raises(Exception, match=r"truncated: .* bytes, where its header records"):
        connect(warehouse, read_only=True)


def test_a_file_duckdb_cut_free_blocks_from_is_whole(sample_warehouse: Path, tmp_path: Path) -> None:
    """Found by a review: after three ingests the warehouse was refused as truncated. A checkpoint cuts free blocks
    off the end of the file while the header still counts them; the file is whole, and every command reads it.
    A cut inside the blocks it keeps is still refused."""
    warehouse = tmp_path / "w.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    con.execute("create table scratch as select range as i, md5(range::varchar) as s from range(1000000)")
    con.execute("checkpoint")
    grown = warehouse.stat().st_size
    con.execute("drop table scratch")
    con.execute("checkpoint")
    con.close()
    assert warehouse.stat().st_size < grown, "DuckDB cut the free blocks off the file"
    result = CliRunner().invoke(cli, ["check", "--warehouse", str(warehouse)])
    assert result.exit_code == 0, result.output
    connect(warehouse, read_only=True).close()
    cut = tmp_path / "cut.duckdb"
    cut.write_bytes(warehouse.read_bytes()[: warehouse.stat().st_size - 1000])
    with pytest.raises(Exception, match=r"truncated: .* bytes, where its header records"):
        connect(cut, read_only=True)


def test_check_finds_a_damaged_block_that_no_model_check_reads(sample_warehouse: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)
    flip_bit_in(warehouse, "agg_classification_by_publisher")
    assert "damaged" in one_error_line(CliRunner().invoke(cli, ["check", "-w", str(warehouse)]))


def test_a_second_build_or_ingest_at_once_is_refused_and_loses_nothing(sample_warehouse: Path, tmp_path: Path) -> None:
    """Found by a review: two ingests at once both said they loaded their file, and one file's lines were gone (each
    copied the old warehouse; the later swap won). Another process writing the warehouse now refuses the second,
    naming that process, and leaves the file as it was; once it has finished, the ingest goes ahead."""
    warehouse = tmp_path / "w.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)
    holder = subprocess.Popen(  # a build in progress elsewhere: holds the warehouse's write lock until stopped
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from loti_demand.warehouse.build import _writing\n"
            "with _writing(Path(sys.argv[1])):\n    print('writing', flush=True); time.sleep(120)",
            str(warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "writing"
        before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
        for args in (
            _commands(warehouse, tmp_path)["ingest"],
            ["build", "--data", str(FIXTURES), "-w", str(warehouse)],
        ):
            line = one_error_line(CliRunner().invoke(cli, args))
            assert f"another build or ingest (process {holder.pid}) is writing this warehouse" in line
            assert str(warehouse) in line
        assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before
    finally:
        holder.kill()
        holder.communicate()
    result = CliRunner().invoke(cli, _commands(warehouse, tmp_path)["ingest"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb"], "no lock file is left behind"


def test_check_names_a_warehouse_an_older_version_built(sample_warehouse: Path, tmp_path: Path) -> None:
    """Found by a review: `check` of a warehouse built by older code was an "Unexpected error" (a table its checks
    read did not exist). It now names what is missing and how to bring the warehouse up to date."""
    warehouse = tmp_path / "w.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    con.execute("drop table agg_supplier_shares_by_period")
    con.execute("alter table agg_classification_by_publisher drop column payment_month")
    con.close()
    line = one_error_line(CliRunner().invoke(cli, ["check", "-w", str(warehouse)]))
    assert f"{warehouse}: built by an older version of loti-demand (it has no " in line
    assert "agg_classification_by_publisher.payment_month" in line and "agg_supplier_shares_by_period" in line
    assert "rebuild it from its data folder with `python -m loti_demand build --data DIR --warehouse" in line


def test_build_replaces_a_damaged_warehouse(sample_warehouse: Path, tmp_path: Path) -> None:
    warehouse = damaged("truncated", sample_warehouse, tmp_path)
    result = CliRunner().invoke(cli, ["build", "--data", str(FIXTURES), "-w", str(warehouse), "-q"])
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(cli, ["check", "-w", str(warehouse)]).exit_code == 0


# --- Targets that cannot be written ---------------------------------------------------------------------------


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("a file where a folder is expected\n", encoding="utf-8")
    return path


def test_a_target_under_a_file_is_one_line_from_every_writing_command(a_file: Path, sample_warehouse: Path) -> None:
    under = a_file / "sub"
    commands = {
        "build": ["build", "--data", str(FIXTURES), "-w", str(under / "w.duckdb"), "-q"],
        "ingest": ["ingest", "spend", "-w", str(under / "w.duckdb"), "--publisher", "Camden", str(SPEND_FILE)],
        "export": ["export", "summary", "-w", str(sample_warehouse), "--out", str(under / "s.csv")],
        "sample": ["sample", "--out", str(under)],
        "screenshots": ["screenshots", "-w", str(sample_warehouse), "--out", str(under)],
    }
    for name, args in commands.items():
        line = one_error_line(CliRunner().invoke(cli, args))
        assert str(a_file) in line, f"{name}: {line}"
        assert "a file is where a folder should be" in line or "part of the path is a file" in line, f"{name}: {line}"


def test_fetch_and_refresh_into_a_folder_under_a_file_are_one_line(a_file: Path, tmp_path: Path, fts_api) -> None:
    warehouse = str(tmp_path / "w.duckdb")
    fetched = CliRunner().invoke(
        cli, ["fetch", "fts", "-w", warehouse, "--since", "2025-01-01", "--raw-dir", str(a_file / "raw")]
    )
    refreshed = CliRunner().invoke(
        cli, ["refresh", "--data", str(a_file / "data"), "-w", warehouse, "--only", "fts", "--since", "2025-01-01"]
    )
    for result in (fetched, refreshed):
        line = one_error_line(result)
        assert str(a_file) in line and "part of the path is a file" in line, line


def test_a_full_disk_while_copying_for_ingest_names_the_warehouse(
    sample_warehouse: Path, tmp_path: Path, monkeypatch
) -> None:
    warehouse = tmp_path / "w.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()

    def full(source, target, *args, **kwargs):
        Path(target).write_bytes(b"partial")  # what a copy that runs out of space leaves
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(source), None, str(target))

    monkeypatch.setattr(build_module.shutil, "copyfile", full)
    line = one_error_line(
        CliRunner().invoke(cli, ["ingest", "spend", "-w", str(warehouse), "--publisher", "Camden", str(SPEND_FILE)])
    )
    assert f"{warehouse} (its new copy, written beside it): cannot write here: the disk is full" in line
    assert "free some space" in line
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb"], "the partial copy is removed"


def test_a_read_only_file_system_at_the_swap_names_the_warehouse(tmp_path: Path, monkeypatch) -> None:
    warehouse = tmp_path / "w.duckdb"

    def read_only(source, target):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(source), None, str(target))

    monkeypatch.setattr(build_module.os, "replace", read_only)
    line = one_error_line(CliRunner().invoke(cli, ["build", "--data", str(FIXTURES), "-w", str(warehouse), "-q"]))
    assert f"{warehouse}: cannot write here: the file system is read-only; choose a folder you can write to" in line
    assert list(tmp_path.iterdir()) == []


def test_export_to_a_full_disk_is_one_line(sample_warehouse: Path, tmp_path: Path, monkeypatch) -> None:
    def full(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    monkeypatch.setattr(Path, "write_bytes", full)
    out = tmp_path / "s.csv"
    result = CliRunner().invoke(cli, ["export", "summary", "-w", str(sample_warehouse), "--out", str(out)])
    line = one_error_line(result)
    assert f"{out}: cannot write here: the disk is full" in line


def _limited(size: int):
    def apply() -> None:  # in the child: writes past `size` bytes fail with EFBIG instead of killing it
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


@pytest.mark.slow
def test_duckdb_running_out_of_room_mid_build_is_one_line_and_changes_nothing(
    sample_warehouse: Path, tmp_path: Path
) -> None:
    warehouse = tmp_path / "w.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    for args in (
        ["build", "--data", str(PROJECT / "data" / "sample"), "-w", str(warehouse), "-q"],
        ["ingest", "spend", "-w", str(warehouse), "--publisher", "Camden", str(SPEND_FILE)],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "loti_demand", *args],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            preexec_fn=_limited(3_000_000),
        )
        assert result.returncode == 1, result.stderr
        [line] = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
        assert f"{warehouse} (its new copy, written beside it): cannot write here: the file would be larger" in line
        assert "Traceback" not in result.stderr
        assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb"], "the new copy is removed"


# --- The dashboard -------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fresh_dashboard_caches():
    from loti_demand.ui import data

    data._ANSWERS.clear()
    data._connection.clear()
    yield
    data._ANSWERS.clear()
    data._connection.clear()


def _page(warehouse: Path, page: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(warehouse))
    app = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=60).run()
    if page != "pages/overview.py":
        app.switch_page(page).run()
    return app


@pytest.mark.parametrize("kind", ["truncated", "bit-flipped", "sqlite"])
def test_every_page_shows_one_cannot_be_read_page(
    kind: str, sample_warehouse: Path, tmp_path: Path, monkeypatch, caplog
) -> None:
    warehouse = damaged(kind, sample_warehouse, tmp_path)
    for page in [p.path for p in registered_pages()]:
        app = _page(warehouse, page, monkeypatch)
        assert not app.exception, f"{page}: {app.exception}"
        assert [t.value for t in app.title] == [UNREADABLE_TITLE], page
        assert str(warehouse) not in app.error[0].value, "visitors are not shown server paths"
    logged = [r.getMessage() for r in caplog.records if r.name == "loti_demand"]
    assert len(logged) == 1 and str(warehouse) in logged[0], "the reason is logged once, not per page"


def test_damage_a_query_meets_later_shows_the_same_page_and_fails_health(
    sample_warehouse: Path, tmp_path: Path, monkeypatch
) -> None:
    # The first reading of this version is made to pass (as if the block went bad after it); the Spend page's own
    # query then meets the damaged block.
    warehouse = tmp_path / "w.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)
    flip_bit_in(warehouse, "agg_spend_by_borough_month")
    monkeypatch.setattr(health, "read_every_table", lambda con: 0)
    app = _page(warehouse, "pages/spend.py", monkeypatch)
    assert not app.exception, app.exception
    assert [t.value for t in app.title] == [UNREADABLE_TITLE]
    assert "damaged" in health.problem(warehouse)


def test_health_recovers_when_a_good_warehouse_is_swapped_in(sample_warehouse: Path, tmp_path: Path) -> None:
    warehouse = damaged("truncated", sample_warehouse, tmp_path)
    assert "truncated" in health.problem(warehouse)
    shutil.copyfile(sample_warehouse, tmp_path / "new.duckdb")
    os.replace(tmp_path / "new.duckdb", warehouse)  # as a build swaps its copy in
    assert health.problem(warehouse) is None
    assert health.problem(tmp_path / "none.duckdb") is None, "no file yet: the dashboard builds the sample"


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.mark.slow
def test_serve_py_health_check_fails_while_the_warehouse_cannot_be_read(sample_warehouse: Path, tmp_path: Path) -> None:
    from loti_demand.local_server import local_server

    warehouse = damaged("bit-flipped", sample_warehouse, tmp_path)
    # local_server waits for health "ok", which a damaged warehouse never gives: start it on a good one.
    shutil.copyfile(sample_warehouse, tmp_path / "good.duckdb")
    os.replace(tmp_path / "good.duckdb", tmp_path / "served.duckdb")
    with local_server(tmp_path / "served.duckdb", script="serve.py", log=tmp_path / "server.log") as server:
        url = f"{server.url}/_stcore/health"
        assert _get(url) == (200, b"ok")
        os.replace(warehouse, tmp_path / "served.duckdb")  # a damaged file swapped in
        assert _get(url) == (503, b"warehouse unreadable")
        shutil.copyfile(sample_warehouse, tmp_path / "good.duckdb")
        time.sleep(0.01)  # a new mtime even on coarse clocks
        os.replace(tmp_path / "good.duckdb", tmp_path / "served.duckdb")
        assert _get(url) == (200, b"ok")
    assert (tmp_path / "server.log").read_text().count("cannot serve the warehouse") == 1
    assert "Traceback" not in (tmp_path / "server.log").read_text()


def test_many_sessions_take_cursors_on_one_connection_at_once(sample_warehouse: Path) -> None:
    # Found by the load test: cursor() asked the shared connection, which DuckDB 2 refuses while another thread
    # uses it ("connection is busy"), and a cursor could be left without the warehouse as its default.
    con = connect(sample_warehouse, read_only=True)
    errors: list[str] = []

    def session() -> None:
        for _ in range(50):
            try:
                cur = cursor(con)
                cur.execute("select count(*) from build_info").fetchall()
                cur.close()
            except duckdb.Error as exc:
                errors.append(str(exc)[:80])

    threads = [threading.Thread(target=session) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    con.close()
    assert errors == []


def test_read_every_table_reads_them_all(sample_warehouse: Path) -> None:
    con = connect(sample_warehouse, read_only=True)
    try:
        tables = con.execute("select count(*) from duckdb_tables() where database_name = 'warehouse'").fetchall()[0][0]
        assert read_every_table(con) == tables > 20
    finally:
        con.close()
