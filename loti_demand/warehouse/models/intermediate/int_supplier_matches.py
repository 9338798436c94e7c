"""int_supplier_matches: each distinct published supplier name resolved once (identifiers, normalised name, fuzzy
matching, overrides) to a supplier_id and canonical name. Python, for the fuzzy matching
(normalise.supplier_resolution). Redacted payees never reach it: staging has already withheld their names.

The DuckDB build resolves all names at once (create). The Spark build splits them into sets that hold whole
suppliers: create_links, in tasks, gives each name's links (its key, its override group, its identifiers, its fuzzy
block); Spark finds the connected sets of names (spark.components); create_component resolves the sets in tasks, a
few groups of whole sets. A name is linked by resolve only to names it shares one of those links with, so a set, or
a group of sets, holds whole suppliers and resolve over it gives what it gives over all the names, but for the
identifiers too many names share (GENERIC_IDENTIFIER_KEYS), which only all the names can tell: Spark counts each
link's names, leaves out those links and passes them to create_component as `ignored`."""

from __future__ import annotations

from collections.abc import Collection, Iterable

import duckdb
import pyarrow as pa

from loti_demand.normalise.supplier_resolution import (
    GENERIC_IDENTIFIER_KEYS,
    Published,
    fuzzy_block,
    identifiers,
    override_links,
    resolve,
)
from loti_demand.normalise.suppliers import supplier_key
from loti_demand.reference import Reference
from loti_demand.warehouse.db import sql_beside
from loti_demand.warehouse.enrich import load_overrides, replace_table

READS = ()  # it reads only through the SQL beside it
SCHEMA = pa.schema(
    [
        ("supplier_name", pa.string()),
        ("supplier_id", pa.string()),
        ("canonical_name", pa.string()),
        ("match_method", pa.string()),
        ("confidence", pa.float64()),
        ("reason", pa.string()),
        ("company_number", pa.string()),
        ("vat_number", pa.string()),
    ]
)
# A name's links: node is the name's own ('k:' and its key), link what it shares with other names; a link that more
# than `limit` nodes share is no link (NULL: no limit).
LINKS = pa.schema([("supplier_name", pa.string()), ("node", pa.string()), ("link", pa.string()), ("limit", pa.int32())])


def create(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    replace_table(
        con, "int_supplier_matches", create_component(con.execute(sql_beside(__file__)).fetchall(), ref), SCHEMA
    )


def create_component(rows: Iterable[tuple], ref: Reference, ignored: Collection[str] | None = None) -> list[dict]:
    """The table's rows for rows of the SQL beside that hold whole suppliers (all of them, or a connected set of
    create_links' links), in any order: resolve over them in name order. `ignored`: the identifier links
    (create_links') shared by too many names, when counted over more names than these."""
    published = sorted(map(_published, rows), key=lambda record: record.name)
    skipped = None if ignored is None else {tuple(link[2:].split(":", 1)) for link in ignored}
    return [m.__dict__ for m in resolve(published, load_overrides(ref.folder), skipped)]


def create_links(rows: Iterable[tuple], ref: Reference) -> list[dict]:
    """Each name's links, for any subset of the SQL beside's rows: its own node; its override group's (the keys
    overrides join, named by the least), if an override names its key; and, unless an override pins it, each
    identifier it is published with ('i:<method>:<value>', ignored when more than GENERIC_IDENTIFIER_KEYS keys
    share it, as resolve ignores it) and its fuzzy block ('f:...'). Blank names have none (resolve leaves them out)."""
    groups, pinned = _override_groups(load_overrides(ref.folder))
    found = []
    for row in rows:
        name = row[0]
        if not (key := supplier_key(name)):
            continue
        node = f"k:{key}"
        links = {node: None}
        if key in groups:
            links[f"o:{groups[key]}"] = None
        if key not in pinned:
            links.update(
                (f"i:{method}:{value}", GENERIC_IDENTIFIER_KEYS) for method, value in identifiers(_published(row))
            )
            if (block := fuzzy_block(key)) is not None:
                links[f"f:{block[0]}|{' '.join(block[1])}"] = None
        found += [{"supplier_name": name, "node": node, "link": link, "limit": limit} for link, limit in links.items()]
    return found


def _published(row: tuple) -> Published:
    """A row of the SQL beside as resolve takes it, its identifiers in order (the SQL lists them in no order)."""
    name, lines, refs, vats, companies = row
    ordered_refs = tuple(sorted(map(tuple, refs or ()), key=str))
    return Published(name, lines, ordered_refs, tuple(sorted(vats or ())), tuple(sorted(companies or ())))


def _override_groups(overrides) -> tuple[dict[str, str], set[str]]:
    """({key: its group}, the pinned keys): the keys the overrides join, directly or through others, in groups
    named by their least key."""
    group: dict[str, str] = {}

    def find(key: str) -> str:
        while group.setdefault(key, key) != key:
            key = group[key]
        return key

    pinned = set()
    for key, target, _ in override_links(overrides):
        pinned.add(key)
        a, b = sorted((find(key), find(target)))
        group[b] = a
    return {key: find(key) for key in list(group)}, pinned
