"""Builds and ingests killed (SIGKILL) at points spread over their whole run leave the previous warehouse
byte-identical and usable; the next build succeeds and clears the killed builds' temporary files.

Kill points follow the build's own progress lines (one per file read, one per model), so every phase is hit
whatever the machine's speed: early reading, late reading, each stretch of models, and the checks and swap
after the last model (killed after a random short delay there).
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from loti_demand.warehouse.build import remove_stale_builds, run_checks
from loti_demand.warehouse.db import connect, scalar
from loti_demand.warehouse.order import models

PROJECT = Path(__file__).resolve().parent.parent
SAMPLE = PROJECT / "data" / "sample"
BUILD_KILLS = 10
INGEST_KILLS = 6


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _kill_after(args: list[str], progress_lines: int, extra_delay: float = 0.0) -> int:
    """Run the CLI, SIGKILL it after it printed `progress_lines` progress lines (+ a delay); its return code
    (-9 when the kill landed, 0 when the command had already finished)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "loti_demand", *args],
        cwd=PROJECT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = 0
    try:
        while seen < progress_lines:
            line = proc.stderr.readline()
            if not line:
                break
            seen += line.startswith("  ")
        if extra_delay:
            time.sleep(extra_delay)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=120)
        proc.stderr.close()
    return proc.returncode


def _assert_intact(warehouse: Path, before: str, files: int) -> None:
    assert digest(warehouse) == before, "the killed build changed the previous warehouse"
    con = connect(warehouse, read_only=True)
    try:
        assert run_checks(con) == []
        assert scalar(con, "select source_file_count from build_info") == files
    finally:
        con.close()


def _input_files(data: Path) -> list[Path]:
    return [p for p in data.rglob("*") if p.is_file() and p.name != "SAMPLE.md" and not p.name.startswith(".")]


def _kill_points(total: int, kills: int, rng: random.Random) -> list[tuple[int, float]]:
    """`kills - 1` points spread over the progress lines, then one in the checks-and-swap stretch."""
    points = [(max(1, round(total * (i + rng.random()) / (kills - 1))), 0.0) for i in range(kills - 1)]
    return [*points, (total, rng.uniform(0.0, 0.5))]


@pytest.mark.slow
def test_builds_killed_anywhere_leave_the_previous_warehouse_intact(sample_warehouse: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)
    before = digest(warehouse)
    con = connect(warehouse, read_only=True)
    files = scalar(con, "select source_file_count from build_info")
    con.close()
    total = len(_input_files(SAMPLE)) + len(models())  # one progress line per file read and per model
    rng = random.Random(9)
    survived = left_files = 0
    for lines, delay in _kill_points(total, BUILD_KILLS, rng):
        code = _kill_after(["build", "--data", str(SAMPLE), "--warehouse", str(warehouse)], lines, delay)
        assert code in (0, -signal.SIGKILL)
        swapped = digest(warehouse) != before
        if code == 0 or swapped:
            # The build got to its atomic swap before the kill landed (possible only in the last stretch, also
            # when the kill then hit the exiting process): the warehouse is the new, complete build.
            assert lines == total, "a build killed before its last model replaced the warehouse"
            before = digest(warehouse)
        else:
            survived += 1
            left_files += any(tmp_path.glob(".w.duckdb.building-*"))
        _assert_intact(warehouse, before, files)
    assert survived >= BUILD_KILLS - 1
    assert left_files, "the kills happened mid-build (their temporary files were left behind)"
    result = subprocess.run(
        [sys.executable, "-m", "loti_demand", "build", "--data", str(SAMPLE), "--warehouse", str(warehouse), "-q"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert digest(warehouse) != before
    assert [p.name for p in tmp_path.iterdir()] == ["w.duckdb"], "the next build removed the killed builds' files"
    checked = subprocess.run(
        [sys.executable, "-m", "loti_demand", "check", "--warehouse", str(warehouse)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    print(f"\n{survived} build kills survived (progress points over {total} lines)")


@pytest.mark.slow
def test_ingests_killed_anywhere_leave_the_previous_warehouse_intact(sample_warehouse: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)
    before = digest(warehouse)
    con = connect(warehouse, read_only=True)
    files = scalar(con, "select source_file_count from build_info")
    con.close()
    extra = sorted((SAMPLE / "spend" / "camden").glob("*.csv"))[:2]
    args = ["ingest", "spend", "--warehouse", str(warehouse), "--borough", "Camden", *map(str, extra)]
    total = len(extra) + len(models())
    rng = random.Random(5)
    for lines, delay in _kill_points(total, INGEST_KILLS, rng)[:-1]:  # an ingest that finished would add files
        assert _kill_after(args, lines, delay) == -signal.SIGKILL
        _assert_intact(warehouse, before, files)
    result = subprocess.run(
        [sys.executable, "-m", "loti_demand", *args], cwd=PROJECT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "spend lines duplicate" in result.stdout
    _assert_counts_after_ingest(warehouse, files + len(extra))
    assert [p.name for p in tmp_path.iterdir()] == ["w.duckdb"]


def _assert_counts_after_ingest(warehouse: Path, files: int) -> None:
    con = connect(warehouse, read_only=True)
    try:
        assert run_checks(con) == []
        assert scalar(con, "select count(*) from source_files") == files
    finally:
        con.close()


def test_stale_temporary_files_of_dead_builds_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        names = [
            f".w.duckdb.building-{dead.pid}",
            f".w.duckdb.building-{dead.pid}.wal",
            f".w.duckdb.building-{live.pid}",
            ".other.duckdb.building-1",
            "w.duckdb.building-notes",
        ]
        for name in names:
            (tmp_path / name).write_bytes(b"x")
        removed = remove_stale_builds(warehouse)
        assert sorted(p.name for p in removed) == sorted(names[:2])
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[2:])
    finally:
        live.kill()
        live.wait()
    assert os.path.exists(tmp_path / names[2])
