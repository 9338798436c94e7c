"""The public warehouse contract: tables and columns documented in warehouse/docs/*.csv.

docs/warehouse-tables.md is generated from these files (`python -m loti_demand docs --update`), and
tests/test_docs.py checks both that page and the real column types.
"""

from __future__ import annotations

import csv
from pathlib import Path

DOCS_DIR = Path(__file__).parent / "docs"
BEGIN = "<!-- warehouse-tables:begin -->"
END = "<!-- warehouse-tables:end -->"


def tables() -> list[tuple[str, str]]:
    with (DOCS_DIR / "_tables.csv").open(encoding="utf-8", newline="") as fh:
        return [(r["table"], r["description"]) for r in csv.DictReader(fh)]


def columns(table: str) -> list[dict[str, str]]:
    with (DOCS_DIR / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def missing(con) -> list[str]:
    """The contract's tables and columns the warehouse on `con` lacks ('table', or 'table.column'): none for a
    warehouse this version built; some for one an older version built."""
    have: dict[str, set[str]] = {}
    for table, column in con.execute(
        "select table_name, column_name from duckdb_columns() where database_name = current_database()"
    ).fetchall():
        have.setdefault(table, set()).add(column)
    absent = []
    for table, _ in tables():
        if table not in have:
            absent.append(table)
        else:
            absent += [f"{table}.{c['column']}" for c in columns(table) if c["column"] not in have[table]]
    return absent


def markdown() -> str:
    parts = [BEGIN]
    for table, description in tables():
        parts.append(f"\n## `{table}`\n\n{description}\n\n| column | type | description |\n|---|---|---|")
        parts.extend(f"| `{c['column']}` | {c['type']} | {c['description']} |" for c in columns(table))
    parts.append(END)
    return "\n".join(parts)


def update(page: Path) -> bool:
    """Rewrite the generated section of a docs page; True when it changed."""
    text = page.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    new = text[:start] + markdown() + text[end:]
    if new != text:
        page.write_text(new, encoding="utf-8")
    return new != text
