"""Spend files are parsed in threads a few files ahead of the one being loaded: same files, same order, same
errors at the same file, and big files still read in turn."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from loti_demand.exceptions import InputFileError
from loti_demand.warehouse import read_ahead
from loti_demand.warehouse.build import build
from loti_demand.warehouse.db import connect

HEADER = "Body,Department,Supplier Name,Payment Date,Transaction Number,Amount,Expense Type\n"


def spend_files(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for i in range(n):
        path = folder / f"spend-{i:02d}.csv"
        path.write_text(HEADER + f"Camden,Digital,Supplier {i} Ltd,0{i % 9 + 1}/04/2025,T{i},{i + 1}00.00,Software\n")
        paths.append(path)
    return paths


def test_readers_come_in_order_with_each_files_rows_and_error(tmp_path: Path) -> None:
    paths = spend_files(tmp_path / "camden", 7)
    paths[3].write_bytes(b"\x00\x01\x02 not a spend file \xff" * 50)
    seen = []
    for i, (path, reader) in enumerate(
        read_ahead.read_ahead(paths, lambda p: read_ahead.read_spend_now(p, name=p.name))
    ):
        seen.append(path)
        if i == 3:
            with pytest.raises(InputFileError, match=r"spend-03\.csv"):
                reader()
            continue
        (table,) = reader()
        rows = [row for batch in table.batches() for row in batch.to_pylist()]
        assert [r["supplier_name"] for r in rows] == [f"Supplier {i} Ltd"]
    assert seen == paths


def test_files_over_the_limit_are_left_to_the_caller(tmp_path: Path, monkeypatch) -> None:
    paths = spend_files(tmp_path / "camden", 4)
    paths[2].write_text(HEADER + "Camden,Digital,Big Ltd,01/04/2025,TB,500.00,Software\n" * 40)
    monkeypatch.setattr(read_ahead, "READ_AHEAD_MAX_BYTES", 1_000)
    threads = {}

    def read(path: Path) -> list:
        threads[path] = threading.current_thread().name
        return read_ahead.read_spend_now(path, name=path.name)

    readers = dict(read_ahead.read_ahead(paths, read))
    assert readers[paths[2]] is None and paths[2] not in threads  # left to the caller, never started ahead
    assert all(readers[p]() and threads[p].startswith("read-ahead") for p in paths if p != paths[2])


def test_a_build_reading_ahead_loads_every_file_once_in_order(tmp_path: Path, monkeypatch) -> None:
    data = tmp_path / "data"
    paths = spend_files(data / "spend" / "camden", 9)
    paths[5].write_text("no header here\n")
    paths[7].write_text(HEADER + "".join(f"Camden,Digital,Big Ltd,01/04/2025,B{i},500.00,Software\n" for i in range(9)))
    monkeypatch.setattr(read_ahead, "READ_AHEAD_MAX_BYTES", 300)  # file 7 is read in turn, the others ahead
    report = build(data, tmp_path / "w.duckdb", skip_bad_files=True)
    con = connect(tmp_path / "w.duckdb", read_only=True)
    files = con.execute("select file_id, path, status from raw_source_files order by file_id").fetchall()
    assert [f[1] for f in files] == [str(p.relative_to(data)) for p in paths]
    assert [f[2] for f in files] == ["loaded"] * 5 + ["rejected"] + ["loaded"] * 3
    assert report.counts["spend lines loaded"] == 7 + 9
