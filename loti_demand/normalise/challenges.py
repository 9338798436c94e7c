"""Validate challenge statements against the loti-demand challenge standard (data/reference/challenge.schema.json).

Pure functions: no I/O. Every problem names its column and says what to do, and all of a row's problems
are combined into one message that starts with where the row is ("line 4", "row 4", "challenge 4 in the
JSON array"), so a borough officer can fix the file in one pass.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from loti_demand.normalise.dates import EARLIEST, LATEST, parse_date
from loti_demand.normalise.money import has_misplaced_commas, parse_amount
from loti_demand.normalise.taxonomy import Classifier
from loti_demand.normalise.text import clean_text, quoted

STATUSES = ("open", "closed", "awarded")
OCID = re.compile(r"^ocds-[a-z0-9]{6}-\S+$")
URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ROW_SHAPE = ""  # the column of a problem with the row as a whole (not an object, too many cells)
HINT = "(hint)"  # the column of advice that is added only when the row has other problems


@dataclass(frozen=True)
class Problem:
    column: str
    message: str
    value: str | None = None


@dataclass
class ChallengeRules:
    """What a row is checked against: borough names, the taxonomy and the keyword classifier."""

    borough_code: Callable[[str], str | None]
    borough_names: Mapping[str, str]
    categories: Mapping[str, str]  # code -> label
    classifier: Classifier

    @classmethod
    def from_reference(cls, ref) -> ChallengeRules:
        categories = {r["tech_category"]: r["label"] for r in ref.table("tech_categories")}
        return cls(ref.borough_code, ref.borough_names, categories, Classifier(ref.table("tech_rules")))


@dataclass
class ChallengeResult:
    row: dict[str, str | None]
    borough_codes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems


def location(detected_format: str | None, number: int) -> str:
    """Where a row is, as the user sees it: CSV line, spreadsheet row, or position in the JSON array."""
    fmt = (detected_format or "").lower()
    if fmt.startswith("json"):
        return f"challenge {number} in the JSON array (index {number - 1})"
    if fmt.startswith("xlsx"):
        return f"row {number}"
    return f"line {number}"


def combined_message(where: str, problems: Iterable[Problem]) -> str:
    """One message per bad row: 'line 4: title is missing; status 'pending' is not ...'."""
    return f"{where}: " + "; ".join(p.message for p in problems)


def _date(column: str, value: str | None, problems: list[Problem]) -> dt.date | None:
    if not value:
        return None
    parsed = None
    if ISO_DATE.match(value):
        try:
            parsed = dt.date.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is not None and not EARLIEST <= parsed <= LATEST:
        problems.append(Problem(column, f"{column} {value} is not a plausible date (check the year)", value))
        return None
    if parsed is None:
        guess = parse_date(value)
        hint = f" (did you mean {guess.isoformat()}?)" if guess else ""
        problems.append(Problem(column, f"{column} {quoted(value)} is not a date written YYYY-MM-DD{hint}", value))
    return parsed


def _boroughs(value: str | None, rules: ChallengeRules, problems: list[Problem]) -> list[str]:
    names = [n.strip() for n in (value or "").split(";") if n.strip()]
    if not names:
        problems.append(Problem("boroughs", "boroughs is missing (name one or more boroughs, separated by ;)"))
        return []
    codes, unknown = [], []
    for name in names:
        code = rules.borough_code(name)
        if code is None:
            unknown.append(name)
        elif code not in codes:
            codes.append(code)
    if unknown:
        described = " and ".join(f"{quoted(n)}{_did_you_mean(n, rules.borough_names.values())}" for n in unknown)
        verb = "is not a London borough" if len(unknown) == 1 else "are not London boroughs"
        problems.append(
            Problem(
                "boroughs",
                f"boroughs: {described} {verb} (use borough names, aliases or GSS codes, separated by ;)",
                value,
            )
        )
    return codes


def _did_you_mean(text: str, choices: Iterable[str]) -> str:
    from rapidfuzz import fuzz, process

    best = process.extractOne(text, list(choices), scorer=fuzz.WRatio, score_cutoff=85)
    return f" (did you mean {best[0]}?)" if best else ""


def _category(raw: Mapping, rules: ChallengeRules, problems: list[Problem]) -> tuple[str | None, str]:
    given = raw.get("tech_category")
    if given:
        if given in rules.categories:
            return given, "given by the publisher"
        by_label = {label.lower(): code for code, label in rules.categories.items()}
        if given.lower() in by_label:
            hint = f"use the code {by_label[given.lower()]} for {quoted(given)}"
        else:
            hint = f"use one of {', '.join(rules.categories)}, or leave it empty to infer it"
        problems.append(
            Problem("tech_category", f"tech_category {quoted(given)} is not in the taxonomy ({hint})", given)
        )
        return None, ""
    category, reason = rules.classifier.classify_text(
        [("title", raw.get("title")), ("statement", raw.get("statement"))]
    )
    if category is None:
        return None, "not inferred: no technology keyword in the title or statement"
    return category, f"inferred: {reason}"


def _required_text(raw: Mapping, problems: list[Problem]) -> None:
    hints = {
        "id": " (give each challenge an id that is unique London-wide, such as camden-2025-01)",
        "title": "",
        "statement": " (describe the problem to be solved)",
    }
    for column, hint in hints.items():
        if not raw.get(column):
            problems.append(Problem(column, f"{column} is missing{hint}"))


def _status(raw: Mapping, problems: list[Problem]) -> str | None:
    value = raw.get("status")
    status = (value or "").lower()
    if not value:
        problems.append(Problem("status", "status is missing (use open, closed or awarded)"))
    elif status not in STATUSES:
        problems.append(Problem("status", f"status {quoted(value)} is not open, closed or awarded", value))
    return status or None


def _budget(value: str | None, problems: list[Problem]) -> Decimal | None:
    if not value:
        return None
    amount = None if has_misplaced_commas(value) else parse_amount(value)  # '50,00' is not £5,000
    if amount is None:
        problems.append(
            Problem(
                "budget_gbp",
                f"budget_gbp {quoted(value)} is not an amount in pounds "
                "(write a number such as 50000, or leave it empty)",
                value,
            )
        )
    elif amount < 0:
        problems.append(Problem("budget_gbp", f"budget_gbp {value} is negative", value))
        return None
    return amount


def _links(raw: Mapping, problems: list[Problem]) -> None:
    url, ocid = raw.get("url"), raw.get("outcome_ocid")
    if url and not URL.match(url):
        problems.append(Problem("url", f"url {quoted(url)} is not a web address starting https:// or http://", url))
    if ocid and not OCID.match(ocid):
        problems.append(
            Problem(
                "outcome_ocid",
                f"outcome_ocid {quoted(ocid)} is not an OCDS ocid (ocds-xxxxxx-..., "
                "as shown on Find a Tender or Contracts Finder)",
                ocid,
            )
        )


def _schema_problems(raw: Mapping) -> list[Problem]:
    text = raw.get("schema_problems")
    return [Problem(c, m) for c, m in json.loads(text)] if text else []


def validate_challenge(raw: Mapping[str, str | None], rules: ChallengeRules) -> ChallengeResult:
    """Check one row's values; return the cleaned row, its borough codes and every problem found.

    `raw` holds the standard's fields as text (None when empty) and, optionally, `schema_problems`: a JSON
    list of [column, message] the reader found (JSON Schema errors, a CSV line with too many cells). A
    problem with the row as a whole stops the field checks, which would only repeat it.
    """
    raw = {
        k: clean_text(v) if k not in ("statement", "schema_problems") else (v or "").strip() or None
        for k, v in raw.items()
    }
    shape = _schema_problems(raw)
    if any(p.column == ROW_SHAPE for p in shape):
        return ChallengeResult(_clean_row(raw), [], shape)
    problems: list[Problem] = []
    _required_text(raw, problems)
    codes = _boroughs(raw.get("boroughs"), rules, problems)
    status = _status(raw, problems)
    opens, closes = _date("opens_on", raw.get("opens_on"), problems), _date("closes_on", raw.get("closes_on"), problems)
    if opens and closes and closes < opens:
        problems.append(Problem("closes_on", f"closes_on {closes} is before opens_on {opens}", raw.get("closes_on")))
    budget = _budget(raw.get("budget_gbp"), problems)
    _links(raw, problems)
    category, reason = _category(raw, rules, problems)
    reported = {p.column for p in problems}
    problems += [p for p in shape if p.column not in reported and p.column != HINT]  # what the checks missed
    if problems:
        problems += [p for p in shape if p.column == HINT]
    row = _clean_row(raw, status=status, opens=opens, closes=closes, budget=budget, category=category, reason=reason)
    return ChallengeResult(row, codes, problems)


def _clean_row(
    raw: Mapping,
    *,
    status: str | None = None,
    opens: dt.date | None = None,
    closes: dt.date | None = None,
    budget: Decimal | None = None,
    category: str | None = None,
    reason: str = "",
) -> dict:
    return {
        "id": raw.get("id"),
        "title": raw.get("title"),
        "statement": raw.get("statement"),
        "boroughs": raw.get("boroughs"),
        "theme": raw.get("theme"),
        "status": status,
        "opens_on": opens.isoformat() if opens else None,
        "closes_on": closes.isoformat() if closes else None,
        "budget_gbp": str(budget) if budget is not None else None,
        "url": raw.get("url"),
        "contact": raw.get("contact"),
        "tech_category": category,
        "tech_category_reason": reason or None,
        "outcome_ocid": raw.get("outcome_ocid"),
    }


def validate_rows(
    rows: Iterable[tuple[int, Mapping[str, str | None]]], rules: ChallengeRules, detected_format: str | None
) -> list[tuple[int, ChallengeResult]]:
    """Validate one file's rows; an id already used earlier in the same file is a problem of the later row."""
    first_use: dict[str, int] = {}
    results = []
    for number, raw in rows:
        result = validate_challenge(raw, rules)
        cid = result.row["id"]
        if cid and cid in first_use:
            earlier = location(detected_format, first_use[cid])
            result.problems.append(
                Problem("id", f"id {quoted(cid)} is already used by {earlier} (ids must be unique)", cid)
            )
        elif cid:
            first_use[cid] = number
        results.append((number, result))
    return results


def issue_fields(problems: list[Problem]) -> tuple[str | None, str | None]:
    """load_issues column_name and raw_value for a row's problems: the columns named, and the value when one."""
    columns = list(dict.fromkeys(p.column for p in problems if p.column and p.column != HINT))
    values = [p.value for p in problems if p.value is not None]
    return (", ".join(columns) or None), (values[0] if len(values) == 1 else "; ".join(values) or None)


def to_standard(row: Mapping[str, str | None], borough_codes: list[str]) -> dict:
    """A validated row as a JSON object in the challenge standard (empty fields left out)."""
    item: dict[str, object] = {k: row.get(k) for k in ("id", "title", "statement")}
    item["boroughs"] = list(borough_codes)
    for key in ("theme", "status", "opens_on", "closes_on", "url", "contact", "outcome_ocid"):
        if row.get(key):
            item[key] = row[key]
    if row.get("budget_gbp"):
        budget = Decimal(str(row["budget_gbp"]))
        item["budget_gbp"] = int(budget) if budget == budget.to_integral_value() else float(budget)
    if row.get("tech_category") and row.get("tech_category_reason") == "given by the publisher":
        item["tech_category"] = row["tech_category"]
    return item
