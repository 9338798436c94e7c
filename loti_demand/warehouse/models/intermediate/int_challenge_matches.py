"""int_challenge_matches: procurements that may have followed each challenge (same borough, same tech category,
first notice published after the challenge opened, within WINDOW_MONTHS, and similar text), at most
MAX_SUGGESTIONS each, with the reason. Python, for the text similarity (normalise.challenge_matching)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from loti_demand.normalise import challenge_matching as matching
from loti_demand.reference import Reference
from loti_demand.warehouse.db import sql_beside
from loti_demand.warehouse.enrich import replace_table

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


def create(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    candidates = con.execute(sql_beside(__file__), {"window_months": matching.WINDOW_MONTHS}).fetchall()
    labels = {r["tech_category"]: r["label"] for r in ref.table("tech_categories")}
    scored: dict[str, list[dict]] = {}
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
        scored.setdefault(cid, []).append(
            {"challenge_id": cid, "ocid": ocid, "borough_code": code, "score": sim.score, "reason": reason}
        )
    rows = [
        m
        for found in scored.values()
        for m in sorted(found, key=lambda m: (-m["score"], m["ocid"]))[: matching.MAX_SUGGESTIONS]
    ]
    replace_table(con, "int_challenge_matches", rows, SCHEMA)
