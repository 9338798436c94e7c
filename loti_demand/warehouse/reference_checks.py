"""Check the reference files a build reads before it reads any input, so that a value or key an officer mistyped
stops the build with one line per problem naming the file, row, column and the valid choices (the warehouse kept),
not with a model check's dump that names no file, or a correction applied to nothing."""

from __future__ import annotations

import re

from loti_demand.exceptions import ReferenceDataError
from loti_demand.reference import REGION_FILES, Reference
from loti_demand.reference_files import duplicates, refuse
from loti_demand.search import SYNONYMS_FILE, read_synonyms
from loti_demand.sources.spend_header import load_synonyms
from loti_demand.warehouse.enrich import load_corrections, load_overrides
from loti_demand.warehouse.order import REFERENCE_TABLES

# tech_rules.csv's rule types: those whose pattern is a prefix (of a CPV or ProClass code), and the others, whose
# pattern is a regular expression; a rule of CATEGORY_RULES names the category it finds.
PREFIX_RULES = frozenset({"cpv", "proclass"})
REGEX_RULES = frozenset(
    {
        "keyword",
        "supplier",
        "name_signal",
        "kind",
        "generic",
        "exclude",
        "exclude_buyer",
        "exclude_supplier",
        "exclude_supplier_unless_said",
    }
)
CATEGORY_RULES = frozenset({"cpv", "proclass", "keyword", "supplier", "name_signal", "kind"})


def check_reference(ref: Reference) -> None:
    """Refuse (ReferenceDataError) the first reference file with a problem: a header without its columns, a repeated
    category or borough, a rule or correction naming a category tech_categories.csv does not have, a pattern that
    is not a regular expression, a correction or override that cannot be applied; and the same reading of every
    other file the build reads (spend_columns.csv, search_synonyms.csv)."""
    rows = {}  # each file the build loads, read once here: encoding, delimiter, header, quotes
    for name in REFERENCE_TABLES:
        if not ref.path(name).is_file():
            if name not in REGION_FILES:
                raise ReferenceDataError(f"{ref.path(name)}: missing; the build needs it (see docs/classification.md)")
            ref.absent_columns(name)  # refuses a region's required file left out; an optional one may be
            continue
        rows[name] = ref.numbered(name)[1]
    load_synonyms(ref.folder)  # spend_columns.csv, which every spend file's header is read by
    read_synonyms(ref.folder / SYNONYMS_FILE)
    kinds = rows["tech_categories"]
    blank = [f"row {n}: no tech_category; fill it in or delete the row" for n, r in kinds if not r["tech_category"]]
    refuse(ref.path("tech_categories"), blank + duplicates(kinds, "tech_category", "category"))
    categories = [r["tech_category"].strip() for _, r in kinds]
    refuse(ref.path("boroughs"), duplicates(rows["boroughs"], "borough_code", "borough"))
    refuse(ref.path("tech_rules"), _rule_problems(rows["tech_rules"], categories))
    refuse(ref.path("tech_suppliers"), _supplier_problems(ref, categories))
    load_corrections(ref.folder, categories)
    load_overrides(ref.folder)


def _rule_problems(rules: list[tuple[int, dict[str, str]]], categories: list[str]) -> list[str]:
    problems = []
    for number, rule in rules:
        kind, category = rule["rule_type"].strip().lower(), rule["tech_category"].strip()
        if kind not in PREFIX_RULES | REGEX_RULES:
            choices = ", ".join(sorted(PREFIX_RULES | REGEX_RULES))
            problems.append(f"row {number}: rule_type {kind!r} is not one of {choices}")
            continue
        if (category or kind in CATEGORY_RULES) and (problem := _category_problem(category, categories)):
            problems.append(f"row {number}: {problem}")
        if kind in REGEX_RULES and (problem := _regex_problem(rule["pattern"].strip())):
            problems.append(f"row {number}: pattern {problem}")
        if (priority := (rule.get("priority") or "").strip()) and not re.fullmatch(r"-?\d+", priority):
            problems.append(f"row {number}: priority {priority!r} is not a whole number")
    return problems


def _supplier_problems(ref: Reference, categories: list[str]) -> list[str]:
    problems = []
    for number, row in ref.numbered("tech_suppliers")[1]:
        if problem := _category_problem(row["tech_category"].strip(), categories):
            problems.append(f"row {number}: {problem}")
        if problem := _regex_problem(row["match"].strip()):
            problems.append(f"row {number}: match {problem}")
    return problems


def _category_problem(category: str, categories: list[str]) -> str | None:
    if category in categories:
        return None
    return (
        f"tech_category {category!r} is not a category of tech_categories.csv; use one of {', '.join(categories)}"
        if category
        else "no tech_category; fill it in"
    )


def _regex_problem(pattern: str) -> str | None:
    if not pattern:
        return "is blank; fill it in"
    try:
        re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        return f"{pattern[:80]!r} is not a regular expression ({exc}); correct it"
    return None
