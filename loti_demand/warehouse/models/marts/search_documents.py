"""search_documents: every London procurement and challenge indexed by the stems of its words (loti_demand.search),
stored in the warehouse so a search reads no other file. Python, for the stemming the search box uses too."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pyarrow as pa

from loti_demand import search
from loti_demand.warehouse.workers import create_by_rows

FIELD_SEPARATOR = " | "  # between the fields of search_documents.text
READS = ()  # it reads only through the SQL beside it
SCHEMA = pa.schema([("kind", pa.string()), ("doc_id", pa.string()), ("text", pa.string()), ("stems", pa.string())])


def create(con: duckdb.DuckDBPyConnection, ref: object = None) -> None:
    create_by_rows(con, ref, __file__, create_rows, "search_documents", SCHEMA)


def create_rows(found: Iterable[tuple], ref: object = None) -> list[dict]:
    """The table's rows for rows of the SQL beside (kind, doc_id, fields), each indexed on its own: the table is the
    union over any split of them (the Spark build indexes each partition in an executor)."""
    return [
        {
            "kind": kind,
            "doc_id": doc_id,
            "text": FIELD_SEPARATOR.join(f for f in fields if f),
            "stems": search.index_text(*fields),
        }
        for kind, doc_id, fields in found
    ]
