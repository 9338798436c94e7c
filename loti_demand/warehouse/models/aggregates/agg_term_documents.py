"""agg_term_documents: how many London notices and challenge statements each watched technology term
(technology_terms.csv) is found in, per kind and date, searched as the Demand calendar's ?q= link searches it
(growth.term_searches, synonyms included). What is growing sums any two years of it (queries/term_growth.sql) rather
than search every document's stems on each visit. Python, for the search's parsing; one regular expression of all
the terms' patterns (growth.any_pattern) passes it only the documents holding one, which it searches for each term
(one scan of the stems, in SQL; the Spark build runs the Python in its driver)."""

from __future__ import annotations

from collections import Counter

import duckdb
import pyarrow as pa

from loti_demand import growth, search
from loti_demand.reference import Reference
from loti_demand.warehouse.db import create_from_arrow, sql_beside

READS = ()  # it reads only through the SQL beside it
SCHEMA = pa.schema(
    [
        ("term_order", pa.int32()),
        ("term", pa.string()),
        ("kind", pa.string()),
        ("dated", pa.date32()),
        ("documents", pa.int64()),
    ]
)


def create(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    terms = [row["term"] for row in ref.table("technology_terms")]
    synonyms = search.Synonyms.as_stored(search.read_synonyms(ref.folder / search.SYNONYMS_FILE))
    searches = list(enumerate(growth.term_searches(terms, synonyms), start=1))  # a blank term finds nothing: left out
    wanted = {"any_pattern": growth.any_pattern([s for _, s in searches])}
    documents = con.execute(sql_beside(__file__), wanted).fetchall() if searches else []
    found = Counter(
        (order, term, kind, dated)
        for kind, stems, dated in documents
        for order, (term, clauses) in searches
        if search.found_in(stems, clauses)
    )
    rows = [{"term_order": order, "term": term, "documents": 0} for order, (term, _) in searches]
    rows += [
        {"term_order": order, "term": term, "kind": kind, "dated": dated, "documents": n}
        for (order, term, kind, dated), n in sorted(found.items())
    ]
    create_from_arrow(con, "agg_term_documents", pa.Table.from_pylist(rows, schema=SCHEMA))
