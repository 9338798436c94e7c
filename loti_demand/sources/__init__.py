"""Readers: one per source kind, each turns a file into raw text rows plus provenance.

READERS maps a source kind to its reader function. Adding a new publication format means adding a
reader here, not an if-chain elsewhere.
"""

from __future__ import annotations

from loti_demand.sources.challenges import read_challenges
from loti_demand.sources.council_spend import read_spend
from loti_demand.sources.limits import guarded
from loti_demand.sources.ocds import read_ocds

READERS = {
    "spend": read_spend,
    "procurement": read_ocds,
    "challenges": read_challenges,
}
# Every reader first checks the input limits (sources/limits.py): no line too long to hold in memory.
READERS = {kind: guarded(kind, reader) for kind, reader in READERS.items()}
