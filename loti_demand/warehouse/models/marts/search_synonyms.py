"""search_synonyms: the word search's synonym groups from data/reference/search_synonyms.csv, each term with the
pattern of its stems, stored in the warehouse so a search reads no other file. Python, for the stemming; it reads
no table, so it has no SQL."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from loti_demand import search
from loti_demand.reference import Reference
from loti_demand.warehouse.db import create_from_arrow

READS = ()  # it reads no table
SCHEMA = pa.schema(
    [("group_id", pa.int32()), ("position", pa.int32()), ("term", pa.string()), ("pattern", pa.string())]
)


def create(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    groups = search.read_synonyms(ref.folder / search.SYNONYMS_FILE)
    synonyms = [
        {"group_id": number, "position": position, "term": term, "pattern": search.pattern(search.stems(term))}
        for number, group in enumerate(groups, start=1)
        for position, term in enumerate(group, start=1)
    ]
    create_from_arrow(con, "search_synonyms", pa.Table.from_pylist(synonyms, schema=SCHEMA))
