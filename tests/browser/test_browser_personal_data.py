"""Redacted payees never reach the server's log: serve a warehouse built with withheld payee names, open every page
in Chromium (plain and searching for the withheld names), then read everything the Streamlit server printed."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest

from loti_demand.local_server import local_server
from loti_demand.warehouse.build import build
from tests.browser.conftest import CHROMIUM, page_urls, require, wait_for_app
from tests.test_reliability_personal_data import _data, _leaks


@pytest.mark.slow
@pytest.mark.browser
def test_the_server_log_names_no_withheld_payee(page, tmp_path: Path) -> None:
    require(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}")
    warehouse = tmp_path / "w.duckdb"
    build(_data(tmp_path), warehouse)
    log_path = tmp_path / "server.log"
    visited = 0
    with local_server(warehouse, log=log_path) as server:
        for _file, path in page_urls():
            for search in ("", "Jane", "REDACTED"):
                query = urllib.parse.urlencode({"q": search, "supplier": search, "search": search} if search else {})
                page.goto(f"{server.url}/{path}?{query}")
                wait_for_app(page)
                main = page.get_by_test_id("stMain").inner_text()
                assert _leaks(main) == [], f"{path}?{query} shows a withheld payee"
                visited += 1
    text = log_path.read_text(encoding="utf-8", errors="replace")
    assert visited == 3 * len(page_urls())
    assert "Traceback" not in text, text[-2000:]
    assert _leaks(text) == [], f"the server log names a withheld payee: {_leaks(text)}"
