"""The build step of the word search (loti_demand.search): every London procurement and challenge indexed by the
stems of its words, and the synonym list, both stored in the warehouse so a search reads no other file."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from loti_demand import search
from loti_demand.reference import Reference
from loti_demand.warehouse.db import create_from_arrow, step_sql

FIELD_SEPARATOR = " | "  # between the fields of search_documents.text
DOCUMENT_SCHEMA = pa.schema(
    [("kind", pa.string()), ("doc_id", pa.string()), ("text", pa.string()), ("stems", pa.string())]
)
SYNONYM_SCHEMA = pa.schema(
    [("group_id", pa.int32()), ("position", pa.int32()), ("term", pa.string()), ("pattern", pa.string())]
)


def index_search(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    """Create search_documents (kind, doc_id, text, stems) and search_synonyms (group_id, position, term,
    pattern) from the marts and data/reference/search_synonyms.csv."""
    documents = [
        {
            "kind": kind,
            "doc_id": doc_id,
            "text": FIELD_SEPARATOR.join(f for f in fields if f),
            "stems": search.index_text(*fields),
        }
        for kind, doc_id, fields in con.execute(step_sql("search_texts")).fetchall()
    ]
    create_from_arrow(con, "search_documents", pa.Table.from_pylist(documents, schema=DOCUMENT_SCHEMA))
    groups = search.read_synonyms(ref.folder / search.SYNONYMS_FILE)
    synonyms = [
        {"group_id": number, "position": position, "term": term, "pattern": search.pattern(search.stems(term))}
        for number, group in enumerate(groups, start=1)
        for position, term in enumerate(group, start=1)
    ]
    create_from_arrow(con, "search_synonyms", pa.Table.from_pylist(synonyms, schema=SYNONYM_SCHEMA))
