"""Word search over notices and challenge statements (loti_demand.search), with the warehouse's synonyms: a
search box's text as patterns for the SQL, and the matched words marked in the answer."""

from __future__ import annotations

import duckdb
import pandas as pd

from loti_demand import search
from loti_demand.queries.core import query, run


@query()
def search_synonyms(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "search_synonyms")


def as_synonyms(synonyms: pd.DataFrame) -> search.Synonyms:
    """search_synonyms' rows (the warehouse's) as the search module's Synonyms."""
    groups: dict[int, list[tuple[str, tuple[str, ...]]]] = {}
    for group_id, term, pattern in zip(synonyms["group_id"], synonyms["term"], synonyms["pattern"], strict=True):
        groups.setdefault(group_id, []).append((term, tuple(pattern.split())))
    return search.Synonyms(tuple(tuple(groups[g]) for g in sorted(groups)))


def parse_search(synonyms: pd.DataFrame, q: str | None) -> search.SearchQuery:
    """A search box's text as a SearchQuery, with the synonyms of search_synonyms (the warehouse's)."""
    return search.parse(q, as_synonyms(synonyms))


def search_query(con: duckdb.DuckDBPyConnection, q: str | None) -> search.SearchQuery:
    return parse_search(search_synonyms(con), q)


def with_search_match(df: pd.DataFrame, found: search.SearchQuery) -> pd.DataFrame:
    """Replace search_text by search_match: an extract with the words found between « and » ('' with no search)."""
    marks = [search.mark(text, found) if found else "" for text in df.pop("search_text")]
    return df.assign(search_match=marks)  # text, as DuckDB would give it (no rows: objects)


def searched(con: duckdb.DuckDBPyConnection, df: pd.DataFrame, kind: str, key: str, q: str) -> pd.DataFrame:
    """The rows of df whose document (search_documents of `kind`, by df[key]) the word search q finds, with
    search_match; df as it is when q holds no words to search."""
    found = search_query(con, q)
    if not found:
        return df
    hits = run(con, "search_matches", kind=kind, clauses=found.patterns())
    text = dict(zip(hits["doc_id"], hits["search_text"], strict=True))
    kept = df[df[key].isin(text)].reset_index(drop=True)
    return with_search_match(kept.assign(search_text=kept[key].map(text)), found)
