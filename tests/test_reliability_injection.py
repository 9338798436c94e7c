"""Injection: SQL and script strings in URLs and in data fields are ignored or shown as text, never run; every
query value is a bound parameter; HTML is allowed only for the dashboard's fixed CSS."""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loti_demand.export import to_csv_bytes
from loti_demand.warehouse.db import connect
from tests.reliability_pages import (
    INJECTIONS,
    MARKDOWN_SPECIAL,
    PAGES,
    PROJECT,
    allowed_html,
    markdown_elements,
    recording_url_params,
    run_page,
)
from tests.test_export_safety import assert_no_formula_cells

URL_APP = str(PROJECT / "tests" / "fixtures" / "apps" / "url_state_app.py")
# A few per page keep AppTest runs modest; the widget app below takes every string.
PAGE_INJECTIONS = [INJECTIONS[i] for i in (0, 1, 5, 6, 9, 12, 13, 15, 20, 21)]


def _escaped(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", text)


@pytest.mark.parametrize("value", INJECTIONS, ids=range(len(INJECTIONS)))
def test_every_url_widget_ignores_or_quotes_an_injected_value(value: str) -> None:
    at = AppTest.from_file(URL_APP)
    at.query_params.update({"borough": value, "cat": value, "q": value, "days": value, "unknown": value})
    at.run()
    assert not at.exception
    state = next(m.value for m in at.markdown if m.value.startswith("state="))
    borough, cats, *middle, days = state.removeprefix("state=").split("|")
    q = "|".join(middle)
    assert (borough, days) == ("E09000007", "30"), "allow-listed widgets keep their default"
    assert set(cats.split(",")) <= {"", "software", "devices", "cyber_security"}
    assert q == value.strip()[:100], "free text is kept as plain search text, capped"
    [notice] = at.warning
    assert "not recognised" in notice.value
    assert _escaped(repr(value[:40])) in notice.value, "the ignored value is shown escaped, as text"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_ignores_injected_url_parameters(page: str, sample_warehouse: Path, monkeypatch) -> None:
    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(sample_warehouse))
    with recording_url_params(monkeypatch) as params:
        baseline = run_page(page)
    assert not baseline.exception
    tables = [df.value for df in baseline.dataframe]
    free_text = [name for name, allowed in params.items() if allowed is None]
    for value in PAGE_INJECTIONS:
        at = run_page(page, {**dict.fromkeys(params, value), "unknown_param": value})
        assert not at.exception, f"{page} with {value[:30]!r}: {at.exception}"
        assert allowed_html(at) == allowed_html(baseline)
        for element in markdown_elements(at):
            assert value not in element.value or not MARKDOWN_SPECIAL & set(value), (
                f"{page}: {value[:30]!r} reached a markdown element unescaped"
            )
        if not free_text:
            assert len(at.dataframe) == len(tables)
            for shown, before in zip(at.dataframe, tables, strict=True):
                assert shown.value.equals(before), f"{page}: an injected link changed a table"
        if any(allowed is not None for allowed in params.values()):
            assert any("not recognised" in w.value for w in at.warning), f"{page}: no notice for {value[:30]!r}"


def test_html_is_allowed_only_for_the_fixed_css() -> None:
    """Every call that lets markup or script through, found in the syntax tree (so layout does not hide one)."""
    sources = [*(PROJECT / "loti_demand").rglob("*.py"), *(PROJECT / "pages").glob("*.py"), PROJECT / "dashboard.py"]
    uses = [
        (str(p.relative_to(PROJECT)), ast.unparse(node))
        for p in sources
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and (
            any(k.arg and k.arg.startswith("unsafe_allow") for k in node.keywords)
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "html")
        )
    ]
    assert sorted(uses) == [
        ("loti_demand/ui/page.py", "st.markdown(CSS, unsafe_allow_html=True)"),
        (
            "loti_demand/ui/tables.py",
            "st.html(_COPY_LINK.format(id=f'copy-link-{key}', "
            "link=html.escape(link, quote=True)), "
            "unsafe_allow_javascript=True)",
        ),
    ]
    from loti_demand.ui.page import CSS
    from loti_demand.ui.tables import _COPY_LINK

    assert re.fullmatch(r"\s*<style>[^<]*</style>\s*", CSS), "the CSS holds no markup but a style block"
    # the Copy link button's only values: a constant id, and the page's link escaped into two attributes
    assert set(re.findall(r"(?<!\{)\{(\w+)\}(?!\})", _COPY_LINK)) == {"id", "link"}
    assert _COPY_LINK.count('"{link}"') == 2 and "{link}" not in _COPY_LINK.replace('"{link}"', "")


# --- every query value is a bound parameter -------------------------------------------------------------------

# Formatted SQL that is allowed, with why: only identifiers from code constants, never a value.
ALLOWED_FORMATTED_SQL = {
    ("loti_demand/warehouse/build.py", "load_reference"): "ref_<name> from a literal tuple of reference tables",
    ("loti_demand/warehouse/db.py", "insert_arrow"): "table names from code constants, columns from Arrow schemas",
    ("loti_demand/warehouse/db.py", "connect"): "the READ_ALIAS constant (the path itself is bound: $path)",
    ("loti_demand/warehouse/db.py", "cursor"): "the READ_ALIAS constant",
    ("loti_demand/warehouse/db.py", "read_every_table"): "table names from the catalogue, quoted as identifiers",
    ("loti_demand/warehouse/db.py", "create_from_arrow"): "build steps' table names from code constants",
    ("loti_demand/warehouse/raw_writer.py", "discard"): "raw table names from the SCHEMAS constant",
    ("loti_demand/warehouse/order.py", "run"): "materialisation, and a model file's name (an identifier: discover)",
    # A view's body takes no bound parameters: the Parquet path is quoted in one place, spark.storage._read_parquet
    ("loti_demand/warehouse/spark/storage.py", "duckdb_view"): "a model's table name, and its Parquet path quoted",
    ("loti_demand/warehouse/spark/storage.py", "write_from_duckdb"): "a table and its columns; path quoted",
    ("loti_demand/warehouse/spark/storage.py", "load"): "a model's table name, its columns; Parquet path quoted",
}
_SQL_CALLS = {"execute", "sql", "query", "executemany", "from_query"}


def _formatted_sql_calls(path: Path) -> list[tuple[str, int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _SQL_CALLS
            and node.args
        ):
            continue
        sql = node.args[0]
        formatted = (
            isinstance(sql, ast.JoinedStr)
            or (isinstance(sql, ast.BinOp) and isinstance(sql.op, (ast.Mod, ast.Add)))
            or (isinstance(sql, ast.Call) and isinstance(sql.func, ast.Attribute) and sql.func.attr == "format")
        )
        if formatted:
            function = node
            while function in parents and not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                function = parents[function]
            found.append((getattr(function, "name", "<module>"), node.lineno, ast.unparse(sql)[:80]))
    return found


def test_no_value_is_ever_formatted_into_sql() -> None:
    unexpected = []
    for path in sorted((PROJECT / "loti_demand").rglob("*.py")):
        relative = str(path.relative_to(PROJECT))
        for function, line, sql in _formatted_sql_calls(path):
            if (relative, function) not in ALLOWED_FORMATTED_SQL:
                unexpected.append(f"{relative}:{line} in {function}(): {sql}")
    assert unexpected == [], "formatted SQL: bind values as $params, or add a justified identifier-only entry"


def test_query_files_take_values_only_as_parameters() -> None:
    for path in (PROJECT / "loti_demand" / "queries").glob("*.sql"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\{[a-z_]+\}|%\(|%s", text), f"{path.name} has a format placeholder"


# --- hostile strings inside the data ----------------------------------------------------------------------------


def _hostile_data(root: Path) -> Path:
    data = root / "data"
    shutil.copytree(PROJECT / "tests" / "fixtures" / "data", data)
    lines = ["Date,Supplier Name,Amount,Expense Type,Transaction Number,Description"]
    for i, value in enumerate(INJECTIONS):
        quoted = value.replace('"', '""')
        lines.append(f'0{1 + i % 9}/05/2025,"{quoted}","{1000 + i}.00",Software Licences,INJ{i},"{quoted}"')
    (data / "spend" / "camden" / "hostile.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = ["id,title,statement,boroughs,theme,status,opens_on,closes_on,budget_gbp,url"]
    for i, value in enumerate(INJECTIONS):
        quoted = value.replace('"', '""')
        rows.append(f'INJ-{i},"{quoted}","{quoted}",Camden,"{quoted}",open,2025-03-01,2025-12-31,,')
    (data / "challenges" / "hostile.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (data / "procurement" / "hostile.json").write_text(json.dumps(_hostile_releases()), encoding="utf-8")
    return data


def _hostile_releases() -> dict:
    """One awarded software procurement per hostile string, as its title, description and supplier name."""
    buyer = {"id": "GB-LAC-E09000007", "name": "London Borough of Camden"}
    releases = []
    for i, value in enumerate(INJECTIONS):
        supplier = {"id": f"GB-COH-9{i:07d}", "name": value}
        releases.append(
            {
                "ocid": f"ocds-h6vhtk-inj{i:03d}",
                "id": f"inj-{i}",
                "date": "2025-05-01T09:00:00Z",
                "tag": ["award"],
                "initiationType": "tender",
                "buyer": buyer,
                "parties": [{**buyer, "roles": ["buyer"]}, {**supplier, "roles": ["supplier"]}],
                "tender": {
                    "id": f"t{i}",
                    "title": value,
                    "description": value,
                    "status": "complete",
                    "classification": {"scheme": "CPV", "id": "48000000"},
                },
                "awards": [
                    {
                        "id": f"a{i}",
                        "status": "active",
                        "value": {"amount": 100_000 + i, "currency": "GBP"},
                        "suppliers": [supplier],
                        "contractPeriod": {"startDate": "2025-06-01T00:00:00Z", "endDate": "2026-09-30T00:00:00Z"},
                    }
                ],
            }
        )
    return {
        "uri": "https://example.org/hostile",
        "publishedDate": "2025-05-01T00:00:00Z",
        "version": "1.1",
        "publisher": {"name": "Fixture"},
        "releases": releases,
    }


def test_hostile_strings_are_stored_exactly_as_published(hostile_warehouse: Path) -> None:
    con = connect(hostile_warehouse, read_only=True)
    try:
        suppliers = {r[0] for r in con.execute("select supplier_name from spend").fetchall()}
        titles = {r[0] for r in con.execute("select title from challenges").fetchall()}
        procurements = {r[0] for r in con.execute("select title from procurements where ocid like '%inj%'").fetchall()}
        incumbents = {
            r[0] for r in con.execute("select supplier_names from procurements where ocid like '%inj%'").fetchall()
        }
        assert con.execute("select count(*) from spend").fetchall()[0][0] > len(INJECTIONS) - 3, "tables intact"
    finally:
        con.close()
    stored = {v for v in INJECTIONS if " ".join(v.split()) in suppliers}
    assert len(stored) >= len(INJECTIONS) - 2, f"missing: {set(INJECTIONS) - stored}"
    assert {v for v in INJECTIONS if v.strip() in titles or " ".join(v.split()) in titles}
    assert len(procurements) == len(INJECTIONS), "every hostile notice is loaded"
    assert {v for v in INJECTIONS if v.strip() in procurements or " ".join(v.split()) in procurements}
    assert {v for v in INJECTIONS if " ".join(v.split()) in incumbents}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_hostile_data_as_text(page: str, hostile_warehouse: Path, monkeypatch) -> None:
    from tests.reliability_pages import capturing_downloads

    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(hostile_warehouse))
    with capturing_downloads(monkeypatch) as downloads:
        at = run_page(page)
    assert not at.exception, at.exception
    assert len(allowed_html(at)) <= 1
    for element in markdown_elements(at):
        for value in INJECTIONS:
            assert value not in element.value or not MARKDOWN_SPECIAL & set(value), (
                f"{page}: {value[:30]!r} reached a markdown element unescaped"
            )
    for name, data in downloads.items():
        if name.endswith(".csv"):  # the export's companion notes are Markdown, not a spreadsheet
            assert_no_formula_cells(data, name)


def test_hostile_supplier_names_export_as_inert_text(hostile_warehouse: Path) -> None:
    con = connect(hostile_warehouse, read_only=True)
    try:
        df = con.execute("select supplier_name, amount_gbp, purpose from spend order by source_row").df()
    finally:
        con.close()
    data = to_csv_bytes(df)
    assert_no_formula_cells(data, "spend.csv")
    assert "'=HYPERLINK" in data.decode("utf-8-sig")
