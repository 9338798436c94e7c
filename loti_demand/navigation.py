"""The dashboard's registered pages, read from dashboard.py's st.Page(...) calls without importing Streamlit,
for the screenshot command and the tests (so both always cover every registered page)."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

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


def unknown_path(url: str | None, base_path: str, url_paths: Iterable[str]) -> str | None:
    """The page path a browser asked for when it names no registered page ('reports' for /reports), else None.

    st.navigation runs the default page for a path it does not know, silently; the dashboard shows "page not
    found" instead. `url` is st.context.url (None outside a browser), `base_path` the server.baseUrlPath option.
    """
    if not url:
        return None
    path = unquote(urlparse(url).path).strip("/")
    base = base_path.strip("/")
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base) :].strip("/")
    return None if path in set(url_paths) else path
