"""Nothing active leaves the product: no raw table download (only the project's neutralising CSV writer), only
http(s) addresses rendered as links, and no control character printed raw by the CLI.

Inputs are generated here: a notice whose document address is javascript:, file names and cells holding terminal
escape sequences (clear screen, set the window title, recolour), and formula cells."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from loti_demand import ui
from loti_demand.cli import cli, printable, write_data
from loti_demand.export import to_csv_bytes
from loti_demand.warehouse.build import build
from tests.conftest import open_page
from tests.reliability_inputs import FIXTURES

PROJECT = Path(__file__).resolve().parent.parent
ESCAPES = "\x1b[2J\x1b]0;owned\x07\x1b[31m"  # clear the screen, retitle the window, turn the text red
HOSTILE_URLS = [
    "javascript:alert(document.domain)",
    " javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "vbscript:msgbox(1)",
    "https://example.org/a\njavascript:alert(1)",
    "//evil.example/x",
    "ftp://example.org/x",
    "",
]


# --- The tables' own toolbar download ------------------------------------------------------------------------


def test_the_grids_own_csv_download_and_copy_are_off() -> None:
    # Streamlit's toolbar "Download as CSV" writes cells raw (=1+1 stays a formula); the browser test checks the
    # button is gone, this that the setting that removes it stays.
    config = tomllib.loads((PROJECT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


# --- Links ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE_URLS)
def test_only_http_addresses_are_links(value: str) -> None:
    assert ui.web_url(value) is None
    assert ui.link("Open", value) == "Open"


@pytest.mark.parametrize("value", ["https://example.org/notice/1", "HTTP://example.org/x?a=1&b=(2)"])
def test_http_addresses_stay_links(value: str) -> None:
    assert ui.web_url(value) == value
    assert ui.link("Open", value).startswith("[Open](") and "(2)" not in ui.link("Open", value)


@pytest.mark.parametrize(
    "values",
    [
        pd.Series([*HOSTILE_URLS, "https://example.org/ok", "HtTpS://example.org/\u00e9", "https://a\u00a0b", None]),
        pd.Series([*HOSTILE_URLS, "https://example.org/ok", None], dtype="str"),
        pd.Series([None, None], dtype=object),  # a column of NULLs only
        pd.Series([float("nan"), 3.0]),  # not text at all
    ],
)
def test_a_columns_addresses_are_judged_as_one_address_is(values: pd.Series) -> None:
    """Tables judge a whole column at once (ui.web_urls, vectorised): the same verdict as web_url, value by value."""
    judged = ui.web_urls(values)
    assert [None if ui.is_missing(v) else v for v in judged] == [ui.web_url(v) for v in values]


def test_supplier_links_are_each_rows_link() -> None:
    ids = pd.Series(["S1", None, "S1", "S2", None, "S1"], dtype="str")
    names = pd.Series(["Acme & Co", "Withheld", "Acme & Co", None, None, "ACME"], dtype="str")
    assert ui.supplier_links(ids, names) == [ui.supplier_link(i, n) for i, n in zip(ids, names, strict=True)]
    assert ui.supplier_links(ids, names)[:2] == ["supplier?supplier=S1#Acme%20%26%20Co", "#Withheld"]


def _table_app() -> None:
    import pandas as pd

    from loti_demand import ui
    from tests.test_reliability_active_content import HOSTILE_URLS

    urls = [*HOSTILE_URLS, "https://example.org/notice/ok"]
    ui.table(
        pd.DataFrame({"title": [f"n{i}" for i in range(len(urls))], "notice_url": urls, "url": urls}),
        ["title", "notice_url", "url"],
        key="links",
        name="links",
    )


def test_link_columns_show_and_download_only_http_addresses(sample_warehouse, monkeypatch, downloads: dict) -> None:
    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(sample_warehouse))  # the data-as-of date in the file's name
    app = AppTest.from_function(_table_app).run()
    assert not app.exception, app.exception
    shown = app.dataframe[0].value
    for column in ("notice_url", "url"):
        assert shown[column].dropna().tolist() == ["https://example.org/notice/ok"], column
    (name,) = downloads
    assert name.startswith("links_as_of_") and b"javascript" not in downloads[name].lower()


def _hostile_release(ocid: str, url: str, market: dt.date) -> dict:
    buyer = {"id": "GB-LAC-E09000007", "name": "London Borough of Camden"}
    return {
        "ocid": ocid,
        "id": f"{ocid}-1",
        "date": "2025-05-01T09:00:00Z",
        "tag": ["tender"],
        "initiationType": "tender",
        "buyer": buyer,
        "parties": [{**buyer, "roles": ["buyer"]}],
        "tender": {
            "id": "t1",
            "title": f"Case management system {ocid}",
            "status": "active",
            "classification": {"scheme": "CPV", "id": "48000000"},
            "value": {"amount": 250_000, "currency": "GBP"},
            "tenderPeriod": {"endDate": f"{market.isoformat()}T12:00:00Z"},
            "documents": [{"id": f"{ocid}-1", "documentType": "tenderNotice", "url": url}],
        },
    }


def test_a_javascript_notice_address_reaches_no_link_column(tmp_path: Path, monkeypatch, downloads: dict) -> None:
    # Found: the Borough profile's pipeline table made a link of a notice document's javascript: address.
    data = tmp_path / "data"
    shutil.copytree(FIXTURES, data)
    market = dt.date.today() + dt.timedelta(days=60)
    package = {
        "uri": "https://example.org/p",
        "publishedDate": "2025-05-01T00:00:00Z",
        "version": "1.1",
        "publisher": {"name": "Fixture"},
        "releases": [
            _hostile_release("ocds-h6vhtk-js1", "javascript:alert(document.domain)", market),
            _hostile_release("ocds-h6vhtk-ok1", "https://example.org/notice/ok1", market),
        ],
    }
    (data / "procurement" / "hostile.json").write_text(json.dumps(package), encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    build(data, warehouse)
    app = open_page(warehouse, monkeypatch, "pages/borough.py", borough="E09000007")
    pipeline = next(t.value for t in app.dataframe if {"url", "title"} <= set(t.value.columns))
    assert set(pipeline["title"]) >= {"Case management system ocds-h6vhtk-js1"}, "the hostile notice is listed"
    assert pipeline["url"].dropna().tolist() == ["https://example.org/notice/ok1"]
    assert all(b"javascript" not in data.lower() for data in downloads.values())


# --- The CLI -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain £ text\twith a tab\nand a new line", "plain £ text\twith a tab\nand a new line"),
        ("\x1b[2J", "\\x1b[2J"),
        ("title\x1b]0;owned\x07", "title\\x1b]0;owned\\x07"),
        ("over\rwrite", "over\\x0dwrite"),
        ("\x9b31m C1 CSI", "\\x9b31m C1 CSI"),
        ("nul\x00 del\x7f", "nul\\x00 del\\x7f"),
        ("\u202egnp.exe", "\\u202egnp.exe"),  # right-to-left override: shows the name reversed
    ],
)
def test_printable_escapes_control_characters(text: str, shown: str) -> None:
    assert printable(text) == shown


def _no_raw_escapes(output: str) -> None:
    assert "\x1b" not in output and "\x07" not in output and "\x9b" not in output, repr(output[:300])


def test_file_names_cells_and_messages_are_printed_escaped(tmp_path: Path) -> None:
    hostile = tmp_path / f"camden{ESCAPES}.csv"
    shutil.copyfile(next((FIXTURES / "spend" / "camden").iterdir()), hostile)
    warehouse = tmp_path / "w.duckdb"
    ingested = CliRunner().invoke(cli, ["ingest", "spend", "-w", str(warehouse), "--publisher", "Camden", str(hostile)])
    assert ingested.exit_code == 0, ingested.output
    _no_raw_escapes(ingested.output)
    assert "camden\\x1b[2J\\x1b]0;owned\\x07" in ingested.output, "the file is named, escaped"

    unreadable = tmp_path / f"binary{ESCAPES}.csv"
    unreadable.write_bytes(b"\x00\x01\x02" * 100)
    refused = CliRunner().invoke(
        cli, ["ingest", "spend", "-w", str(warehouse), "--publisher", "Camden", str(unreadable)]
    )
    assert refused.exit_code == 1
    _no_raw_escapes(refused.output)
    assert "binary\\x1b[2J" in refused.output

    missing = CliRunner().invoke(
        cli, ["ingest", "spend", "-w", str(warehouse), "--publisher", "Camden", str(tmp_path / f"missing{ESCAPES}.csv")]
    )
    assert missing.exit_code == 2, "click's own usage error"
    _no_raw_escapes(missing.output)
    assert "missing\\x1b[2J" in missing.output

    challenges = tmp_path / "challenges.csv"
    challenges.write_text(
        "id,title,statement,boroughs,theme,status,opens_on,closes_on,budget_gbp,url\n"
        f"CH-1,Title{ESCAPES},Statement,Camden,Housing,open,2025-03-01,not a date{ESCAPES},,\n",
        encoding="utf-8",
    )
    validated = CliRunner().invoke(cli, ["validate", "challenges", "--show-valid", str(challenges)])
    assert validated.exit_code == 1
    _no_raw_escapes(validated.output)
    # a control character quarantines the row (issue 25's values), named by its code and column, never echoed raw
    assert "control character U+001B in column 'title'" in validated.output


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_csv_to_a_terminal_is_escaped_and_to_a_pipe_is_as_written(monkeypatch, capsysbinary) -> None:
    data = to_csv_bytes(pd.DataFrame({"supplier_name": [f"Acme{ESCAPES} Ltd", "=1+1"], "amount": [-5, 7]}))
    write_data(data)
    assert capsysbinary.readouterr().out == data, "a pipe gets the file as written"
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    write_data(data)
    _no_raw_escapes(terminal.getvalue())
    assert "Acme\\x1b[2J" in terminal.getvalue() and "'=1+1" in terminal.getvalue()
