"""Read challenge statements (CSV, JSON or XLSX in the loti-demand challenge standard) as raw text rows.

Row numbers are what the publisher sees: the CSV line a record starts on, the spreadsheet row, or the
1-based position in the JSON array. JSON items are checked against data/reference/challenge.schema.json
here, while their types are still known; the problems travel with the row as `schema_problems` and the
validator (normalise/challenges.py) words them together with its own.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import re
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from loti_demand import config
from loti_demand.exceptions import InputFileError
from loti_demand.normalise.challenges import HINT, ROW_SHAPE
from loti_demand.sources.detect import (
    control_problem,
    detect_encoding,
    looks_binary,
    refuse_binary_looking_text,
    refuse_nul,
)
from loti_demand.sources.limits import TIME_CHECK_EVERY, TOO_DEEP, TOO_DEEP_HINT, Budget
from loti_demand.sources.spreadsheets import xlsx_sheets

CHALLENGE_FIELDS = (
    "id",
    "title",
    "statement",
    "boroughs",
    "theme",
    "status",
    "opens_on",
    "closes_on",
    "budget_gbp",
    "url",
    "contact",
    "tech_category",
    "outcome_ocid",
)
REQUIRED_COLUMNS = CHALLENGE_FIELDS[:10]
EXTENSION_PREFIX = "x_"
SCHEMA_FILE = "challenge.schema.json"
TEMPLATE_HINT = "start from the template data/reference/challenges_template.csv"
Row = tuple[int, dict[str, str | None]]


@dataclass
class ChallengeFile:
    source_file: str
    sha256: str
    detected_format: str
    rows: list[Row] = field(default_factory=list)


def read_challenges(path: Path, *, name: str | None = None) -> list[ChallengeFile]:
    """Read one challenges file; raise InputFileError when the file as a whole cannot be used."""
    name = name or str(path)
    budget = Budget(name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(name, f"cannot be opened ({exc.strerror or exc})") from exc
    budget.check_size(len(data))
    sha = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix == ".json":
        budget.check_value(len(data), 1)  # parsed whole
        return [ChallengeFile(name, sha, "json", _json_rows(data, name))]
    if suffix == ".xlsx":
        sheet, rows = _xlsx_rows(data, name, budget)
        return [ChallengeFile(name, sha, f"xlsx, sheet '{sheet}'", rows)]
    if suffix not in (".csv", ".txt"):
        raise InputFileError(
            name,
            f"is a {suffix or 'file without an extension'}, not a CSV, JSON or XLSX file",
            f"save it as CSV UTF-8, JSON or XLSX; {TEMPLATE_HINT}",
        )
    if looks_binary(data[:4096]):
        refuse_binary_looking_text(data, data[:4096], name)
        raise InputFileError(name, "is not a text CSV file", f"save it as CSV UTF-8; {TEMPLATE_HINT}")
    encoding = detect_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:  # e.g. a UTF-16 byte-order mark on a file that is not UTF-16
        raise InputFileError(
            name, f"is not readable {encoding} text (byte {exc.start + 1})", f"save it as CSV UTF-8; {TEMPLATE_HINT}"
        ) from exc
    refuse_nul(text.encode("utf-8"), name)
    return [ChallengeFile(name, sha, f"csv, {encoding}", _csv_rows(text, name, budget))]


# --- CSV and XLSX: a header row naming the standard's columns ---------------------------------------------


def _column_key(heading: object) -> str:
    """'Opens on', 'opens-on ' and 'OPENS_ON' all name the column opens_on."""
    return re.sub(r"[\s\-]+", "_", str(heading or "").strip().lower())


def _header(cells: list[str], name: str, where: str) -> list[str]:
    header = [_column_key(c) for c in cells]
    missing = [f for f in REQUIRED_COLUMNS if f not in header]
    unknown = [h for h in header if h and h not in CHALLENGE_FIELDS and not h.startswith(EXTENSION_PREFIX)]
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    problems = []
    if missing:
        problems.append(f"is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    if unknown:
        guesses = [
            f"{u} (did you mean {m[0]}?)" if (m := difflib.get_close_matches(u, CHALLENGE_FIELDS, 1)) else u
            for u in unknown
        ]
        problems.append(f"has columns that are not in the challenge standard: {', '.join(guesses)}")
    if repeated:
        problems.append(f"repeats the column{'s' if len(repeated) > 1 else ''} {', '.join(repeated)}")
    if problems:
        raise InputFileError(
            name,
            f"{' and '.join(problems)} (header on {where})",
            f"the columns are {', '.join(CHALLENGE_FIELDS)} (the last three optional); keep your own extra "
            f"columns by starting their names with {EXTENSION_PREFIX}; {TEMPLATE_HINT}",
        )
    return header


def _record(header: list[str], cells: list[str], unit: str, number: int) -> dict[str, str | None]:
    row: dict[str, str | None] = dict.fromkeys(CHALLENGE_FIELDS)
    for heading, cell in zip(header, cells, strict=False):
        if heading in row:
            row[heading] = cell.strip() or None
    unlabelled = [c for h, c in zip(header, cells, strict=False) if not h and c.strip()]
    too_many = (
        f"{unit} {number} has {len(cells)} cells but the header has {len(header)} columns "
        "(put text that contains commas in double quotes)"
    )
    if any(c.strip() for c in cells[len(header) :]):
        row["schema_problems"] = json.dumps([[ROW_SHAPE, too_many]])
    elif unlabelled:
        row["schema_problems"] = json.dumps(
            [[ROW_SHAPE, f"{unit} {number} has a value ('{unlabelled[0]}') in a column with no heading"]]
        )
    elif control := control_problem(cells, header):
        row["schema_problems"] = json.dumps([[ROW_SHAPE, f"{unit} {number} has a {control}"]])
    elif len(cells) > len(header):
        # Empty trailing cells are harmless (spreadsheets add them), but if the row has other problems a
        # shifted column is the likely cause, so the hint goes with them.
        row["schema_problems"] = json.dumps([[HINT, too_many]])
    return row


def _csv_rows(text: str, name: str, budget: Budget) -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[Row] = []
    start = 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1  # a quoted statement may span several lines
            budget.check_columns(len(cells), f"line {line}")
            if len(rows) % TIME_CHECK_EVERY == 0:
                budget.check_time(f"line {line}")
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = _header(cells, name, f"line {line}")
                continue
            rows.append((line, _record(header, cells, "line", line)))
    except csv.Error as exc:
        # `start` is where the failing record begins (reader.line_num is wherever the parser gave up).
        raise InputFileError(name, f"is not a readable CSV file near line {start} ({exc})", TEMPLATE_HINT) from exc
    if header is None:
        raise InputFileError(name, "is empty", TEMPLATE_HINT)
    return rows


def _xlsx_rows(data: bytes, name: str, budget: Budget) -> tuple[str, list[Row]]:
    problems: dict[int, str] = {}  # rows with a formula that has no saved value
    with warnings.catch_warnings():  # openpyxl warns about Excel features it ignores (data validation...)
        warnings.simplefilter("ignore")
        sheets = list(xlsx_sheets(data, name, budget))
        if not sheets:
            raise InputFileError(name, "is an XLSX workbook with no sheets", TEMPLATE_HINT)
        # A workbook may hold notes or lists on other sheets: use the one called "challenges", else the first.
        title, open_rows = next((s for s in sheets if s[0].strip().lower() == "challenges"), sheets[0])
        header: list[str] | None = None
        rows: list[Row] = []
        for number, cells in open_rows(problems):
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = _header(cells, name, f"row {number} of sheet '{title}'")
                continue
            row = _record(header, cells, "row", number)
            if number in problems:
                row["schema_problems"] = json.dumps([[ROW_SHAPE, problems[number]]])
            rows.append((number, row))
    if header is None:
        raise InputFileError(name, f"has nothing on sheet '{title}'", TEMPLATE_HINT)
    return title, rows


# --- JSON: {"challenges": [...]} or a bare array, each item checked against the JSON Schema ---------------


@cache
def _schema(folder: str) -> dict:
    return json.loads((Path(folder) / SCHEMA_FILE).read_text(encoding="utf-8"))


def item_validator():
    """A jsonschema validator for one challenge object (the schema's $defs/challenge)."""
    from jsonschema import Draft202012Validator

    schema = _schema(str(config.path("reference")))
    return Draft202012Validator(
        {"$ref": "#/$defs/challenge", "$defs": schema["$defs"]}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _json_rows(data: bytes, name: str) -> list[Row]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputFileError(name, "is not UTF-8 text", "save the JSON as UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise InputFileError(
            name,
            f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            "check the file with a JSON validator",
        ) from exc
    except RecursionError as exc:
        raise InputFileError(name, TOO_DEEP, TOO_DEEP_HINT) from exc
    except ValueError as exc:  # an integer of more digits than Python converts (4,300)
        raise InputFileError(
            name, "holds a number with thousands of digits, more than any real value has", "correct it in the file"
        ) from exc
    items = doc.get("challenges") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise InputFileError(
            name,
            "has no list of challenges",
            'expected {"challenges": [...]} or a JSON array; see data/reference/challenge.schema.json',
        )
    validator = item_validator()
    rows: list[Row] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            kind = _JSON_TYPES.get(_json_type(item), "something else")
            problem = [[ROW_SHAPE, f"this item is {kind}, not an object with the challenge fields"]]
            rows.append((number, dict.fromkeys(CHALLENGE_FIELDS) | {"schema_problems": json.dumps(problem)}))
            continue
        row: dict[str, str | None] = {f: _json_text(item.get(f)) for f in CHALLENGE_FIELDS}
        problems = [_schema_problem(e) for e in validator.iter_errors(item)]
        if problems:
            row["schema_problems"] = json.dumps(sorted(set(problems)))
        rows.append((number, row))
    return rows


def _json_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        value = ";".join(str(v) for v in value if v is not None)
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, (dict, bool)):
        value = json.dumps(value)
    text = str(value).strip()
    return text or None


_JSON_TYPES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "array": "a list",
    "object": "an object",
    "null": "empty (null)",
    "boolean": "true or false",
}


def _json_type(value: object) -> str:
    kinds = {str: "string", bool: "boolean", int: "integer", float: "number", list: "array", dict: "object"}
    return "null" if value is None else kinds.get(type(value), "object")


def _schema_problem(error) -> tuple[str, str]:
    """A jsonschema error as (column, plain-English message)."""
    column = str(error.absolute_path[0]) if error.absolute_path else ""
    if error.validator == "additionalProperties":
        extra = [k for k in error.instance if k not in CHALLENGE_FIELDS and not k.startswith(EXTENSION_PREFIX)]
        words = [
            f"{k} (did you mean {m[0]}?)" if (m := difflib.get_close_matches(k, CHALLENGE_FIELDS, 1)) else k
            for k in extra
        ]
        return ", ".join(extra), (
            f"{', '.join(words)} {'is not a field' if len(extra) == 1 else 'are not fields'}"
            f" of the challenge standard (start your own fields with {EXTENSION_PREFIX})"
        )
    if error.validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        column = missing[0] if missing else column
        return column, f"{column} is missing"
    if error.validator == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value if v is not None)
        return column, f"{column} '{error.instance}' should be one of {allowed}"
    if error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return column, f"{column} should be {' or '.join(_JSON_TYPES.get(t, t) for t in wanted)}"
    return column, f"{column}: {error.message}"
