"""The dashboard's registered pages, read from dashboard.py's st.Page(...) calls without importing Streamlit,
for the screenshot command and the tests (so both always cover every registered page)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from loti_demand.config import PROJECT_DIR


@dataclass(frozen=True)
class PageInfo:
    path: str  # "pages/overview.py"
    title: str
    url_path: str  # "" for the default page, else the file stem


def registered_pages(dashboard: Path = PROJECT_DIR / "dashboard.py") -> list[PageInfo]:
    """Every st.Page registered in dashboard.py, in navigation order; the default page has url_path ''."""
    pages = []
    for node in ast.walk(ast.parse(dashboard.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page" and node.args:
            path = ast.literal_eval(node.args[0])
            keywords = {k.arg: k.value for k in node.keywords}
            title = ast.literal_eval(keywords["title"]) if "title" in keywords else Path(path).stem
            is_default = "default" in keywords and ast.literal_eval(keywords["default"]) is True
            pages.append((node.lineno, PageInfo(path, title, "" if is_default else Path(path).stem)))
    return [page for _, page in sorted(pages, key=lambda lp: lp[0])]
