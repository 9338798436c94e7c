"""`fetch spend` against hostile hosts: a publisher's time limit, a host that fails file after file, and the
command's lines and exit code when nothing could be kept. Local servers only; waits move a fake clock."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from loti_demand import refresh
from loti_demand.cli import cli
from loti_demand.sources.spend_fetch import harvest
from tests.test_refresh import registry
from tests.test_spend_fetch import APRIL, ERROR_PAGE, MAY, Clock, Site, log_rows, source


def serve(server: Site) -> Iterator[Site]:
    threading.Thread(target=server.server.serve_forever, daemon=True).start()
    yield server
    server.release.set()
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    yield from serve(Site())


@pytest.fixture
def other_site() -> Iterator[Site]:
    """A second host: localhost, where `site` is 127.0.0.1."""
    server = Site()
    server.url = server.url.replace("127.0.0.1", "localhost")
    yield from serve(server)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_publisher_past_its_time_limit_leaves_its_other_files_for_the_next_harvest(
    site: Site, clock: Clock, tmp_path: Path
) -> None:
    """A server answering 503 with Retry-After: 60 to every file held one publisher for minutes a file (up to
    75 minutes with a Retry-After of 900 s), and a listing of thousands of such files for days."""
    site.page("/spend", *[f"/files/busy{i}.csv" for i in range(4)])
    for i in range(4):
        site.route(f"/files/busy{i}.csv", {"status": 503, "headers": {"Retry-After": "60"}})
    site.page("/lambeth", "/lambeth/april.csv")
    site.route("/lambeth/april.csv", {"body": APRIL})
    data = tmp_path / "data"
    policy = clock.policy(max_publisher_minutes=3.5, max_host_failures=100)
    result = harvest(
        data, [source(site.url + "/spend"), source(site.url + "/lambeth", publisher="Lambeth")], policy=policy
    )
    camden, lambeth = result.publishers
    assert [f.status for f in camden.files] == ["failed", "not tried", "not tried", "not tried"]
    assert camden.files[0].problem == (
        f"{site.url}/files/busy0.csv: HTTP 503; waiting 60 s more to ask again would pass the publisher's time "
        "limit of 3.5 minutes, so it was not asked again; try again later"
    )
    assert sum(s for s in clock.sleeps if s == 60) == 180  # three waits, then none past the limit
    assert clock.now < 210
    assert site.paths().count("/files/busy1.csv") == 0
    limit = "not tried: the publisher's time limit of 3.5 minutes was reached"
    assert {f.problem for f in camden.files[1:]} == {limit}
    assert camden.line() == "Camden: 4 file(s) listed on 1 page(s); 1 failed, 3 not tried"
    assert lambeth.files[0].status == "new"  # the next publisher has its own time
    rows = {r["url"]: r for r in log_rows(data)}
    assert rows[f"{site.url}/files/busy3.csv"]["status"] == "not tried"
    assert rows[f"{site.url}/files/busy3.csv"]["problem"] == limit
    assert rows[f"{site.url}/spend"]["problem"] == "3 file(s) " + limit
    assert "1 not kept, 3 not tried" in result.summary()


def test_a_host_that_fails_ten_files_in_a_row_is_asked_for_no_more(
    site: Site, other_site: Site, clock: Clock, tmp_path: Path
) -> None:
    """A listing of 3,000 links that all answer 404 took about a second each: some 50 minutes."""
    gone = [f"/files/gone{i}.csv" for i in range(20)]
    # 9 fail, one comes (the count starts again), 10 fail, and the host is asked for no more.
    site.page(
        "/spend", *gone[:9], "/files/april.csv", *gone[9:19], "/files/may.csv", gone[19], other_site.url + "/m.csv"
    )
    site.route("/files/april.csv", {"body": APRIL})
    site.route("/files/may.csv", {"body": MAY})
    other_site.route("/m.csv", {"body": MAY})
    other_site.page("/lambeth", site.url + "/files/may.csv")
    data = tmp_path / "data"
    result = harvest(
        data,
        [source(site.url + "/spend"), source(other_site.url + "/lambeth", publisher="Lambeth")],
        policy=clock.policy(),
    )
    camden, lambeth = result.publishers
    statuses = [f.status for f in camden.files]
    assert statuses == ["failed"] * 9 + ["new"] + ["failed"] * 10 + ["not tried"] * 2 + ["new"]
    host = site.url.split("//")[1]
    assert camden.files[-2].problem == f"not tried: {host} failed the last 10 files"
    assert "/files/may.csv" not in site.paths() and f"/files/{gone[19]}" not in site.paths()
    assert [f.status for f in lambeth.files] == ["not tried"]  # the host is not asked again in this run
    assert camden.not_tried() == [f"2 file(s) not tried: {host} failed the last 10 files"]


def fetch_spend(data: Path, sources: Path):
    return CliRunner().invoke(cli, ["fetch", "spend", "--data", str(data), "--sources", str(sources)])


def test_fetch_spend_shows_why_each_file_failed_and_fails_when_none_could_be_kept(
    site: Site, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, the console said only "Camden: 7 file(s) listed on 1 page(s); 1 refused, 6 failed" and exited 0:
    the reasons were only in the fetch log."""
    monkeypatch.setattr(refresh, "policy", clock.policy)
    gone = [f"/files/gone{i}.csv" for i in range(6)]
    site.page("/spend", "/files/login.csv", *gone)
    site.route("/files/login.csv", {"body": ERROR_PAGE, "headers": {"Content-Type": "text/csv"}})
    data = tmp_path / "data"
    sources = registry(tmp_path / "spend_sources.csv", site.url + "/spend")
    result = fetch_spend(data, sources)
    log = data / "spend" / "fetch_log.csv"
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    at = lines.index("  Camden: 7 file(s) listed on 1 page(s); 1 refused, 6 failed")
    assert lines[at + 1 : at + 7] == [
        f"    {site.url}/files/login.csv: refused: served as .csv but an HTML page (often an error, login or "
        "'not found' page), not a data file; not kept",
        *[f"    {site.url}{path}: failed: HTTP 404 Not Found" for path in gone[:4]],
        f"    and 2 more: see {log}",
    ]
    assert f"Error: none of the 7 file(s) listed could be kept; the lines above say why, and {log} has every" in (
        result.output
    )
    assert "Traceback" not in result.output
    # One file kept: the others still show, and the command succeeds.
    site.page("/spend", "/files/login.csv", "/files/april.csv")
    site.route("/files/april.csv", {"body": APRIL})
    again = fetch_spend(data, sources)
    assert again.exit_code == 0, again.output
    assert "  Camden: 2 file(s) listed on 1 page(s); 1 new, 1 refused" in again.output
    assert f"    {site.url}/files/login.csv: refused: served as .csv" in again.output
    # Nothing new but a file already kept (unchanged) is not a failure either.
    assert fetch_spend(data, sources).exit_code == 0


def test_refresh_shows_five_files_not_kept_a_publisher_and_why_the_rest_were_not_tried(
    site: Site, clock: Clock, tmp_path: Path
) -> None:
    """Before, `refresh` printed a line for every file not kept (3,000 for a listing of dead links), and nothing
    for the files a time limit left."""
    gone = [f"/files/gone{i}.csv" for i in range(12)]
    site.page("/spend", *gone)

    @contextlib.contextmanager
    def bar(label: str, length: int | None):
        yield lambda item: None

    data = tmp_path / "data"
    outcome = refresh.fetch_spend(data, [source(site.url + "/spend")], clock.policy(), bar)
    host = site.url.split("//")[1]
    assert outcome.details == [
        *[f"Camden, {site.url}{path}: failed: HTTP 404 Not Found" for path in gone[:5]],
        f"Camden, and 5 more: see {data / 'spend' / 'fetch_log.csv'}",
        f"Camden, 2 file(s) not tried: {host} failed the last 10 files",
    ]


def test_a_file_given_up_on_says_what_the_server_last_answered(site: Site, clock: Clock, tmp_path: Path) -> None:
    """Before: "gave up after 5 attempts (the server kept refusing or timing out)", the HTTP status unsaid."""
    site.page("/spend", "/files/error.csv")
    site.route("/files/error.csv", {"status": 500, "body": "boom"})
    result = harvest(tmp_path / "data", [source(site.url + "/spend")], policy=clock.policy(max_attempts=2))
    assert result.publishers[0].files[0].problem == (
        f"{site.url}/files/error.csv: gave up after 2 attempts (the server kept refusing or timing out; the last "
        "answer: HTTP 500 Internal Server Error)"
    )
