"""Documentation stays true: settings, the warehouse contract in docs/, the README's size and every link."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from loti_demand import config
from loti_demand.warehouse import contract

PROJECT = Path(__file__).resolve().parent.parent
README = PROJECT / "README.md"
DOCS = PROJECT / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
# A Markdown link or image whose target is not a web address or an anchor in the same page.
LINK = re.compile(r"!?\[[^\]]*\]\((?!https?://|mailto:|#)([^)\s]+)\)")


def _text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_settings_page() -> None:
    settings = _text(DOCS / "settings.md")
    for setting in config.SETTINGS:
        assert f"`{setting.env_var}`" in settings, f"{setting.env_var} is not documented in docs/settings.md"


def test_warehouse_tables_page_is_current() -> None:
    page = _text(DOCS / "warehouse-tables.md")
    start = page.index(contract.BEGIN)
    end = page.index(contract.END) + len(contract.END)
    assert page[start:end] == contract.markdown(), "run: python -m loti_demand docs --update"


def test_every_documented_column_has_a_description() -> None:
    for table, description in contract.tables():
        assert description
        for column in contract.columns(table):
            assert column["description"].strip(), f"{table}.{column['column']} has no description"


def test_readme_is_at_most_8_kb() -> None:
    assert README.stat().st_size <= 8192, "README.md is over 8 KB: move the detail to a page in docs/"


def _anchors(page: Path) -> set[str]:
    """The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens."""
    headings = re.findall(r"^#+ (.+)$", _text(page), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(PROJECT)))
def test_every_relative_link_resolves(page: Path) -> None:
    broken = []
    for link in LINK.findall(_text(page)):
        path, _, anchor = link.partition("#")
        target = page.parent / path
        if not target.exists() or (anchor and anchor not in _anchors(target)):
            broken.append(link)
    assert broken == [], f"{page.relative_to(PROJECT)} links to files or headings that do not exist: {broken}"


def test_the_docs_index_links_every_docs_page() -> None:
    linked = {(DOCS / link).resolve() for link in LINK.findall(_text(DOCS / "README.md"))}
    missing = [p.name for p in DOCS.glob("*.md") if p.name != "README.md" and p.resolve() not in linked]
    assert missing == [], f"docs/README.md does not link {missing}"
