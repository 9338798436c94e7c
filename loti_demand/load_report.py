"""The per-file summary printed after `build` and `ingest`: what was detected and how every line went."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

MAX_ROWS = 40
UNREAD = ("rejected", "skipped")  # a file that could not be read; an archive member that is not a spend file
HEADERS = ("file", "format", "lines", "loaded", "duplicates", "quarantined", "total £")


def file_table(rows: Sequence[dict], max_rows: int = MAX_ROWS) -> str:
    """A plain-text table, one line per file (ZIP members each count), with a total line; '' when empty.

    Quarantined counts say how many of them were totals rows; rejected files (and skipped archive members) show
    why instead of counts, and a file that loaded nothing because every line was quarantined says so below.
    """
    if not rows:
        return ""
    body = [_cells(r) for r in rows[:max_rows]]
    if len(rows) > 1:
        body.append(_total(rows))
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(HEADERS)]
    widths[0] = min(widths[0], 60)
    lines = [_line(HEADERS, widths), _line(tuple("-" * w for w in widths), widths)]
    lines += [_line(b, widths) for b in body[:-1] if len(rows) > 1] + [_line(body[-1], widths)]
    if len(rows) > max_rows:
        lines.insert(-1, f"... and {len(rows) - max_rows:,} more files (query source_files for all of them)")
    unread = [r for r in rows if r.get("status") in UNREAD]
    lines += [f"{r['status']}: {r['path']}: {r.get('problem')}" for r in unread[:max_rows]]
    empty = [r for r in rows if r.get("status") not in UNREAD and r.get("problem")]  # read, but nothing loaded
    lines += [f"{r['path']}: {r['problem']}" for r in empty[:max_rows]]
    return "\n".join(lines)


def _cells(row: dict) -> tuple[str, ...]:
    if row.get("status") in UNREAD:
        return (_short(row["path"]), row["status"], "-", "-", "-", "-", "-")
    quarantined = f"{row['rows_quarantined']:,}"
    if row.get("rows_totals"):
        quarantined += f" ({row['rows_totals']:,} totals)"
    fmt = row.get("detected_format") or ""
    if row.get("encoding") and row["encoding"] not in ("utf-8",):
        fmt += f", {row['encoding']}"
    return (
        _short(row["path"]),
        fmt,
        f"{row['lines_read']:,}",
        f"{row['rows_loaded']:,}",
        f"{row['rows_duplicate']:,}",
        quarantined,
        _money(row.get("total_amount_gbp")),
    )


def _total(rows: Sequence[dict]) -> tuple[str, ...]:
    loaded = [r for r in rows if r.get("status") not in UNREAD]

    def total(key: str) -> int:
        return sum(int(r.get(key) or 0) for r in loaded)

    money = sum((Decimal(r.get("total_amount_gbp") or 0) for r in loaded), Decimal(0))
    return (
        f"total ({len(rows):,} files)",
        "",
        f"{total('lines_read'):,}",
        f"{total('rows_loaded'):,}",
        f"{total('rows_duplicate'):,}",
        f"{total('rows_quarantined'):,}",
        _money(money),
    )


def _money(value: object) -> str:
    if value is None:
        return "-"
    amount = Decimal(value)
    return f"-£{abs(amount):,.2f}" if amount < 0 else f"£{amount:,.2f}"


def _short(path: str, width: int = 60) -> str:
    return path if len(path) <= width else "…" + path[-(width - 1) :]


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    first = cells[0][: widths[0]].ljust(widths[0])
    second = cells[1].ljust(widths[1])
    rest = [c.rjust(w) for c, w in zip(cells[2:], widths[2:], strict=True)]
    return "  ".join([first, second, *rest])
