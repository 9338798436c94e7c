"""int_spend_classification: each distinct line description (with its ProClass code) classified once into a tech
category, or as an officer corrected it (classification_corrections.csv, by text); the spend mart combines it with
int_supplier_classification and int_line_corrections (spend.sql). Python, for the classifier
(normalise.taxonomy)."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pyarrow as pa

from loti_demand.normalise.taxonomy import Classifier
from loti_demand.reference import Reference
from loti_demand.warehouse.enrich import load_corrections
from loti_demand.warehouse.workers import create_by_rows

READS = ()  # it reads only through the SQL beside it
SCHEMA = pa.schema(
    [
        ("descriptions", pa.string()),
        ("proclass_code", pa.string()),
        ("proclass_label", pa.string()),
        ("tech_category", pa.string()),
        ("classification_reason", pa.string()),
        ("confidence", pa.string()),
        ("method", pa.string()),
        ("is_excluded", pa.bool_()),
        ("is_correction", pa.bool_()),
        ("is_silent", pa.bool_()),
        ("kind", pa.string()),
        ("kind_reason", pa.string()),
    ]
)


def create(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    create_by_rows(con, ref, __file__, create_rows, "int_spend_classification", SCHEMA)


def create_rows(found: Iterable[tuple], ref: Reference) -> list[dict]:
    """The table's rows for rows of the SQL beside (description, code, label), each classified on its own: the
    table is the union over any split of them (the Spark build classifies each partition in an executor)."""
    classifier = Classifier.from_reference(ref)
    corrections = load_corrections(ref.folder)
    rows = []
    for descriptions, code, label in found:
        row = {"descriptions": descriptions, "proclass_code": code, "proclass_label": label, "is_correction": False}
        d = classifier.classify_line(descriptions, code, label)
        row.update(is_silent=d.silent, kind=d.kind, kind_reason=d.kind_reason)
        fix = corrections.for_text(descriptions)
        if fix:
            row.update(
                tech_category=fix[0],
                classification_reason=fix[1],
                confidence="high",
                method="correction",
                is_excluded=False,
                is_correction=True,
            )
        else:
            row.update(
                tech_category=d.tech_category,
                classification_reason=d.reason,
                confidence=d.confidence,
                method=d.method,
                is_excluded=d.excluded,
            )
        rows.append(row)
    return rows
