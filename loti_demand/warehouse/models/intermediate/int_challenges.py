"""int_challenges: every challenge row loaded, validated, with its problem or None and the GSS codes of the boroughs
it names (int_challenge_boroughs lists those of the rows that hold their ids). Python, for the validation rules
(normalise.challenges).

Ids: an id may appear once per file. When a later file (a re-publication) repeats an id for an overlapping
set of boroughs, the later row replaces the earlier one, which is then counted as a duplicate of its file;
when the boroughs do not overlap, two publishers have chosen the same id and the later row is rejected.
"""

from __future__ import annotations

from itertools import groupby

import duckdb
import pyarrow as pa

from loti_demand.normalise.challenges import (
    ChallengeRules,
    Problem,
    combined_message,
    issue_fields,
    location,
    validate_rows,
)
from loti_demand.reference import Reference
from loti_demand.sources.challenges import CHALLENGE_FIELDS
from loti_demand.warehouse.db import sql_beside
from loti_demand.warehouse.enrich import replace_table

READS = ()  # it reads only through the SQL beside it
_S = pa.string()
CHALLENGE_SCHEMA = pa.schema(
    [
        ("file_id", pa.int32()),
        ("source_file", _S),
        ("source_row", pa.int32()),
        *[(f, _S) for f in CHALLENGE_FIELDS[:-1]],
        ("tech_category_reason", _S),
        ("outcome_ocid", _S),
        ("problem", _S),
        ("problem_column", _S),
        ("problem_value", _S),
        ("superseded_by", _S),
        ("borough_codes", pa.list_(_S)),
    ]
)


def create(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    """Validate each challenge row, file by file; valid rows and their boroughs go on, invalid rows carry
    one combined problem message."""
    rules = ChallengeRules.from_reference(ref)
    cursor = con.execute(sql_beside(__file__))
    names = [d[0] for d in cursor.description]
    raw = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    rows: list[dict] = []
    current: dict[str, dict] = {}  # id -> the row that holds it now
    for file_id, group in groupby(raw, key=lambda r: r["file_id"]):
        records = list(group)
        source_file, fmt = records[0]["source_file"], records[0]["detected_format"]
        parsed = [(r["source_row"], {k: r[k] for k in (*CHALLENGE_FIELDS, "schema_problems")}) for r in records]
        for number, result in validate_rows(parsed, rules, fmt):
            out = {
                "file_id": file_id,
                "source_file": source_file,
                "source_row": number,
                **result.row,
                "superseded_by": None,
                "borough_codes": result.borough_codes,
                "_where": location(fmt, number),
            }
            where = out["_where"]
            if result.is_valid:
                _take_id(out, current, ref, where, result.problems)
            if result.problems:
                column, value = issue_fields(result.problems)
                out.update(problem=combined_message(where, result.problems), problem_column=column, problem_value=value)
            rows.append(out)
    replace_table(con, "int_challenges", rows, CHALLENGE_SCHEMA)


def _take_id(out: dict, current: dict[str, dict], ref: Reference, where: str, problems: list[Problem]) -> None:
    """Give the row its id, replacing an earlier file's row for the same boroughs, or record a clash."""
    earlier = current.get(out["id"])
    if earlier is not None and not set(earlier["borough_codes"]) & set(out["borough_codes"]):
        names = ", ".join(ref.borough_names[c] for c in earlier["borough_codes"])
        first = ref.borough_names[out["borough_codes"][0]].lower().replace(" ", "-")
        problems.append(
            Problem(
                "id",
                (
                    f"id '{out['id']}' is already used by {earlier['source_file']} {earlier['_where']} for {names} "
                    f"(ids must be unique London-wide: start yours with your borough, e.g. {first}-{out['id']})"
                ),
                out["id"],
            )
        )
        return
    if earlier is not None:
        earlier["superseded_by"] = f"{out['source_file']} {where}"
    current[out["id"]] = out
