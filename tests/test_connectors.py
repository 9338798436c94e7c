"""The Find a Tender and Contracts Finder connectors, against a local server replaying recorded responses.

Never the internet: tests/fixtures/ocds/*_replay.json maps each request (path, cursor) to the responses to
give in turn (a 429, then the page...). Waits go through an injected sleep that records them.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from loti_demand.cli import cli
from loti_demand.exceptions import FetchError
from loti_demand.sources import connectors, http
from loti_demand.warehouse.db import connect

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ocds"
SINCE, UNTIL = dt.datetime(2025, 4, 1), dt.datetime(2025, 12, 1)


class Replay:
    """A local HTTP server that answers from a replay script and records every request."""

    def __init__(self, script: dict[str, dict[str, list[dict]]]) -> None:
        self.script = {
            path: {cursor: list(answers) for cursor, answers in cursors.items()} for path, cursors in script.items()
        }
        self.requests: list[dict[str, str]] = []
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                replay.requests.append({"path": url.path, **params})
                answers = replay.script.get(url.path, {}).get(params.get("cursor", ""))
                if not answers:
                    self._send(404, {}, b'{"status": 404, "error": "Not Found"}')
                    return
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
                body = (FIXTURES / answer["file"]).read_bytes() if "file" in answer else answer["text"].encode()
                self._send(answer.get("status", 200), answer.get("headers", {}), body)

            def _send(self, status: int, headers: dict, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", headers.get("Content-Type", "application/json"))
                for name, value in headers.items():
                    if name != "Content-Type":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def cursors(self) -> list[str]:
        return [r.get("cursor", "") for r in self.requests]


@pytest.fixture
def replay() -> Iterator[callable]:
    servers: list[Replay] = []

    def start(name: str) -> Replay:
        server = Replay(json.loads((FIXTURES / name).read_text()))
        threading.Thread(target=server.server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.server.shutdown()
        server.server.server_close()


class Sleeps(list):
    """An injected sleep: records each wait instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def policy(sleeps: Sleeps, **kwargs: float) -> connectors.FetchPolicy:
    return connectors.FetchPolicy(**{"timeout": 5, "sleep": sleeps, "min_interval": 0, **kwargs})


def test_fts_pages_through_three_pages_obeying_retry_after(replay, tmp_path: Path) -> None:
    server = replay("fts_replay.json")
    sleeps = Sleeps()
    result = connectors.fetch(
        "fts", SINCE, UNTIL, base_url=server.url, raw_dir=tmp_path, stages=["planning", "tender"], policy=policy(sleeps)
    )
    assert result.status == "ok" and result.problem is None
    assert [p.releases for p in result.pages] == [2, 2, 1] and result.releases == 5
    # page 1, then page 2 refused with 429 and asked again, then page 3 refused with 503 and asked again
    assert server.cursors() == ["", "MTAw", "MTAw", "MjAw", "MjAw"]
    assert sleeps == [1.0, 2.0]  # Retry-After: 1 then Retry-After: 2, each obeyed before asking again
    first = server.requests[0]
    assert first["updatedFrom"] == "2025-04-01T00:00:00" and first["updatedTo"] == "2025-12-01T00:00:00"
    assert first["limit"] == "100" and first["stages"] == "planning,tender" and "cursor" not in first
    assert [p.path.name for p in result.pages] == ["page-0001.json", "page-0002.json", "page-0003.json"]
    assert result.pages[1].path.read_bytes() == (FIXTURES / "fts_page-2.json").read_bytes()  # saved as it came
    assert result.last_date_fetched == "2025-12-01T00:00:00"


def test_server_errors_back_off_and_bounded_retries_give_up(replay, tmp_path: Path) -> None:
    server = replay("fts_replay_plain.json")
    server.script["/api/1.0/ocdsReleasePackages"]["MTAw"] = [{"status": 500, "text": "Internal Server Error"}]
    sleeps = Sleeps()
    result = connectors.fetch(
        "fts", SINCE, UNTIL, base_url=server.url, raw_dir=tmp_path, policy=policy(sleeps, max_attempts=3)
    )
    assert result.status == "failed" and "gave up after 3 attempts" in result.problem
    assert sleeps == [2.0, 4.0, 8.0]  # exponential backoff, bounded
    assert len(result.pages) == 1 and result.last_date_fetched is None


def test_contracts_finder_403_page_is_its_rate_limit(replay, tmp_path: Path) -> None:
    server = replay("cf_replay.json")
    sleeps = Sleeps()
    result = connectors.fetch(
        "contracts-finder",
        dt.datetime(2025, 5, 1),
        dt.datetime(2025, 5, 31, 23, 59, 59),
        base_url=server.url,
        raw_dir=tmp_path,
        policy=policy(sleeps, rate_limit_wait=300),
    )
    assert result.status == "ok" and result.releases == 3
    assert sleeps == [300]  # no request for 5 minutes after "Request forbidden"
    assert server.cursors() == ["", "Q0YxMDA=", "Q0YxMDA="]
    assert server.requests[0]["publishedFrom"] == "2025-05-01T00:00:00"
    assert server.requests[0]["publishedTo"] == "2025-05-31T23:59:59"


def test_malformed_page_stops_the_fetch_and_keeps_the_pages_before_it(replay, tmp_path: Path) -> None:
    server = replay("fts_replay_broken.json")
    result = connectors.fetch("fts", SINCE, UNTIL, base_url=server.url, raw_dir=tmp_path, policy=policy(Sleeps()))
    assert result.status == "failed"
    assert result.problem.startswith("page 3 is not valid JSON at line ")
    assert [p.releases for p in result.pages] == [2, 2]
    assert (result.folder / "page-0003.malformed").is_file()
    assert result.last_date_fetched is None  # the window is not complete: the next fetch starts from the old point


def test_offline_fails_fast_with_a_clear_message(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps = Sleeps()
    with pytest.raises(FetchError, match=r"cannot reach Find a Tender .*connection refused.*offline"):
        connectors.fetch("fts", SINCE, base_url=f"http://127.0.0.1:{port}", raw_dir=tmp_path, policy=policy(sleeps))
    assert sleeps == []  # no retries when the host cannot be reached
    assert not (tmp_path / "fts").exists()


def test_an_error_answer_on_the_first_page_is_reported(replay, tmp_path: Path) -> None:
    server = replay("fts_replay_plain.json")
    with pytest.raises(FetchError, match="Contracts Finder answered HTTP 404 for page 1"):
        connectors.fetch("contracts-finder", SINCE, base_url=server.url, raw_dir=tmp_path, policy=policy(Sleeps()))


def test_a_stated_total_that_does_not_match_is_reported(replay, tmp_path: Path) -> None:
    page = json.loads((FIXTURES / "cf_page-2.json").read_text())
    page["total"] = 4
    (tmp_path / "page.json").write_text(json.dumps(page))
    server = replay("cf_replay.json")
    server.script["/Published/Notices/OCDS/Search"] = {"": [{"text": json.dumps(page)}]}
    result = connectors.fetch(
        "contracts-finder", SINCE, base_url=server.url, raw_dir=tmp_path / "raw", policy=policy(Sleeps())
    )
    assert result.stated_total == 4 and result.releases == 1
    assert result.problem == "the API stated 4 release(s) but 1 were fetched: the harvest may be incomplete"


@pytest.mark.parametrize(("header", "seconds"), [("1", 1.0), ("2.5", 2.5), (None, None), ("soon", None)])
def test_retry_after_header(header: str | None, seconds: float | None) -> None:
    assert http.retry_after(header) == seconds


def test_retry_after_as_an_http_date() -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=120)
    assert 100 < http.retry_after(later.strftime("%a, %d %b %Y %H:%M:%S GMT")) <= 120


def test_next_cursor_is_read_from_links_next() -> None:
    package = json.loads((FIXTURES / "fts_page-1.json").read_text())
    assert connectors.next_cursor(package) == "MTAw"
    assert connectors.next_cursor(json.loads((FIXTURES / "fts_page-3.json").read_text())) is None


# The command line: pages are saved, ingested atomically, logged; the next fetch resumes.


def _fetch(warehouse: Path, raw: Path, *args: str):
    return CliRunner().invoke(cli, ["fetch", "fts", "--warehouse", str(warehouse), "--raw-dir", str(raw), *args])


def test_cli_fetch_ingests_pages_logs_and_resumes(replay, tmp_path: Path, monkeypatch) -> None:
    server = replay("fts_replay_plain.json")
    monkeypatch.setenv("LOTI_DEMAND_FTS_URL", server.url)
    warehouse = tmp_path / "w.duckdb"
    result = _fetch(warehouse, tmp_path / "raw", "--since", "2025-04-01", "--until", "2025-12-01")
    assert result.exit_code == 0, result.output
    assert "3 page(s), 5 release(s) (no total stated)" in result.output
    con = connect(warehouse, read_only=True)
    log = con.execute(
        "select source, window_from, window_to, pages, releases, stated_total, last_date_fetched, status from fetch_log"
    ).fetchall()
    assert log == [("fts", "2025-04-01T00:00:00", "2025-12-01T00:00:00", 3, 5, None, "2025-12-01T00:00:00", "ok")]
    row = con.execute(
        "select stage, notice_type, borough_code, award_value_gbp, supplier_names, contract_end, "
        "release_count from procurements where ocid = 'ocds-h6vhtk-04a1b2'"
    ).fetchall()
    assert row == [("contract", "award", "E09000012", 2950000, "Northbridge Digital Ltd", dt.date(2029, 12, 31), 3)]
    con.close()

    server.requests.clear()
    again = _fetch(warehouse, tmp_path / "raw", "--until", "2025-12-31")
    assert again.exit_code == 0, again.output
    assert server.requests[0]["updatedFrom"] == "2025-12-01T00:00:00"  # resumed from the last date fetched
    con = connect(warehouse, read_only=True)
    # The same pages again: every release is counted as a duplicate, none loaded twice.
    assert con.execute("select count(*) from notices").fetchall() == [(5,)]
    assert con.execute("select sum(rows_duplicate) from source_files").fetchall() == [(5,)]
    assert con.execute("select max(last_date_fetched) from fetch_log").fetchall() == [("2025-12-31T00:00:00",)]


def test_cli_fetch_broken_page_ingests_the_good_pages_and_exits_non_zero(replay, tmp_path: Path, monkeypatch) -> None:
    server = replay("fts_replay_broken.json")
    monkeypatch.setenv("LOTI_DEMAND_FTS_URL", server.url)
    warehouse = tmp_path / "w.duckdb"
    result = _fetch(warehouse, tmp_path / "raw", "--since", "2025-04-01", "--until", "2025-12-01")
    assert result.exit_code == 1
    assert "the fetch stopped: page 3 is not valid JSON at line" in result.output
    assert "The 2 page(s) before it (4 releases) were saved and ingested" in result.output
    con = connect(warehouse, read_only=True)
    assert con.execute("select count(*) from notices").fetchall() == [(4,)]
    assert con.execute("select pages, releases, status, last_date_fetched from fetch_log").fetchall() == [
        (2, 4, "failed", None)
    ]


def test_cli_fetch_without_since_or_history_asks_for_since(tmp_path: Path) -> None:
    result = _fetch(tmp_path / "w.duckdb", tmp_path / "raw")
    assert result.exit_code == 1
    assert "give --since YYYY-MM-DD" in result.output


def test_cli_fetch_offline_fails_fast(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("LOTI_DEMAND_CONTRACTS_FINDER_URL", "http://127.0.0.1:9")
    result = CliRunner().invoke(
        cli,
        [
            "fetch",
            "contracts-finder",
            "--since",
            "2025-01-01",
            "--warehouse",
            str(tmp_path / "w.duckdb"),
            "--raw-dir",
            str(tmp_path / "raw"),
        ],
    )
    assert result.exit_code == 1
    assert "cannot reach Contracts Finder" in result.output and "nothing was fetched" in result.output
    assert not (tmp_path / "w.duckdb").exists()
