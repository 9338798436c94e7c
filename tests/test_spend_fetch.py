"""The spend harvester against a local web site replaying each listing pattern and each failure.

Never the internet: `Site` is an http.server on 127.0.0.1 answering from a table of routes. Waits go through an
injected sleep that records them and moves a fake clock, so no test waits (the one timeout test holds the
server's answer back for 0.2 s of real time, the client's timeout).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import socket
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest
import requests

from loti_demand import queries
from loti_demand.exceptions import InputFileError
from loti_demand.reference import Reference
from loti_demand.sources import fetch_log
from loti_demand.sources.http import USER_AGENT, Client, FetchPolicy
from loti_demand.sources.spend_fetch import file_name, harvest, sniff
from loti_demand.sources.spend_listing import Link, page_links
from loti_demand.sources.spend_sources import COLUMNS, SpendSource, choose, publisher_slug, read_sources
from loti_demand.warehouse.build import build
from loti_demand.warehouse.db import connect
from tests.reliability_inputs import ods

REGISTRY = Path(__file__).resolve().parent.parent / "data" / "reference" / "spend_sources.csv"
HEADER = "Date,Supplier Name,Amount,Expense Type,Transaction Number\n"


def spend_csv(*lines: str) -> bytes:
    return (HEADER + "".join(f"{line}\n" for line in lines)).encode()


APRIL = spend_csv(
    '01/04/2025,Northwind Cloud Ltd,"2,000.00",Hosting Services,A1',
    "15/04/2025,Brightline Software Limited,750.00,Software licences,A2",
)
MAY = spend_csv("02/05/2025,Northwind Cloud Ltd,900.00,Hosting Services,M1")
MAY_CORRECTED = spend_csv("02/05/2025,Northwind Cloud Ltd,950.00,Hosting Services,M1")
ERROR_PAGE = b"<!DOCTYPE html>\n<html><head><title>Page not found</title></head><body>Sorry</body></html>"


class Site:
    """A local web site: each path (with its query, if any) gives its answers in turn, the last one repeating.
    An answer is a dict: body (bytes or str), status, headers, etag (answers 304 to a matching If-None-Match),
    hang (hold the answer back until the client gives up)."""

    def __init__(self) -> None:
        self.routes: dict[str, list[dict]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.release = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append((self.path, dict(self.headers)))
                answers = site.routes.get(self.path) or site.routes.get(urlsplit(self.path).path)
                if not answers:
                    return self._send(404, {"Content-Type": "text/html"}, ERROR_PAGE)
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
                if answer.get("hang"):
                    site.release.wait(5)
                    return None
                etag = answer.get("etag")
                if etag and self.headers.get("If-None-Match") == etag:
                    return self._send(304, {"ETag": etag}, b"")
                body = answer.get("body", b"")
                body = body.encode() if isinstance(body, str) else body
                headers = {**({"ETag": etag} if etag else {}), **answer.get("headers", {})}
                return self._send(answer.get("status", 200), headers, body)

            def _send(self, status: int, headers: dict, body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def route(self, path: str, *answers: dict) -> None:
        self.routes[path] = list(answers)

    def page(self, path: str, *hrefs: str, extra: str = "") -> None:
        links = "".join(f'<li><a href="{h}">{h.rsplit("/", 1)[-1] or h}</a></li>' for h in hrefs)
        self.route(
            path,
            {
                "body": f"<html><body><ul>{links}</ul>{extra}</body></html>",
                "headers": {"Content-Type": "text/html; charset=utf-8"},
            },
        )

    def paths(self) -> list[str]:
        return [p for p, _ in self.requests if p != "/robots.txt"]


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site()
    threading.Thread(target=server.server.serve_forever, daemon=True).start()
    yield server
    server.release.set()
    server.server.shutdown()
    server.server.server_close()


class Clock:
    """An injected sleep and clock: sleeping records the wait and moves the clock on."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds

    def policy(self, **kwargs) -> FetchPolicy:
        return FetchPolicy(timeout=5, sleep=self.sleep, clock=lambda: self.now, **kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def source(
    url: str, *, publisher: str = "Camden", listing_type: str = "html", file_pattern: str = "", page_pattern: str = ""
) -> SpendSource:
    values = dict.fromkeys(COLUMNS, "")
    values.update(
        publisher=publisher,
        publisher_code=Reference().publisher(publisher).code,
        listing_type=listing_type,
        file_pattern=file_pattern,
        page_pattern=page_pattern,
        **{"landing_page_url" if listing_type == "html" else "catalogue_url": url},
    )
    return SpendSource(**values)


def log_rows(data: Path) -> list[dict[str, str]]:
    return fetch_log.read(data / "spend" / "fetch_log.csv")


def files_of(data: Path, folder: str = "camden") -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((data / "spend" / folder).iterdir())}


# --- The registry -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Kensington and Chelsea", "kensington-and-chelsea"),
        ("Mayor's Office for Policing and Crime", "mayors-office-for-policing-and-crime"),
        ("Mayor\u2019s Office for Policing and Crime", "mayors-office-for-policing-and-crime"),
        ("Greater London Authority", "greater-london-authority"),
        ("  Old Oak & Park Royal -- Development Corp.  ", "old-oak-park-royal-development-corp"),
    ],
)
def test_publisher_folder_is_the_slug_of_its_name(name: str, slug: str) -> None:
    assert publisher_slug(name) == slug


def test_the_registry_has_every_publisher_in_a_folder_the_build_accepts() -> None:
    sources = read_sources(REGISTRY)
    ref = Reference()
    # The build reads spend/<folder>/ as the publisher the registry's publisher_code names.
    assert {s.folder: s.publisher_code for s in sources} == {s.folder: ref.publisher(s.folder).code for s in sources}
    codes = [s.publisher_code for s in sources]
    assert len(set(codes)) == len(codes) and set(ref.borough_names) <= set(codes)  # all 33 authorities, once each
    assert {"GLA", "TFL", "MOPAC", "LFC", "OPDC", "LLDC", "LCOUNCILS"} <= set(codes)
    for s in sources:  # where no listing was found by search, the row says so instead of guessing a URL
        assert s.listing_url or s.notes, s.publisher
        assert s.found_on_date and s.found_on_page, s.publisher


def test_a_bad_registry_row_is_named(tmp_path: Path) -> None:
    path = tmp_path / "spend_sources.csv"
    row = dict.fromkeys(COLUMNS, "")
    row.update(publisher="Camden", listing_type="html", landing_page_url="ftp://example.org/spend")
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS)
        writer.writeheader()
        writer.writerow(row)
    with pytest.raises(InputFileError, match=r"line 2: column landing_page_url is not an http or https address"):
        read_sources(path)
    with pytest.raises(InputFileError, match="'Gotham' is not in the spend source registry"):
        choose(read_sources(REGISTRY), ["Camden", "Gotham"])
    assert [s.publisher for s in choose(read_sources(REGISTRY), ["E09000007", "lambeth"])] == ["Camden", "Lambeth"]


# --- Reading listings and files -------------------------------------------------------------------------------


def test_page_links_keep_only_web_links_resolved_against_the_base() -> None:
    html = """<html><head><base href="https://council.example/files/"></head><body>
      <a href="april.csv">April <b>2025</b></a> <a href="/other/may.xlsx#top">May</a>
      <a href="mailto:data@council.example">mail</a> <a href="javascript:alert(1)">js</a>
      <a href="file:///etc/passwd.csv">local</a> <a href="ftp://council.example/june.csv">ftp</a>
      <a href="data:text/csv,a,b">inline</a> <a rel="next" href="?page=2">2</a> <a href="?page=3">Next &rsaquo;</a>
      <a href="https://elsewhere.example/july.csv">July"""  # an unclosed link at the end still counts
    links, nexts = page_links(html, "https://council.example/spend")
    assert [link.url for link in links] == [
        "https://council.example/files/april.csv",
        "https://council.example/other/may.xlsx",
        "https://council.example/files/?page=2",
        "https://council.example/files/?page=3",
        "https://elsewhere.example/july.csv",
    ]
    assert links[0].text == "April 2025"
    many = page_links('<a href="x.csv">x' * 20_000, "https://c.example/")[0]  # unclosed links do not nest
    assert len(many) == 20_000 and many[0].text == "x"
    assert nexts == ["https://council.example/files/?page=2", "https://council.example/files/?page=3"]


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "suffix", "problem"),
    [
        (APRIL, ".csv", None),
        ("\ufeffDate,Supplier,Amount\n".encode("utf-16"), ".csv", None),
        (_zip({"2024/april.csv": APRIL}), ".zip", None),
        (_zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}), ".xlsx", None),
        (_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}), "", "not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls", None),
        (ods({"Payments": []}), ".ods", None),
        (
            ods({}, mimetype=b"application/vnd.oasis.opendocument.text"),
            "",
            "an OpenDocument file that is not a spreadsheet",
        ),
        (ERROR_PAGE, "", "an HTML page"),
        (b"\n\n  <html><body>Access denied</body></html>", "", "an HTML page"),
        (b"%PDF-1.7 ...", "", "a PDF"),
        (b'{"error": "not found"}', "", "JSON"),
        (b"PK\x03\x04 truncated", "", "a damaged ZIP"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "", "binary data"),
        (b"   \n", "", "empty"),
    ],
)
def test_sniff_decides_by_the_bytes(tmp_path: Path, content: bytes, suffix: str, problem: str | None) -> None:
    path = tmp_path / "download"
    path.write_bytes(content)
    got_suffix, got_problem = sniff(path)
    assert got_suffix == suffix
    assert (got_problem is None) if problem is None else (problem in got_problem)


@pytest.mark.parametrize(
    ("url", "text", "suffix", "name"),
    [
        (
            "https://c.example/sites/default/files/2023-05/Amounts%20paid%20April%202023%20(CSV).csv",
            "",
            ".csv",
            "Amounts-paid-April-2023-CSV.csv",
        ),
        (
            "https://c.example/downloads/file/2289/payments-over-500-april-2023",
            "",
            ".xlsx",
            "payments-over-500-april-2023.xlsx",
        ),
        (
            "https://c.example/media/12345/download",
            "Expenditure: period 5 2023/24",
            ".csv",
            "Expenditure-period-5-2023-24-",
        ),
        ("https://c.example/files/report.xlsx", "", ".csv", "report.csv"),  # named by what the bytes are
        ("https://c.example/files/mapping.csv", "", ".csv", "mapping-file.csv"),  # never the build's mapping file
        ("https://c.example/files/..%2F..%2Fetc%2Fpasswd.csv", "", ".csv", "etc-passwd.csv"),
    ],
)
def test_file_names_are_safe_and_readable(url: str, text: str, suffix: str, name: str) -> None:
    got = file_name(Link(url, text), suffix)
    assert got.startswith(name) and got.endswith(suffix) and "/" not in got and not got.startswith(".")


# --- Listing patterns -------------------------------------------------------------------------------------------


def test_links_page_downloads_each_file_politely_and_logs_it(site: Site, clock: Clock, tmp_path: Path) -> None:
    site.page(
        "/spend",
        "/files/april.csv",
        f"{site.url}/files/may.csv",
        "/files/notes.pdf",
        "mailto:x@y.example",
        "file:///etc/passwd.csv",
        "ftp://127.0.0.1/june.csv",
    )
    site.route("/files/april.csv", {"body": APRIL, "etag": '"a1"'})
    site.route("/files/may.csv", {"body": MAY, "headers": {"Last-Modified": "Mon, 02 Jun 2025 09:00:00 GMT"}})
    data = tmp_path / "data"
    result = harvest(data, [source(site.url + "/spend")], policy=clock.policy())
    assert result.count("new") == 2 and result.publishers[0].line().startswith("Camden: 2 file(s) listed")
    assert files_of(data) == {"april.csv": APRIL, "may.csv": MAY}
    assert site.requests[0][0] == "/robots.txt"  # asked first, once per host
    assert site.paths() == ["/spend", "/files/april.csv", "/files/may.csv"]  # no pdf, no other scheme
    assert all(headers["User-Agent"] == USER_AGENT for _, headers in site.requests)
    assert clock.sleeps == [1.0, 1.0, 1.0]  # one request a second to the host, after robots.txt
    rows = log_rows(data)
    files = [r for r in rows if r["path"]]
    assert [(r["url"], r["path"], r["status"]) for r in files] == [
        (site.url + "/files/april.csv", "spend/camden/april.csv", "new"),
        (site.url + "/files/may.csv", "spend/camden/may.csv", "new"),
    ]
    assert files[0]["sha256"] == hashlib.sha256(APRIL).hexdigest() and files[0]["etag"] == '"a1"'
    assert files[1]["last_modified"] == "Mon, 02 Jun 2025 09:00:00 GMT"
    listing = rows[-1]
    assert (listing["url"], listing["pages"], listing["files"], listing["status"]) == (
        site.url + "/spend",
        "1",
        "2",
        "ok",
    )


def test_paginated_pages_and_year_pages_are_followed_on_the_same_host(site: Site, clock: Clock, tmp_path: Path) -> None:
    site.page(
        "/spend",
        "/files/april.csv",
        "/spend/2024-25",
        "http://localhost:1/spend/2023-24",
        extra='<a rel="next" href="/spend?page=2">2</a>',
    )
    site.page("/spend?page=2", "/files/may.csv", extra='<a href="/spend?page=3">Next &raquo;</a>')
    site.page("/spend?page=3", "/files/june.csv", extra='<a href="/spend">1</a>')  # back to the start: not again
    site.page("/spend/2024-25", "/files/2024-march.csv")
    for name in ("april", "may", "june", "2024-march"):
        site.route(f"/files/{name}.csv", {"body": spend_csv(f"01/04/2025,Supplier {name},600.00,Hosting,{name}")})
    data = tmp_path / "data"
    result = harvest(data, [source(site.url + "/spend", page_pattern=r"/spend/\d{4}-\d{2}$")], policy=clock.policy())
    assert result.publishers[0].pages == 4 and result.count("new") == 4
    assert sorted(files_of(data)) == ["2024-march.csv", "april.csv", "june.csv", "may.csv"]
    assert site.paths().count("/spend") == 1  # the page linking back is not read twice; the other host never


def test_ckan_api_resources(site: Site, clock: Clock, tmp_path: Path) -> None:
    site.route(
        "/api/action/package_show?id=2331d",
        {
            "body": json.dumps(
                {
                    "success": True,
                    "result": {
                        "name": "expenditure-reporting-202324",
                        "resources": [
                            {
                                "name": "April",
                                "format": "CSV",
                                "url": f"{site.url}/download/2331d/dsv/Expenditure%20Report%20April.csv",
                            },
                            {"name": "Notes", "format": "PDF", "url": f"{site.url}/download/2331d/x1/notes.pdf"},
                            {"name": "Bad", "format": "CSV", "url": "javascript:alert(1)"},
                        ],
                    },
                }
            )
        },
    )
    site.route("/download/2331d/dsv/Expenditure%20Report%20April.csv", {"body": APRIL})
    data = tmp_path / "data"
    result = harvest(
        data,
        [
            source(
                site.url + "/dataset/2331d/expenditure-reporting-202324",
                publisher="Barnet",
                listing_type="ckan",
                file_pattern=r"(?i)Expenditure(%20|\s)Report.*\.csv$",
            )
        ],
        policy=clock.policy(),
    )
    assert result.count("new") == 1
    assert files_of(data, "barnet") == {"Expenditure-Report-April.csv": APRIL}
    assert site.paths()[0] == "/api/action/package_show?id=2331d"


def test_london_datastore_api_resources(site: Site, clock: Clock, tmp_path: Path) -> None:
    site.route(
        "/api/dataset/lfb-payments",
        {
            "body": (
                '{"id": "lfb-payments", "resources": {'
                f'"r2": {{"title": "May 2025", "url": "{site.url}/download/lfb/r2/may.csv", "order": 2}},'
                f'"r1": {{"title": "April 2025", "url": "{site.url}/download/lfb/r1/april.csv", "order": 1}},'
                '"r3": {"title": "Broken", "order": "x"}}}'
            )
        },
    )
    site.route("/download/lfb/r1/april.csv", {"body": APRIL})
    site.route("/download/lfb/r2/may.csv", {"body": MAY})
    data = tmp_path / "data"
    result = harvest(
        data,
        [source(site.url + "/dataset/lfb-payments", publisher="London Fire Commissioner", listing_type="datastore")],
        policy=clock.policy(),
    )
    assert [f.url.rsplit("/", 1)[-1] for f in result.publishers[0].files] == ["april.csv", "may.csv"]  # in order
    assert files_of(data, "london-fire-commissioner") == {"april.csv": APRIL, "may.csv": MAY}
    # A London-wide body's folder builds as that body, and its timeliness is reported like a borough's.
    warehouse = tmp_path / "w.duckdb"
    build(data, warehouse)
    con = connect(warehouse, read_only=True)
    assert con.execute("select distinct publisher_code from source_files").fetchall() == [("LFC",)]
    row = (
        queries.publication_timeliness(con, today=dt.date(2025, 7, 31))
        .set_index("publisher")
        .loc["London Fire Commissioner"]
    )
    con.close()
    assert (row["publisher_code"], f"{row['latest_month']:%Y-%m}", row["timeliness"]) == ("LFC", "2025-05", "on time")
    assert (f"{row['due_through']:%Y-%m}", row["months_behind_monthly"]) == ("2025-03", 0)  # Q1 was due by 30 April


def test_a_zip_per_year_is_kept_whole_and_built(site: Site, clock: Clock, tmp_path: Path) -> None:
    site.page("/spend", "/archive/2024.zip", "/archive/2025.zip")
    site.route(
        "/archive/2024.zip",
        {"body": _zip({"april-2024.csv": spend_csv("01/04/2024,Northwind Cloud Ltd,1000.00,Hosting Services,Z1")})},
    )
    site.route("/archive/2025.zip", {"body": _zip({"april.csv": APRIL, "may.csv": MAY})})
    data = tmp_path / "data"
    harvest(data, [source(site.url + "/spend")], policy=clock.policy())
    assert sorted(files_of(data)) == ["2024.zip", "2025.zip"]
    warehouse = tmp_path / "w.duckdb"
    build(data, warehouse)
    con = connect(warehouse, read_only=True)
    loaded = con.execute("select path, rows_loaded from source_files order by path").fetchall()
    assert loaded == [
        ("spend/camden/2024.zip!april-2024.csv", 1),
        ("spend/camden/2025.zip!april.csv", 2),
        ("spend/camden/2025.zip!may.csv", 1),
    ]  # the fetch log is not read as a spend file
    logged = con.execute(
        "select publisher, url, path, status from fetch_log where source = 'spend' and path is not null order by path"
    ).fetchall()
    assert logged == [("Camden", f"{site.url}/archive/{y}.zip", f"spend/camden/{y}.zip", "new") for y in (2024, 2025)]
    timeliness = queries.publication_timeliness(con, today=dt.date(2025, 9, 15)).set_index("publisher")
    con.close()
    camden = timeliness.loc["Camden"]
    assert (f"{camden['latest_month']:%Y-%m}", camden["timeliness"]) == ("2025-05", "overdue")  # June was due
    assert camden["last_fetched_at"] is not pd.NaT and pd.isna(camden["last_fetch_problem"])


# --- Failures -------------------------------------------------------------------------------------------------


def test_each_failure_is_logged_and_the_other_files_still_come(
    site: Site, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.page(
        "/spend",
        "/files/gone.csv",
        "/files/error.csv",
        "/files/slow.csv",
        "/private/june.csv",
        "/files/busy.csv",
        "/files/big.csv",
        "/files/april.csv",
    )
    site.route("/robots.txt", {"body": "User-agent: *\nDisallow: /private/\n"})
    site.route("/files/error.csv", {"body": ERROR_PAGE, "headers": {"Content-Type": "text/csv"}})
    site.route("/files/slow.csv", {"hang": True})
    site.route("/private/june.csv", {"body": MAY})
    site.route("/files/busy.csv", {"status": 429, "headers": {"Retry-After": "7"}}, {"body": MAY})
    site.route("/files/big.csv", {"body": spend_csv(*["01/04/2025,Supplier,600.00,Hosting,B"] * 200)})
    site.route("/files/april.csv", {"body": APRIL})
    data = tmp_path / "data"
    policy = clock.policy(max_attempts=2, max_bytes=4096)
    policy.timeout = 0.2  # the client's time-out for slow.csv, which hangs; the other requests get 5 s (below)
    get = requests.Session.get

    def patient_but_for_slow(session: requests.Session, url: str, **kwargs: object) -> requests.Response:
        """A busy machine can take longer than 0.2 s to answer a good request: only the hanging one times out."""
        return get(session, url, **{**kwargs, "timeout": kwargs["timeout"] if url.endswith("/slow.csv") else 5})

    monkeypatch.setattr(requests.Session, "get", patient_but_for_slow)
    result = harvest(data, [source(site.url + "/spend")], policy=policy)
    got = {f.url.rsplit("/", 1)[-1]: (f.status, f.problem) for f in result.publishers[0].files}
    assert got["gone.csv"][0] == "failed" and "HTTP 404" in got["gone.csv"][1]
    assert got["error.csv"] == (
        "refused",
        "served as .csv but an HTML page (often an error, login or 'not found' page), not a data file; not kept",
    )
    assert got["slow.csv"][0] == "failed" and "gave up after 2 attempts" in got["slow.csv"][1]
    assert got["june.csv"][0] == "disallowed" and "robots.txt" in got["june.csv"][1]
    assert got["busy.csv"] == ("new", None) and 7.0 in clock.sleeps  # Retry-After obeyed, then it came
    assert got["big.csv"][0] == "failed" and "larger than 4,096 bytes" in got["big.csv"][1]
    assert got["april.csv"] == ("new", None)
    assert {2.0, 4.0} <= set(clock.sleeps)  # the timeouts backed off before giving up
    assert "/private/june.csv" not in site.paths()
    assert files_of(data) == {"busy.csv": MAY, "april.csv": APRIL}  # nothing partial or refused is left
    logged = {r["url"].rsplit("/", 1)[-1]: r["status"] for r in log_rows(data) if r["url"].endswith(".csv")}
    assert logged == {
        "gone.csv": "failed",
        "error.csv": "refused",
        "slow.csv": "failed",
        "june.csv": "disallowed",
        "busy.csv": "new",
        "big.csv": "failed",
        "april.csv": "new",
    }


def test_a_file_that_changed_is_saved_and_the_old_one_kept(site: Site, clock: Clock, tmp_path: Path) -> None:
    site.page("/spend", "/files/april.csv", "/files/may.csv")
    site.route("/files/april.csv", {"body": APRIL, "etag": '"a1"'})
    site.route("/files/may.csv", {"body": MAY, "etag": '"m1"'})
    data = tmp_path / "data"
    harvest(data, [source(site.url + "/spend")], policy=clock.policy())
    site.route("/files/may.csv", {"body": MAY_CORRECTED, "etag": '"m2"'})
    site.requests.clear()
    again = harvest(data, [source(site.url + "/spend")], policy=clock.policy())
    assert [(f.url.rsplit("/", 1)[-1], f.status) for f in again.publishers[0].files] == [
        ("april.csv", "unchanged"),
        ("may.csv", "changed"),
    ]
    sent = dict(site.requests)
    assert sent["/files/april.csv"]["If-None-Match"] == '"a1"'  # a conditional GET: 304, nothing downloaded
    assert files_of(data) == {"april.csv": APRIL, "may.csv": MAY_CORRECTED}
    kept = list((data / "spend" / ".superseded" / "camden").iterdir())
    assert len(kept) == 1 and kept[0].name.endswith("_may.csv") and kept[0].read_bytes() == MAY
    changed = [r for r in log_rows(data) if r["status"] == "changed"]
    assert len(changed) == 1 and changed[0]["problem"] == (
        f"the previous version was kept as spend/.superseded/camden/{kept[0].name}"
    )
    assert again.new_paths == ["spend/camden/may.csv"]
    # The build reads the new version only: the kept old one is outside every spend folder.
    warehouse = tmp_path / "w.duckdb"
    build(data, warehouse)
    con = connect(warehouse, read_only=True)
    assert con.execute("select sum(amount_gbp) from spend where payment_date = date '2025-05-02'").fetchall() == [
        (950,)
    ]
    con.close()


def test_a_renamed_file_is_not_kept_twice(site: Site, clock: Clock, tmp_path: Path) -> None:
    site.page("/spend", "/files/May-23.csv")
    site.route("/files/May-23.csv", {"body": MAY})
    data = tmp_path / "data"
    harvest(data, [source(site.url + "/spend")], policy=clock.policy())
    site.page("/spend", "/files/May-23-v2.csv")  # the council renamed the file; the old address is gone
    site.route("/files/May-23-v2.csv", {"body": MAY})
    again = harvest(data, [source(site.url + "/spend")], policy=clock.policy())
    outcome = again.publishers[0].files[0]
    assert (outcome.status, outcome.path) == ("renamed", "spend/camden/May-23.csv")
    assert files_of(data) == {"May-23.csv": MAY}
    site.route("/files/May-23-v2.csv", {"body": MAY_CORRECTED})  # then the renamed file is corrected
    third = harvest(data, [source(site.url + "/spend")], policy=clock.policy())
    assert third.publishers[0].files[0].status == "new"  # the file it matched belongs to the old address
    assert files_of(data) == {"May-23-v2.csv": MAY_CORRECTED, "May-23.csv": MAY}


def test_an_interrupted_harvest_resumes_without_fetching_twice(site: Site, clock: Clock, tmp_path: Path) -> None:
    names = ["april", "may", "june"]
    site.page("/spend", *(f"/files/{n}.csv" for n in names))
    for n in names:
        site.route(f"/files/{n}.csv", {"body": spend_csv(f"01/04/2025,Supplier {n},600.00,Hosting,{n}")})
    data = tmp_path / "data"
    (data / "spend" / "camden").mkdir(parents=True)
    (data / "spend" / "camden" / ".partial-0123456789ab").write_bytes(b"half a file")  # an earlier crash

    class Interrupt(BaseException):  # as Ctrl-C (KeyboardInterrupt) or a kill: not a publisher's failure
        pass

    def sleep(seconds: float) -> None:  # stopped while pacing before the third file
        clock.sleep(seconds)
        if len(clock.sleeps) == 4:
            raise Interrupt

    policy = clock.policy()
    policy.sleep = sleep
    with pytest.raises(Interrupt):
        harvest(data, [source(site.url + "/spend")], policy=policy)
    assert sorted(files_of(data)) == ["april.csv", "may.csv"]
    site.requests.clear()
    harvest(data, [source(site.url + "/spend")], policy=clock.policy())
    assert sorted(files_of(data)) == ["april.csv", "june.csv", "may.csv"]  # no .partial left over
    statuses = [(r["path"], r["status"]) for r in log_rows(data) if r["path"]]
    assert statuses == [
        ("spend/camden/april.csv", "new"),
        ("spend/camden/may.csv", "new"),
        ("spend/camden/june.csv", "new"),
    ]  # april and may came again, were the same, not relogged


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_offline_each_publisher_fails_fast_and_nothing_is_written(clock: Clock, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/spend"
    data = tmp_path / "data"
    result = harvest(data, [source(url), source(url, publisher="Lambeth")], policy=clock.policy())
    assert result.offline and clock.sleeps == []  # no retries when the host cannot be reached
    assert [p.problem for p in result.publishers] == [
        f"cannot reach {url.rsplit('/', 1)[0]} (connection refused). Are you offline?"
    ] * 2
    assert not (data / "spend" / "camden").exists()
    assert [r["status"] for r in log_rows(data)] == ["failed", "failed"]


def test_a_client_never_follows_a_redirect_to_another_scheme(site: Site, clock: Clock) -> None:
    site.route("/files/april.csv", {"status": 302, "headers": {"Location": "file:///etc/passwd"}})
    with pytest.raises(Exception, match="not an http or https address"):
        Client(clock.policy()).get(site.url + "/files/april.csv")
