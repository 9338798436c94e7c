"""Many readers while the warehouse is rebuilt: read-only connections, an atomic swap, no errors, new data seen.

A rebuild writes a new file and os.replace()s it over the warehouse. Connections opened before the swap keep
reading the old file (its inode lives on until they close); connections opened after it must see the new one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from loti_demand import queries
from loti_demand.warehouse.db import connect, cursor, scalar

PROJECT = Path(__file__).resolve().parent.parent
SESSIONS = 20


def _spend_lines(path: Path) -> int:
    con = connect(path, read_only=True)
    try:
        return int(scalar(con, "select count(*) from spend"))
    finally:
        con.close()


def test_a_new_read_only_connection_sees_the_swapped_file_while_an_old_one_is_open(
    sample_warehouse: Path, small_warehouse: Path, tmp_path: Path
) -> None:
    # Found by this test: DuckDB caches database instances by path inside a process, so a plain
    # duckdb.connect(path, read_only=True) after the swap returned the OLD file while any old connection lived.
    live = tmp_path / "w.duckdb"
    shutil.copyfile(sample_warehouse, live)
    small = tmp_path / "small.duckdb"
    shutil.copyfile(small_warehouse, small)
    old = connect(live, read_only=True)
    old_count = scalar(old, "select count(*) from spend")
    os.replace(small, live)
    new = connect(live, read_only=True)
    assert scalar(new, "select count(*) from spend") == 5
    assert scalar(old, "select count(*) from spend") == old_count > 5, "the old connection keeps its old file"
    assert scalar(cursor(new), "select count(*) from spend") == 5, "cursors read the same warehouse"
    old.close()
    new.close()


def test_the_dashboard_connection_picks_up_a_swapped_file(
    sample_warehouse: Path, small_warehouse: Path, tmp_path: Path, monkeypatch
) -> None:
    from loti_demand import ui

    live = tmp_path / "w.duckdb"
    shutil.copyfile(sample_warehouse, live)
    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(live))
    before = ui.query("build_info").iloc[0]
    held = ui.connection()  # a session still holding a cursor on the old version
    small = tmp_path / "small.duckdb"
    shutil.copyfile(small_warehouse, small)
    os.replace(small, live)
    # The first question after the swap is answered from the old file while the new one warms (ui.data).
    assert ui.query("build_info").iloc[0]["built_at"] == before["built_at"]
    deadline = time.monotonic() + 60
    while (after := ui.query("build_info").iloc[0])["built_at"] == before["built_at"]:
        assert time.monotonic() < deadline, "the swapped file was not served within a minute"
        time.sleep(0.05)
    assert not bool(after["is_sample"]) and bool(before["is_sample"])
    assert scalar(ui.connection(), "select count(*) from spend") == 5
    assert scalar(held, "select count(*) from spend") > 5


def test_the_dashboard_connection_cannot_touch_files(sample_warehouse: Path, tmp_path: Path, monkeypatch) -> None:
    import duckdb

    from loti_demand import ui

    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(sample_warehouse))
    con = ui.connection()
    for sql in (
        f"copy spend to '{tmp_path / 'leak.csv'}'",
        "select * from read_csv('/etc/passwd')",
        f"attach '{tmp_path / 'x.duckdb'}' as x",
        "create table spend2 as select 1",
        "set enable_external_access = true",
    ):
        with pytest.raises(duckdb.Error):
            con.execute(sql).fetchall()
    assert not (tmp_path / "leak.csv").exists()


def _session(number: int, warehouse: Path, stop: threading.Event, seen: dict, errors: list) -> None:
    """One dashboard session: runs every registered query in a loop, reconnecting now and then as a new
    browser session would; records the build it saw each time."""
    runs = 0
    while not stop.is_set() or runs == 0:
        try:
            opened = time.monotonic()
            con = connect(warehouse, read_only=True)
            try:
                cur = cursor(con)
                for name, registered in queries.QUERIES.items():
                    params = registered.example(cur)
                    registered.function(cur, **params)
                    if name == "build_info":
                        built = registered.function(cur).iloc[0]["built_at"]
                        seen.setdefault(number, []).append((opened, built))
            finally:
                con.close()
        except Exception as exc:  # any error is a failure of the test
            errors.append(f"session {number}: {type(exc).__name__}: {exc}")
            return
        runs += 1


@pytest.mark.slow
def test_twenty_sessions_query_while_a_rebuild_swaps_the_file(
    sample_warehouse: Path, data_dir: Path, tmp_path: Path
) -> None:
    live = tmp_path / "w.duckdb"
    shutil.copyfile(sample_warehouse, live)
    old_lines = _spend_lines(live)
    stop, seen, errors = threading.Event(), {}, []
    threads = [threading.Thread(target=_session, args=(n, live, stop, seen, errors)) for n in range(SESSIONS)]
    for thread in threads:
        thread.start()
    rebuild = subprocess.run(
        [sys.executable, "-m", "loti_demand", "build", "--data", str(data_dir), "--warehouse", str(live), "-q"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    swapped_at = time.monotonic()
    deadline = time.monotonic() + 120  # let every session reconnect at least once after the swap
    while (
        time.monotonic() < deadline
        and not errors
        and not all(any(at > swapped_at for at, _ in seen.get(n, [])) for n in range(SESSIONS))
    ):
        time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    assert rebuild.returncode == 0, rebuild.stderr
    assert errors == []
    assert len(seen) == SESSIONS, "every session ran its queries"
    builds = {built for runs in seen.values() for _, built in runs}
    assert len(builds) == 2, "sessions saw the old build, then the new one"
    new_build = max(builds)
    for number, runs in seen.items():
        after = [built for at, built in runs if at > swapped_at]
        assert after and set(after) == {new_build}, f"session {number} still saw the old build after the swap"
    assert _spend_lines(live) == 5 != old_lines
    print(f"\n{SESSIONS} concurrent sessions, {sum(len(r) for r in seen.values())} query rounds, 0 errors")
