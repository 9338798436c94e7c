"""House rules that code review would otherwise have to catch."""

from __future__ import annotations

import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PAGES = sorted((PROJECT / "pages").glob("*.py"))


# The benchmark drives the app in AppTest, as the tests do, and the load test speaks Streamlit's protocol as a client;
# neither renders anything itself.
STREAMLIT_ALLOWED = {"loti_demand/ui.py", "loti_demand/bench/apptest.py", "loti_demand/bench/load.py"}


def test_only_ui_pages_and_dashboard_import_streamlit() -> None:
    offenders = [
        str(p.relative_to(PROJECT)) for p in (PROJECT / "loti_demand").rglob("*.py")
        if str(p.relative_to(PROJECT)) not in STREAMLIT_ALLOWED
        and re.search(r"^\s*(import streamlit|from streamlit)", p.read_text(), re.M)
    ]
    assert offenders == []


def test_pages_hold_no_sql() -> None:
    sql = re.compile(r"\b(select|insert|update|delete)\b[\s\S]{0,80}\bfrom\b", re.I)
    assert [p.name for p in PAGES if sql.search(p.read_text())] == []


def test_pages_are_thin() -> None:
    assert [p.name for p in PAGES if len(p.read_text().splitlines()) > 120] == []


def test_every_page_file_is_registered() -> None:
    dashboard = (PROJECT / "dashboard.py").read_text()
    assert [p.name for p in PAGES if f'"pages/{p.name}"' not in dashboard] == []


def test_measures_are_defined_once() -> None:
    names = re.findall(r'Measure\("([a-z_0-9]+)"', (PROJECT / "loti_demand" / "metrics.py").read_text())
    assert sorted({n for n in names if names.count(n) > 1}) == []
