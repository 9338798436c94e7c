"""Validate one challenge statement row against the loti-demand challenge schema.

Each problem names the column and says what is expected, so a borough officer can fix the row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from loti_demand.normalise.money import parse_amount
from loti_demand.normalise.taxonomy import Classifier

STATUSES = ("open", "closed", "awarded")


@dataclass
class ChallengeResult:
    row: dict
    borough_codes: list[str] = field(default_factory=list)
    problem: str | None = None


def _iso_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def validate_challenge(raw: dict, ref, classifier: Classifier, seen_ids: set[str] | None = None) -> ChallengeResult:
    """Return the cleaned row, its borough codes and the first problem found (None when valid)."""
    problems: list[tuple[str, str, str | None]] = []
    cid = (raw.get("id") or "").strip()
    if not cid:
        problems.append(("id", "id is missing: give each challenge a unique id", None))
    elif seen_ids is not None and cid in seen_ids:
        problems.append(("id", f"id '{cid}' is used by an earlier row: ids must be unique", cid))
    if not (raw.get("title") or "").strip():
        problems.append(("title", "title is missing", None))
    if not (raw.get("statement") or "").strip():
        problems.append(("statement", "statement is missing: describe the problem to be solved", None))
    codes: list[str] = []
    names = [n.strip() for n in (raw.get("boroughs") or "").split(";") if n.strip()]
    if not names:
        problems.append(("boroughs", "boroughs is missing: name one or more boroughs separated by ';'", None))
    for name in names:
        code = ref.borough_code(name)
        if code is None:
            problems.append(("boroughs", f"unknown borough '{name}': use a borough name or GSS code", name))
        elif code not in codes:
            codes.append(code)
    status = (raw.get("status") or "").strip().lower()
    if status not in STATUSES:
        problems.append(("status", f"unknown status '{raw.get('status') or ''}': use open, closed or awarded",
                         raw.get("status")))
    opens, closes = _iso_date(raw.get("opens_on")), _iso_date(raw.get("closes_on"))
    for col, value, parsed in (("opens_on", raw.get("opens_on"), opens), ("closes_on", raw.get("closes_on"), closes)):
        if value and parsed is None:
            problems.append((col, f"bad date '{value}' in {col}: use YYYY-MM-DD", value))
    if opens and closes and closes < opens:
        problems.append(("closes_on", f"closes_on {closes} is before opens_on {opens}", raw.get("closes_on")))
    budget = raw.get("budget_gbp")
    if budget and parse_amount(budget) is None:
        problems.append(("budget_gbp", f"budget_gbp '{budget}' is not an amount in pounds", budget))
    category, reason = raw.get("tech_category"), "given by the publisher" if raw.get("tech_category") else None
    if not category:
        category, reason = classifier.classify_spend(raw.get("title"), raw.get("statement"))
    row = {
        "id": cid or None, "title": raw.get("title"), "statement": raw.get("statement"), "theme": raw.get("theme"),
        "status": status or None, "opens_on": opens.isoformat() if opens else None,
        "closes_on": closes.isoformat() if closes else None,
        "budget_gbp": str(parse_amount(budget)) if budget and parse_amount(budget) is not None else None,
        "url": raw.get("url"), "contact": raw.get("contact"), "tech_category": category,
        "tech_category_reason": reason, "outcome_ocid": raw.get("outcome_ocid"),
        "problem": None, "problem_column": None, "problem_value": None,
    }
    if problems:
        row["problem"] = "; ".join(p[1] for p in problems)
        row["problem_column"] = problems[0][0]
        row["problem_value"] = problems[0][2]
        return ChallengeResult(row, codes, row["problem"])
    return ChallengeResult(row, codes)
