"""int_supplier_classification: each resolved supplier classified once, when it is evidence of a tech category: an
officer's correction (classification_corrections.csv, by supplier), the kept list of technology suppliers, the
technology contracts it has won in the warehouse's notices (CPV: the SQL beside this file), or a guarded name
signal, in that order. Python, for the classifier (normalise.taxonomy)."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from loti_demand.normalise.suppliers import supplier_key
from loti_demand.normalise.taxonomy import Classifier
from loti_demand.normalise.tech_decisions import award_evidence
from loti_demand.reference import Reference
from loti_demand.warehouse.db import sql_beside
from loti_demand.warehouse.enrich import load_corrections, replace_table

READS = ("int_supplier_matches",)  # the suppliers to classify, besides the SQL beside it
SCHEMA = pa.schema(
    [
        ("supplier_name", pa.string()),
        ("tech_category", pa.string()),
        ("classification_reason", pa.string()),
        ("method", pa.string()),
        ("is_correction", pa.bool_()),
        ("is_excluded", pa.bool_()),
        ("excluded_unless_said", pa.bool_()),
    ]
)


def create(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    classifier = Classifier.from_reference(ref)
    corrections = load_corrections(ref.folder)
    awards = award_evidence(con.execute(sql_beside(__file__)).fetchall())
    found = []
    for name, canonical in con.execute("select supplier_name, canonical_name from int_supplier_matches").fetchall():
        keys = supplier_key(name), supplier_key(canonical)
        fix = corrections.for_keys(*keys)
        if fix:
            found.append(
                {
                    "supplier_name": name,
                    "tech_category": fix[0],
                    "classification_reason": fix[1],
                    "method": "correction",
                    "is_correction": True,
                    "is_excluded": False,
                    "excluded_unless_said": False,
                }
            )
            continue
        d = classifier.classify_supplier(name, canonical)
        if d.method != "supplier list" and not d.excluded:
            d = awards.get(keys[0]) or awards.get(keys[1]) or d
        if d.tech_category or d.excluded:
            found.append(
                {
                    "supplier_name": name,
                    "tech_category": d.tech_category,
                    "classification_reason": d.reason,
                    "method": d.method,
                    "is_correction": False,
                    "is_excluded": d.excluded,
                    "excluded_unless_said": d.yields_to_words,
                }
            )
    replace_table(con, "int_supplier_classification", found, SCHEMA)
