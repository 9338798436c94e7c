"""Read challenge statements (CSV, JSON or XLSX in the loti-demand challenge schema) as raw text rows."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from loti_demand.exceptions import InputFileError
from loti_demand.sources.detect import detect_encoding
from loti_demand.sources.limits import TOO_DEEP, TOO_DEEP_HINT

CHALLENGE_FIELDS = (
    "id", "title", "statement", "boroughs", "theme", "status", "opens_on", "closes_on", "budget_gbp", "url",
    "contact", "tech_category", "outcome_ocid",
)


@dataclass
class ChallengeFile:
    source_file: str
    sha256: str
    detected_format: str
    rows: list[tuple[int, dict[str, str | None]]] = field(default_factory=list)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    text = str(value).strip()
    return text or None


def read_challenges(path: Path, *, name: str | None = None) -> list[ChallengeFile]:
    name = name or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(name, f"cannot be opened ({exc.strerror or exc})") from exc
    sha = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputFileError(name, f"is not valid JSON ({exc})",
                                 "see data/reference/challenge.schema.json") from exc
        except RecursionError as exc:
            raise InputFileError(name, TOO_DEEP, TOO_DEEP_HINT) from exc
        items = doc.get("challenges") if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            raise InputFileError(name, "has no list of challenges", "expected {\"challenges\": [...]} or a JSON array")
        rows = [(i, {f: _text(item.get(f)) for f in CHALLENGE_FIELDS}) for i, item in enumerate(items, start=1)
                if isinstance(item, dict)]
        return [ChallengeFile(name, sha, "json", rows)]
    if suffix == ".xlsx":
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            table = [[("" if v is None else str(v.date() if hasattr(v, "date") else v)) for v in row]
                     for row in book.worksheets[0].iter_rows(values_only=True)]
        except Exception as exc:  # openpyxl raises many types for damaged files
            raise InputFileError(name, f"is not a readable Excel workbook ({exc})",
                                 "re-export it as XLSX or CSV") from exc
        return [ChallengeFile(name, sha, "xlsx", _dict_rows(table, name))]
    encoding = detect_encoding(data)
    table = _csv_table(data.decode(encoding, errors="replace"), name)
    return [ChallengeFile(name, sha, f"csv, {encoding}", _dict_rows(table, name))]


def _csv_table(text: str, name: str) -> list[list[str]]:
    """All rows; a malformed record (NUL byte, a field over the csv module's limit) names its first line."""
    reader = csv.reader(io.StringIO(text, newline=""))
    table, line = [], 1
    try:
        for cells in reader:
            table.append(cells)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputFileError(name, f"is not well-formed CSV at line {line}: {exc}",
                             "re-export it as CSV (UTF-8) from the spreadsheet it came from") from exc
    return table


def _dict_rows(table: list[list[str]], name: str) -> list[tuple[int, dict[str, str | None]]]:
    if not table:
        raise InputFileError(name, "is empty", "use the template data/reference/challenges_template.csv")
    header = [h.strip().lower() for h in table[0]]
    missing = [f for f in ("id", "title", "statement", "boroughs", "status") if f not in header]
    if missing:
        raise InputFileError(
            name,
            f"is missing the columns {', '.join(missing)} (found: {', '.join(header)})",
            "use the template data/reference/challenges_template.csv",
        )
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        rows.append((number, {f: _text(cells[header.index(f)]) if f in header and header.index(f) < len(cells)
                              else None for f in CHALLENGE_FIELDS}))
    return rows
