"""The OCDS compilation (int_notices and int_procurements, made process by process by the model
models/intermediate/int_notices.py), and what the Python models share: replace_table, the supplier
overrides and the officer's classification corrections."""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from operator import itemgetter
from pathlib import Path

import duckdb
import pyarrow as pa

from loti_demand.normalise.line_columns import description_parts
from loti_demand.normalise.ocds_values import calendar_date
from loti_demand.normalise.supplier_resolution import Override
from loti_demand.normalise.suppliers import only_legal_form, supplier_key
from loti_demand.normalise.taxonomy import Classifier
from loti_demand.normalise.text import fold
from loti_demand.reference import Reference
from loti_demand.reference_files import numbered_rows, refuse
from loti_demand.warehouse.db import create_from_arrow

DEC = pa.decimal128(18, 2)


def replace_table(con: duckdb.DuckDBPyConnection, name: str, rows: Iterable[dict], schema: pa.Schema) -> None:
    """Create or replace table `name` from Python rows with an explicit Arrow schema."""
    create_from_arrow(con, name, pa.Table.from_pylist(list(rows), schema=schema))


def load_overrides(folder: Path) -> list[Override]:
    """data/reference/supplier_overrides.csv: supplier_name, canonical_name, note (absent file = none).

    A row that names one name and not the other, a name that is only a company suffix, or two rows whose names are one
    supplier (compared by supplier_key) made two different ones are refused, naming the rows."""
    path = folder / "supplier_overrides.csv"
    if not path.is_file():
        return []
    found, problems, seen = [], [], {}
    for number, row in numbered_rows(path, ("supplier_name", "canonical_name"), cp1252=True):
        name, canonical = (row["supplier_name"] or "").strip(), (row["canonical_name"] or "").strip()
        key, target = supplier_key(name), supplier_key(canonical)
        if not (key and target) or only_legal_form(name) or only_legal_form(canonical):
            column, value = (
                ("supplier_name", name) if not key or only_legal_form(name) else ("canonical_name", canonical)
            )
            problems.append(f"row {number}: {column} {value!r} names no supplier; fill it in or delete the row")
            continue
        if key in seen and seen[key][1] != target:
            earlier, other = seen[key][0], seen[key][2]
            problems.append(
                f"row {number} makes {name!r} {canonical!r}, but row {earlier} makes the same supplier {other!r}; "
                "delete one of the two rows"
            )
            continue
        seen[key] = (number, target, canonical)
        found.append(Override(name, canonical, (row.get("note") or "").strip()))
    refuse(path, problems)
    return found


@dataclass
class Corrections:
    """An officer's corrections from data/reference/classification_corrections.csv: by supplier (as published or
    canonical, compared by supplier_key: case, punctuation and Ltd/Limited ignored), by text (a description
    column's whole value) or by line (path:row). tech_category 'none' means not technology."""

    suppliers: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    texts: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    lines: list[dict] = field(default_factory=list)

    def for_supplier(self, *names: str | None) -> tuple[str | None, str] | None:
        return self.for_keys(*map(supplier_key, names))

    def for_keys(self, *keys: str | None) -> tuple[str | None, str] | None:
        """for_supplier, given the names' supplier_key."""
        return next((self.suppliers[k] for k in keys if k in self.suppliers), None)

    def for_text(self, descriptions: str | None) -> tuple[str | None, str] | None:
        if not self.texts:
            return None
        return next((self.texts[k] for _, v in description_parts(descriptions) if (k := fold(v)) in self.texts), None)


CORRECTION_KINDS = ("supplier", "text", "line")
NOT_TECHNOLOGY = "none"


def load_corrections(folder: Path, categories: Collection[str] | None = None) -> Corrections:
    """Read classification_corrections.csv (columns kind, match, tech_category, note); an absent file = none.

    Nothing in it is passed over: a row with an unknown kind, a blank kind, match or tech_category, a line match
    that is not path:row, a tech_category not in `categories` (when given) or 'none', or one correcting what an
    earlier row corrected to another category, is refused (ReferenceDataError naming the rows)."""
    path = folder / "classification_corrections.csv"
    found = Corrections()
    if not path.is_file():
        return found
    problems: list[str] = []
    seen: dict[tuple, tuple[int, str, str]] = {}
    for number, row in numbered_rows(path, ("kind", "match", "tech_category"), cp1252=True):
        kind, match = (row["kind"] or "").strip().lower(), (row["match"] or "").strip()
        category = (row["tech_category"] or "").strip()
        key = _correction_key(kind, match, category, categories)
        if isinstance(key, str):
            problems.append(f"row {number}: {key}")
            continue
        if key in seen and seen[key][1] != category:
            earlier, _, other = seen[key]
            problems.append(
                f"row {number} corrects {kind} {match!r} to {category}, but row {earlier} corrects the same {kind} "
                f"({other!r}) to {seen[key][1]}; delete one of the two rows"
            )
            continue
        seen[key] = (number, category, match)
        value = None if category == NOT_TECHNOLOGY else category
        note = (row.get("note") or "").strip()
        reason = (
            f"corrected by an officer ({path.name} line {number}): "
            f"{'not technology' if value is None else category}" + (f"; {note}" if note else "")
        )
        if kind == "supplier":
            found.suppliers[key[1]] = (value, reason)
        elif kind == "text":
            found.texts[key[1]] = (value, reason)
        else:
            where = {"source_file": key[1], "source_row": key[2], "correction_row": number}
            found.lines.append({**where, "tech_category": value, "classification_reason": reason})
    refuse(path, problems)
    return found


def _correction_key(kind: str, match: str, category: str, categories: Collection[str] | None) -> tuple | str:
    """What a correction corrects, (kind, key...), or the problem of its row."""
    if kind not in CORRECTION_KINDS:
        return (
            f"kind {kind!r} is not one of {', '.join(CORRECTION_KINDS)}; correct it" if kind else "no kind; fill it in"
        )
    if not match:
        return "no match (what to correct); fill it in or delete the row"
    if not category:
        return f"no tech_category; fill it in (a category of tech_categories.csv, or {NOT_TECHNOLOGY})"
    if categories is not None and category != NOT_TECHNOLOGY and category not in categories:
        return (
            f"tech_category {category!r} is not a category of tech_categories.csv; use one of "
            f"{', '.join(categories)}, or {NOT_TECHNOLOGY} (not technology)"
        )
    if kind == "supplier":
        key = supplier_key(match)
        return ("supplier", key) if key and not only_legal_form(match) else f"match {match!r} names no supplier"
    if kind == "text":
        return ("text", key) if (key := fold(match)) else f"match {match!r} holds no words to correct"
    source_file, _, source_row = match.rpartition(":")
    if not (source_file and re.fullmatch(r"[0-9]+", source_row.strip()) and int(source_row) > 0):
        return (
            f"match {match!r} is not a line as path:row (the file's path in the data folder, a colon, then its line "
            "number: spend/barnet/file.csv:17)"
        )
    return ("line", source_file, int(source_row))


_S, _B, _D, _TS = pa.string(), pa.bool_(), pa.date32(), pa.timestamp("us")
_BUYER_TO_URL = [
    ("buyer_id", _S),
    ("buyer_name", _S),
    ("borough_code", _S),
    ("publisher_code", _S),
    ("is_london", _B),
    ("buyer_match", _S),
    ("stage", _S),
    ("notice_type", _S),
    ("notice_type_reason", _S),
    ("title", _S),
    ("description", _S),
    ("cpv_code", _S),
    ("tech_category", _S),
    ("classification_reason", _S),
    ("value_gbp", DEC),
    ("award_value_gbp", DEC),
    ("contract_value_gbp", DEC),
    ("supplier_names", _S),
    ("tender_start", _D),
    ("tender_end", _D),
    ("contract_start", _D),
    ("contract_end", _D),
    ("expected_market_date", _D),
    ("is_sme_suitable", _B),
    ("status", _S),
    ("url", _S),
    ("value_problems", _S),
]
NOTICE_SCHEMA = pa.schema(
    [
        ("file_id", pa.int32()),
        ("source_file", _S),
        ("source_row", pa.int32()),
        ("load_status", _S),
        ("problem", _S),
        ("raw_excerpt", _S),  # loaded | duplicate | quarantined
        ("ocid", _S),
        ("release_id", _S),
        ("release_date", _TS),
        ("tags", _S),
        *_BUYER_TO_URL,
    ]
)
PROCUREMENT_SCHEMA = pa.schema(
    [
        ("ocid", _S),
        *_BUYER_TO_URL,
        ("release_count", pa.int32()),
        ("first_release_date", _TS),
        ("last_release_date", _TS),
        ("merge_problem", _S),
    ]
)


OCDS_SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "ocds-release-schema-1.1.4.json"


@cache
def ocds_merge_rules() -> dict:
    """Merge rules from the OCDS 1.1.4 release schema shipped with the package (never fetched online)."""
    from ocdsmerge.rules import get_merge_rules

    return get_merge_rules(json.loads(OCDS_SCHEMA.read_text(encoding="utf-8")))


def compile_release(releases: list[dict]) -> tuple[dict, str | None]:
    """Merge one process's releases (already in date order) with ocdsmerge into its compiled release.

    Returns (compiled, problem). ocdsmerge's warnings (e.g. two awards with one id) become the problem text; if
    it cannot merge at all, the latest release stands in for the compiled one and the problem says so."""
    from ocdsmerge import CompiledRelease
    from ocdsmerge.exceptions import OCDSMergeError

    merged = CompiledRelease(merge_rules=ocds_merge_rules())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            for release in releases:
                merged.append(release)
            compiled = merged.asdict()
        except (OCDSMergeError, TypeError, ValueError, AttributeError) as exc:
            return releases[-1], f"ocdsmerge could not merge the releases ({exc}); the latest release is shown"
    notes = sorted({str(w.message) for w in caught})
    return compiled, "; ".join(notes) or None


def compile_group(rows: Iterable[tuple], ref: Reference) -> dict[str, list[dict]]:
    """One process's releases (rows of models/intermediate/int_notices.sql with one ocid, in any order): each
    release's int_notices row (loaded, duplicate or quarantined), and the process's int_procurements row when a
    release was loaded: its loaded releases merged with ocdsmerge in publication order (`position`)."""
    flat = _flattener(ref)
    notices: list[dict] = []
    group: list[tuple[dict, dict]] = []
    for ocid, _, file_id, source_file, source_row, problem, is_duplicate, text, last_day in sorted(
        rows, key=itemgetter(1)
    ):
        where = {"file_id": file_id, "source_file": source_file, "source_row": source_row}
        if problem is not None:
            notices.append({**where, "load_status": "quarantined", "problem": problem, "raw_excerpt": text[:200]})
            continue
        release = json.loads(text, parse_float=Decimal)
        if problem := release_date_problem(release.get("date"), last_day):
            notices.append({**where, "load_status": "quarantined", "problem": problem, "raw_excerpt": text[:200]})
            continue
        if is_duplicate:
            notices.append({**where, "load_status": "duplicate", "ocid": ocid, "release_id": str(release.get("id"))})
            continue
        row = {**flat(release), "ocid": ocid}
        group.append((release, row))
        notices.append({**where, "load_status": "loaded", **row})
    return {"int_notices": notices, "int_procurements": [_procurement(group, flat)] if group else []}


_FLATTENER: list[tuple[Reference, Callable[[dict], dict]]] = []  # the last Reference's, so each group reuses it


def _flattener(ref: Reference) -> Callable[[dict], dict]:
    """normalise.ocds.flatten with `ref`'s lookups, classification and London-body lookups cached per distinct CPV
    code and buyer name: made once per Reference (a build's, or a Spark task's copy), not once per process."""
    if not _FLATTENER or _FLATTENER[0][0] is not ref:
        from loti_demand.normalise.ocds import flatten

        classify_cpv = lru_cache(maxsize=None)(Classifier(ref.table("tech_rules")).classify_cpv)
        london_body = lru_cache(maxsize=None)(ref.london_body_code)
        _FLATTENER[:] = [
            (ref, lambda release: flatten(release, ref.alias_index, classify_cpv, london_body, in_area=ref.in_area))
        ]
    return _FLATTENER[0][1]


def release_date_problem(value: object, last_day: dt.date) -> str | None:
    """Why a release cannot be loaded for its date: none that reads as one, or one outside 1990 to `last_day`. Such
    a release is quarantined, so it never moves the data-as-of date (build_info) or the pages' periods."""
    day = calendar_date(value)
    if day is None:
        return f"release date {str(value)[:40]!r} is not a date (expected e.g. 2025-04-23T09:00:00Z)"
    if not dt.date(1990, 1, 1) <= day <= last_day:
        return (
            f"release date {day.isoformat()} is outside the years accepted (1990 to {last_day.year}, ten years "
            "after the build): a typing error?"
        )
    return None


def _procurement(group: list[tuple[dict, dict]], flat: Callable[[dict], dict]) -> dict:
    """One process: the compiled release flattened, with what only the notice history knows (furthest stage,
    latest notice type and link, dates of the first and latest release)."""
    from loti_demand.normalise.notice_types import furthest

    compiled, problem = compile_release([release for release, _ in group])
    rows = [r for _, r in group]
    row = {**flat(compiled), "ocid": rows[0]["ocid"]}
    row["stage"] = furthest(r["stage"] for r in rows)
    typed = [r for r in rows if r["notice_type"]]
    if typed:
        row["notice_type"], row["notice_type_reason"] = typed[-1]["notice_type"], typed[-1]["notice_type_reason"]
    row["url"] = next((r["url"] for r in reversed(rows) if r["url"]), row["url"])
    dates = [r["release_date"] for r in rows if r["release_date"]]
    row.update(
        release_count=len(rows),
        first_release_date=min(dates, default=None),
        last_release_date=max(dates, default=None),
        merge_problem=problem,
    )
    return row
