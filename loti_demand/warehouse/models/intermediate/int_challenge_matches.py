"""int_challenge_matches: procurements that may have followed each challenge (same borough, same tech category,
first notice published after the challenge opened, within WINDOW_MONTHS, and similar text), at most
MAX_SUGGESTIONS each, with the reason. Python, for the text similarity (normalise.challenge_matching)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from loti_demand.normalise import challenge_matching as matching
from loti_demand.reference import Reference
from loti_demand.warehouse.workers import create_by_group

READS = ()  # it reads only through the SQL beside it
SCHEMA = pa.schema(
    [
        ("challenge_id", pa.string()),
        ("ocid", pa.string()),
        ("borough_code", pa.string()),
        ("score", pa.int32()),
        ("reason", pa.string()),
    ]
)


GROUP_BY = "challenge_id"
SCHEMAS = {"int_challenge_matches": SCHEMA}
PARAMS = {"window_months": matching.WINDOW_MONTHS}


def create(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    create_by_group(con, ref, __file__, GROUP_BY, create_group, SCHEMAS, PARAMS)


def create_group(candidates: list[tuple], ref: Reference) -> dict[str, list[dict]]:
    """One challenge's suggestions from its candidates (rows of the SQL beside with one challenge_id, in any order):
    the MAX_SUGGESTIONS most similar, by score then ocid. The DuckDB build calls it for every challenge; the Spark
    build in its tasks (groupBy(challenge_id).applyInArrow)."""
    labels = {r["tech_category"]: r["label"] for r in ref.table("tech_categories")}
    found = []
    for cid, title, statement, opens, category, code, ocid, p_title, description, published in candidates:
        sim = matching.similarity(title, statement, p_title, description)
        if not matching.is_suggestion(sim):
            continue
        reason = matching.match_reason(
            ref.borough_names[code],
            labels.get(category, category),
            sim,
            matching.months_after(opens, published or dt.date.max),
        )
        found.append({"challenge_id": cid, "ocid": ocid, "borough_code": code, "score": sim.score, "reason": reason})
    found.sort(key=lambda m: (-m["score"], m["ocid"]))
    return {"int_challenge_matches": found[: matching.MAX_SUGGESTIONS]}
