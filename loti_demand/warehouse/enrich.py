"""Python steps of the build, run once per distinct value (not per line): supplier resolution, spend
classification, OCDS compilation and challenge validation. Each reads staging data and writes an int_* table."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa

from loti_demand.exceptions import InputFileError
from loti_demand.normalise.suppliers import is_redacted, supplier_key
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
    ("company_number", pa.string()), ("is_redacted", pa.bool_()),
])


def resolve_suppliers(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    """Give each distinct published supplier name a supplier_id by its normalised key."""
    names = con.execute(
        "select supplier_name, any_value(company_number) from stg_spend "
        "where problem is null and supplier_name is not null group by supplier_name"
    ).fetchall()
    rows = []
    for name, company in names:
        if is_redacted(name):
            rows.append({"supplier_name": name, "supplier_id": None, "canonical_name": None,
                         "match_method": "redacted", "confidence": 1.0,
                         "reason": "the council withheld this payee's name", "company_number": None,
                         "is_redacted": True})
            continue
        key = supplier_key(name)
        rows.append({"supplier_name": name, "supplier_id": key, "canonical_name": name,
                     "match_method": "normalised name", "confidence": 1.0,
                     "reason": f"name normalises to '{key}'", "company_number": company, "is_redacted": False})
    # The canonical name of a supplier is its most frequent published spelling.
    replace_table(con, "int_supplier_matches", rows, SUPPLIER_SCHEMA)
    con.execute("""
        create or replace table int_supplier_matches as
        with freq as (
            select supplier_name, count(*) as n from stg_spend where problem is null group by supplier_name
        ), best as (
            select m.supplier_id, arg_max(m.supplier_name, f.n) as canonical_name
            from int_supplier_matches m join freq f using (supplier_name)
            where m.supplier_id is not null group by m.supplier_id
        )
        select m.* exclude (canonical_name), b.canonical_name
        from int_supplier_matches m left join best b using (supplier_id)
    """)


CLASS_SCHEMA = pa.schema([
    ("expenditure_category", pa.string()), ("purpose", pa.string()), ("proclass_code", pa.string()),
    ("proclass_label", pa.string()), ("supplier_name", pa.string()), ("tech_category", pa.string()),
    ("classification_reason", pa.string()),
])


def classify_spend(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    """Classify each distinct (category, purpose, ProClass, supplier) combination once."""
    classifier = Classifier(ref.table("tech_rules"))
    combos = con.execute(
        "select distinct expenditure_category, purpose, proclass_code, proclass_label, supplier_name "
        "from stg_spend where problem is null"
    ).fetchall()
    rows = []
    for category, purpose, code, label, supplier in combos:
        supplier_for_rules = None if is_redacted(supplier) else supplier
        tech, reason = classifier.classify_spend(category, purpose, code, label, supplier_for_rules)
        rows.append({"expenditure_category": category, "purpose": purpose, "proclass_code": code,
                     "proclass_label": label, "supplier_name": supplier, "tech_category": tech,
                     "classification_reason": reason})
    replace_table(con, "int_spend_classification", rows, CLASS_SCHEMA)


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
        with _release_shape(*where):
            compiled = merger.create_compiled_release(group)
            row = _typed(flatten(compiled, ref.alias_index, classifier.classify_cpv, london_bodies))
        row.update(release_count=len(group), last_release_date=max(str(r.get("date") or "") for r in group))
        procurements.append(row)

    where = ("", 0)
    while batch := cursor.fetchmany(2000):
        for file_id, source_file, source_row, ocid, text in batch:
            release = json.loads(text)
            if current and current[0].get("ocid") != ocid:
                finish(current)
                current = []
            where = (source_file, source_row)
            current.append(release)
            with _release_shape(source_file, source_row):
                row = _typed(flatten(release, ref.alias_index, classifier.classify_cpv, london_bodies))
            notices.append({"file_id": file_id, "source_file": source_file, "source_row": source_row, **row})
    finish(current)
    replace_table(con, "int_notices", notices, NOTICE_SCHEMA)
    replace_table(con, "int_procurements", procurements, PROCUREMENT_SCHEMA)


_PY_TYPES = {pa.string(): str, pa.bool_(): bool, DEC: Decimal}
_NOTICE_TYPES = [(name, _PY_TYPES[kind]) for name, kind in NOTICE_FIELDS]


def _typed(row: dict) -> dict:
    """Raise TypeError when a flattened field is not of its column's type (an id published as a list...)."""
    for name, kind in _NOTICE_TYPES:
        value = row.get(name)
        if value is not None and not isinstance(value, kind):
            raise TypeError(f"{name} is a JSON {type(value).__name__}, not {kind.__name__}")
    return row


@contextlib.contextmanager
def _release_shape(source_file: str, source_row: int):
    """A release whose fields have the wrong JSON types (an object where OCDS has a list, ...) stops the build
    with a message naming its file and position, instead of a Python error."""
    try:
        yield
    except (TypeError, AttributeError, ValueError, KeyError, IndexError, RecursionError) as exc:
        raise InputFileError(
            source_file, f"release {source_row} does not have the shape of an OCDS release ({exc})",
            "check the file against the OCDS 1.1 release schema, or build with that file left out",
        ) from exc


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
