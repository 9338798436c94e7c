"""`refresh` against local servers for all three sources: each source's outcome, the build, and a warehouse left
byte-identical when nothing new could be fetched (a source offline, or all of them)."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from loti_demand import cli as cli_module
from loti_demand import config, refresh
from loti_demand.cli import cli
from loti_demand.sources import fetch_log
from loti_demand.sources.spend_sources import COLUMNS
from loti_demand.warehouse.db import connect
from tests.test_connectors import FIXTURES, Replay
from tests.test_spend_fetch import APRIL, ERROR_PAGE, MAY, Clock, Site, _closed_port


@pytest.fixture
def servers() -> Iterator[dict[str, object]]:
    """The council's site, Find a Tender and Contracts Finder, each on its own local port."""
    site = Site()
    fts = Replay(json.loads((FIXTURES / "fts_replay.json").read_text()))
    cf = Replay(json.loads((FIXTURES / "cf_replay.json").read_text()))
    running = [site.server, fts.server, cf.server]
    for server in running:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"site": site, "fts": fts, "cf": cf}
    site.release.set()
    for server in running:
        server.shutdown()
        server.server_close()


def registry(path: Path, url: str) -> Path:
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        publisher="Camden",
        publisher_code="E09000007",
        listing_type="html",
        landing_page_url=url,
        found_on_date="2026-12-04",
        found_on_page=url,
    )
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, COLUMNS)
        writer.writeheader()
        writer.writerow(row)
    return path


def run(data: Path, warehouse: Path, sources: Path, *args: str):
    return CliRunner().invoke(
        cli, ["refresh", "--data", str(data), "--warehouse", str(warehouse), "--sources", str(sources), *args]
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """No real waiting: every fetch's policy sleeps on a fake clock."""
    clock = Clock()
    monkeypatch.setattr(refresh, "policy", clock.policy)
    return clock


def test_refresh_fetches_all_three_then_builds_and_an_offline_refresh_changes_nothing(
    servers, clock: Clock, tmp_path: Path, monkeypatch
) -> None:
    site, fts, cf = servers["site"], servers["fts"], servers["cf"]
    site.page("/spend", "/files/april.csv", "/files/error.csv")
    site.route("/files/april.csv", {"body": APRIL})
    site.route("/files/error.csv", {"body": ERROR_PAGE})
    monkeypatch.setenv("LOTI_DEMAND_FTS_URL", fts.url)
    monkeypatch.setenv("LOTI_DEMAND_CONTRACTS_FINDER_URL", cf.url)
    data, warehouse = tmp_path / "data", tmp_path / "w.duckdb"
    sources = registry(tmp_path / "spend_sources.csv", site.url + "/spend")

    result = run(data, warehouse, sources, "--since", "2025-04-01", "--until", "2025-12-01")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert (
        "  Council spend: 1 new file(s), 0 changed, 0 renamed (same content as a file kept), 1 not kept; "
        "1 of 1 publisher(s) listed" in lines
    )
    assert any(
        line.startswith(f"      Camden, {site.url}/files/error.csv: refused: served as .csv but an HTML page")
        for line in lines
    )
    assert any(
        line.startswith("  Find a Tender: 2025-04-01 00:00:00 to 2025-12-01 00:00:00: 3 page(s), 5 release(s)")
        for line in lines
    )
    assert any(
        line.startswith("  Contracts Finder: 2025-04-01 00:00:00 to 2025-12-01 00:00:00: 2 page(s), 3 release(s)")
        for line in lines
    )
    assert f"Built {warehouse}: 2 new spend line(s) and 8 new notice(s) loaded from the files fetched" in lines
    assert 300 in clock.sleeps and 1.0 in clock.sleeps  # Contracts Finder's rate limit; a publisher's pacing
    con = connect(warehouse, read_only=True)
    log = con.execute("select source, status, count(*) from fetch_log group by all order by all").fetchall()
    assert log == [
        ("contracts-finder", "ok", 1),
        ("fts", "ok", 1),
        ("spend", "new", 1),
        ("spend", "ok", 1),
        ("spend", "refused", 1),
    ]
    assert con.execute("select count(*) from notices").fetchall() == [(8,)]
    con.close()
    assert len(fetch_log.read(data / "procurement" / "fetch_log.csv")) == 2

    # Every source offline: one line each, no build, the warehouse byte for byte as it was.
    before = digest(warehouse)
    closed = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("LOTI_DEMAND_FTS_URL", closed)
    monkeypatch.setenv("LOTI_DEMAND_CONTRACTS_FINDER_URL", closed)
    offline = run(data, warehouse, registry(sources, closed + "/spend"))  # resumes each API's window
    assert offline.exit_code == 1
    out = offline.output.splitlines()
    assert (
        f"  Council spend: FAILED: could not reach any of the 1 publisher(s): cannot reach {closed} "
        "(connection refused). Are you offline?" in out
    )
    assert any(
        line.startswith(
            f"  Find a Tender: FAILED: cannot reach Find a Tender at {closed} (connection refused). Are you offline?"
        )
        for line in out
    )
    assert any(line.startswith("  Contracts Finder: FAILED: cannot reach Contracts Finder") for line in out)
    assert "Nothing new was fetched, so the warehouse was not rebuilt (it is as it was)." in out
    assert "Error: refresh incomplete: Council spend; Find a Tender; Contracts Finder" in out
    assert digest(warehouse) == before
    api_log = fetch_log.read(data / "procurement" / "fetch_log.csv")
    assert [(r["source"], r["window_from"], r["status"]) for r in api_log[2:]] == [
        ("fts", "2025-12-01T00:00:00", "failed"),
        ("contracts-finder", "2025-12-01T00:00:00", "failed"),
    ]


def test_one_source_offline_does_not_stop_the_others(servers, clock: Clock, tmp_path: Path, monkeypatch) -> None:
    site = servers["site"]
    site.page("/spend", "/files/april.csv")
    site.route("/files/april.csv", {"body": APRIL})
    monkeypatch.setenv("LOTI_DEMAND_FTS_URL", f"http://127.0.0.1:{_closed_port()}")
    data, warehouse = tmp_path / "data", tmp_path / "w.duckdb"
    sources = registry(tmp_path / "spend_sources.csv", site.url + "/spend")
    reference = tmp_path / "reference"  # with a line correction naming no line: refresh's build warns of it too
    shutil.copytree(config.path("reference"), reference)
    (reference / "classification_corrections.csv").write_text(
        "kind,match,tech_category,note\nline,spend/camden/gone.csv:2,software,\n", encoding="utf-8"
    )
    monkeypatch.setenv("LOTI_DEMAND_REFERENCE", str(reference))
    first = run(data, warehouse, sources, "--only", "spend", "--only", "fts", "--since", "2025-04-01")
    assert first.exit_code == 1
    assert "  warning: " in first.output and "no loaded spend line is spend/camden/gone.csv:2" in first.output
    assert "  Council spend: 1 new file(s), 0 changed" in first.output
    assert "  Find a Tender: FAILED: cannot reach Find a Tender" in first.output
    assert f"Built {warehouse}: 2 new spend line(s) and 0 new notice(s)" in first.output
    before = digest(warehouse)
    site.page("/spend", "/files/april.csv", "/files/may.csv")
    site.route("/files/may.csv", {"body": MAY})
    # Find a Tender alone, still offline: the new spend file waits for the next refresh that includes spend.
    again = run(data, warehouse, sources, "--only", "fts", "--since", "2025-04-01")
    assert again.exit_code == 1 and "Find a Tender: FAILED" in again.output
    assert digest(warehouse) == before


def test_cli_knows_the_refresh_sources() -> None:
    assert cli_module.REFRESH_SOURCES == refresh.SOURCES


def test_fetch_spend_command(servers, clock: Clock, tmp_path: Path) -> None:
    site = servers["site"]
    site.page("/spend", "/files/april.csv")
    site.route("/files/april.csv", {"body": APRIL})
    data = tmp_path / "data"
    sources = registry(tmp_path / "spend_sources.csv", site.url + "/spend")
    result = CliRunner().invoke(
        cli, ["fetch", "spend", "--data", str(data), "--sources", str(sources), "--publisher", "camden"]
    )
    assert result.exit_code == 0, result.output
    assert "Camden: 1 file(s) listed on 1 page(s); 1 new" in result.output
    assert (data / "spend" / "camden" / "april.csv").read_bytes() == APRIL
    offline = CliRunner().invoke(
        cli,
        [
            "fetch",
            "spend",
            "--data",
            str(data),
            "--sources",
            str(registry(sources, f"http://127.0.0.1:{_closed_port()}/x")),
        ],
    )
    assert offline.exit_code == 1 and "no publisher could be reached" in offline.output
    assert "Traceback" not in offline.output


def test_nothing_is_fetched_into_the_synthetic_sample(tmp_path: Path) -> None:
    sample = tmp_path / "sample"
    sample.mkdir()
    (sample / "SAMPLE.md").write_text("synthetic")
    sources = registry(tmp_path / "spend_sources.csv", "http://127.0.0.1:9/spend")
    for args in (["refresh", "--warehouse", str(tmp_path / "w.duckdb")], ["fetch", "spend"]):
        result = CliRunner().invoke(cli, [*args, "--data", str(sample), "--sources", str(sources)])
        assert result.exit_code == 1 and "is the synthetic sample (it has SAMPLE.md)" in result.output
    assert sorted(p.name for p in sample.iterdir()) == ["SAMPLE.md"]
    assert "Missing option '--data'" in CliRunner().invoke(cli, ["fetch", "spend"]).output
