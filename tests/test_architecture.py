"""House rules that code review would otherwise have to catch."""

from __future__ import annotations

import ast
import graphlib
import re
import tokenize
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
PAGES = sorted((PROJECT / "pages").glob("*.py"))


STREAMLIT_ALLOWED = {"loti_demand/ui/"}


def test_only_ui_pages_and_dashboard_import_streamlit() -> None:
    offenders = [
        str(p.relative_to(PROJECT))
        for p in (PROJECT / "loti_demand").rglob("*.py")
        if not str(p.relative_to(PROJECT)).startswith(tuple(STREAMLIT_ALLOWED))
        and re.search(r"^\s*(import streamlit|from streamlit)", p.read_text(), re.M)
    ]
    assert offenders == []


def test_pages_hold_no_sql() -> None:
    sql = re.compile(r"\b(select|insert|update|delete)\b[\s\S]{0,80}\bfrom\b", re.I)
    assert [p.name for p in PAGES if sql.search(p.read_text())] == []


def _statements(path: Path) -> int:
    """Logical lines (statements), which line wrapping does not change."""
    with path.open("rb") as f:
        return sum(token.type == tokenize.NEWLINE for token in tokenize.tokenize(f.readline))


def test_pages_are_thin() -> None:
    assert [p.name for p in PAGES if _statements(p) > 80] == []


def test_every_page_file_is_registered() -> None:
    dashboard = (PROJECT / "dashboard.py").read_text()
    assert [p.name for p in PAGES if f'"pages/{p.name}"' not in dashboard] == []


def test_measures_are_defined_once() -> None:
    names = re.findall(r'Measure\(\s*"([a-z_0-9]+)"', (PROJECT / "loti_demand" / "metrics" / "measures.py").read_text())
    assert sorted({n for n in names if names.count(n) > 1}) == []


def package_imports() -> dict[str, set[str]]:
    """Each module of loti_demand and the package's modules it imports, at the top or inside a function (a lazy
    import hides a cycle from the interpreter, not from a reader)."""
    package = PROJECT / "loti_demand"
    modules = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(PROJECT).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                    base = ".".join([*up, base] if base else up)
                targets = [f"{base}.{a.name}" for a in node.names]  # a module, or a name in one
            else:
                continue
            for dotted in targets:
                module = dotted
                while module and module not in modules:
                    module = module.rpartition(".")[0]
                if module and module != name:
                    graph[name].add(module)
    return graph


def test_no_import_cycles_in_the_package() -> None:
    graph = package_imports()
    assert "loti_demand.queries.core" in graph["loti_demand.queries.spend"], "the walk sees imports"
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        pytest.fail("import cycle: " + " -> ".join(error.args[1]))


def test_the_build_never_imports_the_query_layer() -> None:
    """The query layer reads the warehouse; the build (warehouse/, its models among it) never runs through it."""
    graph = package_imports()
    reached, todo = set(), [m for m in graph if m.startswith("loti_demand.warehouse")]
    while todo:
        module = todo.pop()
        if module not in reached:
            reached.add(module)
            todo.extend(graph[module])
    assert "loti_demand.warehouse.models.marts.page_periods" in reached, "the walk sees the Python models"
    assert sorted(m for m in reached if m.startswith("loti_demand.queries")) == []
