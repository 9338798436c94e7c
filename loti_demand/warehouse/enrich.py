"""Python steps of the build, run once per distinct value (not per line): supplier resolution, spend
classification, OCDS compilation and challenge validation. Each reads staging data and writes an int_* table."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa

from loti_demand.normalise.supplier_resolution import Override, Published, resolve
from loti_demand.normalise.taxonomy import Classifier
from loti_demand.reference import Reference

DEC = pa.decimal128(18, 2)


def replace_table(con: duckdb.DuckDBPyConnection, name: str, rows: Iterable[dict], schema: pa.Schema) -> None:
    """Create or replace table `name` from Python rows with an explicit Arrow schema."""
    table = pa.Table.from_pylist(list(rows), schema=schema)
    con.register("_rows", table)
    try:
        con.execute(f"create or replace table {name} as select * from _rows")
    finally:
        con.unregister("_rows")


SUPPLIER_SCHEMA = pa.schema([
    ("supplier_name", pa.string()), ("supplier_id", pa.string()), ("canonical_name", pa.string()),
    ("match_method", pa.string()), ("confidence", pa.float64()), ("reason", pa.string()),
    ("company_number", pa.string()), ("vat_number", pa.string()),
])


def resolve_suppliers(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    """Resolve each distinct published supplier name once (identifiers, normalised name, fuzzy, overrides).

    Redacted payees never reach this step: staging has already withheld their names.
    """
    rows = con.execute("""
        select
            supplier_name,
            count(*) as lines,
            any_value(borough_code) as borough_code,
            list(distinct supplier_ref) filter (where supplier_ref is not null) as refs,
            list(distinct vat_number) filter (where vat_number is not null) as vats,
            list(distinct company_number) filter (where company_number is not null) as companies
        from int_spend_lines
        where problem is null and supplier_name is not null
        group by supplier_name
    """).fetchall()
    published = [Published(name, lines, borough, tuple(refs or ()), tuple(vats or ()), tuple(companies or ()))
                 for name, lines, borough, refs, vats, companies in rows]
    matches = resolve(published, load_overrides(ref.folder))
    replace_table(con, "int_supplier_matches", (m.__dict__ for m in matches), SUPPLIER_SCHEMA)


def load_overrides(folder: Path) -> list[Override]:
    """data/reference/supplier_overrides.csv: supplier_name, canonical_name, note (absent file = none)."""
    path = folder / "supplier_overrides.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [Override(r["supplier_name"].strip(), r["canonical_name"].strip(), (r.get("note") or "").strip())
                for r in csv.DictReader(fh) if (r.get("supplier_name") or "").strip()
                and (r.get("canonical_name") or "").strip()]


TEXT_CLASS_SCHEMA = pa.schema([
    ("expenditure_category", pa.string()), ("purpose", pa.string()), ("proclass_code", pa.string()),
    ("proclass_label", pa.string()), ("tech_category", pa.string()), ("classification_reason", pa.string()),
    ("is_excluded", pa.bool_()),
])
SUPPLIER_CLASS_SCHEMA = pa.schema([
    ("supplier_name", pa.string()), ("tech_category", pa.string()), ("classification_reason", pa.string()),
])


def classify_spend(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    """Classify each distinct (category, purpose, ProClass) once, and each distinct supplier once.

    The spend mart takes the text's category; the supplier's only when the text says nothing and no
    exclusion rule matched it.
    """
    classifier = Classifier(ref.table("tech_rules"))
    texts = con.execute(
        "select distinct expenditure_category, purpose, proclass_code, proclass_label "
        "from int_spend_lines where problem is null"
    ).fetchall()
    rows = []
    for category, purpose, code, label in texts:
        tech, reason, excluded = classifier.classify_text(category, purpose, code, label)
        rows.append({"expenditure_category": category, "purpose": purpose, "proclass_code": code,
                     "proclass_label": label, "tech_category": tech, "classification_reason": reason,
                     "is_excluded": excluded})
    replace_table(con, "int_spend_classification", rows, TEXT_CLASS_SCHEMA)
    suppliers = con.execute(
        "select supplier_name, canonical_name from int_supplier_matches"
    ).fetchall()
    found = []
    for name, canonical in suppliers:
        tech, reason = classifier.classify_supplier(name, canonical)
        if tech:
            found.append({"supplier_name": name, "tech_category": tech, "classification_reason": reason})
    replace_table(con, "int_supplier_classification", found, SUPPLIER_CLASS_SCHEMA)


NOTICE_FIELDS = [
    ("ocid", pa.string()), ("release_id", pa.string()), ("release_date", pa.string()), ("tags", pa.string()),
    ("buyer_id", pa.string()), ("buyer_name", pa.string()), ("borough_code", pa.string()),
    ("is_london", pa.bool_()), ("stage", pa.string()), ("notice_type", pa.string()), ("title", pa.string()),
    ("description", pa.string()), ("cpv_code", pa.string()), ("tech_category", pa.string()),
    ("classification_reason", pa.string()), ("value_gbp", DEC), ("award_value_gbp", DEC),
    ("supplier_names", pa.string()), ("tender_start", pa.string()), ("tender_end", pa.string()),
    ("contract_start", pa.string()), ("contract_end", pa.string()), ("expected_market_date", pa.string()),
    ("is_sme_suitable", pa.bool_()), ("status", pa.string()), ("url", pa.string()),
]
NOTICE_SCHEMA = pa.schema([("file_id", pa.int32()), ("source_file", pa.string()), ("source_row", pa.int32()),
                           *NOTICE_FIELDS])
PROCUREMENT_SCHEMA = pa.schema([*NOTICE_FIELDS, ("release_count", pa.int32()), ("last_release_date", pa.string())])


OCDS_SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "ocds-release-schema-1.1.4.json"


@cache
def ocds_merge_rules() -> dict:
    """Merge rules from the OCDS 1.1.4 release schema shipped with the package (never fetched online)."""
    from ocdsmerge.rules import get_merge_rules

    return get_merge_rules(json.loads(OCDS_SCHEMA.read_text(encoding="utf-8")))


def compile_procurements(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    """Flatten every release into int_notices; merge each ocid's releases (ocdsmerge) into int_procurements."""
    from ocdsmerge import Merger

    from loti_demand.normalise.ocds import flatten

    classifier = Classifier(ref.table("tech_rules"))
    london_bodies = ref.london_body_index
    merger = Merger(merge_rules=ocds_merge_rules())
    notices, procurements = [], []
    current: list[dict] = []
    cursor = con.execute(
        "select file_id, source_file, source_row, ocid, release_json from raw_ocds_releases "
        "order by ocid, release_date, file_id, source_row"
    )

    def finish(group: list[dict]) -> None:
        if not group:
            return
        compiled = merger.create_compiled_release(group)
        row = flatten(compiled, ref.alias_index, classifier.classify_cpv, london_bodies)
        row.update(release_count=len(group), last_release_date=max(str(r.get("date") or "") for r in group))
        procurements.append(row)

    while batch := cursor.fetchmany(2000):
        for file_id, source_file, source_row, ocid, text in batch:
            release = json.loads(text)
            if current and current[0].get("ocid") != ocid:
                finish(current)
                current = []
            current.append(release)
            row = flatten(release, ref.alias_index, classifier.classify_cpv, london_bodies)
            notices.append({"file_id": file_id, "source_file": source_file, "source_row": source_row, **row})
    finish(current)
    replace_table(con, "int_notices", notices, NOTICE_SCHEMA)
    replace_table(con, "int_procurements", procurements, PROCUREMENT_SCHEMA)


CHALLENGE_SCHEMA = pa.schema([
    ("file_id", pa.int32()), ("source_file", pa.string()), ("source_row", pa.int32()),
    ("id", pa.string()), ("title", pa.string()), ("statement", pa.string()), ("theme", pa.string()),
    ("status", pa.string()), ("opens_on", pa.string()), ("closes_on", pa.string()), ("budget_gbp", pa.string()),
    ("url", pa.string()), ("contact", pa.string()), ("tech_category", pa.string()),
    ("tech_category_reason", pa.string()), ("outcome_ocid", pa.string()),
    ("problem", pa.string()), ("problem_column", pa.string()), ("problem_value", pa.string()),
])
CHALLENGE_BOROUGH_SCHEMA = pa.schema([("challenge_id", pa.string()), ("borough_code", pa.string())])


def validate_challenges(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    """Validate each challenge row; valid rows and their boroughs go on, invalid rows carry their problem."""
    from loti_demand.normalise.challenges import validate_challenge

    classifier = Classifier(ref.table("tech_rules"))
    cursor = con.execute("select * exclude (ingested_at) from raw_challenges order by file_id, source_row")
    columns = [d[0] for d in cursor.description]
    rows, boroughs, seen = [], [], set()
    for values in cursor.fetchall():
        raw = dict(zip(columns, values, strict=True))
        result = validate_challenge(raw, ref, classifier, seen_ids=seen)
        rows.append({k: raw.get(k) for k in ("file_id", "source_file", "source_row")} | result.row)
        if result.problem is None:
            seen.add(result.row["id"])
            boroughs.extend({"challenge_id": result.row["id"], "borough_code": c} for c in result.borough_codes)
    replace_table(con, "int_challenges", rows, CHALLENGE_SCHEMA)
    replace_table(con, "int_challenge_boroughs", boroughs, CHALLENGE_BOROUGH_SCHEMA)
