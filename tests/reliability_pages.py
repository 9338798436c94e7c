"""Helpers for the injection and personal-data tests: hostile strings, run any registered page with URL parameters,
find the URL parameters a page reads, and collect everything a page shows (text, tables, charts, downloads)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from streamlit.testing.v1 import AppTest

from loti_demand.navigation import registered_pages

PROJECT = Path(__file__).resolve().parent.parent
PAGES = [page.path for page in registered_pages()]

INJECTIONS = [
    "' OR 1=1 --",
    "'; DROP TABLE spend; --",
    '" OR ""="',
    "1; select * from read_csv('/etc/passwd')",
    "$1 union select 1",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "[click me](javascript:alert(1))",
    "![x](http://127.0.0.1:9/x.png)",
    "**bold** _em_ `code` # heading",
    "$\\LaTeX$ :material/warning: :smile:",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "../../etc/passwd",
    "%00%27%22%3Cscript%3E",
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "\u202egnp.exe \u200b\ufeff ünïcödé 中文 𝕏 🙂",
    "A" * 5000,
]
# Markdown metacharacters: an injected string holding any of these must never reach a markdown element verbatim.
MARKDOWN_SPECIAL = set("[]()*_`#$:<>!")


def markdown_elements(at: AppTest) -> Iterator:
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success"):
        yield from at.get(kind)


def allowed_html(at: AppTest) -> list[str]:
    """Bodies of markdown elements rendered with unsafe_allow_html (only the fixed CSS may be)."""
    return [m.value for m in at.get("markdown") if m.proto.allow_html]


@contextmanager
def recording_url_params(monkeypatch) -> Iterator[dict[str, list[str] | None]]:
    """Record every URL parameter a page's widgets read (name -> allow-list, None for free text)."""
    from loti_demand.ui import url_state

    seen: dict[str, list[str] | None] = {}
    original = url_state._seed

    def spy(key, allowed, *args, **kwargs):
        seen[key] = None if allowed is None else list(allowed)
        return original(key, allowed, *args, **kwargs)

    monkeypatch.setattr(url_state, "_seed", spy)
    yield seen


def run_page(page: str, params: dict[str, str] | None = None) -> AppTest:
    """Open one registered page through the dashboard's navigation, as a link to it would (page links resolve)."""
    at = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=120)
    if params:
        at.query_params.update(params)
    return at.switch_page(page).run()


@contextmanager
def capturing_downloads(monkeypatch) -> Iterator[dict[str, bytes]]:
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    captured: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, data, mimetype, kind, filename=None):
        captured[str(filename)] = data if isinstance(data, bytes) else str(data).encode()
        return original(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    yield captured


def page_text(at: AppTest) -> str:
    """Everything the page shows as text: elements, table contents, chart specs, widget options and values."""
    parts = [str(e.value) for e in markdown_elements(at)]
    parts += [str(e.value) for e in at.get("text")] + [str(e.value) for e in at.get("code")]
    parts += [df.value.to_csv() for df in at.dataframe] + [
        t.proto.SerializeToString().decode("utf-8", "replace") for t in at.get("table")
    ]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [json.dumps(json.loads(c.proto.spec)) for c in at.get("plotly_chart")]
    for kind in ("selectbox", "multiselect", "radio", "text_input"):
        for widget in at.get(kind):
            parts.append(str(getattr(widget, "options", "")) + str(widget.value))
    return "\n".join(parts)
